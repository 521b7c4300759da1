"""What the cluster hands back to the client: every result the distributed pipeline computes
into the client passes through :func:`gather_small`, which records its size in a ledger, so a
run can show that only small aggregated tables ever left the workers.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

__all__ = [
    "LEDGER_COLUMNS",
    "TEXT_COLUMNS",
    "gather_small",
    "ledger_table",
]

LEDGER_COLUMNS = ["what", "rows", "columns", "bytes"]
TEXT_COLUMNS = ("text", "raw_text", "sentence")  # columns that hold article text; none may come back


def gather_small(collection, what: str, ledger: list, where: Callable | None = None,
                 also: list | None = None):
    """Compute a Dask collection (after ``where``, applied on the workers) into the client and
    record ``what`` came back: its rows, columns and in-memory bytes.

    ``also`` are Dask computations run in the same pass (e.g. a ``to_parquet(compute=False)``),
    so a partition read for both is read once; their results stay on the workers.
    Raises ``ValueError`` naming ``what`` if the result holds an article-text column
    (``TEXT_COLUMNS``): the client never holds the corpus.
    """
    if where is not None:
        collection = where(collection)
    import dask

    result = dask.compute(collection, *(also or []))[0]
    if isinstance(result, pd.Series):
        columns = [str(result.name)]
        size = int(result.memory_usage(deep=True))
    elif isinstance(result, pd.DataFrame):
        columns = [str(c) for c in result.columns]
        size = int(result.memory_usage(deep=True).sum())
    else:
        columns, size = [], 0
    if text := sorted(set(columns) & set(TEXT_COLUMNS)):
        raise ValueError(f"{what}: the column {text[0]!r} would bring article text to the client")
    ledger.append({"what": what, "rows": len(result) if hasattr(result, "__len__") else 1,
                   "columns": ", ".join(columns), "bytes": size})
    return result


def ledger_table(ledger: list) -> pd.DataFrame:
    """The ledger as a table ``LEDGER_COLUMNS``, in the order the results came back."""
    return pd.DataFrame(ledger, columns=LEDGER_COLUMNS)

