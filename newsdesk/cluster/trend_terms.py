"""The terms the trend chart follows, chosen on a Dask cluster as :func:`trend_terms` chooses
them: the candidates ranked by :func:`rank_trend_terms` from per-term totals summed on the
workers; then, a block of the best candidates at a time, each one's per-article counts compared
on the workers with those of the terms already chosen, so a term counted exactly as often as a
chosen one in every article is skipped. The same pass counts the candidates per period. Only the
block of candidate terms, which of them are equal, and the chosen terms' per-period counts come
back to the client.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from newsdesk.cluster.gather import gather_small
from newsdesk.corpus.describe import UNDATED
from newsdesk.terms.model import term_ngrams
from newsdesk.terms.settings import TREND_TERM_MIN_DOCS, TREND_TERMS_N
from newsdesk.terms.trends import rank_trend_terms

__all__ = [
    "TREND_COUNT_COLUMNS",
    "article_periods",
    "cluster_trend_terms",
    "ranked_candidates",
]

TREND_COUNT_COLUMNS = ["period", "term", "count", "with_term"]
_FAN_IN = 8  # partial results merged eight at a time: a tree of depth log8(partitions)


def article_periods(published: pd.Series, freq: str) -> pd.Series:
    """Each article's period label (``str`` of its pandas period), ``UNDATED`` without a date."""
    stamps = pd.to_datetime(published)
    labels = pd.Series(UNDATED, index=published.index, dtype=object)
    dated = stamps.notna()
    if dated.any():
        labels[dated] = stamps[dated].dt.to_period(freq).astype(str)
    return labels


def ranked_candidates(term_totals: pd.DataFrame, period_totals: pd.DataFrame, model: dict,
                      min_docs: int = TREND_TERM_MIN_DOCS) -> pd.DataFrame:
    """:func:`rank_trend_terms` of the corpus from the summed totals of the trend pass.

    ``term_totals`` is indexed by term column with ``count, n_docs`` (its occurrences and
    articles); ``period_totals`` by period with ``n_docs, n_tokens`` (its articles and unigram
    tokens). ``model`` is :func:`term_model_table`'s.
    """
    cols = term_totals.index.to_numpy(dtype=np.int64)
    return rank_trend_terms(model["vocab"][cols].to_numpy(dtype=object), term_totals["count"].to_numpy(),
                            term_totals["n_docs"].to_numpy(), model["idf"][cols],
                            int(period_totals["n_tokens"].sum()), int(period_totals["n_docs"].sum()),
                            min_docs)


def _block(ranked: pd.DataFrame, start: int, stop: int) -> pd.DataFrame:
    """Candidates ``start`` to ``stop`` (exclusive) of the ranking: ``term``."""
    return ranked.iloc[start:stop][["term"]].reset_index(drop=True)


def _same_columns(values: np.ndarray) -> np.ndarray:
    """``same[i, j]``: columns ``i`` and ``j`` of ``values`` (articles × terms) are equal."""
    if values.shape[0] == 0:
        return np.ones((values.shape[1], values.shape[1]), dtype=bool)
    _, labels = np.unique(values.T, axis=0, return_inverse=True)
    labels = np.asarray(labels).ravel()
    return labels[:, None] == labels[None, :]


def _candidates_part(part: pd.DataFrame, terms: list[str], freq: str) -> tuple[pd.DataFrame, np.ndarray]:
    """``(per period, same)`` of one partition: occurrences of each of the ``k`` terms (columns
    ``0 … k-1``) and articles holding it (columns ``k … 2k-1``) per period label, and which
    terms have equal counts in every article of the partition (``k × k``)."""
    texts = part["text"].fillna("").astype(str)
    values = np.zeros((len(part), len(terms)), dtype=np.int64)
    for row, text in enumerate(texts):
        counted = Counter(term_ngrams(text))
        values[row] = [counted.get(t, 0) for t in terms]
    periods = article_periods(part["published"], freq).to_numpy(dtype=object)
    wide = pd.DataFrame(np.hstack([values, (values > 0).astype(np.int64)]), index=periods)
    return wide.groupby(level=0, sort=True).sum(), _same_columns(values)


