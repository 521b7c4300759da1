"""Reading raw inputs: bytes and their encoding, CSV / JSONL exports in chunks, saved HTML
pages, and a folder of articles with its ``metadata.csv``. Each returns raw records; nothing
is cleaned here.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd

from newsdesk.corpus.decode import decode_bytes
from newsdesk.corpus.schema import (
    COLUMN_ALIASES,
    KNOWN_UNUSED_COLUMNS,
    METADATA_COLUMNS,
    LoadLog,
    QuietLog,
)
from newsdesk.corpus.settings import TABLE_CHUNK_ROWS

__all__ = [
    "article_files",
    "records_from_folder",
    "records_from_table",
]

_ARTICLE_SUFFIXES = (".txt", ".html", ".htm")
_HTML_SUFFIXES = (".html", ".htm")
_JSONL_SUFFIXES = (".jsonl", ".ndjson")


def _read_source_bytes(path: Path, log: LoadLog) -> tuple[str, str] | None:
    """Decoded text and encoding of one file, or ``None`` (reported) when it cannot be read.

    Stray bytes replaced while decoding are reported with their lines; the file is kept.
    """
    try:
        text, encoding, note = decode_bytes(path.read_bytes())
    except ValueError as exc:
        log.report(path.name, str(exc), "skipped")
        return None
    except OSError as exc:
        log.report(path.name, f"cannot be read ({exc.strerror})", "skipped")
        return None
    if note:
        log.report(path.name, note, "loaded")
    return text, encoding


def _json_cell(value: object) -> str:
    """One JSON value as text: ids keep every digit (numbers are parsed as their text)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _jsonl_records(lines, name: str, log: LoadLog):
    """Records of JSONL lines (numbered from 1, blank ones skipped), every value as text.

    A line that is not a JSON object is reported with its line number and skipped.
    """
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line, parse_int=str, parse_float=str)
        except json.JSONDecodeError as exc:
            log.report(name, f"line {line_no} is not valid JSON ({exc.msg}, column {exc.colno})",
                       "line skipped")
            continue
        if not isinstance(record, dict):
            log.report(name, f"line {line_no} is not a JSON object", "line skipped")
            continue
        yield {str(k): _json_cell(v) for k, v in record.items()}


def _batches(records, size: int):
    batch = []
    for record in records:
        batch.append(record)
        if len(batch) == size:
            yield pd.DataFrame.from_records(batch)
            batch = []
    if batch:
        yield pd.DataFrame.from_records(batch)


def _read_csv(source, **kwargs):
    """``pandas.read_csv`` as text, one chunk or all rows (``chunksize``)."""
    found = pd.read_csv(source, dtype=str, keep_default_na=False, **kwargs)
    if isinstance(found, pd.DataFrame):
        return _unshift_columns(found)
    return (_unshift_columns(chunk) for chunk in found)


def _unshift_columns(table: pd.DataFrame) -> pd.DataFrame:
    """Undo pandas' reading of rows one field longer than the header (a trailing comma on
    every row) as an index plus shifted columns: the fields keep their header names and the
    extra last field becomes the column ``Unnamed: extra``."""
    if isinstance(table.index, pd.RangeIndex):
        return table
    header = list(table.columns)
    fixed = table.reset_index(drop=False)
    fixed.columns = [*header, "Unnamed: extra"]
    return fixed


def _table_chunks(path: Path, chunk_rows: int, log: LoadLog):
    """Parse a UTF-8 CSV or JSONL export in chunks of ``chunk_rows`` rows, streaming.

    Raises ``UnicodeDecodeError`` for text that is not UTF-8 (the caller then decodes the
    whole file) and ``ValueError`` for malformed CSV.
    """
    if path.suffix.lower() in _JSONL_SUFFIXES:
        with path.open(encoding="utf-8", newline="") as handle:
            lines = (line for line in handle)
            yield from _batches(_jsonl_records(lines, path.name, log), chunk_rows)
    else:
        yield from _read_csv(path, encoding="utf-8", chunksize=chunk_rows)


def _as_text_table(table: pd.DataFrame) -> pd.DataFrame:
    return table.astype(object).where(table.notna(), "").astype(str)


