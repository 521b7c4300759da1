"""Which gold labels apply to the loaded corpus, and the finding that says so.

A gold file (``seeds/stance_labels.csv``, or a user's own) labels sentences of particular
articles. On another corpus its rows name articles that are not there, or reuse their ids for
other text; scores computed against them would be about nothing. Only the rows of articles
whose every labelled sentence is found in the corpus's article of that id are kept (the rule
of :func:`align_gold`).
"""

from __future__ import annotations

import pandas as pd

from newsdesk.corpus.describe import corpus_sentences
from newsdesk.findings import Finding, number_words
from newsdesk.stance.metrics import align_gold

__all__ = [
    "NO_GOLD_TEXT",
    "gold_findings",
    "matching_gold",
]

NO_GOLD_TEXT = "No gold labels match this corpus; sentence-level scores on it cannot be computed."


def matching_gold(gold: pd.DataFrame | None, corpus: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``gold`` (:func:`load_stance_gold`) that apply to ``corpus``: those of
    articles whose ``doc_id`` is in the corpus and whose every labelled sentence is found in
    that article (white space collapsed). File order kept; empty (same columns) when none."""
    if gold is None:
        return pd.DataFrame(columns=["doc_id", "sentence", "label", "speaker", "note"])
    if gold.empty or corpus.empty:
        return gold.iloc[:0]
    ids = set(corpus["doc_id"].astype(str))
    candidates = gold[gold["doc_id"].astype(str).isin(ids)]
    if candidates.empty:
        return gold.iloc[:0]
    articles = corpus[corpus["doc_id"].astype(str).isin(set(candidates["doc_id"].astype(str)))]
    aligned = align_gold(corpus_sentences(articles), candidates)
    complete = set(aligned.loc[aligned["gold_doc"], "doc_id"].astype(str))
    return gold[gold["doc_id"].astype(str).isin(complete)]


def gold_findings(matched: pd.DataFrame | None, n_in_file: int) -> list[Finding]:
    """One finding: how many gold-labelled sentences and articles apply to this corpus, out of
    the ``n_in_file`` rows of the gold file, or :data:`NO_GOLD_TEXT` when none does."""
    if matched is None or matched.empty:
        extra = (f" The gold file's {number_words(n_in_file, 'labelled sentence')} belong to other articles."
                 if n_in_file else "")
        return [Finding(NO_GOLD_TEXT + extra)]
    per_article = matched.groupby("doc_id").size().rename("sentences").reset_index()
    text = (f"Gold labels: {number_words(len(matched), 'sentence')} in "
            f"{number_words(len(per_article), 'article')} of this corpus match the gold file "
            f"({n_in_file} rows); sentence-level scores are computed on these only.")
    return [Finding(text, per_article)]
