"""Corpus-wide descriptions the analyses share: sentences, labels, date order and span.
"""

from __future__ import annotations

import pandas as pd

from newsdesk.text import split_sentences

__all__ = [
    "UNDATED",
    "corpus_sentences",
    "corpus_span",
    "date_order",
    "doc_labels",
]


def corpus_sentences(corpus: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence: ``doc_id, sent_id`` (0-based within the article), ``sentence``."""
    rows = [
        {"doc_id": doc_id, "sent_id": i, "sentence": sentence}
        for doc_id, text in zip(corpus["doc_id"], corpus["text"], strict=True)
        for i, sentence in enumerate(split_sentences(text))
    ]
    return pd.DataFrame(rows, columns=["doc_id", "sent_id", "sentence"])


UNDATED = "undated"  # the period label of articles without a date; they are never dropped


def date_order(corpus: pd.DataFrame) -> list[str]:
    """``doc_id`` s by publication date (ties by ``doc_id``), undated articles last."""
    table = corpus[["doc_id", "published"]].copy()
    table["undated"] = table["published"].isna()
    table = table.sort_values(["undated", "published", "doc_id"], kind="stable")
    return table["doc_id"].astype(str).tolist()


def doc_labels(corpus: pd.DataFrame) -> pd.Series:
    """A short label per article, indexed by ``doc_id``: ``"000 · Bloomberg · 2025-01-28"``.

    The outlet is used when known, otherwise the origin (wire or paper credited); when neither
    is known the label is the id and date alone (``"1001 · 2025-03-03"``): the loading
    findings say once which articles have an unknown outlet, so no figure repeats it.
    Articles without a date say ``undated``.
    """
    def known(column: str) -> pd.Series:
        if column not in corpus:
            return pd.Series("", index=corpus.index)
        values = corpus[column].fillna("").astype(str)
        return values.where(~values.str.strip().str.lower().isin(["", "unknown", "nan"]), "")

    source = known("outlet").where(known("outlet") != "", known("origin"))
    date = corpus["published"].dt.strftime("%Y-%m-%d").fillna(UNDATED)
    labels = [" · ".join(part for part in (str(doc), src, day) if part)
              for doc, src, day in zip(corpus["doc_id"], source, date, strict=True)]
    return pd.Series(labels, index=corpus["doc_id"].astype(str).to_numpy(), name="label")


def corpus_span(corpus: pd.DataFrame) -> pd.DataFrame:
    """How much time the corpus covers: one row ``n_docs, n_dated, n_undated, first, last, days``.

    ``first``/``last`` are ISO dates (empty when nothing is dated); ``days`` is the span
    from first to last dated article, inclusive (0 when nothing is dated).
    """
    dates = corpus["published"].dropna()
    first = dates.min().strftime("%Y-%m-%d") if len(dates) else ""
    last = dates.max().strftime("%Y-%m-%d") if len(dates) else ""
    days = (dates.max() - dates.min()).days + 1 if len(dates) else 0
    return pd.DataFrame([{"n_docs": len(corpus), "n_dated": len(dates),
                          "n_undated": int(corpus["published"].isna().sum()),
                          "first": first, "last": last, "days": days}])