def _combine(*parts: tuple[pd.DataFrame, np.ndarray]) -> tuple[pd.DataFrame, np.ndarray]:
    """Partial results of :func:`_candidates_part` merged: counts summed, equality where all agree."""
    per_period = pd.concat([p[0] for p in parts]).groupby(level=0, sort=True).sum()
    return per_period, np.logical_and.reduce([p[1] for p in parts])


def _tree(items: list):
    """``items`` (delayed partial results) merged by :func:`_combine`, ``_FAN_IN`` at a time."""
    import dask

    while len(items) > 1:
        items = [dask.delayed(_combine)(*items[i:i + _FAN_IN]) for i in range(0, len(items), _FAN_IN)]
    return items[0]


def _equal_pairs(combined: tuple[pd.DataFrame, np.ndarray]) -> pd.DataFrame:
    """Pairs ``first < second`` of block positions whose per-article counts are equal."""
    first, second = np.nonzero(np.triu(combined[1], k=1))
    return pd.DataFrame({"first": first.astype(np.int64), "second": second.astype(np.int64)})


def _chosen_counts(combined: tuple[pd.DataFrame, np.ndarray], picked: list[int],
                   terms: list[str]) -> pd.DataFrame:
    """``TREND_COUNT_COLUMNS`` of the block positions ``picked``, per period label."""
    per_period = combined[0]
    labels = per_period.index.astype(str).to_numpy(dtype=object)
    frames = [pd.DataFrame({"period": labels, "term": terms[j], "count": per_period[j].to_numpy(),
                            "with_term": per_period[len(terms) + j].to_numpy()}, columns=TREND_COUNT_COLUMNS)
              for j in picked]
    if not frames:
        return _no_counts()
    return pd.concat(frames, ignore_index=True).astype({"count": "int64", "with_term": "int64"})


def _no_counts() -> pd.DataFrame:
    return pd.DataFrame({"period": pd.Series(dtype=object), "term": pd.Series(dtype=object),
                         "count": pd.Series(dtype="int64"), "with_term": pd.Series(dtype="int64")})


def cluster_trend_terms(corpus, term_totals, period_totals, model, client, ledger: list, freq: str,
                        n_terms: int = TREND_TERMS_N) -> tuple[list[str], pd.DataFrame]:
    """:func:`trend_terms` of the corpus with every count made on the workers:
    ``(terms, counts)``, ``counts`` holding ``TREND_COUNT_COLUMNS`` of the chosen terms per
    period label (periods without them left out).

    ``term_totals`` and ``period_totals`` are the persisted, summed tables
    :func:`ranked_candidates` reads; ``model`` is
    :func:`term_model_table`'s (persisted); ``freq`` a pandas period alias. Candidates are
    compared in blocks of ``max(10 * n_terms, 50)``, as :func:`trend_terms` reads them; each
    block is one pass over the articles, and the first block nearly always suffices.
    """
    import dask

    ranked = client.persist(dask.delayed(ranked_candidates)(term_totals, period_totals, model))
    step = max(10 * n_terms, 50)
    chosen: list[str] = []
    counts = _no_counts()
    start = 0
    while len(chosen) < n_terms:
        block = gather_small(dask.delayed(_block)(ranked, start, start + step), "trend term candidates",
                             ledger)["term"].astype(str).tolist()
        if not block:
            break
        terms = chosen + block
        combined = client.persist(_tree([dask.delayed(_candidates_part)(p, terms, freq)
                                         for p in corpus.to_delayed()]))
        pairs = gather_small(dask.delayed(_equal_pairs)(combined), "equal per-article counts", ledger)
        same = set(zip(pairs["first"].tolist(), pairs["second"].tolist(), strict=True))
        picked = list(range(len(chosen)))
        for j in range(len(chosen), len(terms)):
            if len(picked) < n_terms and not any((i, j) in same for i in picked):
                picked.append(j)
        chosen = [terms[j] for j in picked]
        counts = gather_small(dask.delayed(_chosen_counts)(combined, picked, terms), "trend term counts",
                              ledger)
        del combined
        start += step
        if len(block) < step:
            break
    return chosen, counts
