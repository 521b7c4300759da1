"""A corpus table with the columns the terms functions read, for hand-checkable tests."""

import pandas as pd


def make_corpus(texts, dates=None, origins=None):
    """One article per text: ``doc_id`` d0, d1, …, unknown outlet, the given origins and dates."""
    n = len(texts)
    return pd.DataFrame({
        "doc_id": [f"d{i}" for i in range(n)],
        "outlet": ["unknown"] * n,
        "origin": origins or ["unknown"] * n,
        "published": pd.to_datetime(pd.Series(dates or [None] * n, dtype=object)),
        "text": texts,
    })
