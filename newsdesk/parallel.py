"""The Dask helpers the per-article steps share: map a function over partitions of a list
or of runs of whole articles on a ``dask.distributed`` cluster, in input order.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

__all__ = [
    "map_article_chunks",
    "map_partitions_dask",
]

_DASK_PARTITIONS_PER_WORKER = 4  # a few partitions per worker keep every worker busy to the end


def _n_partitions(client, n_items: int, npartitions: int | None) -> int:
    if npartitions:
        return max(1, min(npartitions, n_items))
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    return max(1, min(n_items, _DASK_PARTITIONS_PER_WORKER * workers))


def map_partitions_dask(func, items: list, client, npartitions: int | None = None) -> list:
    """Apply ``func`` (a list in, a list of the same length out) to partitions of ``items``
    on a Dask cluster with ``dask.bag``; the outputs come back concatenated, in input order.

    ``client`` is a ``dask.distributed.Client`` (a ``LocalCluster``'s or a remote scheduler's).
    ``func`` must be importable on the workers (any function of this module is).
    """
    import dask.bag as db

    if not items:
        return []
    bag = db.from_sequence(items, npartitions=_n_partitions(client, len(items), npartitions))
    return list(client.compute(bag.map_partitions(func)).result())


def _article_chunks(corpus: pd.DataFrame, n: int) -> list[pd.DataFrame]:
    """``corpus`` split into ``n`` runs of whole articles, without ``attrs`` (the audit stays)."""
    plain = corpus.copy()
    plain.attrs = {}
    bounds = np.linspace(0, len(plain), n + 1).astype(int)
    return [plain.iloc[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:], strict=True) if hi > lo]


def _apply_each(func, items: list) -> list:
    return [func(item) for item in items]


def map_article_chunks(func, corpus: pd.DataFrame, client, npartitions: int | None) -> pd.DataFrame:
    """``func`` (articles in, one table out) over runs of articles on the cluster, concatenated."""
    chunks = _article_chunks(corpus, _n_partitions(client, max(len(corpus), 1), npartitions))
    if not chunks:
        return func(corpus)
    parts = map_partitions_dask(partial(_apply_each, func), chunks, client, npartitions=len(chunks))
    return pd.concat(parts, ignore_index=True)
