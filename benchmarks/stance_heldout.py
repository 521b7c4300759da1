"""Score the stance method once on the held-out written split and, leave one article out, on the
seeds; print the tables as Markdown for benchmarks/stance_results.md.

The held-out split (labels/stance_test.csv) is read here and in notebook 03 only, after every
setting was fixed by cross-validation on the training files (stance_model_selection.py).

Run: python benchmarks/stance_heldout.py   (a few minutes on two cores)
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import helpers  # noqa: E402

METRICS = ["F_avg", "macro_F1", "accuracy"]


def main() -> None:
    test = helpers.load_written_stance("test")
    scores, predictions = helpers.heldout_comparison(test)
    print("## Held-out written split\n")
    print(scores[scores["metric"].isin(METRICS)].to_markdown(index=False), "\n")
    print(helpers.kind_scores(predictions, predictions["learned"]).to_markdown(index=False), "\n")
    off = predictions[predictions["kind"] == "off_target"]
    print(f"off-target sentences labelled none: {int((off['learned'] == 'none').sum())} of {len(off)}\n")
    print(helpers.written_target_scores(predictions).to_markdown(index=False), "\n")
    corpus = helpers.load_corpus(ROOT / "seeds")
    gold = helpers.load_stance_gold(ROOT / "seeds" / "stance_labels.csv")
    details = helpers.stance_details(corpus)
    evaluation = helpers.evaluate_stance(details, gold, corpus, labels_beside_rules=True,
                                         shipped_saw_labels=True)
    seeds = evaluation["scores"]
    print("## Seeds, leave one article out\n")
    print(seeds[seeds["metric"].isin(METRICS)].to_markdown(index=False), "\n")
    print(evaluation["target"].to_markdown(index=False), "\n")
    extra = details["target_rule"].eq("model").sum()
    aligned = evaluation["aligned"]
    false_targets = int((aligned["mentions_target"] & ~aligned["gold_target"]).sum())
    print(f"seed sentences marked as targets: {int(details['mentions_target'].sum())} "
          f"({int(extra)} by the model alone); gold targets: {int(aligned['gold_target'].sum())}; "
          f"marked but not gold: {false_targets}\n")
    nested = helpers.loao_scores(helpers.loao_learned(corpus, gold, target_min=None))
    print("Leave one article out, the model-target threshold chosen on the other articles:\n")
    print(nested[nested["metric"].isin(METRICS)].to_markdown(index=False), "\n")
    articles = helpers.article_stance(corpus, details)
    print(pd.DataFrame(articles).to_markdown(index=False))


if __name__ == "__main__":
    main()
