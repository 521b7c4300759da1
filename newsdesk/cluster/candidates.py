"""Overlap candidates on a Dask cluster, the passim / text-dedup pattern: MinHash signatures
per partition, exploded to ``(band_key, doc_id)`` rows, shuffled by band key, pairs per bucket,
duplicates dropped. The cosine's document frequencies are counted in the same pass.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import numpy as np
import pandas as pd

from newsdesk.cluster.verify import cosine_weights
from newsdesk.overlap.candidates import minhash_signatures
from newsdesk.overlap.settings import (
    CANDIDATE_MAX_DF,
    COSINE_TOP_K,
    LSH_BANDS,
    LSH_ROWS,
    RETELL_COSINE,
    SHINGLE_WORDS,
)
from newsdesk.overlap.shingles import cosine_terms, overlap_keys, shingle_hashes_of_ids

__all__ = [
    "BAND_COLUMNS",
    "band_keys",
    "bucket_pairs",
    "cluster_candidates",
    "cosine_candidates_dask",
    "cosine_idf",
    "common_terms",
    "cosine_rows",
    "top_k_pairs",
    "shingle_hashes",
]

BAND_COLUMNS = ["band_key", "doc_id"]
_REDUCE_FAN_IN = 8  # partial counts merged eight at a time


def shingle_hashes(keys: list[str], k: int = SHINGLE_WORDS) -> np.ndarray:
    """Unique uint64 hashes of the word ``k``-grams of one article's :func:`overlap_keys`.

    Words are hashed on their own (``pandas.util.hash_array``, fixed key), so an article's
    hashes do not depend on the rest of the corpus; two texts share a hash exactly when they
    share a shingle (up to a 2^-64 chance per pair). A text shorter than ``k`` words gives one.
    """
    if not keys:
        return np.zeros(0, dtype=np.uint64)
    return shingle_hashes_of_ids(pd.util.hash_array(np.array(keys, dtype=object)), k)


def band_keys(signatures: np.ndarray, bands: int = LSH_BANDS, rows: int = LSH_ROWS) -> np.ndarray:
    """One int64 key per article and band (``articles × bands``) from MinHash hash values
    (``articles × bands·rows``): equal keys mean the band's ``rows`` values are all equal, as
    ``MinHashLSH`` buckets them; the band's number is part of the key."""
    n = signatures.shape[0]
    keys = np.zeros((n, bands), dtype=np.int64)
    for band in range(bands):
        block = pd.DataFrame(signatures[:, band * rows:(band + 1) * rows].astype(np.uint64))
        block.insert(0, "band", np.uint64(band))
        keys[:, band] = pd.util.hash_pandas_object(block, index=False).to_numpy().view(np.int64)
    return keys


