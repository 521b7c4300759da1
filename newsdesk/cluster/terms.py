"""The term model on a Dask cluster: the vocabulary and document frequencies from a distributed
count (tree reduction), idf broadcast to the workers, each article's top terms and the trend
counts computed where the articles are; only the vocabulary and period totals come back.

The analyzer is :func:`term_ngrams` and the weights are scikit-learn's sublinear tf × smoothed
idf, L2-normalised per article, so the tables equal :func:`top_terms` and :func:`term_trends`.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from newsdesk.cluster.gather import broadcast, gather_small
from newsdesk.corpus.describe import UNDATED
from newsdesk.terms.model import term_ngrams
from newsdesk.terms.settings import PERIOD_ALIASES, TOP_TERMS_N, TREND_TERMS_N

__all__ = [
    "TOP_TERM_COLUMNS",
    "TREND_COLUMNS",
    "cluster_term_trends",
    "cluster_top_terms",
    "cluster_vocabulary",
]

TOP_TERM_COLUMNS = ["doc_id", "rank", "term", "tfidf", "doc_freq"]
TREND_COLUMNS = ["period", "term", "share", "n_docs", "n_docs_with_term", "count", "n_tokens"]
_REDUCE_FAN_IN = 8  # partial results merged eight at a time: a tree of depth log8(partitions)


def _doc_freq_part(part: pd.DataFrame) -> pd.DataFrame:
    """Articles per term in one partition: ``term, doc_freq``."""
    counted: Counter = Counter()
    for text in part["text"].fillna("").astype(str):
        counted.update(set(term_ngrams(text)))
    return pd.DataFrame({"term": list(counted), "doc_freq": np.fromiter(counted.values(), dtype=np.int64,
                                                                       count=len(counted))})


def cluster_vocabulary(corpus, ledger: list) -> tuple[pd.DataFrame, int]:
    """The model's vocabulary from a distributed count: ``(table, n_docs)``.

    ``table`` has ``term, doc_freq, idf`` in alphabetical term order (scikit-learn's column
    order); ``idf = ln((1 + n) / (1 + doc_freq)) + 1``. ``corpus`` is the cleaned Dask corpus.
    """
    meta = pd.DataFrame({"term": pd.Series(dtype="string"), "doc_freq": pd.Series(dtype="int64")})
    counts = corpus.map_partitions(_doc_freq_part, meta=meta)
    df = gather_small(counts.groupby("term")["doc_freq"].sum(split_every=_REDUCE_FAN_IN),
                      "document frequencies",
                      ledger)
    n_docs = int(gather_small(corpus["doc_id"].count(), "article count", ledger))
    terms = np.array(sorted(df.index), dtype=object)
    freq = df.reindex(terms).to_numpy(dtype=np.int64)
    idf = np.log((n_docs + 1) / (freq.astype(np.float64) + 1)) + 1
    return pd.DataFrame({"term": terms, "doc_freq": freq, "idf": idf}), n_docs


def _weights(text: str, vocab: pd.Index, idf: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(columns, counts, weights)`` of one article: its terms' columns, raw counts and
    L2-normalised sublinear-tf × idf weights (as ``TfidfTransformer(sublinear_tf=True)``)."""
    counted = Counter(term_ngrams(text))
    cols = vocab.get_indexer(list(counted))
    counts = np.fromiter(counted.values(), dtype=np.int64, count=len(counted))
    order = np.argsort(cols, kind="stable")
    cols, counts = cols[order], counts[order]
    weights = (np.log(counts.astype(np.float64)) + 1) * idf[cols]
    norm = np.sqrt(np.sum(weights * weights))
    return cols, counts, weights / norm if norm > 0 else weights


def _top_terms_part(part: pd.DataFrame, model: dict, n: int) -> pd.DataFrame:
    """Each article's ``n`` top terms; ties go to the alphabetically first term."""
    vocab, idf, freq = model["vocab"], model["idf"], model["doc_freq"]
    rows: list[tuple] = []
    for doc_id, text in zip(part["doc_id"], part["text"].fillna("").astype(str), strict=True):
        cols, _, weights = _weights(text, vocab, idf)
        keep = weights > 0
        cols, weights = cols[keep], weights[keep]
        order = np.lexsort((cols, -weights))[:n]
        rows.extend((doc_id, rank, vocab[cols[i]], float(weights[i]), int(freq[cols[i]]))
                    for rank, i in enumerate(order, 1))
    return pd.DataFrame(rows, columns=TOP_TERM_COLUMNS).astype({"rank": "int64", "tfidf": "float64",
                                                                "doc_freq": "int64"})


def _period_labels(published: pd.Series, freq: str) -> pd.Series:
    stamps = pd.to_datetime(published)
    labels = pd.Series(UNDATED, index=published.index, dtype=object)
    dated = stamps.notna()
    if dated.any():
        labels[dated] = stamps[dated].dt.to_period(freq).astype(str)
    return labels


def _totals_part(part: pd.DataFrame, model: dict, freq: str) -> pd.DataFrame:
    """Per partition: summed weights of every term (one row per term column used) and the
    articles and unigram tokens of each period (rows with ``column = -1``)."""
    vocab, idf, unigram = model["vocab"], model["idf"], model["unigram"]
    periods = _period_labels(part["published"], freq).tolist()
    sums = np.zeros(len(vocab))
    by_period: dict[str, list[int]] = {}
    for period, text in zip(periods, part["text"].fillna("").astype(str), strict=True):
        cols, counts, weights = _weights(text, vocab, idf)
        np.add.at(sums, cols, weights)
        slot = by_period.setdefault(period, [0, 0])
        slot[0] += 1
        slot[1] += int(counts[unigram[cols]].sum())
    used = np.nonzero(sums)[0]
    terms = pd.DataFrame({"column": used, "period": "", "weight": sums[used], "n_docs": 0, "n_tokens": 0})
    totals = pd.DataFrame([{"column": -1, "period": p, "weight": 0.0, "n_docs": v[0], "n_tokens": v[1]}
                           for p, v in sorted(by_period.items())], columns=terms.columns)
    return pd.concat([terms, totals], ignore_index=True).astype({"column": "int64", "weight": "float64",
                                                                  "n_docs": "int64", "n_tokens": "int64"})


