"""The term model on a Dask cluster: the vocabulary and document frequencies from a distributed
count (tree reduction), the model with its idf built on a worker and sent to every worker, each
article's top terms and the trend counts computed where the articles are; only the article
count, per-period totals, the followed terms (chosen as :func:`trend_terms` chooses them, see
``cluster/trend_terms.py``) and their per-period counts come back.

The analyzer is :func:`term_ngrams` and the weights are scikit-learn's sublinear tf × smoothed
idf, L2-normalised per article, so the tables equal :func:`top_terms` and :func:`term_trends`.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from newsdesk.cluster.gather import gather_small
from newsdesk.cluster.trend_terms import article_periods, cluster_trend_terms
from newsdesk.corpus.describe import UNDATED
from newsdesk.terms.model import term_ngrams
from newsdesk.terms.settings import TOP_TERMS_N, TREND_TERMS_N
from newsdesk.terms.trends import checked_freq

__all__ = [
    "TOP_TERM_COLUMNS",
    "TREND_COLUMNS",
    "cluster_term_trends",
    "cluster_top_terms",
    "cluster_vocabulary",
    "term_model_table",
]

TOP_TERM_COLUMNS = ["doc_id", "rank", "term", "tfidf", "doc_freq"]
TREND_COLUMNS = ["period", "start", "end", "term", "share", "n_docs", "n_docs_with_term", "count", "n_tokens"]
_REDUCE_FAN_IN = 8  # partial results merged eight at a time: a tree of depth log8(partitions)


def _doc_freq_part(part: pd.DataFrame) -> pd.DataFrame:
    """Articles per term in one partition: ``term, doc_freq``."""
    counted: Counter = Counter()
    for text in part["text"].fillna("").astype(str):
        counted.update(set(term_ngrams(text)))
    return pd.DataFrame({"term": list(counted), "doc_freq": np.fromiter(counted.values(), dtype=np.int64,
                                                                       count=len(counted))})


def term_model_table(doc_freq: pd.Series, n_docs: int) -> dict:
    """The term model the workers share, from the corpus-wide document frequencies (``term`` →
    articles): ``vocab`` (alphabetical, scikit-learn's column order), ``doc_freq``, ``idf``
    (``ln((1 + n) / (1 + doc_freq)) + 1``) and ``unigram`` (which terms are one word)."""
    terms = np.array(sorted(str(t) for t in doc_freq.index), dtype=object)
    freq = doc_freq.set_axis(doc_freq.index.astype(str)).reindex(terms).to_numpy(dtype=np.int64)
    return {"vocab": pd.Index(terms, dtype=object), "doc_freq": freq,
            "idf": np.log((n_docs + 1) / (freq.astype(np.float64) + 1)) + 1,
            "unigram": np.array([" " not in t for t in terms], dtype=bool)}


def cluster_vocabulary(corpus, client, ledger: list) -> tuple:
    """The model's vocabulary from a distributed count, kept on the cluster: ``(model, n_docs)``.

    Document frequencies are summed as a tree; :func:`term_model_table` is built on a worker and
    ``model`` (a persisted ``dask.delayed``) is handed to every task that needs it, so the
    vocabulary never passes through the client. Only the article count comes back.
    """
    import dask

    meta = pd.DataFrame({"term": pd.Series(dtype="string"), "doc_freq": pd.Series(dtype="int64")})
    counts = corpus.map_partitions(_doc_freq_part, meta=meta)
    doc_freq = counts.groupby("term")["doc_freq"].sum(split_every=_REDUCE_FAN_IN, split_out=1)
    n_docs = int(gather_small(corpus["doc_id"].count(), "article count", ledger))
    model = client.persist(dask.delayed(term_model_table)(doc_freq, n_docs))
    return model, n_docs


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


def _weighted(part: pd.DataFrame, model: dict) -> list[tuple]:
    """``(doc_id, columns, counts, weights)`` of every article of a partition (see :func:`_weights`)."""
    vocab, idf = model["vocab"], model["idf"]
    return [(doc_id, *_weights(text, vocab, idf))
            for doc_id, text in zip(part["doc_id"], part["text"].fillna("").astype(str), strict=True)]


def _top_rows(weighted: list[tuple], model: dict, n: int) -> pd.DataFrame:
    """Each article's ``n`` top terms; ties go to the alphabetically first term."""
    vocab, freq = model["vocab"], model["doc_freq"]
    rows: list[tuple] = []
    for doc_id, cols, _, weights in weighted:
        keep = weights > 0
        cols, weights = cols[keep], weights[keep]
        order = np.lexsort((cols, -weights))[:n]
        rows.extend((doc_id, rank, vocab[cols[i]], float(weights[i]), int(freq[cols[i]]))
                    for rank, i in enumerate(order, 1))
    return pd.DataFrame(rows, columns=TOP_TERM_COLUMNS).astype({"rank": "int64", "tfidf": "float64",
                                                                "doc_freq": "int64"})


def _top_terms_part(part: pd.DataFrame, model: dict, n: int) -> pd.DataFrame:
    return _top_rows(_weighted(part, model), model, n)


def _totals_rows(weighted: list[tuple], periods: list[str], model: dict) -> pd.DataFrame:
    """Occurrences and articles of every term (one row per term column used) and the articles and
    unigram tokens of each period (rows with ``column = -1``)."""
    unigram = model["unigram"]
    sums = np.zeros(len(model["vocab"]), dtype=np.int64)
    docs = np.zeros(len(model["vocab"]), dtype=np.int64)
    by_period: dict[str, list[int]] = {}
    for period, (_, cols, counts, _) in zip(periods, weighted, strict=True):
        np.add.at(sums, cols, counts)
        np.add.at(docs, cols, 1)
        slot = by_period.setdefault(period, [0, 0])
        slot[0] += 1
        slot[1] += int(counts[unigram[cols]].sum())
    used = np.nonzero(docs)[0]
    terms = pd.DataFrame({"column": used, "period": "", "count": sums[used], "n_docs": docs[used],
                          "n_tokens": 0})
    totals = pd.DataFrame([{"column": -1, "period": p, "count": 0, "n_docs": v[0], "n_tokens": v[1]}
                           for p, v in sorted(by_period.items())], columns=terms.columns)
    return pd.concat([terms, totals], ignore_index=True).astype({"column": "int64", "count": "int64",
                                                                  "n_docs": "int64", "n_tokens": "int64"})


def _group_rows(weighted: list[tuple], groups: list[str], model: dict) -> pd.DataFrame:
    """Term counts summed per group of articles: ``group, term, count`` (the Fightin' Words input)."""
    if not weighted:
        return pd.DataFrame({"group": pd.Series(dtype=object), "term": pd.Series(dtype=object),
                             "count": pd.Series(dtype="int64")})
    table = pd.DataFrame({"group": np.repeat(np.array(groups, dtype=object), [len(w[1]) for w in weighted]),
                          "column": np.concatenate([w[1] for w in weighted]),
                          "count": np.concatenate([w[2] for w in weighted])})
    summed = table.groupby(["group", "column"], sort=True)["count"].sum().reset_index()
    summed["term"] = model["vocab"][summed["column"].to_numpy()].to_numpy()
    return summed[["group", "term", "count"]].astype({"count": "int64"})


def _terms_part(part: pd.DataFrame, model: dict, n: int, freq: str,
                by: str | None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(top terms, totals, group counts)`` of one partition, each article analysed once;
    no group counts when ``by`` is ``None``."""
    weighted = _weighted(part, model)
    periods = article_periods(part["published"], freq).tolist()
    groups = part[by].fillna("unknown").astype(str).tolist() if by else []
    return (_top_rows(weighted, model, n), _totals_rows(weighted, periods, model),
            _group_rows(weighted if by else [], groups, model))


def _top_meta() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
        TOP_TERM_COLUMNS, ["string", "int64", "string", "float64", "int64"], strict=True)})


def cluster_top_terms(corpus, model, n: int = TOP_TERMS_N):
    """Each article's ``n`` top terms, computed on the workers: a Dask frame ``TOP_TERM_COLUMNS``
    equal (after sorting by ``doc_id, rank``) to :func:`top_terms` of the whole corpus.

    ``model`` is :func:`cluster_vocabulary`'s, sent once to each worker that needs it.
    """
    return corpus.map_partitions(_top_terms_part, model, n, meta=_top_meta())


def _trend_table(found: pd.DataFrame, per_period: pd.DataFrame, terms: list[str], freq: str) -> pd.DataFrame:
    """``TREND_COLUMNS`` from the chosen terms' counts per period label (``found``) and each
    period's articles and unigram tokens: every period from the first to the last dated one
    with its first and last day, then ``undated`` (``NaT``), terms in the order given."""
    dated = sorted(p for p in per_period.index.astype(str) if p != UNDATED)
    periods: list[str] = []
    starts, ends = [], []
    if dated:
        stamps = pd.PeriodIndex(dated, freq=freq)
        full = pd.period_range(stamps.min(), stamps.max(), freq=stamps.freq)
        periods = [str(p) for p in full]
        starts, ends = list(full.start_time.normalize()), list(full.end_time.normalize())
    periods.append(UNDATED)
    starts.append(pd.NaT)
    ends.append(pd.NaT)
    grid = pd.MultiIndex.from_product([periods, terms], names=["period", "term"])
    found = found.astype({"period": object, "term": object}).set_index(["period", "term"])
    cells = found.reindex(grid, fill_value=0)
    sizes = per_period.set_axis(per_period.index.astype(str)).reindex(periods, fill_value=0)
    n_tokens = np.repeat(sizes["n_tokens"].to_numpy(dtype=np.int64), len(terms))
    count = cells["count"].to_numpy(dtype=np.int64)
    share = np.divide(count, n_tokens, out=np.full(len(count), np.nan), where=n_tokens > 0)
    return pd.DataFrame({
        "period": np.repeat(np.array(periods, dtype=object), len(terms)),
        "start": pd.DatetimeIndex(starts, dtype="datetime64[ns]").repeat(len(terms)),
        "end": pd.DatetimeIndex(ends, dtype="datetime64[ns]").repeat(len(terms)),
        "term": np.tile(np.array(terms, dtype=object), len(periods)),
        "share": share,
        "n_docs": np.repeat(sizes["n_docs"].to_numpy(dtype=np.int64), len(terms)),
        "n_docs_with_term": cells["with_term"].to_numpy(dtype=np.int64),
        "count": count,
        "n_tokens": n_tokens,
    }, columns=TREND_COLUMNS)


def cluster_term_trends(corpus, model, client, ledger: list, freq: str = "M",
                        n_terms: int = TREND_TERMS_N, top_terms_to: str | None = None,
                        n: int = TOP_TERMS_N, group_counts_to: str | None = None,
                        by: str = "outlet") -> pd.DataFrame:
    """:func:`term_trends` of the ``n_terms`` terms :func:`trend_terms` follows, with every count
    made on the workers (see :func:`cluster_trend_terms`); only per-period totals, the
    candidates' ranks and equalities and the chosen terms' per-period counts come back.

    ``model`` is :func:`cluster_vocabulary`'s, of the same corpus. With ``top_terms_to`` (a
    folder), the same pass over the articles writes each article's ``n`` top terms there as
    Parquet parts (:func:`cluster_top_terms`' table); with ``group_counts_to``, each term's
    count summed per ``by`` group (``<by>, term, count``, the counts :func:`contrast_groups`
    compares), summed on the workers.
    Returns the same table as ``term_trends(corpus, freq=freq, n_terms=n_terms)``:
    ``TREND_COLUMNS``, periods from the first to the last dated one, then ``undated``.
    """
    import dask
    import dask.dataframe as dd
    from distributed import wait

    freq = checked_freq(freq)
    meta = pd.DataFrame({"column": pd.Series(dtype="int64"), "period": pd.Series(dtype="string"),
                         "count": pd.Series(dtype="int64"), "n_docs": pd.Series(dtype="int64"),
                         "n_tokens": pd.Series(dtype="int64")})
    grouped = by if group_counts_to is not None else None
    done = [dask.delayed(_terms_part, nout=3)(p, model, n, freq, grouped) for p in corpus.to_delayed()]
    parts = dd.from_delayed([d[1] for d in done], meta=meta, verify_meta=False)
    # Per-term and per-period sums apart, each in one piece: the term sums index by an integer
    # alone, so even a large vocabulary's fits one task.
    term_totals = parts[parts["column"] >= 0][["column", "count", "n_docs"]].groupby("column").sum(
        split_every=_REDUCE_FAN_IN, split_out=1)
    period_totals = parts[parts["column"] < 0][["period", "n_docs", "n_tokens"]].groupby("period").sum(
        split_every=_REDUCE_FAN_IN, split_out=1)
    written = []
    if top_terms_to is not None:
        top = dd.from_delayed([d[0] for d in done], meta=_top_meta(), verify_meta=False)
        written.append(top.to_parquet(top_terms_to, write_index=False, overwrite=True, compute=False))
    if group_counts_to is not None:
        group_meta = pd.DataFrame({"group": pd.Series(dtype="string"), "term": pd.Series(dtype="string"),
                                   "count": pd.Series(dtype="int64")})
        counts = dd.from_delayed([d[2] for d in done], meta=group_meta, verify_meta=False)
        summed = counts.groupby(["group", "term"])["count"].sum(split_out=max(1, counts.npartitions))
        written.append(summed.reset_index().rename(columns={"group": by}).to_parquet(
            group_counts_to, write_index=False, overwrite=True, compute=False))
    term_totals, period_totals, *written = client.persist([term_totals, period_totals, *written])
    wait(written)
    per_period = gather_small(period_totals, "period totals", ledger)
    terms, found = cluster_trend_terms(corpus, term_totals, period_totals, model, client, ledger, freq,
                                       n_terms)
    del term_totals
    return _trend_table(found, per_period, terms, freq)
