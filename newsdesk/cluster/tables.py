"""Read back a folder :func:`run_pipeline_dask` wrote, by its ``manifest.json``: check that every
table it names is there and readable, and read tables by column, so a report of the corpus never
loads an article's text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from newsdesk.cluster.gather import TEXT_COLUMNS
from newsdesk.cluster.run import CLUSTER_CACHE, CLUSTER_TABLES, MANIFEST_FORMAT, MANIFEST_NAME
from newsdesk.corpus.schema import AUDIT_COLUMNS, CORPUS_COLUMNS, PROBLEM_COLUMNS
from newsdesk.overlap.settings import OVERLAP_COLUMNS
from newsdesk.stance.settings import ARTICLE_STANCE_COLUMNS, SPEAKER_COLUMNS

__all__ = [
    "ARTICLE_METADATA_COLUMNS",
    "TABLE_FOLDER_COLUMNS",
    "check_table_folder",
    "is_table_folder",
    "read_folder_table",
    "table_folder_traces",
]

# What a report reads of each article: every loader column but the texts.
ARTICLE_METADATA_COLUMNS = [c for c in CORPUS_COLUMNS if c not in TEXT_COLUMNS]
# The columns a report reads of each table; a table without one of them is refused.
TABLE_FOLDER_COLUMNS = {
    "corpus": [*ARTICLE_METADATA_COLUMNS, "shard"],
    "audit": [c for c in AUDIT_COLUMNS if c not in TEXT_COLUMNS],
    "problems": PROBLEM_COLUMNS,
    "top_terms": ["doc_id", "rank", "term", "tfidf", "doc_freq"],
    "term_trends": ["period", "term", "share", "n_docs"],
    "article_stance": ARTICLE_STANCE_COLUMNS,
    "speaker_stance": [c for c in SPEAKER_COLUMNS if c != "evidence"],
    "overlap_pairs": OVERLAP_COLUMNS,
    "stories": ["doc_id", "story"],
    "outlet_term_counts": ["outlet", "term", "count"],
    "ledger": ["what", "rows", "columns", "bytes"],
}


def is_table_folder(path: str | Path) -> bool:
    """Whether ``path`` is a folder holding ``manifest.json`` (a finished :func:`run_pipeline_dask`)."""
    return Path(path).is_dir() and (Path(path) / MANIFEST_NAME).is_file()


def table_folder_traces(path: str | Path) -> list[str]:
    """The names of ``CLUSTER_TABLES`` (and ``cache/``) a folder holds, as a run left them:
    non-empty for an unfinished run or one whose manifest was removed."""
    folder = Path(path)
    if not folder.is_dir():
        return []
    names = [f"{n}/" if kind == "parts" else f"{n}.parquet" for n, kind in sorted(CLUSTER_TABLES.items())]
    return [n for n in [*names, "cache/"] if (folder / n.rstrip("/")).exists()]


def _manifest(folder: Path) -> dict:
    """The manifest, checked for its form; ``ValueError`` naming the file and the problem."""
    path = folder / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not a readable manifest ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("written_by") != "run_pipeline_dask":
        raise ValueError(f"{path}: not a manifest written by run_pipeline_dask")
    if manifest.get("format") != MANIFEST_FORMAT:
        raise ValueError(f"{path}: manifest format {manifest.get('format')!r}; this version reads "
                         f"format {MANIFEST_FORMAT}, so rerun run_pipeline_dask")
    entries = {**manifest.get("tables", {}), **manifest.get("cache", {})}
    missing = [name for name in sorted({*CLUSTER_TABLES, *CLUSTER_CACHE}) if name not in entries]
    if missing:
        raise ValueError(f"{path}: the manifest lacks the table(s) {', '.join(missing)}")
    return manifest


def _parquet_files(folder: Path, name: str, relative: str) -> list[Path]:
    """The Parquet files of one table (``relative`` ends in ``/`` for a folder of parts)."""
    where = folder / relative
    if relative.endswith("/"):
        if not where.is_dir():
            raise ValueError(f"{where}: the {name} table is missing (a folder of Parquet parts)")
        parts = sorted(where.glob("*.parquet"))
        if not parts:
            raise ValueError(f"{where}: the {name} table holds no Parquet part")
        return parts
    if not where.is_file():
        raise ValueError(f"{where}: the {name} table is missing (a Parquet file)")
    return [where]


def _check_columns(name: str, files: list[Path]) -> None:
    """Each file's footer is read (not its rows): readable, with the columns a report reads."""
    import pyarrow.parquet as pq

    for file in files:
        try:
            columns = set(pq.read_schema(file).names)
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            raise ValueError(f"{file}: not a readable Parquet file ({exc})") from exc
        if absent := [c for c in TABLE_FOLDER_COLUMNS.get(name, []) if c not in columns]:
            raise ValueError(f"{file}: the {name} table lacks the column(s) {', '.join(absent)}")


