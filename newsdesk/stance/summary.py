"""The stance notebook's findings, computed from its tables so they hold for any corpus."""

from __future__ import annotations

import pandas as pd

from newsdesk.findings import Finding, number_words, quoted
from newsdesk.stance.gold import NO_GOLD_TEXT

__all__ = ["stance_findings", "stance_overview_findings"]


def _score(table: pd.DataFrame, method: str | None = None, metric: str = "F_avg") -> str:
    rows = table if method is None else table[table["method"] == method]
    row = rows[rows["metric"] == metric].iloc[0]
    return f"{row['value']:.3f} (95 % CI {row['ci_low']:.3f}–{row['ci_high']:.3f})"


def _coverage(details: pd.DataFrame) -> Finding:
    target = details[details["mentions_target"].astype(bool)]
    n_docs = details["doc_id"].nunique()
    by_model = int(target["target_rule"].eq("model").sum())
    text = (f"{number_words(len(target), 'sentence')} of {len(details)} refer to the export controls, "
            f"in {number_words(target['doc_id'].nunique(), 'article')} of {n_docs}; "
            f"{by_model} of them were found by the learned model where no rule fired.")
    return Finding(text, target.groupby("target_rule").size().rename("sentences").reset_index())


def _heldout(scores: pd.DataFrame, kinds: pd.DataFrame) -> list[Finding]:
    if scores.empty:
        return [Finding("No finding on held-out text: the written test split was not scored.")]
    n = int(kinds["sentences"].sum())
    text = (f"On the held-out written split ({n} sentences), the method scores F_avg "
            f"{_score(scores, 'learned')}; the SemEval SVM baseline scores {_score(scores, 'svm-ngrams')} "
            f"and the rules alone {_score(scores, 'rules')}.")
    out = [Finding(text, scores, "Written sentences, not real coverage: a check on generalisation, "
                                 "not a measure of accuracy on any outlet.")]
    stanced = kinds.dropna(subset=["F_avg"])
    if len(stanced):
        weakest = stanced.sort_values(["F_avg", "kind"]).iloc[0]
        out.append(Finding(f"The weakest kind of sentence is `{weakest['kind']}` "
                           f"(F_avg {weakest['F_avg']:.3f} on {weakest['sentences']} sentences).", kinds))
    return out


def _labelled(loao: pd.DataFrame, n_docs: int, upper_bound: bool) -> Finding:
    if loao.empty or not n_docs:
        return Finding(NO_GOLD_TEXT)
    text = (f"On the {number_words(n_docs, 'labelled article')}, trained without the article it "
            f"labels (leave one article out), the method scores F_avg {_score(loao)}; "
            f"the interval resamples whole articles.")
    caveat = ("An upper bound: the target rules were written beside these articles, and the "
              "codebook the training sentences follow quotes them." if upper_bound
              else "")
    return Finding(text, loao, caveat)


def _sides(articles: pd.DataFrame) -> Finding:
    if articles.empty:
        return Finding("No finding on articles: the corpus has none.")
    parts = []
    for side in ("favor", "against", "none"):
        ids = articles.loc[articles["stance"] == side, "doc_id"].astype(str).tolist()
        parts.append(f"{side}: {number_words(len(ids), 'article')}"
                     + (f" ({', '.join(quoted(i) for i in ids[:8])}{', …' if len(ids) > 8 else ''})"
                        if ids else ""))
    return Finding("Article stance — " + "; ".join(parts) + ".",
                   articles[["doc_id", "stance", "basis"]],
                   "An article argues when its author takes a side or every quoted voice is on one side; "
                   "reporting, or quoting both sides, is none.")


def _voices(speakers: pd.DataFrame) -> Finding:
    named = speakers[~speakers["speaker_type"].isin(["author", "unknown"])]
    lines = []
    for side, column in (("favor", "n_favor"), ("against", "n_against")):
        top = named[named[column] > 0].sort_values([column, "speaker"], ascending=[False, True]).head(5)
        lines.append(f"{side}: " + (", ".join(f"{quoted(str(s))} ({n})" for s, n in
                                               zip(top["speaker"], top[column], strict=True))
                                    if len(top) else "none"))
    return Finding("Quoted voices with the most stance sentences — " + "; ".join(lines) + ".",
                   named.drop(columns=["evidence"], errors="ignore"))


def stance_findings(details: pd.DataFrame | None, articles: pd.DataFrame, speakers: pd.DataFrame,
                    heldout_scores: pd.DataFrame, heldout_kinds: pd.DataFrame,
                    loao_scores: pd.DataFrame, n_labelled: int, *,
                    labels_beside_rules: bool) -> list[Finding]:
    """The findings notebook 03 shows, in order: coverage, held-out quality, labelled articles,
    article sides and quoted voices. Each says "no finding" when its data are missing;
    ``details`` ``None`` (sentences not at hand, so no gold label can be matched either) leaves
    out the coverage and labelled-article findings."""
    if details is None:
        return [*_heldout(heldout_scores, heldout_kinds), *stance_overview_findings(articles, speakers)]
    if details.empty or not details["mentions_target"].astype(bool).any():
        return [Finding("No finding: no sentence of this corpus refers to the export controls.")]
    return [_coverage(details), *_heldout(heldout_scores, heldout_kinds),
            _labelled(loao_scores, n_labelled, labels_beside_rules), _sides(articles), _voices(speakers)]


def stance_overview_findings(articles: pd.DataFrame, speakers: pd.DataFrame) -> list[Finding]:
    """The stance findings the summary notebook shows: article sides and quoted voices."""
    if articles.empty or not articles["n_target"].astype(int).any():
        return [Finding("No finding: no sentence of this corpus refers to the export controls.")]
    return [_sides(articles), _voices(speakers)]