def _signature_part(part: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(band rows, cosine document frequencies)`` of one partition of the cleaned corpus."""
    ids, hashes, df = [], [], Counter()
    for doc_id, text in zip(part["doc_id"], part["text"].fillna("").astype(str), strict=True):
        keys = overlap_keys(text)
        df.update({t for key in set(keys) for t in cosine_terms(key)})
        found = shingle_hashes(keys)
        if len(found):
            ids.append(doc_id)
            hashes.append(found)
    freq = pd.DataFrame({"term": list(df),
                         "doc_freq": np.fromiter(df.values(), dtype=np.int64, count=len(df))})
    if not ids:
        return pd.DataFrame({"band_key": pd.Series(dtype="int64"), "doc_id": pd.Series(dtype="string")}), freq
    signatures = np.array([s.hashvalues for s in minhash_signatures(hashes)], dtype=np.uint64)
    keys = band_keys(signatures)
    rows = pd.DataFrame({"band_key": keys.ravel(),
                         "doc_id": np.repeat(np.array(ids, dtype=object), keys.shape[1])})
    return rows, freq


def bucket_pairs(bands: pd.DataFrame) -> pd.DataFrame:
    """Every pair ``doc_a < doc_b`` of articles sharing a band key in one shuffled partition."""
    pairs: set[tuple[str, str]] = set()
    for _, docs in bands.groupby("band_key", sort=True)["doc_id"]:
        if len(docs) > 1:
            pairs.update(combinations(sorted(set(docs.astype(str))), 2))
    return pd.DataFrame(sorted(pairs), columns=["doc_a", "doc_b"], dtype=object)


def cosine_idf(doc_freq: pd.Series, n_docs: int) -> dict[str, float]:
    """The cosine's idf per term, ``ln((1 + n) / (1 + df)) + 1`` (scikit-learn's smoothed idf,
    as :func:`tfidf_matrix` weights), from the corpus-wide document frequencies."""
    idf = np.log((n_docs + 1) / (doc_freq.to_numpy(dtype=np.float64) + 1)) + 1
    return dict(zip(doc_freq.index.astype(str), idf.tolist(), strict=True))


def common_terms(doc_freq: pd.Series, n_docs: int, max_df: tuple[float, int] = CANDIDATE_MAX_DF) -> frozenset:
    """The terms :func:`prune_common_terms` drops: in more than ``max(max_df[0] * n, max_df[1])``
    of the ``n`` articles."""
    return frozenset(doc_freq.index[doc_freq.to_numpy() > max(max_df[0] * n_docs, max_df[1])].astype(str))


def cosine_rows(part: pd.DataFrame, idf: dict[str, float], common: frozenset[str]) -> pd.DataFrame:
    """``term, doc_id, weight`` of one partition: each article's cosine weights without the
    ``common`` terms, re-normalised (as :func:`prune_common_terms` leaves its rows)."""
    rows: list[tuple] = []
    for doc_id, text in zip(part["doc_id"], part["text"].fillna("").astype(str), strict=True):
        kept = {t: w for t, w in cosine_weights(overlap_keys(text), idf).items() if t not in common}
        norm = np.sqrt(sum(w * w for w in kept.values()))
        if norm > 0:
            rows.extend((t, doc_id, w / norm) for t, w in sorted(kept.items()))
    return pd.DataFrame(rows, columns=["term", "doc_id", "weight"]).astype({"weight": "float64"})


def _term_pair_products(rows: pd.DataFrame) -> pd.DataFrame:
    """``doc_a, doc_b, product`` for every two articles sharing a term, in one shuffled partition."""
    out: list[tuple] = []
    for _, group in rows.groupby("term", sort=True):
        if len(group) > 1:
            ordered = group.sort_values("doc_id", kind="stable")
            docs, weights = ordered["doc_id"].astype(str).tolist(), ordered["weight"].to_numpy()
            out.extend((docs[i], docs[j], float(weights[i] * weights[j]))
                       for i, j in combinations(range(len(docs)), 2))
    return pd.DataFrame(out, columns=["doc_a", "doc_b", "product"]).astype({"product": "float64"})


def top_k_pairs(near: pd.DataFrame, k: int = COSINE_TOP_K) -> pd.DataFrame:
    """Pairs where one article is among the other's ``k`` nearest (``doc, other, cosine``
    rows of whole articles; ties go to the first ``other``): ``doc_a, doc_b``, ``doc_a < doc_b``."""
    ordered = near.sort_values(["doc", "cosine", "other"], ascending=[True, False, True], kind="stable")
    top = ordered.groupby("doc", sort=False).head(k)
    a, b = top["doc"].astype(str), top["other"].astype(str)
    return pd.DataFrame({"doc_a": np.where(a < b, a, b), "doc_b": np.where(a < b, b, a)}).drop_duplicates()


def _both_directions(part: pd.DataFrame) -> pd.DataFrame:
    forward = part.rename(columns={"doc_a": "doc", "doc_b": "other", "product": "cosine"})
    backward = part.rename(columns={"doc_b": "doc", "doc_a": "other", "product": "cosine"})
    return pd.concat([forward, backward], ignore_index=True)[["doc", "other", "cosine"]]


def cosine_candidates_dask(corpus, idf, common, k: int = COSINE_TOP_K, min_cosine: float = RETELL_COSINE):
    """:func:`cosine_candidates` of :func:`prune_common_terms` rows, on the workers: rows
    exploded to ``(term, doc_id)``, shuffled by term, products summed per pair, each
    article's ``k`` nearest at ``min_cosine`` or more kept. A Dask frame ``doc_a, doc_b``.

    ``idf`` (:func:`cosine_idf`) and ``common`` (:func:`common_terms`) are values or persisted
    ``dask.delayed`` objects, sent to each worker once."""
    row_meta = pd.DataFrame({"term": pd.Series(dtype="string"), "doc_id": pd.Series(dtype="string"),
                             "weight": pd.Series(dtype="float64")})
    rows = corpus.map_partitions(cosine_rows, idf, common, meta=row_meta)
    pair_meta = pd.DataFrame({"doc_a": pd.Series(dtype="string"), "doc_b": pd.Series(dtype="string"),
                              "product": pd.Series(dtype="float64")})
    products = rows.shuffle("term").map_partitions(_term_pair_products, meta=pair_meta)
    summed = products.groupby(["doc_a", "doc_b"])["product"].sum(split_out=max(1, products.npartitions))
    close = summed[summed >= min_cosine].reset_index()
    near = close.map_partitions(_both_directions, meta=pd.DataFrame(
        {"doc": pd.Series(dtype="string"), "other": pd.Series(dtype="string"),
         "cosine": pd.Series(dtype="float64")}))
    out_meta = pd.DataFrame({"doc_a": pd.Series(dtype="string"), "doc_b": pd.Series(dtype="string")})
    return near.shuffle("doc").map_partitions(top_k_pairs, k, meta=out_meta)


def cluster_candidates(corpus, n_docs: int, work_dir, client) -> tuple:
    """Candidate pairs on the workers, as :func:`overlap_pairs` takes them above
    ``ALL_PAIRS_MAX_DOCS``: MinHash LSH on shingles and each article's nearest by cosine.

    One pass over the corpus writes the band rows to ``work_dir/bands`` (Parquet) while the
    cosine's document frequencies are tree-reduced and kept on the cluster; the band rows are
    then shuffled by key. Nothing comes back to the client.
    Returns ``(pairs, idf)``: ``pairs`` a Dask frame ``doc_a, doc_b`` (each pair once,
    ``doc_a < doc_b``) of the articles whose signatures share a band (``LSH_BANDS`` ×
    ``LSH_ROWS``) or that :func:`cosine_candidates_dask` finds; ``idf`` the cosine weights'
    idf per term (:func:`cosine_idf`), a persisted ``dask.delayed`` to pass to the workers.
    """
    import dask
    import dask.dataframe as dd
    from distributed import wait

    band_meta = pd.DataFrame({"band_key": pd.Series(dtype="int64"), "doc_id": pd.Series(dtype="string")})
    freq_meta = pd.DataFrame({"term": pd.Series(dtype="string"), "doc_freq": pd.Series(dtype="int64")})
    done = [dask.delayed(_signature_part, nout=2)(p) for p in corpus.to_delayed()]
    bands = dd.from_delayed([d[0] for d in done], meta=band_meta, verify_meta=False)
    freq = dd.from_delayed([d[1] for d in done], meta=freq_meta, verify_meta=False)
    written = bands.to_parquet(f"{work_dir}/bands", write_index=False, overwrite=True, compute=False)
    doc_freq = freq.groupby("term")["doc_freq"].sum(split_every=_REDUCE_FAN_IN, split_out=1)
    doc_freq, written = client.persist([doc_freq, written])  # one pass over the corpus for both
    wait(written)
    idf = client.persist(dask.delayed(cosine_idf)(doc_freq, n_docs))
    common = client.persist(dask.delayed(common_terms)(doc_freq, n_docs))
    shuffled = dd.read_parquet(f"{work_dir}/bands").shuffle("band_key")
    meta = pd.DataFrame({"doc_a": pd.Series(dtype="string"), "doc_b": pd.Series(dtype="string")})
    pairs = dd.concat([shuffled.map_partitions(bucket_pairs, meta=meta),
                       cosine_candidates_dask(corpus, idf, common)])
    return pairs.drop_duplicates(split_out=max(1, pairs.npartitions)), idf
