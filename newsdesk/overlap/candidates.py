"""Candidate pairs for large corpora: MinHash LSH on shingles and sparse cosine top-k.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsdesk.overlap.settings import CANDIDATE_MAX_DF, COSINE_TOP_K, LSH_BANDS, LSH_ROWS, RETELL_COSINE
from newsdesk.overlap.shingles import overlap_keys, shingle_matrix
from newsdesk.parallel import map_partitions_dask

__all__ = [
    "cosine_candidates",
    "minhash_candidates",
    "minhash_signatures",
    "overlap_signatures_dask",
    "prune_common_terms",
]


def minhash_signatures(hashes: list[np.ndarray], num_perm: int = LSH_BANDS * LSH_ROWS,
                       seed: int = 1) -> list:
    """datasketch ``MinHash`` signature of each document's uint64 shingle hashes (per document,
    so any split of the documents gives the same signatures)."""
    from datasketch import MinHash

    return MinHash.bulk((h.tolist() for h in hashes), num_perm=num_perm, seed=seed, hashfunc=int,
                        scheme="affine64")  # one document's hashes as Python ints at a time


def minhash_candidates(hashes: list[np.ndarray], bands: int = LSH_BANDS,
                       rows: int = LSH_ROWS, seed: int = 1,
                       signatures: list | None = None) -> set[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, whose MinHash signatures collide in some LSH band.

    ``hashes[i]`` holds the uint64 shingle hashes of document ``i`` (see :func:`shingle_matrix`);
    ``signatures[i]``, if given, its :func:`minhash_signatures` (e.g. computed on a cluster).
    Uses ``datasketch`` MinHash (``bands × rows`` permutations) and ``MinHashLSH``; a pair with
    Jaccard ``J`` becomes a candidate with probability ``1 - (1 - J^rows)^bands``.
    """
    from datasketch import MinHashLSH

    num_perm = bands * rows
    lsh = MinHashLSH(num_perm=num_perm, params=(bands, rows))
    present = [i for i, h in enumerate(hashes) if len(h)]
    if signatures is None:
        signatures = minhash_signatures([hashes[i] for i in present], num_perm, seed)
    else:
        signatures = [signatures[i] for i in present]
    with lsh.insertion_session() as session:
        for i, sig in zip(present, signatures, strict=True):
            session.insert(i, sig)
    pairs = set()
    for i, sig in zip(present, signatures, strict=True):
        pairs.update((min(i, j), max(i, j)) for j in lsh.query(sig) if j != i)
    return pairs


def prune_common_terms(tfidf, max_df: tuple[float, int] = CANDIDATE_MAX_DF):
    """TF-IDF rows without the terms found in more than ``max(max_df[0] * n, max_df[1])`` of
    the ``n`` documents, re-normalised.

    Keeps the sparse products of the candidate search cheap: their cost grows with the square
    of each term's document frequency. Rows left empty stay zero.
    """
    from scipy import sparse
    from sklearn.preprocessing import normalize

    matrix = sparse.csc_matrix(tfidf)
    df = np.diff(matrix.indptr)
    keep = np.nonzero(df <= max(max_df[0] * matrix.shape[0], max_df[1]))[0]
    return normalize(matrix[:, keep].tocsr(), norm="l2", copy=False)


def cosine_candidates(tfidf, k: int = COSINE_TOP_K, min_cosine: float = RETELL_COSINE,
                      chunk: int = 500) -> set[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, where ``j`` is among ``i``'s ``k`` nearest by cosine (or the
    reverse) and that cosine is at least ``min_cosine``. Sparse products in row chunks; pass
    :func:`prune_common_terms` rows to search on the rarer words only.
    """
    from scipy import sparse

    n = tfidf.shape[0]
    pairs: set[tuple[int, int]] = set()
    matrix = sparse.csr_matrix(tfidf)
    transposed = matrix.T.tocsr()
    for lo in range(0, n, chunk):
        block = (matrix[lo:lo + chunk] @ transposed).tocsr()
        block.data[block.data < min_cosine] = 0.0
        block.eliminate_zeros()
        for r in range(block.shape[0]):
            i = lo + r
            cols = block.indices[block.indptr[r]:block.indptr[r + 1]]
            values = block.data[block.indptr[r]:block.indptr[r + 1]]
            keep = cols != i
            cols, values = cols[keep], values[keep]
            if len(cols) > k:
                cols = cols[np.argpartition(-values, k - 1)[:k]]
            pairs.update((min(i, int(j)), max(i, int(j))) for j in cols)
    return pairs


def _overlap_keys_each(texts: list[str]) -> list[list[str]]:
    return [overlap_keys(text) for text in texts]


def _signatures_each(hashes: list[np.ndarray]) -> list:
    return minhash_signatures(hashes)


def overlap_signatures_dask(corpus: pd.DataFrame, client, npartitions: int | None = None) -> dict:
    """Shingles and MinHash signatures of every article, the per-article steps on a cluster.

    Workers tokenise each article (:func:`overlap_keys`); the client numbers the words over the
    whole corpus and hashes the shingles (:func:`shingle_matrix`, which needs the corpus-wide
    word ids); workers then compute each article's :func:`minhash_signatures`.

    Returns
    -------
    ``{"keys", "matrix", "hashes", "signatures"}``: per-article word keys, the documents ×
    shingles matrix, per-article shingle hashes, and signatures (``None`` for an article
    without shingles). ``minhash_candidates(hashes, signatures=signatures)`` then gives the
    same pairs as ``minhash_candidates(hashes)``.
    """
    texts = corpus["text"].fillna("").astype(str).tolist()
    keys = map_partitions_dask(_overlap_keys_each, texts, client, npartitions)
    matrix, hashes = shingle_matrix(keys)
    present = [i for i, h in enumerate(hashes) if len(h)]
    computed = map_partitions_dask(_signatures_each, [hashes[i] for i in present], client, npartitions)
    signatures: list = [None] * len(hashes)
    for i, signature in zip(present, computed, strict=True):
        signatures[i] = signature
    return {"keys": keys, "matrix": matrix, "hashes": hashes, "signatures": signatures}
