"""Time the stance pipeline on the seeds and on a corpus of the seeds repeated.

Run from the project root: ``.venv/bin/python benchmarks/stance_benchmark.py``.
Results are recorded by hand in ``benchmarks/stance_results.md``.
"""

import time

import pandas as pd

import helpers


def timed(label: str, func, *args) -> None:
    start = time.perf_counter()
    func(*args)
    print(f"{label}: {time.perf_counter() - start:.2f} s")


def main() -> None:
    seeds = helpers.load_corpus("seeds")
    plain = pd.DataFrame({"doc_id": seeds["doc_id"].tolist(), "text": seeds["text"].tolist()})
    big = pd.concat([plain.assign(doc_id=plain["doc_id"] + f"-{i}") for i in range(20)],
                    ignore_index=True)
    details = helpers.stance_details(seeds)
    gold = helpers.load_stance_gold("seeds/stance_labels.csv")
    timed("stance_sentences, 5 seed articles (118 sentences)", helpers.stance_sentences, seeds)
    timed(f"stance_sentences, 100 articles ({20 * len(details)} sentences)", helpers.stance_sentences, big)
    timed("evaluate_stance on the seeds (2,000 bootstrap resamples, 4 methods)",
          helpers.evaluate_stance, details, gold)


if __name__ == "__main__":
    main()
