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


def _known(values: pd.Series) -> pd.Series:
    """Text values with ``unknown`` and blanks as missing."""
    text = values.astype("string").str.strip()
    return text.where(text.notna() & (text != "") & (text.str.lower() != "unknown"))


def doc_labels(corpus: pd.DataFrame) -> pd.Series:
    """A short label per article, indexed by ``doc_id``: outlet and date, ``"Reuters · 2025-01-28"``.

    The outlet (Media Cloud ``media_name``, a page's ``og:site_name``, ``metadata.csv``) names
    the article. The ``doc_id`` leads the label only where it is needed: when the outlet is
    unknown (``"000 · Bloomberg · 2025-01-28"`` then names the origin the article credits, and
    ``"003 · 2025-01-30"`` neither), or when two articles share outlet and date. Articles
    without a date say ``undated``; the word ``unknown`` is never shown.
    """
    ids = corpus["doc_id"].astype(str)
    outlet = _known(corpus["outlet"]) if "outlet" in corpus else pd.Series(pd.NA, index=corpus.index)
    origin = _known(corpus["origin"]) if "origin" in corpus else pd.Series(pd.NA, index=corpus.index)
    date = pd.to_datetime(corpus["published"]).dt.strftime("%Y-%m-%d").fillna(UNDATED)
    source = outlet.fillna(origin)
    base = (source.fillna("") + " · " + date).str.removeprefix(" · ")
    needs_id = outlet.isna() | base.duplicated(keep=False)
    labels = base.where(~needs_id, ids + " · " + base).astype(str)
    return pd.Series(labels.to_numpy(), index=ids.to_numpy(), name="label")


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