def check_table_folder(path: str | Path) -> dict:
    """The manifest of a :func:`run_pipeline_dask` folder, after checking that every table and
    cache entry it names exists, is readable Parquet (footers only) and has the columns a report
    reads (``TABLE_FOLDER_COLUMNS``).

    Raises ``ValueError`` naming the file and the problem: no manifest (an unfinished run), an
    unreadable manifest, a missing table, a folder of parts without one, a corrupt file, a
    missing column.
    """
    folder = Path(path)
    if not (folder / MANIFEST_NAME).is_file():
        traces = table_folder_traces(folder)
        found = f" (it holds {', '.join(traces)})" if traces else ""
        raise ValueError(f"{folder}: no {MANIFEST_NAME}{found}; run_pipeline_dask writes it last, so this "
                         "run did not finish: run it again")
    manifest = _manifest(folder)
    for name, relative in sorted({**manifest["tables"], **manifest["cache"]}.items()):
        _check_columns(name, _parquet_files(folder, name, relative))
    return manifest


def read_folder_table(path: str | Path, name: str, columns: list[str] | None = None,
                      manifest: dict | None = None, filters: list[tuple] | None = None,
                      per_part: Callable[[pd.DataFrame], pd.DataFrame] | None = None) -> pd.DataFrame:
    """One table (or cache entry: ``corpus``, ``audit``, ``problems``) of a checked folder, only
    ``columns`` (default: every column but article text, ``TEXT_COLUMNS``). A folder of parts is
    read part by part in name order, each part with those columns only; string columns come
    back as ``str`` (missing values NaN), as :func:`load_corpus` holds them. ``filters``
    (pyarrow's ``[(column, op, value)]``) keep only the matching rows of each part as it is read,
    and ``per_part`` (e.g. a groupby) turns each part into a small table before the next is read,
    so only the aggregates are held at once.

    Raises ``ValueError`` when ``columns`` asks for article text, or ``name`` is not in the
    manifest.
    """
    import pyarrow.parquet as pq

    folder = Path(path)
    manifest = manifest or _manifest(folder)
    entries = {**manifest["tables"], **manifest["cache"]}
    if name not in entries:
        raise ValueError(f"{folder}: no table {name!r}; the manifest names {', '.join(sorted(entries))}")
    if columns is not None and (text := sorted(set(columns) & set(TEXT_COLUMNS))):
        raise ValueError(f"{name}: the column {text[0]!r} is article text, which a report does not read")
    files = _parquet_files(folder, name, entries[name])
    if columns is None:
        names = pq.read_schema(files[0]).names
        columns = [c for c in names if c not in TEXT_COLUMNS]
    keep = per_part or (lambda part: part)
    parts = [keep(pq.read_table(file, columns=columns, filters=filters).to_pandas())
             for file in _natural(files)]
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    strings = [c for c in table.columns if isinstance(table[c].dtype, pd.StringDtype)]
    return table.astype(dict.fromkeys(strings, "str"))  # text as the one-process tables hold it


def _natural(files: list[Path]) -> list[Path]:
    """Dask's ``part.N.parquet`` in the order of N (``part.10`` after ``part.9``), others by name."""
    def key(file: Path) -> tuple:
        stem = file.stem.rsplit(".", 1)
        return (stem[0], int(stem[1]) if len(stem) == 2 and stem[1].isdigit() else -1, file.name)

    return sorted(files, key=key)