def _read_table(path: Path, log: LoadLog, chunk_rows: int = TABLE_CHUNK_ROWS) -> pd.DataFrame | None:
    """Read a CSV or JSONL file into strings, reporting any failure by file name.

    A UTF-8 file without a byte-order mark is parsed in chunks as it is read; any other
    file is decoded whole (see :func:`decode_bytes`) and parsed at once. A byte-order mark
    is not a problem in a table. JSONL lines that do not parse are skipped one by one.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
        if head.strip() and not head.startswith(b"\xef\xbb\xbf") and decode_bytes(head)[1] == "utf-8":
            quiet = QuietLog(strict=False)
            chunks = list(_table_chunks(path, chunk_rows, quiet))
            for problem in quiet.problems:
                log.report(**problem)
            if not chunks:
                return pd.DataFrame()
            return _as_text_table(pd.concat(chunks, ignore_index=True))
    except (UnicodeDecodeError, ValueError, pd.errors.ParserError, csv.Error, OSError):
        pass  # decoded whole below, which reports the problem by name
    decoded = _read_source_bytes(path, log)
    if decoded is None:
        return None
    text, encoding = decoded
    if encoding not in ("utf-8", "utf-8-sig"):
        log.report(path.name, f"not UTF-8; decoded as {encoding}", "loaded")
    try:
        if path.suffix.lower() in _JSONL_SUFFIXES:
            records = list(_jsonl_records(text.split("\n"), path.name, log))
            table = pd.DataFrame.from_records(records)
        else:
            table = _read_csv(io.StringIO(text))
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except (ValueError, pd.errors.ParserError, csv.Error) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        log.report(path.name, f"malformed {path.suffix.lstrip('.').upper()}: {first_line}", "skipped")
        return None
    return _as_text_table(table)


def _lower_case_columns(table: pd.DataFrame, name: str, log: LoadLog) -> pd.DataFrame:
    """Columns renamed to lower case. When names differ only in case (``Text``, ``text``) the
    one already in lower case, else the first, is used and the others are reported. An
    unnamed empty column (a trailing comma on every line) is dropped."""
    groups: dict[str, list[str]] = {}
    for column in table.columns:
        if str(column).startswith("Unnamed: ") and not table[column].str.strip().any():
            continue
        groups.setdefault(str(column).strip().lower(), []).append(column)
    keep = {}
    for lower, columns in groups.items():
        used = next((c for c in columns if c == lower), columns[0])
        keep[used] = lower
        others = [c for c in columns if c != used]
        if others:
            log.report(name, f"columns {' and '.join(repr(c) for c in columns)} differ only in case; "
                       f"{used!r} used, {', '.join(repr(c) for c in others)} ignored", "ignored columns")
    return table[list(keep)].rename(columns=keep)


def _map_columns(table: pd.DataFrame, name: str, log: LoadLog) -> pd.DataFrame | None:
    """Rename export columns to ours; report unknown columns and a missing text column."""
    table = _lower_case_columns(table, name, log)
    chosen = {}
    for ours, aliases in COLUMN_ALIASES.items():
        found = next((a for a in aliases if a in table.columns), None)
        if found:
            chosen[found] = ours
    if "text" not in chosen.values():
        log.report(name, "no article text column; expected one of "
                   f"{', '.join(COLUMN_ALIASES['text'])}; found {', '.join(sorted(table.columns))}",
                   "skipped")
        return None
    all_aliases = {a for aliases in COLUMN_ALIASES.values() for a in aliases}
    unknown = sorted(set(table.columns) - all_aliases - KNOWN_UNUSED_COLUMNS)
    if unknown:
        log.report(name, f"unknown columns ignored: {', '.join(unknown)}", "ignored columns")
    return table[list(chosen)].rename(columns=chosen)


def _extract_html(page: str) -> dict:
    """Main text and metadata of a saved web page, with trafilatura.

    Returns ``{"raw_text", "headline", "published", "outlet", "origin", "url", "date_basis"}``
    (``outlet`` from the site name, ``og:site_name``; ``origin`` from the author or byline meta);
    ``raw_text`` is empty when no main text is found. The date comes only from the page's
    own metadata (no extensive guessing from body text).
    """
    import trafilatura

    doc = trafilatura.bare_extraction(
        page, with_metadata=True, include_comments=False, include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True})
    found = doc.as_dict() if doc is not None else {}
    date = found.get("date") or ""
    return {
        "raw_text": found.get("text") or "",
        "headline": found.get("title") or "",
        "published": date,
        "outlet": found.get("sitename") or "",
        "origin": found.get("author") or "",
        "url": found.get("url") or "",
        "date_basis": f"page metadata: '{date}' (trafilatura)" if date else "no date in page metadata",
    }


def _symlink_problem(entry: Path, root: Path) -> str:
    """Why a symlink in the corpus folder cannot be read ("" when it can): broken, a loop,
    or pointing outside the folder (``root``, resolved)."""
    try:
        target = entry.resolve(strict=True)
    except FileNotFoundError:
        return "broken symlink (its target does not exist)"
    except (OSError, RuntimeError):
        return "symlink loop"
    if root not in target.parents:
        return "symlink points outside the corpus folder"
    return ""


def article_files(folder: Path, log: LoadLog) -> list[Path]:
    """The ``.txt`` / ``.html`` / ``.htm`` files directly in ``folder``, sorted by name.

    Entries that look like articles but are not read are reported one by one: hidden files
    (``.txt``), broken or looping symlinks, symlinks that point outside the folder, and
    subfolders (only files directly in the folder are read). Other files are ignored.
    """
    root = folder.resolve()
    files = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        is_article = entry.name.lower().endswith(_ARTICLE_SUFFIXES)
        if entry.is_symlink() and (problem := _symlink_problem(entry, root)):
            if is_article or problem != "symlink points outside the corpus folder":
                log.report(entry.name, problem, "skipped")
            continue
        if entry.is_dir():
            if not entry.name.startswith("."):
                inside = sum(1 for p in entry.rglob("*") if p.name.lower().endswith(_ARTICLE_SUFFIXES))
                log.report(entry.name, f"subfolder with {inside} article files ignored; only files "
                           "directly in the corpus folder are read", "skipped")
            continue
        if not is_article:
            continue
        if entry.name.startswith("."):
            log.report(entry.name, "hidden file (name starts with a dot)", "skipped")
        elif entry.is_file():
            files.append(entry)
    return files


def records_from_folder(folder: Path, log: LoadLog) -> list[dict]:
    """Raw records of the article files directly in ``folder`` (see :func:`article_files`),
    with their rows of ``metadata.csv`` when it exists."""
    metadata = _read_metadata(folder, log)
    files = article_files(folder, log)
    names = {p.name for p in files}
    for name in sorted(set(metadata) - names):
        log.report(name, "listed in metadata.csv but the file is missing", "row ignored")
    records = []
    for order, path in enumerate(files):
        meta = metadata.get(path.name)
        if metadata and meta is None:
            log.report(path.name, "file has no row in metadata.csv", "loaded with text-derived metadata")
        decoded = _read_source_bytes(path, log)
        if decoded is None:
            continue
        raw_text, encoding = decoded
        if encoding != "utf-8":
            log.report(path.name, f"not UTF-8; decoded as {encoding}", "loaded")
        record = {"file": path.name, "raw_text": raw_text, "encoding": encoding, "doc_id": path.stem,
                  "order": order}
        if path.suffix.lower() in _HTML_SUFFIXES:
            extracted = _extract_html(raw_text)
            if not extracted["raw_text"].strip():
                log.report(path.name, "no main text found in the HTML page", "skipped")
                continue
            record.update({k: v for k, v in extracted.items() if v or k == "published"})
        record.update(meta or {})
        if meta and "published" in meta:
            record["date_source"] = "metadata.csv"
        records.append(record)
    return records


def _read_metadata(folder: Path, log: LoadLog) -> dict[str, dict]:
    path = folder / "metadata.csv"
    if not path.exists():
        return {}
    table = _read_table(path, log)
    if table is None:
        return {}
    table = _lower_case_columns(table, path.name, log)
    if "file" not in table.columns:
        log.report(path.name, f"no 'file' column; found {', '.join(table.columns)}", "ignored")
        return {}
    unknown = sorted(set(table.columns) - set(METADATA_COLUMNS))
    if unknown:
        log.report(path.name, f"unknown columns ignored: {', '.join(unknown)}", "ignored columns")
    doubled = sorted(table.loc[table["file"].duplicated(), "file"])
    for name in doubled:
        log.report(path.name, f"more than one row for {name}", "first row used")
    table = table.drop_duplicates("file")
    keep = [c for c in METADATA_COLUMNS if c in table.columns]
    rows = table[keep].to_dict("records")
    return {row["file"]: {k: v for k, v in row.items() if v != "" or k in ("published", "headline")}
            for row in rows}


def records_from_table(path: Path, log: LoadLog, chunk_rows: int = TABLE_CHUNK_ROWS) -> list[dict]:
    """Raw records of a CSV or JSONL export, parsed ``chunk_rows`` rows at a time."""
    table = _read_table(path, log, chunk_rows)
    if table is None:
        return []
    if table.empty:
        log.report(path.name, "no rows below the header" if len(table.columns) else "no rows",
                   "skipped")
        return []
    mapped = _map_columns(table, path.name, log)
    if mapped is None:
        return []
    records = []
    for i, row in enumerate(mapped.to_dict("records")):
        doc_id = row.get("doc_id") or f"row{i + 1:06d}"
        if not row["text"].strip():
            log.report(path.name, f"row {i + 1} (doc_id {doc_id}) has empty text", "row skipped")
            continue
        row.update(doc_id=doc_id, file=f"{path.name}#row{i + 1}", raw_text=row.pop("text"),
                   encoding="", date_source=path.name, order=i)
        records.append(row)
    return records
