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

from newsdesk.corpus.schema import COLUMN_ALIASES, KNOWN_UNUSED_COLUMNS, METADATA_COLUMNS, LoadLog
from newsdesk.corpus.settings import TABLE_CHUNK_ROWS

__all__ = [
    "records_from_folder",
    "records_from_table",
]

_ENCODINGS_TRIED = ("utf-8", "utf-8-sig", "cp1252")
_BINARY_CONTROL_SHARE = 0.10  # share of control bytes above which a file is binary, not text

_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def _decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode article bytes, trying UTF-8, UTF-8 with BOM, then cp1252.

    Returns ``(text, encoding)``. Raises ``ValueError`` for empty, binary or undecodable
    input; the caller adds the file name.
    """
    if not data.strip():
        raise ValueError("file is empty or whitespace only")
    sample = data[:8192]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if b"\x00" in sample or controls / len(sample) > _BINARY_CONTROL_SHARE:
        raise ValueError("file looks binary (NUL or control bytes), not text")
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig"), "utf-8-sig"
    for encoding in _ENCODINGS_TRIED:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ValueError(f"text is not valid in any of {', '.join(_ENCODINGS_TRIED)}")


def _read_source_bytes(path: Path, log: LoadLog) -> tuple[str, str] | None:
    try:
        return _decode_bytes(path.read_bytes())
    except ValueError as exc:
        log.report(path.name, str(exc), "skipped")
    except OSError as exc:
        log.report(path.name, f"cannot be read ({exc.strerror})", "skipped")
    return None




def _table_chunks(path: Path, chunk_rows: int):
    """Parse a UTF-8 CSV or JSONL export in chunks of ``chunk_rows`` rows, streaming.

    Raises ``UnicodeDecodeError`` for text that is not UTF-8 (the caller then decodes the
    whole file with the fallback encodings) and ``ValueError`` for malformed input.
    """
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        with path.open(encoding="utf-8") as handle:
            batch = []
            for line in handle:
                if line.strip():
                    batch.append(json.loads(line))
                if len(batch) == chunk_rows:
                    yield _json_records(batch)
                    batch = []
            if batch:
                yield _json_records(batch)
    else:
        yield from pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8",
                               chunksize=chunk_rows)


def _json_records(records: list) -> pd.DataFrame:
    if not all(isinstance(r, dict) for r in records):
        raise ValueError("every JSONL line must be a JSON object")
    return pd.DataFrame.from_records(records)


def _read_table(path: Path, log: LoadLog, chunk_rows: int = TABLE_CHUNK_ROWS) -> pd.DataFrame | None:
    """Read a CSV or JSONL file into strings, reporting any failure by file name.

    A UTF-8 file without a byte-order mark is parsed in chunks as it is read; any other
    file is decoded whole (UTF-8 with BOM, then cp1252) and parsed at once.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
        if head.strip() and not head.startswith(b"\xef\xbb\xbf"):
            _decode_bytes(head)  # empty and binary files are reported as before
            chunks = list(_table_chunks(path, chunk_rows))
            if not chunks:
                raise ValueError("no rows")
            table = pd.concat(chunks, ignore_index=True)
            return table.astype(object).where(table.notna(), "").astype(str)
    except (UnicodeDecodeError, ValueError, pd.errors.ParserError, csv.Error, OSError):
        pass  # decoded whole below, which reports the problem by name
    decoded = _read_source_bytes(path, log)
    if decoded is None:
        return None
    text, encoding = decoded
    if encoding != "utf-8":
        log.report(path.name, f"not UTF-8; decoded as {encoding}", "loaded")
    try:
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            records = [json.loads(ln) for ln in text.splitlines() if ln.strip()]
            if not all(isinstance(r, dict) for r in records):
                raise ValueError("every JSONL line must be a JSON object")
            table = pd.DataFrame.from_records(records)
        else:
            table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (ValueError, pd.errors.ParserError, csv.Error) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        log.report(path.name, f"malformed {path.suffix.lstrip('.').upper()}: {first_line}", "skipped")
        return None
    return table.astype(object).where(table.notna(), "").astype(str)


def _map_columns(table: pd.DataFrame, name: str, log: LoadLog) -> pd.DataFrame | None:
    """Rename export columns to ours; report unknown columns and a missing text column."""
    lower = {c: c.strip().lower() for c in table.columns}
    table = table.rename(columns=lower)
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


_HTML_SUFFIXES = (".html", ".htm")


def _extract_html(page: str) -> dict:
    """Main text and metadata of a saved web page, with trafilatura.

    Returns ``{"raw_text", "headline", "published", "outlet", "url", "date_basis"}``;
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
        "url": found.get("url") or "",
        "date_basis": f"page metadata: '{date}' (trafilatura)" if date else "no date in page metadata",
    }


def records_from_folder(folder: Path, log: LoadLog) -> list[dict]:
    metadata = _read_metadata(folder, log)
    files = sorted(p for p in folder.iterdir()
                   if p.suffix.lower() in (".txt", *_HTML_SUFFIXES) and p.is_file())
    names = {p.name for p in files}
    for name in sorted(set(metadata) - names):
        log.report(name, "listed in metadata.csv but the file is missing", "row ignored")
    records = []
    for path in files:
        meta = metadata.get(path.name)
        if metadata and meta is None:
            log.report(path.name, "file has no row in metadata.csv", "loaded with text-derived metadata")
        decoded = _read_source_bytes(path, log)
        if decoded is None:
            continue
        raw_text, encoding = decoded
        if encoding != "utf-8":
            log.report(path.name, f"not UTF-8; decoded as {encoding}", "loaded")
        record = {"file": path.name, "raw_text": raw_text, "encoding": encoding, "doc_id": path.stem}
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
    table.columns = [c.strip().lower() for c in table.columns]
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
                   encoding="", date_source=path.name)
        records.append(row)
    return records