def _trend_counts_part(part: pd.DataFrame, terms: list[str], freq: str) -> pd.DataFrame:
    """Occurrences of ``terms`` and articles holding them, per period, in one partition."""
    periods = _period_labels(part["published"], freq).tolist()
    rows = []
    for period, text in zip(periods, part["text"].fillna("").astype(str), strict=True):
        counted = Counter(term_ngrams(text))
        rows.extend({"period": period, "term": t, "count": counted[t], "with_term": 1}
                    for t in terms if counted.get(t))
    return pd.DataFrame(rows, columns=["period", "term", "count", "with_term"]).astype(
        {"count": "int64", "with_term": "int64"})


def _model_dict(vocabulary: pd.DataFrame) -> dict:
    terms = vocabulary["term"].to_numpy(dtype=object)
    return {"vocab": pd.Index(terms), "idf": vocabulary["idf"].to_numpy(),
            "doc_freq": vocabulary["doc_freq"].to_numpy(), "unigram": np.array([" " not in t for t in terms])}


def cluster_top_terms(corpus, vocabulary: pd.DataFrame, client, n: int = TOP_TERMS_N):
    """Each article's ``n`` top terms, computed on the workers: a Dask frame ``TOP_TERM_COLUMNS``
    equal (after sorting by ``doc_id, rank``) to :func:`top_terms` of the whole corpus.

    The model (vocabulary, idf, document frequencies) is broadcast once to every worker.
    """
    model = broadcast(client, _model_dict(vocabulary))
    meta = pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
        TOP_TERM_COLUMNS, ["string", "int64", "string", "float64", "int64"], strict=True)})
    return corpus.map_partitions(_top_terms_part, model, n, meta=meta)


def _checked_period(freq: str) -> str:
    alias = PERIOD_ALIASES.get(freq, freq)
    try:
        pd.Period("2025-01-01", freq=alias)
    except (ValueError, TypeError, AttributeError):
        raise ValueError(f"freq {freq!r} is not a period pandas knows; "
                         "use 'D', 'W', 'M', 'Q' or 'Y'") from None
    return alias


def cluster_term_trends(corpus, vocabulary: pd.DataFrame, client, ledger: list, freq: str = "M",
                        n_terms: int = TREND_TERMS_N) -> pd.DataFrame:
    """:func:`term_trends` of the corpus's ``n_terms`` top terms (largest summed weight), with
    every count made on the workers; only per-term weight sums and per-period totals come back.

    Returns the same table as ``term_trends(corpus, freq=freq)``: ``TREND_COLUMNS``, periods
    from the first to the last dated one, then ``undated``.
    """
    freq = _checked_period(freq)
    model = broadcast(client, _model_dict(vocabulary))
    meta = pd.DataFrame({"column": pd.Series(dtype="int64"), "period": pd.Series(dtype="string"),
                         "weight": pd.Series(dtype="float64"), "n_docs": pd.Series(dtype="int64"),
                         "n_tokens": pd.Series(dtype="int64")})
    parts = corpus.map_partitions(_totals_part, model, freq, meta=meta)
    totals = gather_small(parts.groupby(["column", "period"]).sum(split_every=_REDUCE_FAN_IN),
                          "term weights and period totals", ledger).reset_index()
    weights = totals[totals["column"] >= 0].set_index("column")["weight"].reindex(
        range(len(vocabulary)), fill_value=0.0).to_numpy()
    order = np.lexsort((np.arange(len(weights)), -weights))
    terms = [str(vocabulary["term"].iat[i]) for i in order[:n_terms] if weights[i] > 0]
    per_period = totals[totals["column"] < 0].set_index("period")[["n_docs", "n_tokens"]]
    count_meta = pd.DataFrame({"period": pd.Series(dtype="string"), "term": pd.Series(dtype="string"),
                               "count": pd.Series(dtype="int64"), "with_term": pd.Series(dtype="int64")})
    found = gather_small(corpus.map_partitions(_trend_counts_part, terms, freq, meta=count_meta)
                         .groupby(["period", "term"]).sum(split_every=_REDUCE_FAN_IN),
                         "trend term counts", ledger)
    dated = sorted(p for p in per_period.index if p != UNDATED)
    periods = []
    if dated:
        stamps = pd.PeriodIndex(dated, freq=freq)
        periods = [str(p) for p in pd.period_range(stamps.min(), stamps.max(), freq=freq)]
    periods.append(UNDATED)
    grid = pd.MultiIndex.from_product([periods, terms], names=["period", "term"])
    table = found.reindex(grid, fill_value=0).reset_index()
    sizes = per_period.reindex(periods, fill_value=0)
    table["n_docs"] = np.repeat(sizes["n_docs"].to_numpy(), len(terms))
    table["n_tokens"] = np.repeat(sizes["n_tokens"].to_numpy(), len(terms))
    table["share"] = np.where(table["n_tokens"] > 0, table["count"] / table["n_tokens"].where(
        table["n_tokens"] > 0, 1), np.nan)
    table = table.rename(columns={"with_term": "n_docs_with_term"})
    return table.astype({"count": "int64", "n_docs_with_term": "int64", "n_docs": "int64",
                         "n_tokens": "int64"})[TREND_COLUMNS]
