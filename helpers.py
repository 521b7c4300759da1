"""Shared helpers for the DeepSeek / export-controls coverage notebooks.

Sections
--------
corpus
    Read a folder of ``.txt`` articles or saved ``.html`` pages (with optional
    ``metadata.csv``) or a CSV / JSONL export, clean it line by line with an audit of every
    dropped line, and return one row per article, optionally cached as Parquet. Bad input
    is reported as a :class:`CorpusWarning` naming the file.
text
    Sentence splitting (sentencex), the normalisation shared by the analyses, and quotes
    and speakers (direct quotes, reported speech, "he said" resolution).
terms
    TF-IDF distinctive terms, term trends over time, group contrasts, keyword in context.
stance
    Stance of sentences and articles towards US export controls on chips.
overlap
    Syndication, rewrites, shared passages and shared quotes between articles.
figures
    Saving every figure as PNG with the plotted data beside it as CSV.
report
    The stakeholder HTML report: executed notebooks rendered with code hidden, one
    template, embedded images, and an index page with a card per notebook.
scale
    Synthetic corpora with planted copies, the pipeline runner and benchmark readers, and
    the Dask path: the per-article steps above mapped over a ``distributed`` cluster.

Every function is pure unless its name says it writes or shows (``save_*``, ``write_*``,
``display_*``).
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
import unicodedata
import warnings
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, lru_cache, partial
from itertools import islice
from pathlib import Path

import numpy as np
import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parent
LEXICONS = PROJECT_ROOT / "lexicons"


# ======================================================================================
# corpus
# ======================================================================================

CORPUS_COLUMNS = [
    "doc_id", "file", "outlet", "origin", "headline", "published", "date_basis",
    "language", "url", "encoding", "duplicate_of", "raw_text", "text", "n_words",
    "n_sentences",
]
AUDIT_COLUMNS = ["doc_id", "line_no", "text", "reason", "detail"]
PROBLEM_COLUMNS = ["file", "problem", "action"]
METADATA_COLUMNS = [
    "file", "doc_id", "outlet", "origin", "headline", "published", "date_basis",
    "language", "notes", "url",
]

# Export column names (Media Cloud first) mapped onto ours; the first alias present wins.
COLUMN_ALIASES: dict[str, list[str]] = {
    "doc_id": ["doc_id", "stories_id", "id", "guid"],
    "headline": ["headline", "title"],
    "published": ["published", "publish_date", "date", "publication_date"],
    "outlet": ["outlet", "media_name", "source", "media_url", "domain"],
    "origin": ["origin", "author", "byline"],
    "url": ["url", "link"],
    "language": ["language", "lang"],
    "text": ["text", "body", "content", "article_text", "story_text"],
}
# Export columns we recognise but do not use, so they raise no "unknown column" warning.
KNOWN_UNUSED_COLUMNS = {
    "processed_stories_id", "collect_date", "ap_syndicated", "themes", "media_id",
    "word_count", "feeds", "metadata", "indexed_date", "tags", "notes", "date_basis",
    "file", "publish_day",
}

ENCODINGS_TRIED = ("utf-8", "utf-8-sig", "cp1252")
BINARY_CONTROL_SHARE = 0.10  # share of control bytes above which a file is binary, not text
OTHER_SCRIPT_SHARE = 0.5  # a line whose letters are mostly non-Latin is another script
LETTER_RE = re.compile(r"[^\W\d_]")
SPACE_RUN_RE = re.compile(r"\s+")
LATIN_LETTER_RE = re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")
OUTSIDE_LATIN_RE = re.compile(r"[^\x00-\u024F\u1E00-\u1EFF\u2000-\u206F\u20A0-\u20CF\u2100-\u214F]")
CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
TAG_LINE_MIN_JOINS = 5  # 'intelligenceBeijingChina…': run-together keywords, no sentence
SECTION_LABEL_MAX_WORDS = 4
HEADLINE_WORDS = (4, 25)
REPEAT_MIN_WORDS = 8  # a line this long found inside another line is a repeated dek

MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
FULL_DATE_RE = re.compile(
    rf"\b(?:{MONTHS}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{MONTHS}\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\b",
    re.IGNORECASE,
)
YEARLESS_DATE_RE = re.compile(
    rf"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?{MONTHS}\s+\d{{1,2}}\b(?!,?\s*\d{{4}})",
    re.IGNORECASE,
)
DATE_SEARCH_LINES = 5  # datelines sit in the first or last lines of a page


class CorpusWarning(UserWarning):
    """A problem with one input file: the message names the file and the problem."""


@dataclass(frozen=True)
class CleaningRule:
    """One full-line pattern from ``lexicons/cleaning_rules.csv``."""

    reason: str
    pattern: re.Pattern
    why: str


@dataclass
class _LoadLog:
    """Collects problems while loading; warns, or raises under ``strict``."""

    strict: bool
    problems: list[dict] = field(default_factory=list)

    def report(self, file: str, problem: str, action: str) -> None:
        message = f"{file}: {problem}"
        if self.strict:
            raise ValueError(message)
        warnings.warn(f"{message} ({action})", CorpusWarning, stacklevel=3)
        self.problems.append({"file": file, "problem": problem, "action": action})


class _QuietLog(_LoadLog):
    """Collects problems without warning, to be replayed in order by a :class:`_LoadLog`."""

    def report(self, file: str, problem: str, action: str) -> None:
        self.problems.append({"file": file, "problem": problem, "action": action})


@cache
def cleaning_rules(path: str | None = None) -> tuple[CleaningRule, ...]:
    """Read the full-line cleaning rules (``reason, pattern, why``), case-insensitive."""
    table = pd.read_csv(path or LEXICONS / "cleaning_rules.csv", dtype=str, keep_default_na=False)
    return tuple(
        CleaningRule(row.reason, re.compile(row.pattern, re.IGNORECASE), row.why)
        for row in table.itertuples()
    )


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode article bytes, trying UTF-8, UTF-8 with BOM, then cp1252.

    Returns ``(text, encoding)``. Raises ``ValueError`` for empty, binary or undecodable
    input; the caller adds the file name.
    """
    if not data.strip():
        raise ValueError("file is empty or whitespace only")
    sample = data[:8192]
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    if b"\x00" in sample or controls / len(sample) > BINARY_CONTROL_SHARE:
        raise ValueError("file looks binary (NUL or control bytes), not text")
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig"), "utf-8-sig"
    for encoding in ENCODINGS_TRIED:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ValueError(f"text is not valid in any of {', '.join(ENCODINGS_TRIED)}")


def dominant_script(line: str) -> str | None:
    """Name the non-Latin script that most of a line's letters use, or ``None``.

    >>> dominant_script("১ ঘণ্টা আগে")
    'BENGALI'
    """
    if line.isascii():
        return None
    n_letters = len(LETTER_RE.findall(line))
    if not n_letters or len(LATIN_LETTER_RE.findall(line)) / n_letters >= 1 - OTHER_SCRIPT_SHARE:
        return None
    scripts = Counter(unicodedata.name(ch, "UNKNOWN").split()[0] for ch in line if ch.isalpha())
    n_letters = sum(scripts.values())
    non_latin = {script: n for script, n in scripts.items() if script != "LATIN"}
    if not n_letters or sum(non_latin.values()) / n_letters <= OTHER_SCRIPT_SHARE:
        return None
    return sorted(non_latin.items(), key=lambda item: (-item[1], item[0]))[0][0]


WORD_RE = re.compile(r"\w+(?:['’.-]\w+)*")
CASE_JOIN_RE = re.compile(r"[a-z][A-Z]")


def _word_count(text: str) -> int:
    return len(WORD_RE.findall(text))


def _has_words(text: str, n: int) -> bool:
    """``_word_count(text) >= n``, reading no further than the ``n``-th word."""
    return sum(1 for _ in islice(WORD_RE.finditer(text), n)) >= n


def _is_tag_line(line: str) -> bool:
    joins = len(CASE_JOIN_RE.findall(line))
    return joins >= TAG_LINE_MIN_JOINS and not re.search(r"[.!?]\s|[.!?]$", line)


def _is_section_label(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= SECTION_LABEL_MAX_WORDS
        and not re.search(r"[.!?:,;]$", line)
        and all(w[0].isupper() or not w[0].isalpha() for w in words)
    )


def _reads_as_headline(line: str) -> bool:
    n = len(line.split())
    return HEADLINE_WORDS[0] <= n <= HEADLINE_WORDS[1] and not re.search(r"[.]$", line)


def _match_key(line: str) -> str:
    return SPACE_RUN_RE.sub(" ", normalize_text(line)).strip()


def clean_lines(raw_text: str, headline: str = "") -> tuple[list[tuple[int, str]], list[dict]]:
    """Split raw article text into kept body lines and audited dropped lines.

    Parameters
    ----------
    raw_text : decoded article text, any line endings.
    headline : the known headline; the body line equal to it is moved out as ``headline``.
        With no headline, the first line that reads as a title (4–25 words, no closing
        full stop) within the first three lines is taken as the headline.

    Returns
    -------
    kept : ``[(line_no, line)]`` with 1-based raw line numbers, stripped of outer spaces.
    dropped : ``[{"line_no", "text", "reason", "detail"}]``, one per non-blank line not kept;
        ``detail`` names the line a repeat copies.
        ``len(kept) + len(dropped)`` equals the number of non-blank raw lines.
    """
    lines = raw_text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rules = cleaning_rules()
    may_have_other_script = OUTSIDE_LATIN_RE.search(raw_text) is not None
    headline_key = _match_key(headline) if headline else ""
    kept: list[tuple[int, str, str]] = []
    dropped: list[dict] = []
    headline_taken = False
    for line_no, raw_line in enumerate(lines, start=1):
        line = raw_line.strip()
        if not line:
            continue
        key = None
        reason = next((r.reason for r in rules if r.pattern.match(line)), None)
        if reason is None and may_have_other_script and (script := dominant_script(line)):
            reason = f"other script ({script.title()})"
        if reason is None and _is_tag_line(line):
            reason = "keyword tag line"
        if reason is None and headline_key and (key := _match_key(line)) == headline_key:
            reason = "repeated headline" if headline_taken else "headline"
            headline_taken = True
        if reason is None and not headline_taken and not kept and line_no <= 3 \
                and _reads_as_headline(line):
            reason, headline_taken = "headline", True
            headline_key = _match_key(line)
        if reason is None and _is_section_label(line):
            reason = "section label"
        if reason is None:
            kept.append((line_no, line, key if key is not None else _match_key(line)))
        else:
            dropped.append({"line_no": line_no, "text": line, "reason": reason, "detail": ""})
    kept, repeated = _drop_repeats(kept)
    dropped = sorted(dropped + repeated, key=lambda row: row["line_no"])
    return kept, dropped


def _drop_repeats(kept: list[tuple[int, str, str]]) -> tuple[list[tuple[int, str]], list[dict]]:
    """Drop lines that repeat an earlier line, or that stand whole inside a longer line.

    ``kept`` holds ``(line_no, line, _match_key(line))``; the result drops the key.
    """
    first_seen: dict[str, int] = {}
    unique: list[tuple[int, str, str]] = []
    dropped: list[dict] = []
    for line_no, line, key in kept:
        if key in first_seen:
            dropped.append({"line_no": line_no, "text": line, "reason": "repeated copy",
                            "detail": f"first seen at line {first_seen[key]}"})
            continue
        first_seen[key] = line_no
        unique.append((line_no, line, key))
    result: list[tuple[int, str]] = []
    for line_no, line, key in unique:
        host = None
        if _has_words(line, REPEAT_MIN_WORDS):
            host = next((n for n, _, other in unique if len(other) > len(key) and key in other), None)
        if host is not None:
            dropped.append({"line_no": line_no, "text": line, "reason": "repeated text",
                            "detail": f"contained in line {host}"})
        else:
            result.append((line_no, line))
    return result, dropped


def headline_from_text(raw_text: str) -> str:
    """Return the first line if it reads as a title (4–25 words, no closing full stop)."""
    kept, dropped = clean_lines(raw_text)
    return next((row["text"] for row in dropped if row["reason"] == "headline"), "")


def date_from_text(raw_text: str) -> tuple[pd.Timestamp, str]:
    """Find a full date (with year) in the first or last lines of an article.

    Returns ``(timestamp, basis)``. ``timestamp`` is ``NaT`` when no full date is found;
    ``basis`` then says so and names any yearless date that was seen but not used.
    Dates are parsed with ``dateutil``; relative phrases ("on Monday") are never resolved.
    """
    from dateutil import parser as date_parser

    lines = [(n, ln.strip()) for n, ln in enumerate(raw_text.splitlines(), 1) if ln.strip()]
    window = lines[:DATE_SEARCH_LINES] + lines[-DATE_SEARCH_LINES:]
    for line_no, line in window:
        match = FULL_DATE_RE.search(line)
        if match:
            try:
                stamp = pd.Timestamp(date_parser.parse(match.group(0).replace(".", "")))
            except (ValueError, OverflowError):
                continue
            return stamp.normalize(), f"parsed from text: '{match.group(0)}' (line {line_no})"
    for line_no, line in window:
        match = YEARLESS_DATE_RE.search(line)
        if match:
            return pd.NaT, (f"no full date in text; yearless '{match.group(0)}' (line {line_no}) "
                            "may be a page display date and was not used")
    return pd.NaT, "no full date in the first or last lines of the text"


def parse_date(value: object) -> pd.Timestamp:
    """Parse one metadata date (ISO or any dateutil form); ``NaT`` for empty.

    Raises ``ValueError`` for a value that is present but unparseable.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == "":
        return pd.NaT
    stamp = _parse_date_text(str(value).strip())
    if pd.isna(stamp):
        raise ValueError(f"unparseable date {str(value)!r}")
    return stamp


@lru_cache(maxsize=2**14)  # exports repeat the same few hundred dates; parsing one costs ~0.5 ms
def _parse_date_text(text: str) -> pd.Timestamp:
    stamp = pd.to_datetime(text, errors="coerce", utc=True)
    return pd.NaT if pd.isna(stamp) else stamp.tz_convert(None).normalize()


def _read_source_bytes(path: Path, log: _LoadLog) -> tuple[str, str] | None:
    try:
        return decode_bytes(path.read_bytes())
    except ValueError as exc:
        log.report(path.name, str(exc), "skipped")
    except OSError as exc:
        log.report(path.name, f"cannot be read ({exc.strerror})", "skipped")
    return None


TABLE_CHUNK_ROWS = 5000  # rows parsed at a time from a UTF-8 export; bounds the parser's memory


def _table_chunks(path: Path):
    """Parse a UTF-8 CSV or JSONL export in chunks of ``TABLE_CHUNK_ROWS`` rows, streaming.

    Raises ``UnicodeDecodeError`` for text that is not UTF-8 (the caller then decodes the
    whole file with the fallback encodings) and ``ValueError`` for malformed input.
    """
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        with path.open(encoding="utf-8") as handle:
            batch = []
            for line in handle:
                if line.strip():
                    batch.append(json.loads(line))
                if len(batch) == TABLE_CHUNK_ROWS:
                    yield _json_records(batch)
                    batch = []
            if batch:
                yield _json_records(batch)
    else:
        yield from pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8",
                               chunksize=TABLE_CHUNK_ROWS)


def _json_records(records: list) -> pd.DataFrame:
    if not all(isinstance(r, dict) for r in records):
        raise ValueError("every JSONL line must be a JSON object")
    return pd.DataFrame.from_records(records)


def _read_table(path: Path, log: _LoadLog) -> pd.DataFrame | None:
    """Read a CSV or JSONL file into strings, reporting any failure by file name.

    A UTF-8 file without a byte-order mark is parsed in chunks as it is read; any other
    file is decoded whole (UTF-8 with BOM, then cp1252) and parsed at once.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
        if head.strip() and not head.startswith(b"\xef\xbb\xbf"):
            decode_bytes(head)  # empty and binary files are reported as before
            chunks = list(_table_chunks(path))
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


def _map_columns(table: pd.DataFrame, name: str, log: _LoadLog) -> pd.DataFrame | None:
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


HTML_SUFFIXES = (".html", ".htm")


def extract_html(page: str) -> dict:
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


def _records_from_folder(folder: Path, log: _LoadLog) -> list[dict]:
    metadata = _read_metadata(folder, log)
    files = sorted(p for p in folder.iterdir()
                   if p.suffix.lower() in (".txt", *HTML_SUFFIXES) and p.is_file())
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
        if path.suffix.lower() in HTML_SUFFIXES:
            extracted = extract_html(raw_text)
            if not extracted["raw_text"].strip():
                log.report(path.name, "no main text found in the HTML page", "skipped")
                continue
            record.update({k: v for k, v in extracted.items() if v or k == "published"})
        record.update(meta or {})
        records.append(record)
    return records


def _read_metadata(folder: Path, log: _LoadLog) -> dict[str, dict]:
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


def _records_from_table(path: Path, log: _LoadLog) -> list[dict]:
    table = _read_table(path, log)
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
                   encoding="")
        records.append(row)
    return records


def _build_row(record: dict, log: _LoadLog) -> tuple[dict | None, list[dict]]:
    """Clean one record into a corpus row and its audit rows (``None`` if nothing is left)."""
    name = record["file"]
    headline_meta = record.get("headline", "") or ""
    kept, dropped = clean_lines(record["raw_text"], headline_meta)
    audit = [{"doc_id": record["doc_id"], **row} for row in dropped]
    headline = headline_meta or next((r["text"] for r in dropped if r["reason"] == "headline"), "")
    if "published" in record:
        try:
            published = parse_date(record["published"])
        except ValueError as exc:
            log.report(name, f"{exc} in metadata", "date left empty")
            published = pd.NaT
        basis = record.get("date_basis") or ("metadata" if pd.notna(published) else "metadata: no date")
        if pd.isna(published) and str(record.get("published", "")).strip():
            basis = f"unparseable date {record['published']!r} in metadata; left empty"
    else:
        published, basis = date_from_text(record["raw_text"])
    if not kept:
        log.report(name, "no article text left after cleaning (all lines are furniture)", "skipped")
        return None, audit
    text = "\n".join(line for _, line in kept)
    row = {
        "doc_id": str(record["doc_id"]),
        "file": name,
        "outlet": record.get("outlet") or "unknown",
        "origin": record.get("origin") or "unknown",
        "headline": headline,
        "published": published,
        "date_basis": basis,
        "language": record.get("language") or "en",
        "url": record.get("url", ""),
        "encoding": record.get("encoding", ""),
        "duplicate_of": "",
        "raw_text": record["raw_text"],
        "text": text,
        "n_words": _word_count(text),
        "n_sentences": len(split_sentences(text)),
    }
    if "\r\n" in record["raw_text"]:
        log.report(name, "Windows (CRLF) line endings; normalised to LF", "loaded")
    return row, audit


def _flag_identical_texts(rows: list[dict], log: _LoadLog) -> None:
    first_by_hash: dict[str, str] = {}
    for row in rows:
        digest = hashlib.sha256(_match_key(row["text"]).encode()).hexdigest()
        if digest in first_by_hash:
            row["duplicate_of"] = first_by_hash[digest]
            log.report(row["file"], f"text identical to doc_id {first_by_hash[digest]}",
                       "flagged in duplicate_of")
        else:
            first_by_hash[digest] = row["doc_id"]


CACHE_VERSION = "1"  # bump when cleaning changes in a way the rules file does not show


def corpus_fingerprint(path: Path) -> str:
    """SHA-256 over the input files' names and bytes, the cleaning rules and CACHE_VERSION."""
    digest = hashlib.sha256(CACHE_VERSION.encode())
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    for file in [*files, LEXICONS / "cleaning_rules.csv"]:
        digest.update(file.name.encode() + b"\0" + hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def _read_cached(folder: Path) -> pd.DataFrame:
    corpus = pd.read_parquet(folder / "corpus.parquet")
    corpus.attrs["audit"] = pd.read_parquet(folder / "audit.parquet")
    corpus.attrs["problems"] = pd.read_parquet(folder / "problems.parquet")
    return corpus


def _write_cached(corpus: pd.DataFrame, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    plain = corpus.copy()
    plain.attrs = {}
    plain.to_parquet(folder / "corpus.parquet", index=False)
    cleaning_audit(corpus).to_parquet(folder / "audit.parquet", index=False)
    load_problems(corpus).to_parquet(folder / "problems.parquet", index=False)


PROGRESS_MIN_RECORDS = 2000  # loads shorter than this show no progress bar


def clean_records(records: list[dict]) -> list[tuple[dict | None, list[dict], list[dict]]]:
    """Clean input records independently: ``(row, audit rows, problems)`` for each.

    The per-article step of :func:`load_corpus` (``row`` is ``None`` when nothing is left);
    problems are collected, not warned, so the caller reports them in input order. Used
    as it is by the Dask path (:func:`map_partitions_dask`).
    """
    return list(_clean_each(records))


def _clean_each(records: list[dict]):
    for record in records:
        log = _QuietLog(strict=False)
        row, audit = _build_row(record, log)
        yield row, audit, log.problems


def _show_progress(progress: bool | None, n: int) -> bool:
    """``progress=None`` shows a bar only for long loads on an interactive terminal, so
    notebooks (nbval, papermill: stderr is not a terminal) stay silent."""
    import sys

    if progress is None:
        return n >= PROGRESS_MIN_RECORDS and sys.stderr is not None and sys.stderr.isatty()
    return bool(progress)


def load_corpus(source: str | Path = "seeds", *, strict: bool = False,
                cache_dir: str | Path | None = None, progress: bool | None = None,
                client: object | None = None) -> pd.DataFrame:
    """Load, clean and audit a corpus of news articles.

    Parameters
    ----------
    source : a folder of ``.txt`` files or saved ``.html`` pages (main text, title, date
        and site name extracted with trafilatura; optional ``metadata.csv`` with columns
        ``file, doc_id, outlet, origin, headline, published, date_basis, language, notes``),
        or a ``.csv`` / ``.jsonl`` file with one article per row (Media Cloud names
        ``stories_id``/``id``, ``title``, ``publish_date``, ``media_name``, ``url``, ``text``
        are understood). A relative path is tried as given, then under the project root.
    strict : raise ``ValueError`` on the first problem instead of warning.
    cache_dir : if given, the cleaned corpus is cached there as Parquet under a key made
        from the inputs' content (:func:`corpus_fingerprint`); a changed input, or changed
        cleaning rules, makes a new key. A cached load repeats the original warnings.
    progress : show a tqdm progress bar (on stderr) while articles are cleaned; ``None``
        shows one only for ``PROGRESS_MIN_RECORDS`` or more articles and only when stderr
        is a terminal, so notebooks run by nbval or papermill stay silent.
    client : a ``dask.distributed.Client``; if given, articles are cleaned on its workers
        (:func:`clean_records` over partitions). The result is the same as without it.

    Returns
    -------
    DataFrame with one row per article, sorted by ``doc_id``, columns ``CORPUS_COLUMNS``
    (``published`` is datetime64, ``NaT`` when unknown). ``attrs["audit"]`` holds every
    dropped line (see :func:`cleaning_audit`) and ``attrs["problems"]`` every problem
    reported (see :func:`load_problems`).
    """
    path = Path(source)
    if not path.exists() and not path.is_absolute() and (PROJECT_ROOT / path).exists():
        path = PROJECT_ROOT / path
    if cache_dir is not None and path.exists():
        cached = Path(cache_dir) / corpus_fingerprint(path)
        if (cached / "problems.parquet").exists():
            corpus = _read_cached(cached)
            log = _LoadLog(strict=strict)
            for problem in load_problems(corpus).itertuples():
                log.report(problem.file, problem.problem, problem.action)
            return corpus
        corpus = load_corpus(path, strict=strict, progress=progress, client=client)
        _write_cached(corpus, cached)
        return corpus
    log = _LoadLog(strict=strict)
    if path.is_dir():
        records = _records_from_folder(path, log)
    elif path.is_file() and path.suffix.lower() in (".csv", ".jsonl", ".ndjson"):
        records = _records_from_table(path, log)
    elif path.is_file():
        raise ValueError(f"{path.name}: unsupported input; give a folder of .txt files, a .csv or a .jsonl")
    else:
        raise ValueError(f"{path.name}: no such file or folder")

    seen_ids: set[str] = set()
    ordered = sorted(records, key=lambda r: (str(r["doc_id"]), r["file"]))
    unique = []
    for record in ordered:
        if str(record["doc_id"]) not in seen_ids:
            seen_ids.add(str(record["doc_id"]))
            unique.append(record)
    if client is not None:
        built = iter(map_partitions_dask(clean_records, unique, client))
    else:
        built = _clean_each(unique)
    if _show_progress(progress, len(unique)):
        from tqdm.auto import tqdm

        built = iter(tqdm(built, total=len(unique), desc="cleaning articles", unit="article"))
    seen_ids = set()
    rows, audit = [], []
    for record in ordered:  # problems are reported in the same order as cleaning one by one
        if str(record["doc_id"]) in seen_ids:
            log.report(record["file"], f"doc_id {record['doc_id']} is used twice", "skipped")
            continue
        seen_ids.add(str(record["doc_id"]))
        row, row_audit, problems = next(built)
        for problem in problems:
            log.report(**problem)
        audit.extend(row_audit)
        if row is not None:
            rows.append(row)
    _flag_identical_texts(rows, log)

    corpus = pd.DataFrame(rows, columns=CORPUS_COLUMNS)
    corpus["published"] = pd.to_datetime(corpus["published"]).astype("datetime64[ns]")
    corpus = corpus.sort_values("doc_id", kind="stable").reset_index(drop=True)
    corpus.attrs["audit"] = pd.DataFrame(audit, columns=AUDIT_COLUMNS).sort_values(
        ["doc_id", "line_no"], kind="stable").reset_index(drop=True)
    corpus.attrs["problems"] = pd.DataFrame(log.problems, columns=PROBLEM_COLUMNS)
    return corpus


def cleaning_audit(corpus: pd.DataFrame) -> pd.DataFrame:
    """Every line the cleaner dropped: ``doc_id, line_no, text, reason, detail``.

    ``line_no`` counts raw lines from 1; ``detail`` names the line a repeat copies.
    """
    return corpus.attrs.get("audit", pd.DataFrame(columns=AUDIT_COLUMNS))


def load_problems(corpus: pd.DataFrame) -> pd.DataFrame:
    """Every problem reported while loading: ``file, problem, action``."""
    return corpus.attrs.get("problems", pd.DataFrame(columns=PROBLEM_COLUMNS))


def provenance_table(corpus: pd.DataFrame) -> pd.DataFrame:
    """Who wrote each article, where the copy came from, and how its date is known."""
    table = corpus[["doc_id", "outlet", "origin", "headline", "published", "date_basis"]].copy()
    table["published"] = table["published"].dt.strftime("%Y-%m-%d").fillna("")
    return table


def audit_summary(corpus: pd.DataFrame) -> pd.DataFrame:
    """Lines kept and dropped per article, with the raw non-blank line count they add up to."""
    audit = cleaning_audit(corpus)
    dropped = audit.groupby("doc_id").size()
    raw = corpus.set_index("doc_id")["raw_text"].map(
        lambda t: sum(1 for ln in t.splitlines() if ln.strip()))
    kept = corpus.set_index("doc_id")["text"].map(lambda t: len(t.split("\n")))
    summary = pd.DataFrame({"raw_lines": raw, "kept_lines": kept,
                            "dropped_lines": dropped.reindex(raw.index, fill_value=0)})
    return summary.reset_index()


def audit_by_reason(corpus: pd.DataFrame) -> pd.DataFrame:
    """Dropped-line counts, articles × reasons (reasons sorted, repeats grouped)."""
    audit = cleaning_audit(corpus)
    table = pd.crosstab(audit["doc_id"], audit["reason"]).sort_index(axis=1)
    return table.reindex(corpus["doc_id"], fill_value=0)


def most_cleaned_article(corpus: pd.DataFrame) -> str:
    """``doc_id`` of the article that lost the most lines to cleaning (first by id on ties)."""
    summary = audit_summary(corpus).sort_values(["dropped_lines", "doc_id"], ascending=[False, True])
    return str(summary["doc_id"].iloc[0])


def length_before_after(corpus: pd.DataFrame) -> pd.DataFrame:
    """Words per article in the raw file and in the clean text."""
    return pd.DataFrame({
        "doc_id": corpus["doc_id"],
        "raw_words": corpus["raw_text"].map(_word_count),
        "clean_words": corpus["n_words"],
    })


# ======================================================================================
# text
# ======================================================================================

QUOTE_MAP = {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'",
             "′": "'", "—": "-", "–": "-", "‒": "-", "\u00a0": " "}
QUOTE_RE = re.compile("[" + "".join(QUOTE_MAP) + "]")  # a regex is 2-3x faster than str.translate
US_RE = re.compile(r"\bU\.\s?S\.(?=\s|$|[^\w])|\bU\.S\b")


def unify_quotes(text: str) -> str:
    """Curly quotes, dashes and no-break spaces as their ASCII counterparts (``QUOTE_MAP``);
    one character for one, so offsets are kept."""
    return QUOTE_RE.sub(lambda m: QUOTE_MAP[m.group()], text)


def normalize_text(text: str) -> str:
    """Unify quote marks and dashes, and write ``U.S.`` as ``US``; case is kept.

    >>> normalize_text("“U.S. curbs” — he said")
    '"US curbs" - he said'
    """
    return US_RE.sub("US", unify_quotes(unicodedata.normalize("NFKC", text)))


def split_sentences(text: str) -> list[str]:
    """Split clean article text into sentences with sentencex; paragraphs never merge.

    sentencex (Wikimedia's rule-based segmenter) handles news abbreviations such as
    "Jan. 27", "U.S.", "Co." and "Ltd.’s", and quotes that hold several sentences.
    """
    from sentencex import segment

    return [s.strip() for paragraph in text.split("\n") if paragraph.strip()
            for s in segment("en", paragraph) if s.strip()]


def corpus_sentences(corpus: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence: ``doc_id, sent_id`` (0-based within the article), ``sentence``."""
    rows = [
        {"doc_id": doc_id, "sent_id": i, "sentence": sentence}
        for doc_id, text in zip(corpus["doc_id"], corpus["text"], strict=True)
        for i, sentence in enumerate(split_sentences(text))
    ]
    return pd.DataFrame(rows, columns=["doc_id", "sent_id", "sentence"])


# --- speakers: who is quoted or cited -------------------------------------------------

QUOTE_PAIRS = (("“", "”"), ('"', '"'))
MAX_APPOSITIVE_CHARS = 160  # "Michelle Giuda, chief executive officer at …, told" fits


def _lexicon(name: str) -> list[str]:
    """Read a one-entry-per-line lexicon from ``lexicons/``; ``#`` lines are comments."""
    lines = (LEXICONS / name).read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


@cache
def _speaker_patterns() -> dict[str, re.Pattern]:
    verbs = sorted(_lexicon("speech_verbs.txt"), key=len, reverse=True)
    verb = r"(?:" + "|".join(re.escape(v) for v in verbs) + r")"
    token = r"[A-Z][\w’'.\-]*"
    name = rf"{token}(?:\s+(?:(?:of|for|and|de|van|von|al)\s+)?{token}){{0,5}}"
    groups = sorted((g.split(",")[0] for g in _lexicon("speaker_groups.txt")), key=len, reverse=True)
    group = r"(?i:(?:some\s+|many\s+|other\s+)?(?:" + "|".join(re.escape(g) for g in groups) + r"))"
    subject = rf"(?P<name>{name})|(?P<group>{group})|(?P<pron>[Hh]e|[Ss]he|[Tt]hey)"
    tail = (rf"(?:\s+(?:from|of|at|with)\s+(?:the\s+)?{name})?"
            rf"(?:,\s*[^,“”\"]{{1,{MAX_APPOSITIVE_CHARS}}},)?,?"
            rf"\s+(?:has\s+|have\s+|had\s+|also\s+|\w+ly\s+)*")
    return {
        "subject_verb": re.compile(rf"(?:^|(?<=[\s(“\"]))(?:{subject}){tail}(?P<verb>{verb})\b"),
        "verb_subject": re.compile(rf"^\W*(?P<verb>{verb})\s+(?:{subject})"),
        "inverted": re.compile(rf",\s*(?P<verb>{verb})\s+(?:{subject})"),
        "according": re.compile(rf"\b[Aa]ccording to\s+(?:an?\s+\w+\s+(?:on|by|from|in)\s+)?"
                                rf"(?:the\s+)?(?:{subject})"),
        "name": re.compile(name),
        "cue": re.compile(rf"\b(?:{verb}|[Aa]ccording to)"),  # what every pattern above needs
    }


@cache
def _speaker_vocab() -> dict[str, object]:
    groups = dict(ln.split(",") for ln in _lexicon("speaker_groups.txt"))
    return {
        "titles": set(_lexicon("person_titles.txt")),
        "not_names": set(_lexicon("not_names.txt")),
        "institution_words": set(_lexicon("institution_words.txt")),
        "groups": groups,
    }


def _clean_name(raw: str) -> str:
    """Strip possessives, leading titles and non-name words from a capitalised phrase."""
    vocab = _speaker_vocab()
    words = [w.rstrip(".,") for w in re.sub(r"[’']s\b", "", raw).split()]
    while words and (words[0].lower().strip(".") in vocab["titles"]
                     or words[0].lower() in vocab["not_names"]):
        words = words[1:]
    title_at = [i for i, w in enumerate(words) if w.lower().strip(".") in vocab["titles"]]
    if title_at and title_at[-1] < len(words) - 1:
        words = words[title_at[-1] + 1:]
    connector = next((i for i, w in enumerate(words) if w in ("of", "for", "from", "at")), None)
    if connector is not None and connector >= 2 and not any(
            w.lower() in vocab["institution_words"] for w in words[:connector]):
        words = words[:connector]  # "Ben Thompson of Stratechery" -> "Ben Thompson"
    return " ".join(words)


def speaker_type(speaker: str, context: str = "") -> str:
    """Classify a speaker as ``person`` or ``institution``; ``author`` for the writer.

    ``context`` is the text just before the name ("consultancy" in "consultancy
    TechInsights"). One-word names written in camel case or capitals (``OpenAI``, ``SMEE``)
    are institutions; so is any name containing a word from ``institution_words.txt``.
    """
    if speaker in ("", "author"):
        return "author"
    vocab = _speaker_vocab()
    lowered = speaker.lower()
    if lowered in vocab["groups"]:
        return vocab["groups"][lowered]
    words = lowered.split()
    before = context.lower().split()[-2:]
    if any(w.strip(".,") in vocab["institution_words"] for w in words + before):
        return "institution"
    if lowered in vocab["institution_words"]:
        return "institution"
    if len(words) == 1 and (re.search(r"[a-z][A-Z]", speaker) or speaker.isupper()):
        return "institution"
    return "person"


def _match_speaker(match: re.Match) -> tuple[str, str]:
    """Turn a pattern match into ``(speaker, kind)``; kind is name, group or pronoun."""
    if match.group("pron"):
        return match.group("pron").lower(), "pronoun"
    if match.group("group"):
        group = re.sub(r"^(some|many|other)\s+", "", match.group("group").lower())
        return re.sub(r"^us\b", "US", group), "group"
    name = _clean_name(match.group("name"))
    return (name, "name") if name else ("", "")


def attribute_sentence(sentence: str) -> tuple[str, str]:
    """Who a sentence reports as speaking, from its own words only.

    Handles "X said", "said X", "according to X", "X argues that", "X told Bloomberg TV
    that", "X, a researcher at Y, said" and "some analysts warn". Pronoun subjects
    ("he said") come back as the pronoun; :func:`sentence_speakers` resolves them.

    Returns
    -------
    ``(speaker, speaker_type)``; ``("author", "author")`` when no speaker is found.
    """
    patterns = _speaker_patterns()
    text = _collapse_spaces(sentence)
    if not patterns["cue"].search(text):  # each pattern below needs a speech verb or "according to"
        return "author", "author"
    for key in ("according", "subject_verb", "inverted"):
        for match in patterns[key].finditer(text):
            speaker, kind = _match_speaker(match)
            if not speaker:
                continue
            if kind == "pronoun":
                return speaker, "pronoun"
            if kind == "group":
                return speaker, speaker_type(speaker)
            name_at = text.find(speaker, match.start())
            name_at = name_at if name_at >= 0 else match.start()
            return speaker, speaker_type(speaker, text[max(0, name_at - 40):name_at])
    return "author", "author"


def _collapse_spaces(text: str) -> str:
    """Runs of white space as one space, so patterns need not allow for doubled spaces."""
    return SPACE_RUN_RE.sub(" ", text)


def _quote_spans(paragraph: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of direct quotations, quote marks excluded."""
    spans = []
    for match in re.finditer(r"“([^“”]+)”", paragraph):
        spans.append((match.start(1), match.end(1)))
    for match in re.finditer(r'"([^"]+)"', paragraph):
        spans.append((match.start(1), match.end(1)))
    opened = re.search(r"“([^“”]+)$", paragraph)  # a quote running to the paragraph's end
    if opened:
        spans.append((opened.start(1), opened.end(1)))
    return sorted(spans)


def _attribution_after(quote: str, after: str) -> tuple[str, str] | None:
    """Speaker named right after a quote ("…,” said X" / "…,” he added"), if any.

    A quote that closes its sentence with a full stop, followed by a capitalised word,
    is followed by a new sentence, not by its attribution.
    """
    if re.search(r"\.\s*$", quote) and re.match(r"^\s*[A-Z]", after):
        return None
    match = re.match(r"^[,.!?]?\s*", after)
    rest = _collapse_spaces(after[match.end():][:200])
    patterns = _speaker_patterns()
    for key in ("verb_subject", "subject_verb"):
        found = patterns[key].match(rest)
        if found:
            speaker, kind = _match_speaker(found)
            if speaker:
                return speaker, kind
    return None


EXTRACTED_QUOTE_COLUMNS = ["quote", "speaker", "speaker_type", "start", "end", "n_words"]
SENTENCE_SPEAKER_COLUMNS = ["doc_id", "sent_id", "sentence", "speaker", "speaker_type", "attribution"]


@dataclass(frozen=True)
class _Paragraph:
    """One paragraph of an article: its text, its offset in the article, its sentences and
    each sentence's :func:`attribute_sentence`, computed once for quotes and speakers alike."""

    text: str
    offset: int
    sentences: list[str]
    attributions: list[tuple[str, str]]


def _paragraphs(text: str) -> list[_Paragraph]:
    """Every paragraph of ``text`` (blank ones too, so offsets add up), split and attributed."""
    out, offset = [], 0
    for paragraph in text.split("\n"):
        sentences = split_sentences(paragraph)
        out.append(_Paragraph(paragraph, offset, sentences, [attribute_sentence(s) for s in sentences]))
        offset += len(paragraph) + 1
    return out


def _persons_named(paragraph: _Paragraph) -> list[tuple[int, str]]:
    """``(offset, name)`` of each person a sentence of the paragraph reports as speaking."""
    named, cursor = [], 0
    groups = _speaker_vocab()["groups"]
    for sentence, (speaker, stype) in zip(paragraph.sentences, paragraph.attributions, strict=True):
        position = paragraph.text.find(sentence, cursor)
        cursor = max(cursor, position + len(sentence))
        if stype == "person" and speaker not in groups:
            named.append((position, speaker))
    return named


def _quote_rows(paragraphs: list[_Paragraph]) -> list[dict]:
    """The rows of :func:`extract_quotes`, speakers not yet expanded to full names."""
    rows: list[dict] = []
    last_person = last_paragraph_speaker = ""
    for part in paragraphs:
        paragraph, offset = part.text, part.offset
        named = _persons_named(part)
        previous = ""
        for start, end in _quote_spans(paragraph):
            found = _attribution_after(paragraph[start:end], paragraph[end + 1:])
            if found is None:
                sentence_start = max(paragraph.rfind(". ", 0, start - 1) + 1, 0)
                speaker, kind = attribute_sentence(paragraph[sentence_start:max(start - 1, 0)])
                found = None if speaker == "author" else (speaker, kind)
            speaker, kind = found or (previous, "name")
            if kind == "pronoun":
                before = [name for position, name in named if position < start]
                speaker = before[-1] if before else last_person
            if not speaker and paragraph.lstrip().startswith(("“", '"')):
                speaker = last_paragraph_speaker
            stype = speaker_type(speaker, paragraph[:start]) if speaker else "unknown"
            if stype == "person" and kind != "group":
                last_person = speaker
            previous = speaker or previous
            quote = paragraph[start:end].strip(" ,")
            rows.append({"quote": quote, "speaker": speaker, "speaker_type": stype,
                         "start": offset + start, "end": offset + end, "n_words": _word_count(quote)})
        if named and (not rows or named[-1][0] > rows[-1]["start"] - offset):
            last_person = named[-1][1]
        last_paragraph_speaker = previous or last_paragraph_speaker
    return rows


def _sentence_rows(text: str, paragraphs: list[_Paragraph], quotes: list[dict]) -> list[dict]:
    """The rows of :func:`sentence_speakers` for one article (no ``doc_id``), speakers not
    yet expanded; ``quotes`` are the article's :func:`_quote_rows`."""
    spans = [(q["start"], q["end"], q["speaker"], q["speaker_type"]) for q in quotes if q["speaker"] != ""]
    rows: list[dict] = []
    last_person = ""
    cursor = 0
    sentences = [pair for part in paragraphs
                 for pair in zip(part.sentences, part.attributions, strict=True)]
    for sent_id, (sentence, (speaker, stype)) in enumerate(sentences):
        start = text.find(sentence, cursor)
        end = start + len(sentence)
        cursor = max(cursor, end) if start >= 0 else cursor
        inside = next((q for q in spans if q[0] < end and q[1] > start), None)
        attribution = "reported"
        if inside is not None:
            speaker, stype, attribution = inside[2], inside[3], "quote"
        elif stype == "pronoun":
            speaker, stype, attribution = (last_person, "person", "pronoun") if last_person \
                else ("author", "author", "author")
        elif stype == "author":
            attribution = "author"
        if stype == "person" and attribution != "author":
            last_person = speaker
        rows.append({"sent_id": sent_id, "sentence": sentence, "speaker": speaker,
                     "speaker_type": stype, "attribution": attribution})
    return rows


def _article_speech(text: str) -> tuple[list[dict], list[dict]]:
    """Quotes and sentence speakers of one article, each sentence split and attributed once.

    Returns ``(quotes, sentences)``: the rows of :func:`extract_quotes` and of
    :func:`sentence_speakers` (without ``doc_id``), one-word names expanded by
    :func:`canonical_speakers`.
    """
    paragraphs = _paragraphs(text)
    quotes = _quote_rows(paragraphs)
    expand = _name_expander(text)
    for row in quotes:
        row["speaker"] = expand(row["speaker"])
    sentences = _sentence_rows(text, paragraphs, quotes)
    for row in sentences:
        row["speaker"] = expand(row["speaker"])
    return quotes, sentences


def extract_quotes(text: str) -> pd.DataFrame:
    """Direct quotations in a clean article text, with their speakers.

    The speaker comes from the attribution right after the quote ("…,” said Liu Xu" /
    "…,” he added"), else from the reported-speech subject before it in the same
    sentence ("President Trump said … “should be …”"), else from another quote in the
    same paragraph, else, for a paragraph that is only a quote, from the previous
    paragraph's speaker. Pronouns resolve to the last person named as a speaker.

    Returns
    -------
    DataFrame ``quote, speaker, speaker_type, start, end, n_words`` with ``start``/``end``
    character offsets of the quote (marks excluded) in ``text``. ``speaker_type`` is
    ``person``, ``institution`` or ``unknown`` (no attribution found).
    """
    return pd.DataFrame(_article_speech(text)[0], columns=EXTRACTED_QUOTE_COLUMNS)


FULL_NAME_RE = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b")


def _name_expander(text: str):
    """The function :func:`canonical_speakers` applies to each speaker of ``text``."""
    full_names = sorted(set(FULL_NAME_RE.findall(text)))
    vocab = _speaker_vocab()
    two_word = [n for n in full_names if len(n.split()) == 2
                and n.split()[0].lower() not in vocab["titles"]
                and n.split()[0].lower() not in vocab["not_names"]]

    def expand(speaker: str) -> str:
        if not speaker or " " in speaker or not speaker[:1].isupper():
            return speaker
        longer = [n for n in two_word if speaker in (n.split()[0], n.split()[-1])]
        return longer[0] if len(longer) == 1 else speaker

    return expand


def canonical_speakers(speakers: pd.Series, text: str) -> pd.Series:
    """Expand one-word surnames to the full name used elsewhere in the same text.

    "Altman" becomes "Sam Altman" when the text says "Sam Altman" anywhere, and "Ye"
    becomes "Ye Kejiang" (family name first); a name that fits two full names is kept.
    """
    return speakers.map(_name_expander(text))


def corpus_speech(corpus: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Quotes and sentence speakers of every article in one pass over its sentences.

    Returns ``(quotes, speakers)``, equal to ``(corpus_quotes(corpus),
    sentence_speakers(corpus))`` at the cost of one of them.
    """
    quote_rows, sentence_rows = [], []
    for doc_id, text in zip(corpus["doc_id"], corpus["text"], strict=True):
        quotes, sentences = _article_speech(text)
        quote_rows.extend({"doc_id": doc_id, **row} for row in quotes)
        sentence_rows.extend({"doc_id": doc_id, **row} for row in sentences)
    return (pd.DataFrame(quote_rows, columns=["doc_id", *EXTRACTED_QUOTE_COLUMNS]),
            pd.DataFrame(sentence_rows, columns=SENTENCE_SPEAKER_COLUMNS))


def sentence_speakers(corpus: pd.DataFrame) -> pd.DataFrame:
    """The speaker whose view each sentence carries.

    Returns
    -------
    DataFrame ``doc_id, sent_id, sentence, speaker, speaker_type, attribution``, one row
    per sentence of :func:`corpus_sentences`. ``attribution`` is ``quote`` (the sentence
    holds a direct quote), ``reported`` (reported speech), ``pronoun`` (resolved "he
    said"), or ``author`` (the writer's own voice, ``speaker_type`` ``author``).
    """
    return corpus_speech(corpus)[1]


def corpus_quotes(corpus: pd.DataFrame) -> pd.DataFrame:
    """:func:`extract_quotes` over a corpus: ``doc_id`` plus its columns, in text order."""
    rows = [{"doc_id": doc_id, **row} for doc_id, text in zip(corpus["doc_id"], corpus["text"], strict=True)
            for row in _article_speech(text)[0]]
    return pd.DataFrame(rows, columns=["doc_id", *EXTRACTED_QUOTE_COLUMNS])


def cited_sources(corpus: pd.DataFrame, speakers: pd.DataFrame | None = None) -> pd.DataFrame:
    """People and institutions quoted or cited per article.

    ``speakers`` is the corpus's :func:`sentence_speakers`, if already computed.

    Returns
    -------
    DataFrame ``doc_id, speaker, speaker_type, n_mentions``: sentences attributed to the
    speaker (quotes and reported speech), sorted by ``doc_id`` then ``speaker``.
    """
    if speakers is None:
        speakers = sentence_speakers(corpus)
    cited = speakers[speakers["speaker_type"].isin(["person", "institution"])]
    table = (cited.groupby(["doc_id", "speaker", "speaker_type"]).size()
             .rename("n_mentions").reset_index())
    return table.sort_values(["doc_id", "speaker"], kind="stable").reset_index(drop=True)


# ======================================================================================
# terms
# ======================================================================================

STOPWORD_FILES = ("stopwords_en.txt", "stopwords_news.txt")  # English base + news furniture
TERM_NGRAMS = (1, 2)  # unigrams and bigrams ("export controls"), as term_ngrams builds them
# Bigrams never span these: sentence punctuation before a space, line breaks, brackets and
# dashes; "... curbs. The US" gives no bigram "curbs us".
CLAUSE_BREAK_CHARS = ".!?;:\n()[]—–"
CLAUSE_BREAK = r"[.!?;:]+(?=\s|$)|[\n()\[\]—–]"
TOKEN_RE = re.compile(r"[^\W_]+")  # runs of letters/digits; hyphens and apostrophes split
# The model's tokens: such runs of two or more characters that are not digits only. One-letter
# pieces ("s" of a split possessive) carry no meaning; "2025" is a number, "h800" is a term.
TERM_TOKEN = r"(?<![^\W_])(?!\d+(?![^\W_]))[^\W_]{2,}"
TERM_TOKEN_RE = re.compile(TERM_TOKEN)
_TOKEN_OR_BREAK_RE = re.compile(f"{TERM_TOKEN}|{CLAUSE_BREAK}")
TOP_TERMS_N = 10  # terms listed per article
TREND_TERMS_N = 6  # corpus top terms followed over time when none are given
HEATMAP_TERMS_PER_DOC = 3  # each article contributes its top terms to the heatmap rows
HEATMAP_MAX_DOCS = 20  # wider heatmaps are unreadable; the earliest articles are shown
HEATMAP_MAX_TERMS = 40  # taller ones too
HEATMAP_ANNOTATE_CELLS = 200  # above this many cells, values are left to the colour scale
KWIC_MAX_GAP = 3  # words the model ignores that may sit between the words of a phrase
UNDATED = "undated"  # the period label of articles without a date; they are never dropped
Z_95 = 1.96  # |z| above which a log-odds difference is conventionally called clear
# pandas period aliases for the offset aliases people also type ("ME", "QS", ...)
PERIOD_ALIASES = {"ME": "M", "MS": "M", "QE": "Q", "QS": "Q", "YE": "Y", "YS": "Y", "A": "Y"}


@cache
def term_stopwords() -> frozenset[str]:
    """Lowercase stopwords from ``lexicons/stopwords_en.txt`` and ``stopwords_news.txt``.

    Lines are one word each; anything after ``#`` is a comment.
    """
    words: set[str] = set()
    for name in STOPWORD_FILES:
        for line in (LEXICONS / name).read_text(encoding="utf-8").splitlines():
            word = line.split("#", 1)[0].strip().lower()
            if word:
                words.add(word)
    return frozenset(words)


@cache
def _cased_stopwords() -> frozenset[str]:
    """Stopwords as written in running text: lowercase and capitalised, never all capitals,
    so that ``US`` and ``IT`` (acronyms) pass while ``us``, ``Us``, ``it``, ``It`` do not."""
    words = term_stopwords()
    return words | frozenset(w.capitalize() for w in words)


def term_preprocess(text: str) -> str:
    """:func:`normalize_text` as far as tokens can tell: NFKC, then ``U.S.`` → ``US``.

    ``normalize_text`` also maps curly quotes, dashes and no-break spaces to ASCII; those are
    separators before and after, so the tokens are the same (the tests check it), and
    skipping that step makes the model about twice as fast on text full of curly quotes.
    """
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return US_RE.sub("US", text) if "U." in text else text


def _tokens_from_normalized(text: str) -> list[str]:
    """Tokens of text already passed through :func:`term_preprocess` (see :func:`term_tokens`)."""
    stop = _cased_stopwords()
    return [token.lower() for token in TERM_TOKEN_RE.findall(text) if token not in stop]


def term_tokens(text: str) -> list[str]:
    """The tokens the term model counts, in order.

    ``U.S.`` becomes ``us``; text is lowercased; hyphens and apostrophes split words
    (``DeepSeek-R1`` gives ``deepseek``, ``r1``; ``DeepSeek's`` gives ``deepseek``);
    one-letter pieces, number-only tokens (``2025``) and stopwords are dropped, while
    tokens mixing letters and digits (``h800``, ``r1``, ``7nm``) are kept. A stopword counts
    as one in lowercase or capitalised; in all capitals it is an acronym and is kept
    (``US``, ``IT``; not ``us``, ``It``).

    >>> term_tokens("The U.S. curbs on Nvidia's H800 chips in 2023, he said")
    ['us', 'curbs', 'nvidia', 'h800', 'chips']
    """
    return _tokens_from_normalized(term_preprocess(text))


@dataclass(frozen=True)
class TermModel:
    """One TF-IDF model fitted on a whole corpus, with its matrices.

    ``counts`` (int) and ``tfidf`` (float, rows L2-normalised) are sparse CSR matrices,
    articles × terms, rows in ``doc_ids`` order; ``terms`` holds the vocabulary in column
    order (alphabetical). ``vectorizer`` is ``None`` when the corpus has no terms at all.
    """

    vectorizer: object
    transformer: object
    doc_ids: np.ndarray
    terms: np.ndarray
    counts: object
    tfidf: object


def term_ngrams(text: str) -> list[str]:
    """The features the term model counts in a text: :func:`term_tokens` and their bigrams.

    Bigrams join neighbouring tokens after stopwords are dropped (as scikit-learn does), but
    only within a clause: never across sentence punctuation, line breaks, brackets or dashes.

    >>> term_ngrams("US export controls. Nvidia (H800) chips")
    ['us', 'export', 'controls', 'nvidia', 'h800', 'chips', 'us export', 'export controls']
    """
    stop = _cased_stopwords()
    # tokens in order, with "" where a clause breaks (break matches start with punctuation)
    tokens = [t.lower() if t[0].isalnum() else ""
              for t in _TOKEN_OR_BREAK_RE.findall(term_preprocess(text)) if t not in stop]
    features = [t for t in tokens if t]
    features.extend([a + " " + b for a, b in zip(tokens, tokens[1:], strict=False) if a and b])
    return features


def _new_vectorizer():
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(analyzer=term_ngrams)


def fit_term_model(corpus: pd.DataFrame) -> TermModel:
    """Fit the one TF-IDF model on the whole clean corpus (``corpus["text"]``).

    Counting uses :func:`term_ngrams`: unigrams and bigrams, bigrams formed after stopwords
    are removed (as in scikit-learn) and never across clause breaks. Weights are
    scikit-learn's sublinear tf × smoothed idf, rows L2-normalised: exactly what
    ``TfidfVectorizer(analyzer=term_ngrams, sublinear_tf=True)`` gives, kept as count +
    transform so the raw counts are at hand.
    Fit once and pass the model on; fitting per time slice makes scores incomparable.

    Returns
    -------
    TermModel; with an empty corpus, or one with nothing but stopwords, a model with no
    terms (every function below then returns empty tables).
    """
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfTransformer

    doc_ids = corpus["doc_id"].astype(str).to_numpy()
    texts = corpus["text"].fillna("").astype(str).tolist()
    vectorizer = _new_vectorizer()
    transformer = TfidfTransformer(sublinear_tf=True)
    try:
        counts = vectorizer.fit_transform(texts).tocsr()
    except ValueError as exc:  # no documents, or no tokens left after stopwords
        if "empty vocabulary" not in str(exc):
            raise
        empty = sparse.csr_matrix((len(texts), 0), dtype=np.int64)
        return TermModel(None, None, doc_ids, np.array([], dtype=object), empty,
                         empty.astype(float))
    tfidf = transformer.fit_transform(counts).tocsr()
    terms = vectorizer.get_feature_names_out().astype(object)
    return TermModel(vectorizer, transformer, doc_ids, terms, counts, tfidf)


def _model_for(corpus: pd.DataFrame, model: TermModel | None) -> TermModel:
    """The given model after checking it was fitted on this corpus, or a new one."""
    if model is None:
        return fit_term_model(corpus)
    if list(model.doc_ids) != corpus["doc_id"].astype(str).tolist():
        raise ValueError("the term model was fitted on a different corpus (doc_ids differ)")
    return model


def term_counts(model: TermModel, texts: list[str]):
    """Count the model's terms in other texts (e.g. sentences): sparse CSR, texts × terms."""
    from scipy import sparse

    if model.vectorizer is None:
        return sparse.csr_matrix((len(texts), 0), dtype=np.int64)
    return model.vectorizer.transform(list(texts)).tocsr()


def _doc_freq(model: TermModel) -> np.ndarray:
    return np.bincount(model.counts.indices, minlength=len(model.terms))


def _ranked_rows(matrix, n: int) -> list[tuple[int, int, int, float]]:
    """``(row, rank, column, value)`` of each row's ``n`` largest non-zero values.

    Ties go to the lower column, i.e. the alphabetically first term.
    """
    out = []
    for row in range(matrix.shape[0]):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        values, cols = matrix.data[start:end], matrix.indices[start:end]
        keep = values > 0
        values, cols = values[keep], cols[keep]
        order = np.lexsort((cols, -values))[:n]
        out.extend((row, rank, int(cols[i]), float(values[i])) for rank, i in enumerate(order, 1))
    return out


def top_terms(corpus: pd.DataFrame, n: int = TOP_TERMS_N, model: TermModel | None = None
              ) -> pd.DataFrame:
    """The ``n`` highest-weighted terms of each article.

    Parameters
    ----------
    corpus : from :func:`load_corpus`.
    n : terms per article (fewer when an article has fewer terms).
    model : the corpus's :func:`fit_term_model`; fitted here when not given.

    Returns
    -------
    DataFrame ``doc_id, rank, term, tfidf, doc_freq``: ``rank`` from 1, ``tfidf`` the
    article's L2-normalised TF-IDF weight (0–1, unitless), ``doc_freq`` the number of
    articles containing the term, so a "distinctive" term shared by every article shows.
    Rows in corpus order, then rank; ties broken alphabetically.
    """
    model = _model_for(corpus, model)
    df = _doc_freq(model)
    rows = [
        {"doc_id": model.doc_ids[row], "rank": rank, "term": model.terms[col], "tfidf": value,
         "doc_freq": int(df[col])}
        for row, rank, col, value in _ranked_rows(model.tfidf, n)
    ]
    return pd.DataFrame(rows, columns=["doc_id", "rank", "term", "tfidf", "doc_freq"])


def group_top_terms(corpus: pd.DataFrame, by: str = "outlet", n: int = TOP_TERMS_N,
                    model: TermModel | None = None) -> pd.DataFrame:
    """Top terms of each group of articles (e.g. each outlet), with the corpus's one model.

    A group's counts are summed over its articles and weighted with the model's own idf
    (fitted on articles), so groups are compared on the same scale as articles.

    Returns
    -------
    DataFrame ``<by>, n_docs, rank, term, tfidf, doc_freq`` (``doc_freq`` counts articles
    in the whole corpus), groups sorted by name.
    """
    from scipy import sparse

    model = _model_for(corpus, model)
    columns = [by, "n_docs", "rank", "term", "tfidf", "doc_freq"]
    if model.vectorizer is None or corpus.empty:
        return pd.DataFrame(columns=columns)
    groups = corpus[by].fillna("unknown").astype(str)
    names = sorted(groups.unique())
    codes = groups.map({name: i for i, name in enumerate(names)}).to_numpy()
    member = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))),
                               shape=(len(names), len(codes)))
    weights = model.transformer.transform(sparse.csr_matrix(member @ model.counts)).tocsr()
    df = _doc_freq(model)
    sizes = np.bincount(codes, minlength=len(names))
    rows = [
        {by: names[row], "n_docs": int(sizes[row]), "rank": rank, "term": model.terms[col],
         "tfidf": value, "doc_freq": int(df[col])}
        for row, rank, col, value in _ranked_rows(weights, n)
    ]
    return pd.DataFrame(rows, columns=columns)


def corpus_top_terms(model: TermModel, n: int = TREND_TERMS_N) -> list[str]:
    """The ``n`` terms with the largest TF-IDF weight summed over all articles.

    Ties are broken alphabetically. Summed weight favours terms that are both frequent and
    not everywhere; these are the terms :func:`term_trends` follows by default.
    """
    if len(model.terms) == 0:
        return []
    total = np.asarray(model.tfidf.sum(axis=0)).ravel()
    order = np.lexsort((np.arange(len(total)), -total))
    return [str(model.terms[i]) for i in order[:n] if total[i] > 0]


def date_order(corpus: pd.DataFrame) -> list[str]:
    """``doc_id`` s by publication date (ties by ``doc_id``), undated articles last."""
    table = corpus[["doc_id", "published"]].copy()
    table["undated"] = table["published"].isna()
    table = table.sort_values(["undated", "published", "doc_id"], kind="stable")
    return table["doc_id"].astype(str).tolist()


def doc_labels(corpus: pd.DataFrame) -> pd.Series:
    """A short label per article, indexed by ``doc_id``: ``"000 · Bloomberg · 2025-01-28"``.

    The outlet is used when known, otherwise the origin (wire or paper credited);
    articles without a date say ``undated``.
    """
    source = corpus["outlet"].where(corpus["outlet"].fillna("unknown") != "unknown",
                                    corpus["origin"]).fillna("unknown")
    date = corpus["published"].dt.strftime("%Y-%m-%d").fillna(UNDATED)
    labels = corpus["doc_id"].astype(str) + " · " + source.astype(str) + " · " + date
    return pd.Series(labels.to_numpy(), index=corpus["doc_id"].astype(str), name="label")


def term_heatmap_data(corpus: pd.DataFrame, model: TermModel | None = None,
                      per_doc: int = HEATMAP_TERMS_PER_DOC, max_docs: int = HEATMAP_MAX_DOCS
                      ) -> pd.DataFrame:
    """Long table behind the top-terms heatmap: ``term, doc_id, label, tfidf``.

    Articles are in date order (undated last), at most ``max_docs`` of them (the earliest).
    Rows are the union of each shown article's ``per_doc`` top terms (fewer per article when
    that would pass ``HEATMAP_MAX_TERMS`` rows), in the order the articles first contribute
    them; every term × article cell is present (0 when absent).
    """
    model = _model_for(corpus, model)
    columns = ["term", "doc_id", "label", "tfidf"]
    docs = date_order(corpus)[:max_docs]
    per_doc = max(1, min(per_doc, HEATMAP_MAX_TERMS // max(len(docs), 1)))
    top = top_terms(corpus, per_doc, model)
    with_terms = set(top["doc_id"])
    top = top.set_index("doc_id").loc[[d for d in docs if d in with_terms]]
    terms = list(dict.fromkeys(top["term"]))[:HEATMAP_MAX_TERMS]
    if not terms:
        return pd.DataFrame(columns=columns)
    col = {t: i for i, t in enumerate(model.terms)}
    row = {d: i for i, d in enumerate(model.doc_ids)}
    block = model.tfidf[[row[d] for d in docs]][:, [col[t] for t in terms]].toarray()
    labels = doc_labels(corpus)
    return pd.DataFrame({
        "term": np.repeat(terms, len(docs)),
        "doc_id": np.tile(docs, len(terms)),
        "label": np.tile(labels.loc[docs].to_numpy(), len(terms)),
        "tfidf": block.T.ravel(),
    }, columns=columns)


def plot_term_heatmap(data: pd.DataFrame, title: str = "Top TF-IDF terms by article"):
    """Heatmap of :func:`term_heatmap_data`: terms down, articles across; returns the figure."""
    import textwrap

    import matplotlib.pyplot as plt

    terms = list(dict.fromkeys(data["term"]))
    docs = list(dict.fromkeys(data["doc_id"]))
    fig, ax = plt.subplots(figsize=(min(1.3 * max(len(docs), 2), 14) + 2.5,
                                    min(0.32 * max(len(terms), 3), 12) + 2))
    if not terms:
        ax.text(0.5, 0.5, "no terms to show", ha="center", va="center")
        ax.set_axis_off()
        return fig
    grid = data.pivot(index="term", columns="doc_id", values="tfidf").loc[terms, docs].to_numpy()
    image = ax.imshow(grid, cmap="Blues", vmin=0, aspect="auto")
    labels = data.drop_duplicates("doc_id").set_index("doc_id").loc[docs, "label"]
    ticks = ["\n".join(textwrap.fill(part, 16) for part in lb.split(" · ")) for lb in labels]
    ax.set_xticks(range(len(docs)), ticks, fontsize=8 if len(docs) <= 10 else 6)
    ax.set_yticks(range(len(terms)), terms, fontsize=8 if len(terms) <= 20 else 6)
    ax.xaxis.tick_top()
    for (i, j), value in np.ndenumerate(grid):
        if value > 0 and grid.size <= HEATMAP_ANNOTATE_CELLS:
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7,
                    color="white" if value > 0.6 * grid.max() else "#222222")
    fig.colorbar(image, ax=ax, label="TF-IDF weight", shrink=0.6)
    ax.set_title(title, fontsize=10, pad=10)
    fig.tight_layout()
    return fig


def suggest_freq(corpus: pd.DataFrame) -> str:
    """A period for :func:`term_trends` that fits the span of the dated articles.

    ``"D"`` up to 31 days, ``"W"`` up to 26 weeks, ``"M"`` up to 5 years, else ``"Y"``;
    ``"W"`` when fewer than two articles are dated.
    """
    dates = corpus["published"].dropna()
    if len(dates) < 2:
        return "W"
    days = (dates.max() - dates.min()).days
    return "D" if days <= 31 else "W" if days <= 26 * 7 else "M" if days <= 5 * 366 else "Y"


def corpus_span(corpus: pd.DataFrame) -> pd.DataFrame:
    """How much time the corpus covers: one row ``n_docs, n_dated, n_undated, first, last, days``.

    ``first``/``last`` are ISO dates (empty when nothing is dated); ``days`` is the span
    from first to last dated article, inclusive (0 when nothing is dated).
    """
    dates = corpus["published"].dropna()
    first = dates.min().strftime("%Y-%m-%d") if len(dates) else ""
    last = dates.max().strftime("%Y-%m-%d") if len(dates) else ""
    days = (dates.max() - dates.min()).days + 1 if len(dates) else 0
    return pd.DataFrame([{"n_docs": len(corpus), "n_dated": len(dates),
                          "n_undated": int(corpus["published"].isna().sum()),
                          "first": first, "last": last, "days": days}])


def _term_column(model: TermModel, term: str) -> int:
    """Column of a term in the model (``-1`` if absent); raises if it cannot be a term.

    A term already in the vocabulary (as :func:`top_terms` gives it, e.g. ``us``) is used
    as it is; anything else is analysed as the model analyses text (``"U.S."`` → ``us``).
    """
    as_given = " ".join(term.lower().split())
    if model.vectorizer is not None and as_given in model.vectorizer.vocabulary_:
        return int(model.vectorizer.vocabulary_[as_given])
    analyzed = " ".join(term_tokens(term))
    if not analyzed or len(analyzed.split()) > TERM_NGRAMS[1]:
        raise ValueError(f"{term!r} is not a term the model can count (stopwords only, or "
                         f"longer than {TERM_NGRAMS[1]} words after stopwords are removed)")
    if model.vectorizer is None:
        return -1
    return int(model.vectorizer.vocabulary_.get(analyzed, -1))


def term_trends(corpus: pd.DataFrame, terms: list[str] | None = None, freq: str = "W",
                model: TermModel | None = None, n_terms: int = TREND_TERMS_N) -> pd.DataFrame:
    """Each term's share of the words written in each period.

    Parameters
    ----------
    corpus : from :func:`load_corpus`.
    terms : words or two-word phrases, analysed as the model analyses text (``"U.S."`` →
        ``us``); ``None`` means the corpus's :func:`corpus_top_terms` (``n_terms`` of them).
        A term absent from the corpus gets zero counts.
    freq : a pandas period alias: ``"D"``, ``"W"`` (weeks ending Sunday), ``"W-MON"``,
        ``"M"``, ``"Q"``, ``"Y"`` (``"ME"``, ``"QS"`` … are accepted as ``"M"``, ``"Q"``).
    model : the corpus's :func:`fit_term_model`; fitted here when not given.

    Returns
    -------
    DataFrame ``period, term, share, n_docs, n_docs_with_term, count, n_tokens``, one row per
    period × term. ``count`` is the term's occurrences, ``n_tokens`` the unigram tokens the
    model counts in that period (stopwords excluded) and ``share = count / n_tokens`` (NaN for
    a period with no text), as Media Cloud normalises attention by how much was written.
    Periods run from the first to the last dated article with empty periods included
    (``n_docs`` 0), in time order; the last period is ``undated``, holding the articles
    without a date (``n_docs`` 0 when there are none). Terms keep the order given.
    """
    from scipy import sparse

    model = _model_for(corpus, model)
    freq = PERIOD_ALIASES.get(freq, freq)
    terms = corpus_top_terms(model, n_terms) if terms is None else [str(t) for t in terms]
    columns = ["period", "term", "share", "n_docs", "n_docs_with_term", "count", "n_tokens"]
    cols = [_term_column(model, t) for t in terms]
    published = pd.to_datetime(corpus["published"])
    dated = published.notna().to_numpy()
    periods: list[str] = []
    codes = np.full(len(corpus), -1)
    if dated.any():
        stamps = published[dated].dt.to_period(freq)
        full = pd.period_range(stamps.min(), stamps.max(), freq=stamps.dt.freq)
        periods = [str(p) for p in full]
        codes[dated] = full.get_indexer(stamps)
    codes[~dated] = len(periods)
    periods.append(UNDATED)
    member = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))),
                               shape=(len(periods), len(codes)))
    unigram = np.array([" " not in t for t in model.terms], dtype=bool)
    doc_tokens = np.asarray(model.counts[:, unigram].sum(axis=1)).ravel()
    n_tokens = member @ doc_tokens
    n_docs = np.bincount(codes, minlength=len(periods))
    present = [c for c in cols if c >= 0]
    sub = model.counts[:, present]
    counts = np.zeros((len(periods), len(cols)))
    with_term = np.zeros((len(periods), len(cols)))
    where = [i for i, c in enumerate(cols) if c >= 0]
    counts[:, where] = (member @ sub).toarray()
    with_term[:, where] = (member @ (sub > 0).astype(float)).toarray()
    share = np.divide(counts, n_tokens[:, None], out=np.full(counts.shape, np.nan),
                      where=n_tokens[:, None] > 0)
    return pd.DataFrame({
        "period": np.repeat(periods, len(terms)),
        "term": np.tile(np.array(terms, dtype=object), len(periods)),
        "share": share.ravel(),
        "n_docs": np.repeat(n_docs, len(terms)).astype(int),
        "n_docs_with_term": with_term.ravel().astype(int),
        "count": counts.ravel().astype(int),
        "n_tokens": np.repeat(n_tokens, len(terms)).astype(int),
    }, columns=columns)


def trend_slopes(trends: pd.DataFrame) -> pd.DataFrame:
    """Least-squares slope of each term's share across the dated periods of :func:`term_trends`.

    Periods are numbered 0, 1, 2 … in time order (empty periods keep their place but add
    no point); the ``undated`` bucket is left out. The slope is in share per period and is
    NaN with fewer than three periods that have text.

    Returns
    -------
    DataFrame ``term, n_periods, first_share, last_share, slope``, steepest rise first.
    """
    columns = ["term", "n_periods", "first_share", "last_share", "slope"]
    dated = trends[trends["period"] != UNDATED]
    order = {p: i for i, p in enumerate(dict.fromkeys(dated["period"]))}
    rows = []
    for term in dict.fromkeys(dated["term"]):
        part = dated[(dated["term"] == term) & dated["share"].notna()]
        x = part["period"].map(order).to_numpy(dtype=float)
        y = part["share"].to_numpy(dtype=float)
        slope = float(np.polyfit(x, y, 1)[0]) if len(part) >= 3 else np.nan
        rows.append({"term": term, "n_periods": len(part),
                     "first_share": y[0] if len(y) else np.nan,
                     "last_share": y[-1] if len(y) else np.nan, "slope": slope})
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(["slope", "term"], ascending=[False, True], kind="stable",
                             na_position="last").reset_index(drop=True)


def plot_term_trends(trends: pd.DataFrame, ncols: int = 3, max_ticks: int = 8):
    """Small multiples of :func:`term_trends`: one panel per term, share per 1,000 tokens.

    Dated periods are joined by a line (gaps where a period has no text); the ``undated``
    bucket is a separate hollow marker at the right. Each panel has its own y scale.
    Returns the figure.
    """
    import matplotlib.pyplot as plt

    terms = list(dict.fromkeys(trends["term"]))
    periods = list(dict.fromkeys(trends["period"]))
    dated = [p for p in periods if p != UNDATED]
    nrows = max(1, -(-len(terms) // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.4 * ncols, 2.4 * nrows + 0.6),
                             squeeze=False)
    x = {p: i for i, p in enumerate(dated)}
    x[UNDATED] = len(dated) + 0.5
    step = max(1, -(-len(dated) // max_ticks))
    for ax, term in zip(axes.ravel(), terms, strict=False):
        part = trends[trends["term"] == term].set_index("period")
        per_1000 = part["share"] * 1000
        ax.plot([x[p] for p in dated], per_1000.loc[dated].to_numpy(), marker="o",
                color="#1f5f8b", markersize=4)
        if UNDATED in part.index and part.loc[UNDATED, "n_docs"] > 0:
            ax.plot([x[UNDATED]], [per_1000.loc[UNDATED]], marker="o", markersize=5,
                    markerfacecolor="white", color="#888888", linestyle="none")
        ax.set_title(term, fontsize=10)
        ticks = dated[::step] + ([UNDATED] if UNDATED in part.index else [])
        ax.set_xticks([x[p] for p in ticks], ticks, rotation=45, ha="right", fontsize=7)
        ax.set_ylim(bottom=0)
        ax.tick_params(axis="y", labelsize=7)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in axes.ravel()[len(terms):]:
        ax.set_axis_off()
    if not terms:
        axes[0, 0].text(0.5, 0.5, "no terms to show", ha="center", va="center")
    fig.supylabel("per 1,000 tokens", fontsize=9)
    fig.tight_layout()
    return fig


def log_odds_dirichlet(counts_a: np.ndarray, counts_b: np.ndarray, prior: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Log-odds ratio with an informative Dirichlet prior, and its z-score.

    Monroe, Colaresi & Quinn (2008), "Fightin' Words", eqs. 16–22. For each term w with
    counts y_a, y_b (group totals n_a, n_b) and prior α_w (total α_0):

    δ_w = log((y_a + α_w) / (n_a + α_0 − y_a − α_w)) − log((y_b + α_w) / (n_b + α_0 − y_b − α_w))
    σ²_w ≈ 1 / (y_a + α_w) + 1 / (y_b + α_w);  z_w = δ_w / σ_w

    Parameters
    ----------
    counts_a, counts_b : term counts of the two groups, same length.
    prior : α_w > 0 for each term, in pseudo-counts.

    Returns
    -------
    ``(delta, z)``: positive means the term is more typical of group a.
    """
    y_a, y_b, alpha = (np.asarray(v, dtype=float) for v in (counts_a, counts_b, prior))
    n_a, n_b, alpha0 = y_a.sum(), y_b.sum(), alpha.sum()
    delta = (np.log((y_a + alpha) / (n_a + alpha0 - y_a - alpha))
             - np.log((y_b + alpha) / (n_b + alpha0 - y_b - alpha)))
    return delta, delta / np.sqrt(1 / (y_a + alpha) + 1 / (y_b + alpha))


def _contrast_table(model: TermModel, counts_a: np.ndarray, counts_b: np.ndarray,
                    prior_scale: float) -> pd.DataFrame:
    columns = ["term", "count_a", "count_b", "total", "delta", "z"]
    background = np.asarray(model.counts.sum(axis=0)).ravel().astype(float)
    keep = ((counts_a + counts_b) > 0) & (background > 0)
    if not keep.any():
        return pd.DataFrame(columns=columns)
    delta, z = log_odds_dirichlet(counts_a[keep], counts_b[keep], prior_scale * background[keep])
    table = pd.DataFrame({
        "term": model.terms[keep], "count_a": counts_a[keep].astype(int),
        "count_b": counts_b[keep].astype(int), "total": (counts_a + counts_b)[keep].astype(int),
        "delta": delta, "z": z,
    }, columns=columns)
    return table.sort_values(["z", "term"], ascending=[False, True], kind="stable").reset_index(
        drop=True)


def contrast_groups(corpus: pd.DataFrame, ids_a: list[str], ids_b: list[str],
                    model: TermModel | None = None, prior_scale: float = 1.0) -> pd.DataFrame:
    """Terms that separate two groups of articles, by Fightin' Words log-odds.

    Parameters
    ----------
    ids_a, ids_b : ``doc_id`` s of the two groups (disjoint; by origin, by date, by stance…).
    model : the corpus's :func:`fit_term_model`; fitted here when not given.
    prior_scale : the prior is the whole corpus's term counts times this (1 = as many
        pseudo-counts as the corpus has), which shrinks rare terms towards zero.

    Returns
    -------
    DataFrame ``term, count_a, count_b, total, delta, z`` for every term used by either
    group, sorted by ``z`` (most typical of group a first, of group b last). Empty when
    either group is empty: there is nothing to contrast.
    """
    model = _model_for(corpus, model)
    ids_a, ids_b = [str(d) for d in ids_a], [str(d) for d in ids_b]
    if not ids_a or not ids_b:
        return _contrast_table(model, np.zeros(len(model.terms)), np.zeros(len(model.terms)), 1.0)
    if set(ids_a) & set(ids_b):
        raise ValueError("the two groups share articles")
    unknown = sorted(set(ids_a + ids_b) - set(model.doc_ids))
    if unknown:
        raise ValueError(f"doc_ids not in the corpus: {', '.join(unknown)}")
    row = {d: i for i, d in enumerate(model.doc_ids)}
    counts_a = np.asarray(model.counts[[row[d] for d in ids_a]].sum(axis=0)).ravel()
    counts_b = np.asarray(model.counts[[row[d] for d in ids_b]].sum(axis=0)).ravel()
    return _contrast_table(model, counts_a, counts_b, prior_scale)


def contrast_texts(model: TermModel, texts_a: list[str], texts_b: list[str],
                   prior_scale: float = 1.0) -> pd.DataFrame:
    """As :func:`contrast_groups` for any two groups of texts (e.g. sentences by stance).

    Texts are counted with the model's vocabulary; the prior is still the model's corpus.
    """
    counts_a = np.asarray(term_counts(model, texts_a).sum(axis=0)).ravel()
    counts_b = np.asarray(term_counts(model, texts_b).sum(axis=0)).ravel()
    return _contrast_table(model, counts_a, counts_b, prior_scale)


def default_contrast(corpus: pd.DataFrame) -> dict:
    """Two groups of articles worth contrasting in any corpus.

    First choice: articles that credit a named origin (wire or paper) against those that do
    not (origin ``unknown`` or ``rewrite of …``). If either side is empty: dated articles
    published before the median date against those on or after it.

    Returns
    -------
    ``{"basis", "label_a", "ids_a", "label_b", "ids_b"}`` with ``doc_id`` lists in corpus
    order. When no split leaves an article on each side, ``basis`` is ``"none"`` and both
    lists are empty (:func:`contrast_groups` then returns an empty table).
    """
    origin = corpus["origin"].fillna("unknown").astype(str).str.strip().str.lower()
    uncredited = (origin == "unknown") | origin.str.startswith("rewrite")
    ids = corpus["doc_id"].astype(str)
    if 0 < uncredited.sum() < len(corpus):
        return {"basis": "origin", "label_a": "credited origin", "ids_a": ids[~uncredited].tolist(),
                "label_b": "uncredited or rewrite", "ids_b": ids[uncredited].tolist()}
    dates = corpus["published"]
    cut = dates.dropna().sort_values().iloc[len(dates.dropna()) // 2] if dates.notna().any() else None
    if cut is None or not (dates < cut).any():
        return {"basis": "none", "label_a": "", "ids_a": [], "label_b": "", "ids_b": []}
    label = cut.strftime("%Y-%m-%d")
    return {"basis": "date", "label_a": f"before {label}", "ids_a": ids[dates < cut].tolist(),
            "label_b": f"{label} or later", "ids_b": ids[dates >= cut].tolist()}


def describe_split(split: dict, contrast: pd.DataFrame, max_ids: int = 10) -> pd.DataFrame:
    """The two groups of a contrast, one row each: ``group, label, n_docs, doc_ids, n_clear``.

    ``doc_ids`` lists up to ``max_ids`` ids (then ``…``); ``n_clear`` counts the terms whose
    z-score passes ±1.96 towards that group in ``contrast`` (from :func:`contrast_groups`).
    """
    rows = []
    for group, sign in (("a", 1), ("b", -1)):
        ids = split[f"ids_{group}"]
        shown = ", ".join(ids[:max_ids]) + (" …" if len(ids) > max_ids else "")
        clear = int((sign * contrast["z"] > Z_95).sum()) if not contrast.empty else 0
        rows.append({"group": group, "label": split[f"label_{group}"], "n_docs": len(ids),
                     "doc_ids": shown, "n_clear": clear})
    return pd.DataFrame(rows, columns=["group", "label", "n_docs", "doc_ids", "n_clear"])


def contrast_plot_data(contrast: pd.DataFrame, n_label: int = 8) -> pd.DataFrame:
    """:func:`contrast_groups` output plus ``labelled``: ``a``/``b`` for the ``n_label``
    terms with the highest / lowest z on each side of zero, empty otherwise."""
    data = contrast.copy()
    data["labelled"] = ""
    data.loc[data[data["z"] > 0].head(n_label).index, "labelled"] = "a"
    data.loc[data[data["z"] < 0].tail(n_label).index, "labelled"] = "b"
    return data


def plot_contrast(data: pd.DataFrame, label_a: str, label_b: str):
    """Frequency against z-score, scattertext style, from :func:`contrast_plot_data`.

    x is the term's count in both groups (log scale), y its z-score; dashed lines mark
    |z| = 1.96; terms marked in ``labelled`` are named. Returns the figure.
    """
    import textwrap

    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5.5))
    if data.empty:
        ax.text(0.5, 0.5, "no terms to compare", ha="center", va="center")
        ax.set_axis_off()
        return fig
    ax.scatter(data["total"], data["z"], s=8, color="#bbbbbb", linewidths=0)
    top_a = data[data["labelled"] == "a"]
    top_b = data[data["labelled"] == "b"]
    for part, color, va in ((top_a, "#1f5f8b", "bottom"), (top_b, "#b5562b", "top")):
        ax.scatter(part["total"], part["z"], s=14, color=color)
        # terms with the same count and z sit on one point: name them together
        same = part.groupby(["total", "z"], sort=True)["term"].agg(", ".join).reset_index()
        for i, (total, z, terms) in enumerate(zip(same["total"], same["z"], same["term"],
                                                  strict=True)):
            ax.annotate(textwrap.fill(terms, 28), (total, z), xytext=(5, 6 * (i % 2) - 3),
                        textcoords="offset points", fontsize=7, color=color, va=va)
    for level in (Z_95, -Z_95):
        ax.axhline(level, color="#888888", linewidth=0.7, linestyle="--")
    ax.axhline(0, color="#444444", linewidth=0.6)
    ax.set_xscale("log")
    ax.set_xlabel("count in both groups (log scale)")
    ax.set_ylabel(f"z-score  (+ {label_a} · − {label_b})")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


@cache
def _gap_pattern() -> str:
    """Regex for one word the model ignores: a stopword, a number or a single character."""
    words = sorted(term_stopwords(), key=lambda w: (-len(w), w))
    return rf"(?:{'|'.join(map(re.escape, words))}|\d+|[^\W_])(?!\w)"


def _word_pattern(word: str) -> str:
    return r"(?:u\.\s?s\.?|us)" if word.lower() == "us" else re.escape(word)


def kwic(corpus: pd.DataFrame, term: str, width: int = 60) -> pd.DataFrame:
    """Keyword in context: every occurrence of a word or phrase in the clean texts.

    Matching is case-insensitive and on whole words (``r1`` matches ``DeepSeek-R1`` but not
    ``r10``; ``us`` also matches ``U.S.``). Between the words of a phrase, spaces, hyphens,
    quotes and commas are allowed and up to ``KWIC_MAX_GAP`` words the model ignores
    (stopwords, numbers), so the model's bigram ``made china`` finds "Made in China"; as in
    the model, a phrase never spans a clause break (``CLAUSE_BREAK_CHARS``).

    Returns
    -------
    DataFrame ``doc_id, left, match, right``: ``match`` is the text as written in the clean
    article; ``left``/``right`` are up to ``width`` characters either side, line breaks
    shown as spaces. Rows in corpus order, then by position. No rows when nothing matches.
    """
    columns = ["doc_id", "left", "match", "right"]
    words = TOKEN_RE.findall(normalize_text(term))
    if not words:
        return pd.DataFrame(columns=columns)
    sep = rf"(?:[^\w{re.escape(CLAUSE_BREAK_CHARS)}]|_)+"  # never across a clause break
    gap = rf"(?:{sep}{_gap_pattern()}){{0,{KWIC_MAX_GAP}}}{sep}"
    pattern = re.compile(r"(?<!\w)" + gap.join(map(_word_pattern, words)) + r"(?!\w)",
                         re.IGNORECASE)
    rows = []
    for doc_id, text in zip(corpus["doc_id"].astype(str), corpus["text"].fillna(""), strict=True):
        for m in pattern.finditer(text):
            rows.append({"doc_id": doc_id,
                         "left": text[max(0, m.start() - width):m.start()].replace("\n", " "),
                         "match": m.group(0).replace("\n", " "),
                         "right": text[m.end():m.end() + width].replace("\n", " ")})
    return pd.DataFrame(rows, columns=columns)


# ======================================================================================
# stance
# ======================================================================================

STANCE_LABELS = ("favor", "against", "none")  # SemEval-2016 Task 6 labels, in table order
STANCE_SEED = 20160  # fixed seed for every bootstrap, so CIs repeat exactly
BOOTSTRAP_REPS = 2000  # resamples per 95 % CI; enough for stable 2.5 / 97.5 percentiles
NEGATION_WINDOW = 3  # a negator flips a cue at most this many words later, within the clause
AIM_WINDOW = 4  # words after "efforts to" / "seeks to" that describe an attempt, not an outcome
TARGET_WINDOW = 6  # a tighten / loosen word counts only this many words from a target mention
PRESCRIBE_WINDOW = 20  # words a "should" / "urged" / "essential" may precede its tighten word
CONSUME_WINDOW = 4  # "overcome some geopolitical constraints": the restriction noun is its object
TARGET_RULES = ("R1", "R2", "R3-denied", "R3-access")  # codebook rules, strongest evidence first
ACCESS_CONTEXT = 1  # codebook R3: "access to advanced chips" counts only next to a named measure
EMBED_MARGINS = tuple(round(0.005 * i, 3) for i in range(21))  # thresholds the embedding scorer may learn
STANCE_METHODS = ("majority", "svm-ngrams", "embedding", "rules")  # comparison table order
SPEAKER_COLUMNS = ["speaker", "speaker_type", "n_target", "n_favor", "n_against", "n_none", "net",
                   "doc_ids", "evidence"]
UNATTRIBUTED_RE = re.compile(  # agentless reporting: "are being urged to …" (codebook §4)
    r"\b(?:is|are|was|were|being|been)\s+(?:being\s+)?(?:urged|asked|pressed|advised|called on)\b"
    r"|\bthere (?:is|are|was|were) (?:speculation|calls|concern)\b", re.I)
CLAUSE_BREAK_RE = re.compile(r"[,;:()]|\s-\s|\s-(?=\w)|(?<=\w)-\s")  # commas, semicolons, dashes
ELLIPSIS_RE = re.compile(r"\b(?:is|are|was|were|does|do|did|has|have|had)\W*$")  # "…, bans … are."


def _stance_lexicon(name: str) -> pd.DataFrame:
    """Read ``lexicons/<name>.csv`` (every cell a string)."""
    return pd.read_csv(LEXICONS / f"{name}.csv", dtype=str, keep_default_na=False)


def _bounded(pattern: str) -> re.Pattern:
    """Compile a lexicon regex so it matches whole words only (hyphens join words)."""
    return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])")


@cache
def _stance_patterns() -> dict[str, list[tuple[re.Pattern, str, str]]]:
    """All stance lexicons compiled: ``{group: [(regex, label, kind), ...]}`` in file order."""
    target = _stance_lexicon("stance_target")
    cues = _stance_lexicon("stance_cues")
    success = _stance_lexicon("stance_success")
    markers = _stance_lexicon("stance_markers")
    return {
        "target": [(_bounded(p), r, "target") for p, r in zip(target["pattern"], target["rule"],
                                                              strict=True)],
        "cues": [(_bounded(p), d, k) for p, d, k in zip(cues["pattern"], cues["direction"],
                                                        cues["kind"], strict=True)],
        "success": [(_bounded(p), "against", "success") for p in success["pattern"]],
        "markers": [(_bounded(p), k, k) for p, k in zip(markers["pattern"], markers["kind"],
                                                        strict=True)],
    }


@cache
def _any_target() -> re.Pattern:
    """One regex matching wherever any target pattern does; most sentences fail it at once."""
    return _bounded("|".join(f"(?:{p})" for p in _stance_lexicon("stance_target")["pattern"]))


@cache
def _marker(kind: str) -> re.Pattern:
    """The one compiled marker regex of a kind (negator, concession, aim, …)."""
    return next(rx for rx, _, k in _stance_patterns()["markers"] if k == kind)


STANCE_TEXT_CACHE = 2**16  # sentences whose stance text is memoised; each is needed 2-5 times
STANCE_BATCH_ARTICLES = 1000  # articles labelled at a time: their ~25k sentences stay in that cache


def _in_article_batches(func, corpus: pd.DataFrame) -> pd.DataFrame:
    """``func`` (articles in, one table out) over runs of ``STANCE_BATCH_ARTICLES`` whole
    articles, concatenated.

    Equals ``func(corpus)`` when ``func`` looks within one article at a time, as every stance
    step does; the memoised sentence steps are then reused before the cache moves on.
    """
    size = STANCE_BATCH_ARTICLES
    if len(corpus) <= size:
        return func(corpus)
    return pd.concat([func(corpus.iloc[lo:lo + size]) for lo in range(0, len(corpus), size)],
                     ignore_index=True)


@lru_cache(maxsize=STANCE_TEXT_CACHE)
def stance_text(sentence: str) -> str:
    """Normalised, lower-cased sentence on which every stance pattern runs.

    Quotes and dashes are unified and ``U.S.`` becomes ``US`` (:func:`normalize_text`);
    runs of white space collapse to one space. Case folding keeps the length, so offsets
    in the result are offsets in ``normalize_text(sentence)`` with spaces collapsed.
    """
    text = SPACE_RUN_RE.sub(" ", normalize_text(sentence)).strip()
    lowered = text.lower()
    # str.lower maps a final capital sigma by context; otherwise equal lengths mean every
    # character was lowered to exactly one character, the per-character rule below
    if len(lowered) == len(text) and "\u03a3" not in text:
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def target_spans(sentence: str) -> list[tuple[int, int, str]]:
    """Where a sentence names the target: ``(start, end, rule)`` in :func:`stance_text`.

    ``rule`` is the codebook rule the pattern implements: ``R1`` (measures named),
    ``R2`` (a restriction word standing for them), ``R3-denied`` (access denied from
    outside) or ``R3-access`` (access to advanced chips; counts only beside a named
    measure, see :func:`detect_targets`). Sorted by position.
    """
    return list(_target_spans(stance_text(sentence)))


@lru_cache(maxsize=STANCE_TEXT_CACHE)
def _target_spans(text: str) -> tuple[tuple[int, int, str], ...]:
    first = _any_target().search(text)
    if first is None:
        return ()
    spans = {(m.start(), m.end(), rule) for rx, rule, _ in _stance_patterns()["target"]
             for m in rx.finditer(text, first.start())}  # none starts before the first hit
    return tuple(sorted(spans))


def detect_targets(sentences: pd.DataFrame, context: int = ACCESS_CONTEXT) -> pd.DataFrame:
    """Flag the sentences that refer to US chip export controls (codebook R1–R3).

    Parameters
    ----------
    sentences
        ``doc_id, sent_id, sentence`` (as from :func:`corpus_sentences`).
    context
        An ``R3-access`` sentence ("access to high-end processors") counts only when a
        sentence of the same article at most this many sentences away names the measures.

    Returns
    -------
    The input plus ``mentions_target`` (bool), ``target_rule`` (strongest rule that fired,
    ``""`` if none) and ``target_match`` (the matched words, ``" | "``-joined).
    """
    out = sentences.copy()
    rules, matches = [], []
    for sentence in out["sentence"]:
        spans = target_spans(sentence)
        text = stance_text(sentence)
        found = sorted({r for _, _, r in spans}, key=TARGET_RULES.index)
        rules.append(found[0] if found else "")
        matches.append(" | ".join(dict.fromkeys(text[s:e] for s, e, _ in spans)))
    out["target_rule"] = rules
    out["target_match"] = matches
    strong = out["target_rule"].isin(["R1", "R2", "R3-denied"]).to_numpy()
    mentions = strong.copy()
    doc = out["doc_id"].to_numpy()
    for i in np.flatnonzero(out["target_rule"].eq("R3-access").to_numpy()):
        lo, hi = max(0, i - context), min(len(out), i + context + 1)
        mentions[i] = bool(any(strong[j] and doc[j] == doc[i] for j in range(lo, hi)))
    out["mentions_target"] = mentions
    return out


def _word_index(text: str, pos: int) -> int:
    """Number of words in ``text`` before character ``pos``."""
    return len(re.findall(r"\S+", text[:pos]))


def _clause_start(text: str, pos: int) -> int:
    """Start of the clause (after the last comma, semicolon, colon or dash) holding ``pos``."""
    breaks = [m.end() for m in CLAUSE_BREAK_RE.finditer(text, 0, pos)]
    return breaks[-1] if breaks else 0


def _clause_end(text: str, pos: int) -> int:
    """End of the clause holding ``pos``: the next comma, semicolon, colon or dash."""
    found = CLAUSE_BREAK_RE.search(text, pos)
    return found.start() if found else len(text)


def _spans(rx: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in rx.finditer(text)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    """Blank out spans (same length) so later searches skip them."""
    chars = list(text)
    for s, e in spans:
        chars[s:e] = "_" * (e - s)
    return "".join(chars)


def _negated(masked: str, text: str, start: int) -> bool:
    """A negator within :data:`NEGATION_WINDOW` words before ``start``, in the same clause."""
    lo = _clause_start(text, start)
    before = masked[lo:start].split()[-NEGATION_WINDOW:]
    return bool(_marker("negator").search(" ".join(before)))


def _structure(text: str) -> dict[str, list[tuple[int, int]]]:
    """Split a sentence into its asserted (main) part and conceded / subordinate parts (H1).

    The part after the last contrast word ("but", "yet", "however") is asserted and the
    part before it conceded; a subordinate clause ("while", "although") is conceded: to
    the end of its clause when it opens the sentence, else to the end of the sentence.
    """
    not_contrast = _spans(_marker("not_contrast"), text)
    asserted_from = 0
    for s, _ in _spans(_marker("contrast"), text):
        if not _inside(s, not_contrast) and text[:s].strip(" ,;:-\"'"):
            asserted_from = s
    subordinate = []
    for s, _ in _spans(_marker("subordinator"), text):
        if text[:s].strip(" ,;:-\"'") and text[max(0, s - 5):s].strip() in ("all", "even"):
            continue  # "all while operating": a time adverbial, not a concession
        opens = not text[asserted_from:s].strip(" ,;:-\"'") or text[:s].strip(" ,;:-\"'") == ""
        subordinate.append((s, _clause_end(text, s) if opens else len(text)))
    return {"asserted": [(asserted_from, len(text))],
            "conceded": [(0, asserted_from)] if asserted_from else [],
            "subordinate": subordinate}


def _region_of(pos: int, structure: dict[str, list[tuple[int, int]]]) -> str:
    """``main`` when ``pos`` is asserted and not subordinate, else ``other``."""
    if _inside(pos, structure["subordinate"]) or not _inside(pos, structure["asserted"]):
        return "other"
    return "main"


def _flip(direction: str) -> str:
    return {"favor": "against", "against": "favor"}[direction]


def _prescriptions(text: str, masked: str, targets: list[tuple[int, int, str]]) -> list[dict]:
    """Tighten / loosen words that a prescriptive marker governs, next to the target (H9, H10)."""
    found = []
    prescribe = _spans(_marker("prescribe"), text)
    for kind, direction in (("tighten", "favor"), ("loosen", "against")):
        for s, e in _spans(_marker(kind), text):
            w = _word_index(text, s)
            near_target = any(abs(_word_index(text, ts) - w) <= TARGET_WINDOW
                              or ts <= s < te for ts, te, _ in targets)
            governed = any(ps < s and w - _word_index(text, ps) <= PRESCRIBE_WINDOW
                           for ps, _ in prescribe)
            if near_target and governed:
                flipped = _negated(masked, text, s)
                found.append({"start": s, "end": e, "cue": text[s:e], "kind": "prescription",
                              "direction": _flip(direction) if flipped else direction,
                              "negated": flipped})
    return found


def _evaluations(text: str, masked: str, targets: list[tuple[int, int, str]],
                 scope_from: int | None) -> list[dict]:
    """Effect, difficulty, circumvention and backfire cues, negation resolved (H7)."""
    aims = [(s, s + len(" ".join(text[s:].split()[:AIM_WINDOW + 2]))) for s, _ in
            _spans(_marker("aim"), text)]
    purpose = _marker("purpose")
    raw = []
    for rx, direction, kind in _stance_patterns()["cues"]:
        for m in rx.finditer(text):
            raw.append({"start": m.start(), "end": m.end(), "cue": m.group(0), "kind": kind,
                        "direction": direction})
    raw.sort(key=lambda c: (c["start"], -(c["end"] - c["start"])))
    cues: list[dict] = []
    for cue in raw:  # keep the longest of overlapping matches
        if cues and cue["start"] < cues[-1]["end"]:
            continue
        cues.append(cue)
    circumvent = [c for c in cues if c["kind"] == "circumvent" and not _inside(c["start"], aims)]
    kept = []
    for cue in cues:
        s, w = cue["start"], _word_index(text, cue["start"])
        if cue["kind"] in ("circumvent", "restriction", "difficulty") and _inside(s, aims):
            continue  # H4: an attempt to overcome the measures claims nothing
        if cue["kind"] == "restriction" and any(
                c["start"] < s and w - _word_index(text, c["start"]) <= CONSUME_WINDOW for c in circumvent):
            continue  # "overcome … constraints": the noun is the object, already counted
        if cue["kind"] == "backfire" and not any(ts < s for ts, _, _ in targets):
            continue  # only "the curbs spurred innovation", not "DeepSeek spurred innovation"
        negated = _negated(masked, text, s)
        if cue["kind"] == "effect_verb" and not negated:
            before = " ".join(text[_clause_start(text, s):s].split()[-2:])
            if re.search(rf"(?:{purpose.pattern})$", before):
                continue  # "sanctions … to slow China's progress": the aim, not the effect
        if scope_from is not None and s > scope_from:
            negated = not negated
        cue["negated"] = negated
        cue["direction"] = _flip(cue["direction"]) if negated else cue["direction"]
        kept.append(cue)
    return kept


def _concession_successes(text: str, masked: str, targets: list[tuple[int, int, str]],
                          scope_from: int | None) -> list[dict]:
    """H1: success words asserted alongside "despite / without access to [the measures]"."""
    aims = [(s, s + len(" ".join(text[s:].split()[:AIM_WINDOW + 2]))) for s, _ in
            _spans(_marker("aim"), text)]
    phrases = []
    for s, _ in _spans(_marker("concession"), text):
        end = _clause_end(text, s + 1)
        if _inside(s, aims):
            continue  # "tasked to push for breakthroughs in the face of curbs": an aim (H4)
        if any(s <= ts < end for ts, _, _ in targets):
            phrases.append((s, end))
    if not phrases:
        return []
    found = []
    for rx, _, _ in _stance_patterns()["success"]:
        for m in rx.finditer(text):
            if _inside(m.start(), phrases) or _inside(m.start(), aims):
                continue
            negated = _negated(masked, text, m.start())
            if scope_from is not None and m.start() > scope_from:
                negated = not negated
            found.append({"start": m.start(), "end": m.end(), "cue": m.group(0), "kind": "success",
                          "direction": "favor" if negated else "against", "negated": negated})
    return found


def _tally(cues: list[dict]) -> tuple[int, int]:
    return (sum(c["direction"] == "favor" for c in cues),
            sum(c["direction"] == "against" for c in cues))


def rule_stance(sentence: str) -> dict:
    """Transparent cue-lexicon stance of one sentence that mentions the target.

    Order of decisions (codebook §5): an open question is ``none`` (H8); a governed
    call to tighten or loosen decides (H10); otherwise cues in the asserted clause are
    counted — effect and difficulty words, circumvention, "spurred innovation" with the
    measures as subject, and success words next to "despite [the measures]" (H1) — with
    negators flipping the cue that follows (H7) and attempts neutralised (H4). When the
    asserted clause has no cue, the conceded clause decides; a tie abstains (``none``).

    Returns
    -------
    dict with ``stance`` (favor / against / none), ``confidence`` (share of evidence
    for the label: ``max(f, a) / (f + a + 1)`` for a stance, ``1 / (f + a + 1)`` for
    ``none``, where f and a count favor and against cues), ``reason`` (rule and cues),
    ``n_favor``, ``n_against`` and ``cue_start`` (offset of the deciding cue in
    :func:`stance_text`, -1 if none).
    """
    text = stance_text(sentence)
    targets = target_spans(sentence)
    scope = _spans(_marker("scope_negator"), text)
    masked = _mask(text, _spans(_marker("not_negator"), text) + scope)
    scope_from = scope[0][1] if scope else None
    if _marker("open").search(text):
        return {"stance": "none", "confidence": 1.0, "reason": "H8 open question", "n_favor": 0,
                "n_against": 0, "cue_start": -1}
    prescriptions = _prescriptions(text, masked, targets)
    if prescriptions:
        f, a = _tally(prescriptions)
        return _decide(f, a, prescriptions, "H10 prescription")
    structure = _structure(text)
    cues = (_evaluations(text, masked, targets, scope_from)
            + _concession_successes(text, masked, targets, scope_from))
    main = [c for c in cues if _region_of(c["start"], structure) == "main"]
    f, a = _tally(main)
    if f or a:
        return _decide(f, a, main, "asserted clause")
    other = [c for c in cues if _region_of(c["start"], structure) == "other"]
    main_text = "".join(text[s:e] for s, e in structure["asserted"])
    if other and ELLIPSIS_RE.search(main_text) and structure["subordinate"]:
        other = [{**c, "direction": _flip(c["direction"]) if c.get("negated") else c["direction"]}
                 for c in other]  # "while money has never been a problem, bans are": P holds
        f, a = _tally(other)
        return _decide(f, a, other, "contrastive ellipsis")
    f, a = _tally(other)
    return _decide(f, a, other, "conceded clause (H1 fallback)")


def _decide(f: int, a: int, cues: list[dict], where: str) -> dict:
    """Turn cue counts into a label, a confidence and a readable reason."""
    if f == a:
        stance = "none"
        confidence = 1.0 / (f + a + 1)
        reason = "no cue" if f == 0 else f"tie, abstain ({where})"
    else:
        stance = "favor" if f > a else "against"
        confidence = max(f, a) / (f + a + 1)
        reason = where
    listed = ", ".join(("not " if c.get("negated") else "") + f"{c['cue']}→{c['direction']}"
                       for c in sorted(cues, key=lambda c: c["start"]))
    deciding = [c["start"] for c in sorted(cues, key=lambda c: c["start"]) if c["direction"] == stance]
    return {"stance": stance, "confidence": round(confidence, 4),
            "reason": f"{reason}: {listed}" if listed else reason,
            "n_favor": f, "n_against": a, "cue_start": deciding[0] if deciding else -1}


def rule_stances(sentences: pd.DataFrame) -> pd.DataFrame:
    """:func:`rule_stance` over target sentences; others get ``none`` with reason "no target".

    Input needs ``sentence`` and ``mentions_target``; returns it plus ``stance,
    confidence, reason, cue_start``.
    """
    out = sentences.copy()
    results = [rule_stance(s) if hit else {"stance": "none", "confidence": 1.0, "reason": "no target",
                                           "cue_start": -1}
               for s, hit in zip(out["sentence"], out["mentions_target"], strict=True)]
    for column in ("stance", "confidence", "reason", "cue_start"):
        out[column] = [r[column] for r in results]
    return out


def _quote_spans_normalised(text: str) -> list[tuple[int, int]]:
    """Direct-quote spans in a :func:`stance_text` string (a quote may run to the end)."""
    spans = _spans(re.compile(r'"[^"]*"'), text)
    if text.count('"') % 2 == 1:
        spans.append((text.rfind('"'), len(text)))
    return spans


def stance_speaker(sentence: str, cue_start: int, speaker: str, speaker_type: str,
                   attribution: str) -> tuple[str, str]:
    """Whose view the deciding clause carries (codebook §4, H5).

    Starts from :func:`sentence_speakers` (``speaker, speaker_type, attribution``) and
    re-attributes only the clause that holds the deciding cue: its own reported-speech
    subject wins ("Liang acknowledged …, yet analysts argue …" → analysts); a cue outside
    the quote marks of a quoting sentence is the author's; agentless reporting ("are being
    urged") is ``unattributed`` (type ``unknown``).
    """
    text = stance_text(sentence)
    if cue_start < 0:
        return speaker, speaker_type
    if _inside(cue_start, _quote_spans_normalised(text)):
        return speaker, speaker_type
    original = re.sub(r"\s+", " ", normalize_text(sentence)).strip()
    part_start = max([m.end() for m in re.finditer(r";", text[:cue_start])], default=0)
    part_end = text.find(";", cue_start)
    part_end = len(text) if part_end < 0 else part_end
    structure = _structure(text)
    asserted_from = structure["asserted"][0][0]
    if asserted_from > part_start and cue_start >= asserted_from:
        part_start = asserted_from
    part = original[part_start:part_end]
    found, found_type = attribute_sentence(part)
    if found_type not in ("author", "pronoun"):
        if speaker and (found in speaker.split() or found.lower() == speaker.lower()):
            return speaker, speaker_type  # the sentence-level name is the fuller one
        return found, found_type
    if UNATTRIBUTED_RE.search(part):
        return "unattributed", "unknown"
    if found_type == "pronoun" or (part_start == 0 and part_end == len(text) and attribution != "quote"):
        return speaker, speaker_type
    return "author", "author"


STANCE_SENTENCE_COLUMNS = ["doc_id", "sent_id", "sentence", "mentions_target", "speaker",
                           "speaker_type", "stance", "confidence"]


def stance_details(corpus: pd.DataFrame) -> pd.DataFrame:
    """Every sentence with target detection, rule-model stance, speaker and the reason.

    Returns
    -------
    DataFrame ``doc_id, sent_id, sentence, mentions_target, target_rule, target_match,
    speaker, speaker_type, attribution, stance, confidence, reason``, one row per
    sentence of :func:`corpus_sentences`, in text order.
    """
    return _in_article_batches(_stance_details, corpus)


def _stance_details(corpus: pd.DataFrame) -> pd.DataFrame:
    columns = ["doc_id", "sent_id", "sentence", "mentions_target", "target_rule", "target_match",
               "speaker", "speaker_type", "attribution", "stance", "confidence", "reason"]
    speakers = sentence_speakers(corpus)
    if speakers.empty:
        return pd.DataFrame(columns=columns)
    table = rule_stances(detect_targets(speakers))
    texts = dict(zip(corpus["doc_id"], corpus["text"], strict=True))
    expanders: dict = {}
    names, types = [], []
    for row in table.itertuples(index=False):
        if row.mentions_target:
            name, kind = stance_speaker(row.sentence, row.cue_start, row.speaker, row.speaker_type,
                                        row.attribution)
            if kind in ("person", "institution"):
                if row.doc_id not in expanders:
                    expanders[row.doc_id] = _name_expander(texts[row.doc_id])
                name = expanders[row.doc_id](name)
        else:
            name, kind = row.speaker, row.speaker_type
        names.append(name)
        types.append(kind)
    table["speaker"], table["speaker_type"] = names, types
    return table[columns].reset_index(drop=True)


def stance_sentences(corpus: pd.DataFrame) -> pd.DataFrame:
    """Stance of every sentence towards US chip export controls (public API).

    Uses the cue-lexicon rule model (:func:`rule_stance`), the best method in the
    notebook's comparison. Sentences that do not mention the target are ``none``.

    Returns
    -------
    DataFrame ``doc_id, sent_id, sentence, mentions_target, speaker, speaker_type,
    stance, confidence``; ``stance`` in favor / against / none, ``confidence`` in [0, 1].
    """
    return stance_details(corpus)[STANCE_SENTENCE_COLUMNS]


def article_stance(corpus: pd.DataFrame, sentences: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per-article counts and net stance (public API).

    ``net = (n_favor - n_against) / max(1, n_favor + n_against)``, in [-1, 1]; an article
    that only reports the measures has no stance sentences and nets 0. Pass ``sentences``
    (from :func:`stance_sentences`) to avoid recomputing them.

    Returns
    -------
    DataFrame ``doc_id, n_target, n_favor, n_against, net``, one row per article, in
    corpus order.
    """
    if sentences is None:  # the counts need no speakers, so skip attributing them
        table = _in_article_batches(lambda part: rule_stances(detect_targets(corpus_sentences(part))),
                                    corpus)
    else:
        table = sentences
    target = table[table["mentions_target"].astype(bool)]
    counts = pd.crosstab(target["doc_id"], target["stance"]).reindex(
        index=corpus["doc_id"], columns=["favor", "against"], fill_value=0)
    favor = counts["favor"].to_numpy(dtype=int)
    against = counts["against"].to_numpy(dtype=int)
    n_target = target.groupby("doc_id").size().reindex(corpus["doc_id"], fill_value=0)
    net = [round((f - a) / max(1, f + a), 4) for f, a in zip(favor.tolist(), against.tolist(), strict=True)]
    return pd.DataFrame({"doc_id": corpus["doc_id"].to_numpy(), "n_target": n_target.to_numpy(dtype=int),
                         "n_favor": favor, "n_against": against, "net": net},
                        columns=["doc_id", "n_target", "n_favor", "n_against", "net"])


def speaker_stance(details: pd.DataFrame) -> pd.DataFrame:
    """Who takes which side: one row per speaker of a target sentence.

    Input is :func:`stance_details` (or :func:`stance_sentences`). ``evidence`` is the
    speaker's most confident favor / against sentence (earliest on ties), else the first
    target sentence. Sorted by number of target sentences, then speaker.
    """
    target = details[details["mentions_target"].astype(bool)]
    rows = []
    for (speaker, kind), part in target.groupby(["speaker", "speaker_type"], sort=True):
        favor = int((part["stance"] == "favor").sum())
        against = int((part["stance"] == "against").sum())
        stanced = part[part["stance"] != "none"].sort_values(
            ["confidence", "doc_id", "sent_id"], ascending=[False, True, True], kind="stable")
        evidence = (stanced if len(stanced) else part).iloc[0]["sentence"]
        rows.append({"speaker": speaker, "speaker_type": kind, "n_target": len(part),
                     "n_favor": favor, "n_against": against, "n_none": len(part) - favor - against,
                     "net": round((favor - against) / max(1, favor + against), 4),
                     "doc_ids": ", ".join(sorted(part["doc_id"].astype(str).unique())),
                     "evidence": evidence})
    table = pd.DataFrame(rows, columns=SPEAKER_COLUMNS)
    return table.sort_values(["n_target", "speaker"], ascending=[False, True],
                             kind="stable").reset_index(drop=True)


# --- gold labels and evaluation --------------------------------------------------------

GOLD_COLUMNS = ["doc_id", "sentence", "label", "speaker", "note"]


def load_stance_gold(path: str | Path) -> pd.DataFrame:
    """Hand labels (``doc_id, sentence, label, speaker, note``); doc ids stay strings."""
    gold = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in GOLD_COLUMNS if c not in gold.columns]
    if missing:
        raise ValueError(f"gold file lacks columns {missing}")
    return gold[GOLD_COLUMNS]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def align_gold(sentences: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Attach gold labels to corpus sentences; unlisted sentences are gold ``none``.

    A gold row matches the sentence of its article that contains it (white space
    collapsed), so a dek row missing its "(Bloomberg) —" prefix still matches. Only
    articles whose every gold row matches are kept (``gold_doc`` True), so another
    corpus that reuses a doc id is never scored against these labels.

    Returns
    -------
    ``sentences`` plus ``gold_doc`` (bool), ``gold_target`` (bool), ``gold_stance`` and
    ``gold_speaker`` (``""`` when unlisted).
    """
    out = sentences.copy()
    out["gold_target"] = False
    out["gold_stance"] = "none"
    out["gold_speaker"] = ""
    squashed = out["sentence"].map(_squash)
    complete = set()
    for doc_id, rows in gold.groupby("doc_id", sort=True):
        in_doc = out.index[out["doc_id"] == doc_id]
        hits = []
        for row in rows.itertuples(index=False):
            found = [i for i in in_doc if _squash(row.sentence) in squashed[i]]
            hits.append((found[0], row) if found else None)
        if hits and all(hits):
            complete.add(doc_id)
            for i, row in hits:
                out.loc[i, ["gold_target", "gold_stance", "gold_speaker"]] = [True, row.label, row.speaker]
    out["gold_doc"] = out["doc_id"].isin(complete)
    return out


def target_scores(gold: pd.Series, predicted: pd.Series) -> pd.DataFrame:
    """Precision, recall and F1 of target detection, with the counts behind them.

    Returns a one-row DataFrame ``tp, fp, fn, precision, recall, f1`` (0 where undefined).
    """
    g, p = gold.astype(bool).to_numpy(), predicted.astype(bool).to_numpy()
    tp, fp, fn = int((g & p).sum()), int((~g & p).sum()), int((g & ~p).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return pd.DataFrame([{"tp": tp, "fp": fp, "fn": fn, "precision": round(precision, 4),
                          "recall": round(recall, 4), "f1": round(f1, 4)}])


def stance_metrics(gold: list | pd.Series | np.ndarray, predicted: list | pd.Series | np.ndarray
                   ) -> dict[str, float]:
    """SemEval-2016 scores: F_favor, F_against, their mean F_avg, macro-F1 and accuracy.

    F per class is 2PR / (P + R), 0 when the class is never predicted nor present
    (scikit-learn ``zero_division=0``). Macro-F1 averages favor, against and none.
    """
    from sklearn.metrics import accuracy_score, f1_score

    g, p = np.asarray(gold, dtype=object), np.asarray(predicted, dtype=object)
    per_class = f1_score(g, p, labels=list(STANCE_LABELS), average=None, zero_division=0)
    scores = dict(zip(STANCE_LABELS, per_class, strict=True))
    return {"F_favor": float(scores["favor"]), "F_against": float(scores["against"]),
            "F_avg": float((scores["favor"] + scores["against"]) / 2),
            "macro_F1": float(np.mean(per_class)),
            "accuracy": float(accuracy_score(g, p)) if len(g) else 0.0}


def _metrics_from_codes(gold: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """:func:`stance_metrics` on integer-coded labels (index in :data:`STANCE_LABELS`).

    Counting only, so a bootstrap can call it thousands of times; the tests check it
    against :func:`stance_metrics`.
    """
    f1 = []
    for k in range(len(STANCE_LABELS)):
        tp = int(np.sum((gold == k) & (predicted == k)))
        fp = int(np.sum((gold != k) & (predicted == k)))
        fn = int(np.sum((gold == k) & (predicted != k)))
        f1.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return {"F_favor": f1[0], "F_against": f1[1], "F_avg": (f1[0] + f1[1]) / 2,
            "macro_F1": float(np.mean(f1)),
            "accuracy": float(np.mean(gold == predicted)) if len(gold) else 0.0}


def bootstrap_metrics(gold: pd.Series, predicted: pd.Series, reps: int = BOOTSTRAP_REPS,
                      seed: int = STANCE_SEED) -> pd.DataFrame:
    """Each :func:`stance_metrics` score with a percentile bootstrap 95 % CI over sentences.

    Sentences are resampled with replacement ``reps`` times (seeded). Sentences of one
    article are not independent, so these intervals are, if anything, too narrow.

    Returns ``metric, value, ci_low, ci_high`` rounded to 3 decimals.
    """
    g, p = np.asarray(gold, dtype=object), np.asarray(predicted, dtype=object)
    point = stance_metrics(g, p)
    rng = np.random.default_rng(seed)
    codes = {label: i for i, label in enumerate(STANCE_LABELS)}
    gi = np.array([codes.get(x, len(codes)) for x in g], dtype=int)
    pi = np.array([codes.get(x, len(codes)) for x in p], dtype=int)
    draws = {k: [] for k in point}
    for _ in range(reps if len(g) else 0):
        idx = rng.integers(0, len(g), len(g))
        for k, v in _metrics_from_codes(gi[idx], pi[idx]).items():
            draws[k].append(v)
    rows = [{"metric": k, "value": round(v, 3),
             "ci_low": round(float(np.percentile(draws[k], 2.5)), 3) if draws[k] else np.nan,
             "ci_high": round(float(np.percentile(draws[k], 97.5)), 3) if draws[k] else np.nan}
            for k, v in point.items()]
    return pd.DataFrame(rows, columns=["metric", "value", "ci_low", "ci_high"])


def confusion_table(gold: pd.Series, predicted: pd.Series, reps: int = BOOTSTRAP_REPS,
                    seed: int = STANCE_SEED) -> pd.DataFrame:
    """Confusion matrix in long form with a bootstrap 95 % CI on each row share.

    Returns ``gold, predicted, n, row_share, ci_low, ci_high``: ``row_share`` is the
    share of sentences with that gold label given that prediction (so each gold label's
    shares sum to 1); rows for every label pair, in :data:`STANCE_LABELS` order.
    """
    g, p = np.asarray(gold, dtype=object), np.asarray(predicted, dtype=object)
    pairs = [(a, b) for a in STANCE_LABELS for b in STANCE_LABELS]

    def shares(gg: np.ndarray, pp: np.ndarray) -> list[float]:
        out = []
        for a, b in pairs:
            row = gg == a
            out.append(float((pp[row] == b).mean()) if row.any() else np.nan)
        return out

    rng = np.random.default_rng(seed)
    draws = np.array([shares(g[idx], p[idx]) for idx in
                      (rng.integers(0, len(g), len(g)) for _ in range(reps if len(g) else 0))])
    point = shares(g, p)
    rows = []
    for k, (a, b) in enumerate(pairs):
        column = draws[:, k][~np.isnan(draws[:, k])] if len(draws) else np.array([])
        rows.append({"gold": a, "predicted": b, "n": int(((g == a) & (p == b)).sum()),
                     "row_share": round(point[k], 3) if not np.isnan(point[k]) else np.nan,
                     "ci_low": round(float(np.percentile(column, 2.5)), 3) if len(column) else np.nan,
                     "ci_high": round(float(np.percentile(column, 97.5)), 3) if len(column) else np.nan})
    return pd.DataFrame(rows, columns=["gold", "predicted", "n", "row_share", "ci_low", "ci_high"])


def _svm_pipeline():
    """SemEval-2016's SVM-ngrams baseline: word 1–3-grams + character 2–5-grams, linear SVM."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.svm import LinearSVC

    features = make_union(
        CountVectorizer(analyzer="word", ngram_range=(1, 3), binary=True, lowercase=True),
        CountVectorizer(analyzer="char", ngram_range=(2, 5), binary=True, lowercase=True))
    return make_pipeline(features, LinearSVC(C=1.0, random_state=0))


def _leave_one_article_out(frame: pd.DataFrame, fit_predict) -> list[str]:
    """Run ``fit_predict(train, test) -> labels`` once per held-out article."""
    predicted = pd.Series("none", index=frame.index, dtype=object)
    for doc_id in sorted(frame["doc_id"].unique()):
        test = frame["doc_id"] == doc_id
        predicted[test] = fit_predict(frame[~test], frame[test])
    return predicted.tolist()


def predict_majority(frame: pd.DataFrame) -> list[str]:
    """Majority baseline, leave one article out: the commonest training label (ties → none)."""
    def fit_predict(train: pd.DataFrame, test: pd.DataFrame) -> list[str]:
        counts = train["gold_stance"].value_counts()
        top = sorted(counts[counts == counts.max()].index) if len(counts) else ["none"]
        return ["none" if "none" in top else top[0]] * len(test)
    return _leave_one_article_out(frame, fit_predict)


def predict_svm(frame: pd.DataFrame) -> list[str]:
    """SVM-ngrams over every sentence, leave one article out; input needs ``gold_stance``."""
    def fit_predict(train: pd.DataFrame, test: pd.DataFrame) -> list[str]:
        if train["gold_stance"].nunique() < 2:
            return [train["gold_stance"].iloc[0] if len(train) else "none"] * len(test)
        model = _svm_pipeline().fit(train["sentence"].map(stance_text), train["gold_stance"])
        return list(model.predict(test["sentence"].map(stance_text)))
    return _leave_one_article_out(frame, fit_predict)


@cache
def _wordllama():
    """The WordLlama model whose weights ship inside the wheel; never downloads."""
    import wordllama
    from wordllama import WordLlama

    return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def embedding_margins(sentences: list[str]) -> np.ndarray:
    """Mean cosine similarity to the favor prototypes minus that to the against ones.

    Prototypes are the generic statements in ``lexicons/stance_prototypes.csv``.
    Rounded to 4 decimals so CPU-level float noise cannot move a threshold decision.
    """
    if not sentences:
        return np.zeros(0)
    protos = _stance_lexicon("stance_prototypes")
    model = _wordllama()
    emb = model.embed([stance_text(s) for s in sentences], norm=True)
    proto = model.embed([stance_text(s) for s in protos["statement"]], norm=True)
    sims = emb @ proto.T
    favor = protos["label"].eq("favor").to_numpy()
    return np.round(sims[:, favor].mean(axis=1) - sims[:, ~favor].mean(axis=1), 4)


def _margin_labels(margins: np.ndarray, threshold: float, mentions: np.ndarray) -> list[str]:
    labels = np.where(margins > threshold, "favor", np.where(margins < -threshold, "against", "none"))
    return [lab if hit else "none" for lab, hit in zip(labels, mentions, strict=True)]


def predict_embedding(frame: pd.DataFrame) -> list[str]:
    """Prototype-similarity scorer on detected target sentences, leave one article out.

    The only learned number is the margin threshold, chosen from :data:`EMBED_MARGINS`
    to maximise F_avg on the four training articles (smallest threshold on ties).
    """
    margins = pd.Series(embedding_margins(frame["sentence"].tolist()), index=frame.index)

    def fit_predict(train: pd.DataFrame, test: pd.DataFrame) -> list[str]:
        if train.empty:
            return _margin_labels(margins[test.index].to_numpy(), EMBED_MARGINS[-1],
                                  test["mentions_target"].to_numpy())
        scores = [stance_metrics(train["gold_stance"], _margin_labels(
            margins[train.index].to_numpy(), t, train["mentions_target"].to_numpy()))["F_avg"]
                  for t in EMBED_MARGINS]
        best = EMBED_MARGINS[int(np.argmax(scores))]
        return _margin_labels(margins[test.index].to_numpy(), best, test["mentions_target"].to_numpy())
    return _leave_one_article_out(frame, fit_predict)


def compare_stance_methods(frame: pd.DataFrame, reps: int = BOOTSTRAP_REPS,
                           seed: int = STANCE_SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score every method on the same sentences, with bootstrap CIs.

    Parameters
    ----------
    frame
        Sentences with ``mentions_target`` (from :func:`detect_targets`), ``stance`` (the
        rule model, from :func:`rule_stances`) and gold columns from :func:`align_gold`.

    Returns
    -------
    ``(scores, predictions)``: ``scores`` has ``method, evaluation, metric, value,
    ci_low, ci_high``; ``predictions`` is ``frame``'s ``doc_id, sent_id, gold_stance``
    plus one column per method.
    """
    predictions = frame[["doc_id", "sent_id", "gold_stance"]].copy()
    predictions["majority"] = predict_majority(frame)
    predictions["svm-ngrams"] = predict_svm(frame)
    predictions["embedding"] = predict_embedding(frame)
    predictions["rules"] = frame["stance"].tolist()
    evaluation = {"majority": "leave one article out", "svm-ngrams": "leave one article out",
                  "embedding": "leave one article out (threshold)",
                  "rules": "no training; lexicon written after reading these articles (upper bound)"}
    tables = []
    for method in STANCE_METHODS:
        table = bootstrap_metrics(predictions["gold_stance"], predictions[method], reps, seed)
        table.insert(0, "evaluation", evaluation[method])
        table.insert(0, "method", method)
        tables.append(table)
    return pd.concat(tables, ignore_index=True), predictions


def speaker_agreement(aligned: pd.DataFrame) -> pd.DataFrame:
    """Predicted versus gold speaker on the gold target sentences.

    ``match`` is True when one name contains the other, case-insensitively ("analysts"
    for "industry participants and analysts"); ``exact`` when they are equal.
    """
    gold = aligned[aligned["gold_target"].astype(bool)]
    table = gold[["doc_id", "sent_id", "gold_speaker", "speaker", "speaker_type"]].copy()
    pred, want = table["speaker"].str.lower(), table["gold_speaker"].str.lower()
    table["exact"] = pred == want
    table["match"] = [bool(a) and bool(b) and (a in b or b in a) for a, b in zip(pred, want, strict=True)]
    return table.reset_index(drop=True)


def evaluate_stance(details: pd.DataFrame, gold: pd.DataFrame | None, reps: int = BOOTSTRAP_REPS,
                    seed: int = STANCE_SEED) -> dict[str, pd.DataFrame]:
    """Everything the notebook reports about accuracy, on articles that have gold labels.

    Parameters
    ----------
    details
        :func:`stance_details` of the corpus.
    gold
        :func:`load_stance_gold` labels, or None.

    Returns
    -------
    dict of DataFrames (all empty when no article of the corpus has complete gold labels):
    ``aligned`` (details plus gold columns, gold articles only), ``target`` (detection
    P/R/F1), ``scores`` and ``predictions`` (:func:`compare_stance_methods`),
    ``oracle`` (rule model scored on the gold target sentences only), ``confusion_rules``
    and ``confusion_svm`` (:func:`confusion_table`), ``speakers`` (:func:`speaker_agreement`).
    """
    keys = ["aligned", "target", "scores", "predictions", "oracle", "confusion_rules",
            "confusion_svm", "speakers"]
    if gold is None or details.empty:
        return {k: pd.DataFrame() for k in keys}
    aligned = align_gold(details, gold)
    aligned = aligned[aligned["gold_doc"]].reset_index(drop=True)
    if aligned.empty:
        return {k: pd.DataFrame() for k in keys}
    scores, predictions = compare_stance_methods(aligned, reps, seed)
    on_target = aligned[aligned["gold_target"]]
    oracle = bootstrap_metrics(on_target["gold_stance"],
                               [rule_stance(s)["stance"] for s in on_target["sentence"]], reps, seed)
    return {"aligned": aligned,
            "target": target_scores(aligned["gold_target"], aligned["mentions_target"]),
            "scores": scores, "predictions": predictions, "oracle": oracle,
            "confusion_rules": confusion_table(predictions["gold_stance"], predictions["rules"], reps, seed),
            "confusion_svm": confusion_table(predictions["gold_stance"], predictions["svm-ngrams"], reps,
                                             seed),
            "speakers": speaker_agreement(aligned)}


def plot_stance_bars(table: pd.DataFrame, labels: pd.Series | list | None = None):
    """Diverging bars per row (article or speaker): against to the left, favor to the right.

    ``table`` needs ``n_favor, n_against, net``; ``labels`` name the rows (default
    ``doc_id``). Returns the figure.
    """
    articles = table
    import matplotlib.pyplot as plt

    names = list(labels) if labels is not None else list(articles["doc_id"])
    y = np.arange(len(articles))
    fig, ax = plt.subplots(figsize=(8, 0.45 * max(len(articles), 1) + 1.6), layout="constrained")
    ax.barh(y, -articles["n_against"].to_numpy(), color="#b2182b", label="against: controls fail")
    ax.barh(y, articles["n_favor"].to_numpy(), color="#2166ac", label="favor: controls bite")
    for i, net in enumerate(articles["net"]):
        ax.text(1.02, i, f"net {net:+.2f}", transform=ax.get_yaxis_transform(), va="center", fontsize=8)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    limit = max(1, int(articles[["n_favor", "n_against"]].to_numpy().max(initial=0)))
    ax.set_xlim(-limit - 0.5, limit + 0.5)
    right = list(range(0, limit + 1, max(1, limit // 5)))
    ticks = [-t for t in reversed(right[1:])] + right
    ax.set_xticks(ticks, [str(abs(t)) for t in ticks])
    ax.set_xlabel("sentences")
    fig.legend(loc="outside lower center", ncol=2, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


# ======================================================================================
# overlap
# ======================================================================================

# Every threshold of the overlap analysis is set here, once, with the reason for its value.
# `benchmarks/overlap_results.md` shows the measures' distributions on planted pairs.
SHINGLE_WORDS = 5  # word 5-grams: one edited word spoils only 5 shingles; unrelated texts rarely share one
PASSAGE_MIN_WORDS = 8  # churnalism-style run: 8 identical words in a row is rarely chance outside quotes
RUN_MAX_OCCURRENCES = 50  # an n-gram repeated more often in one text is boilerplate; skipped as a seed
SELF_COPY_SHARE = 0.4  # an exact doubling repeats 50% of the words; 0.4 allows furniture around the copies
ALL_PAIRS_MAX_DOCS = 500  # up to here every pair is measured (125k pairs via sparse products)
MINHASH_PERMS = 128  # MinHash signature length: 32 bands × 4 rows
LSH_BANDS, LSH_ROWS = 32, 4  # P(candidate) = 1-(1-J^4)^32: 0.9998 at J=0.7, 0.87 at 0.5, 0.003 at 0.1
COSINE_TOP_K = 10  # above ALL_PAIRS_MAX_DOCS, each article's 10 nearest by cosine are candidates too
CANDIDATE_MAX_DF = (0.01, 100)  # top-k search only: drop words in >1% of articles and >100 (no story)
SHINGLE_SEED = 0x9E3779B97F4A7C15  # odd 64-bit multiplier of the shingle hash (golden-ratio constant)

# Relation thresholds. Containment values follow from edit arithmetic: a copy with a share p of
# its words edited keeps about (1-p)^5 of its 5-word shingles.
COPY_CONTAINMENT = 0.5  # (1-p)^5 = 0.5 at p ≈ 13%: at most one word in eight changed = still a copy
RETELL_CONTAINMENT = 0.15  # 15% of one side verbatim: a rewrite or summary that kept whole sentences
RETELL_COSINE = 0.2  # same-story floor when sources are shared (planted retellings sit well above)
RETELL_COSINE_ALONE = 0.5  # without shared sources, cosine alone must be this high to call it a retelling
RETELL_MIN_SHARED_SPEAKERS = 2  # one shared name (a founder) is common to a whole beat; two is a story
SAME_TOPIC_COSINE = 0.1  # below this, two articles share little beyond common words
QUOTE_MIN_CHARS = 20  # shorter quoted fragments ("wake-up call") are catchphrases, not evidence of a source
QUOTE_MATCH_MIN_SCORE = 85.0  # rapidfuzz score (0-100) at which two quotes are the same words lightly edited
QUOTE_PARTIAL_MIN_CHARS = 40  # a quote this long may match inside a longer one (partial quoting)
QUOTE_BLOCK_SHARE = 0.5  # quotes are scored only if they share half the shorter one's content words
SPEAKER_TYPES_COUNTED = ("person", "institution")  # the article's own voice ("author") is no source

RELATIONS = ("duplicate/syndicated copy", "retelling of the same story", "shares quotes only",
             "same topic", "unrelated")
OVERLAP_COLUMNS = ["doc_a", "doc_b", "cosine", "jaccard", "containment_ab", "containment_ba",
                   "shared_words", "n_shared_quotes", "n_shared_speakers", "relation"]
PASSAGE_COLUMNS = ["doc_a", "doc_b", "a_start", "a_end", "b_start", "b_end", "n_words", "passage"]
QUOTE_COLUMNS = ["doc_id", "quote", "speaker", "speaker_type", "start", "end"]
SOURCE_COLUMNS = ["doc_id", "speaker", "speaker_type", "n_mentions"]

# Initials such as U.S. / U.S / U.K. are one token; otherwise words with inner apostrophes.
_OVERLAP_TOKEN_RE = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]\b\.?|[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class Token:
    """One word of a text: its normalised ``key`` and character offsets ``[start, end)``."""

    key: str
    start: int
    end: int


def overlap_tokens(text: str) -> list[Token]:
    """Words of ``text`` with the normalisation used for shingles and shared passages.

    Case is folded, curly quotes become straight, dashes and hyphens split words (so "US-China"
    and "US–China" agree), and initials lose their dots (``U.S.``, ``U.S`` and ``US`` all give
    ``us``). Offsets index into ``text`` unchanged.

    >>> [t.key for t in overlap_tokens("The U.S. — and China’s “AI”")]
    ['the', 'us', 'and', "china's", 'ai']
    """
    tokens = []
    for match in _OVERLAP_TOKEN_RE.finditer(text):
        key = unify_quotes(unicodedata.normalize("NFKC", match.group(0)))
        tokens.append(Token(key.replace(".", "").lower(), match.start(), match.end()))
    return tokens


def overlap_keys(text: str) -> list[str]:
    """Just the normalised keys of :func:`overlap_tokens` (faster when offsets are not needed).

    When mapping quotes and dashes and lower-casing keep the text's length and NFKC leaves it
    unchanged, the whole text is normalised at once; otherwise word by word, as
    :func:`overlap_tokens` does.
    """
    mapped = unify_quotes(text)
    lowered = mapped.lower()
    if len(lowered) == len(text) and unicodedata.is_normalized("NFKC", mapped):
        return [w.replace(".", "") if "." in w else w for w in _OVERLAP_TOKEN_RE.findall(lowered)]
    return [w.replace(".", "").lower() if w.isascii()  # NFKC and the quote map leave ASCII alone
            else unify_quotes(unicodedata.normalize("NFKC", w)).replace(".", "").lower()
            for w in _OVERLAP_TOKEN_RE.findall(text)]


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[str]:
    """The set of word ``k``-grams of ``text`` (normalised keys joined by spaces).

    A text shorter than ``k`` words gives one shingle of all its words (none if it is empty).
    """
    keys = overlap_keys(text)
    if len(keys) < k:
        return {" ".join(keys)} if keys else set()
    return {" ".join(keys[i:i + k]) for i in range(len(keys) - k + 1)}


def jaccard(a: set, b: set) -> float:
    """|A ∩ B| / |A ∪ B|; 0.0 when both sets are empty."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def containment(a: set, b: set) -> float:
    """Share of ``a`` found in ``b``: |A ∩ B| / |A|; 0.0 when ``a`` is empty."""
    return len(a & b) / len(a) if a else 0.0


def _shingle_hashes(ids: np.ndarray, k: int = SHINGLE_WORDS) -> np.ndarray:
    """Unique 64-bit hashes of the k-grams of one text's word ids (uint64, ids start at 1).

    Word ids are combined by a polynomial in uint64 arithmetic; two different shingles
    collide with probability about 2^-64 per pair.
    """
    if len(ids) == 0:
        return np.zeros(0, dtype=np.uint64)
    width = min(k, len(ids))
    h = np.zeros(len(ids) - width + 1, dtype=np.uint64)
    mult = np.uint64(SHINGLE_SEED)
    with np.errstate(over="ignore"):
        for offset in range(width):
            h = h * mult + ids[offset:offset + len(h)]
        h ^= h >> np.uint64(29)
        h *= mult
        h ^= h >> np.uint64(32)
    return np.unique(h)


@dataclass(frozen=True)
class WordIds:
    """Texts as :func:`overlap_keys` numbered in one vocabulary.

    ``ids[i]`` is text ``i``'s words as a uint64 array; id ``n`` (from 1, in order of first
    use) stands for ``vocabulary[n - 1]``. Eight bytes a word, where a list of word strings
    takes about sixty.
    """

    ids: list[np.ndarray]
    vocabulary: list[str]


def word_ids(texts: list[str] | list[list[str]]) -> WordIds:
    """Number the words of ``texts`` (strings, or :func:`overlap_keys` lists) in one vocabulary."""
    index: dict[str, int] = {}
    ids = []
    for text in texts:
        keys = overlap_keys(text) if isinstance(text, str) else text
        ids.append(np.array([index.setdefault(key, len(index) + 1) for key in keys], dtype=np.uint64))
    return WordIds(ids, list(index))


def shingle_matrix(texts: list[str] | list[list[str]], k: int = SHINGLE_WORDS):
    """Binary documents × shingles matrix (``scipy.sparse.csr_matrix``, int32).

    ``texts`` are strings or already-made :func:`overlap_keys` lists. Row ``i`` marks the
    distinct word ``k``-grams of text ``i``; ``X @ X.T`` gives the shared-shingle counts of
    every pair and the row sums give each text's shingle count.
    Returns ``(matrix, hashes)`` where ``hashes[i]`` is the uint64 array of row ``i``.
    """
    return _shingles_of_ids(word_ids(texts).ids, k)


def _shingles_of_ids(ids: list[np.ndarray], k: int = SHINGLE_WORDS):
    """:func:`shingle_matrix` of texts already numbered by :func:`word_ids`."""
    from scipy import sparse

    hashes = [_shingle_hashes(doc, k) for doc in ids]
    lengths = np.array([len(h) for h in hashes], dtype=np.int64)
    if lengths.sum() == 0:
        return sparse.csr_matrix((len(ids), 0), dtype=np.int32), hashes
    # columns numbered by a hash table, in order of first use: half the memory of sorting them
    columns, distinct = pd.factorize(np.concatenate(hashes))
    index_type = np.int32 if lengths.sum() < np.iinfo(np.int32).max else np.int64
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(index_type)
    matrix = sparse.csr_matrix((np.ones(len(columns), dtype=np.int32), columns.astype(index_type), indptr),
                               shape=(len(ids), len(distinct)))
    return matrix, hashes


_COSINE_DROP_RE = re.compile(r"'s(?= |$)|(?<![^ ])(?:\d+|[^ ])(?= |$)")
_COSINE_TERM_RE = re.compile(r"[^ ]{2,}")


@cache
def _cosine_stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def _cosine_terms(key: str) -> list[str]:
    """The TF-IDF terms of one word key, usually one or none: possessive 's dropped; numbers,
    one-letter words and English stop words removed."""
    stop = _cosine_stop_words()
    return [t for t in _COSINE_TERM_RE.findall(_COSINE_DROP_RE.sub("", key)) if t not in stop]


def tfidf_matrix(texts: list[str] | list[list[str]]):
    """L2-normalised TF-IDF rows (sublinear tf, English stop words dropped) for cosine.

    ``texts`` are strings or :func:`overlap_keys` lists. Returns a ``scipy.sparse`` matrix;
    ``T @ T.T`` is the cosine of every pair. IDF is fitted on ``texts`` themselves, so cosine
    depends somewhat on what else is in the corpus.
    """
    return _tfidf_of_ids(word_ids(texts))


def _tfidf_of_ids(words: WordIds):
    """:func:`tfidf_matrix` of texts numbered by :func:`word_ids`.

    Each distinct word is mapped to its terms once (:func:`_cosine_terms`), then documents ×
    words counts times words × terms give the documents × terms counts, terms in alphabetical
    order as scikit-learn's ``TfidfVectorizer`` orders them, weighted by its ``TfidfTransformer``.
    """
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfTransformer

    n_docs, n_words = len(words.ids), len(words.vocabulary) + 1  # id 0 is unused
    per_word = [_cosine_terms(key) for key in words.vocabulary]
    terms = sorted({term for found in per_word for term in found})
    if not terms:
        return sparse.csr_matrix((n_docs, 1))
    column = {term: i for i, term in enumerate(terms)}
    word_rows = np.repeat(np.arange(1, n_words), [len(found) for found in per_word])
    word_cols = np.array([column[term] for found in per_word for term in found], dtype=np.int64)
    word_terms = sparse.csr_matrix((np.ones(len(word_cols), dtype=np.int64), (word_rows, word_cols)),
                                   shape=(n_words, len(terms)))
    lengths = np.array([len(doc) for doc in words.ids], dtype=np.int64)
    doc_words = sparse.csr_matrix(
        (np.ones(lengths.sum(), dtype=np.int32),
         np.concatenate(words.ids).astype(np.int32), np.concatenate([[0], np.cumsum(lengths)])),
        shape=(n_docs, n_words))
    doc_words.sum_duplicates()
    counts = (doc_words @ word_terms).tocsr()
    counts.sort_indices()
    return TfidfTransformer(sublinear_tf=True).fit_transform(counts)


# --- shared passages -------------------------------------------------------------------


def _gram_index(keys: list[str], k: int) -> dict[tuple, list[int]]:
    index: dict[tuple, list[int]] = {}
    for j in range(len(keys) - k + 1):
        index.setdefault(tuple(keys[j:j + k]), []).append(j)
    return {g: pos for g, pos in index.items() if len(pos) <= RUN_MAX_OCCURRENCES}


def maximal_runs(a: list[str], b: list[str], min_words: int = PASSAGE_MIN_WORDS,
                 same: bool = False) -> list[tuple[int, int, int]]:
    """Maximal runs of equal words shared by sequences ``a`` and ``b``.

    Parameters
    ----------
    a, b : word keys (see :func:`overlap_tokens`).
    min_words : shortest run reported.
    same : ``a`` and ``b`` are the same text; only runs whose second copy starts later are
        reported, cut so that the two copies do not overlap.

    Returns
    -------
    ``[(i, j, n)]``: ``a[i:i+n] == b[j:j+n]`` and the run cannot be extended either way,
    sorted by ``(i, j)``. A passage that ``b`` holds twice gives two runs.
    """
    if min_words < 1:
        raise ValueError("min_words must be at least 1")
    index = _gram_index(b, min_words)
    covered: dict[int, int] = {}  # diagonal j - i -> end (in a) of the last run reported on it
    runs = []
    for i in range(len(a) - min_words + 1):
        for j in index.get(tuple(a[i:i + min_words]), ()):
            diagonal = j - i
            if (same and diagonal <= 0) or covered.get(diagonal, -1) > i:
                continue
            start_i, start_j = i, j
            while start_i > 0 and start_j > 0 and a[start_i - 1] == b[start_j - 1] \
                    and (not same or start_j - 1 > start_i - 1):
                start_i, start_j = start_i - 1, start_j - 1
            n = i - start_i + min_words
            while start_i + n < len(a) and start_j + n < len(b) and a[start_i + n] == b[start_j + n]:
                n += 1
            covered[diagonal] = start_i + n
            if same:
                n = min(n, diagonal)
            if n >= min_words:
                runs.append((start_i, start_j, n))
    return sorted(set(runs))


def shared_passages(text_a: str, text_b: str, min_words: int = PASSAGE_MIN_WORDS) -> list[dict]:
    """Maximal word runs of at least ``min_words`` that two texts share.

    Words are compared after :func:`overlap_tokens` normalisation, so runs survive changes of
    case, quote marks, dashes and ``U.S.``/``US``.

    Returns
    -------
    One dict per run, sorted by position in ``text_a``: ``a_start, a_end`` and
    ``b_start, b_end`` are character offsets (``text_a[a_start:a_end]`` is the passage as
    ``text_a`` writes it), ``n_words`` its length in words.
    """
    tokens_a, tokens_b = overlap_tokens(text_a), overlap_tokens(text_b)
    runs = maximal_runs([t.key for t in tokens_a], [t.key for t in tokens_b], min_words)
    return [{"a_start": tokens_a[i].start, "a_end": tokens_a[i + n - 1].end,
             "b_start": tokens_b[j].start, "b_end": tokens_b[j + n - 1].end, "n_words": n}
            for i, j, n in runs]


def _covered_words(runs: list[tuple[int, int, int]], side: int) -> int:
    """Words covered by the union of runs on one side (0 = a, 1 = b)."""
    marked: set[int] = set()
    for run in runs:
        marked.update(range(run[side], run[side] + run[2]))
    return len(marked)


def copied_share(text_a: str, text_b: str, min_words: int = PASSAGE_MIN_WORDS) -> dict:
    """Per-direction "percent copied", as churnalism detectors report it.

    Returns ``words_a, words_b`` (word counts), ``shared_words_a, shared_words_b`` (words inside
    shared runs of at least ``min_words``), ``pct_a_in_b`` (share of A's words found in runs
    shared with B, 0-1), ``pct_b_in_a``, ``n_passages`` and ``longest_passage`` (words).
    """
    keys_a = [t.key for t in overlap_tokens(text_a)]
    keys_b = [t.key for t in overlap_tokens(text_b)]
    runs = maximal_runs(keys_a, keys_b, min_words)
    shared_a, shared_b = _covered_words(runs, 0), _covered_words(runs, 1)
    return {"words_a": len(keys_a), "words_b": len(keys_b),
            "shared_words_a": shared_a, "shared_words_b": shared_b,
            "pct_a_in_b": shared_a / len(keys_a) if keys_a else 0.0,
            "pct_b_in_a": shared_b / len(keys_b) if keys_b else 0.0,
            "n_passages": len(runs), "longest_passage": max((r[2] for r in runs), default=0)}


def passage_table(corpus: pd.DataFrame, pairs: pd.DataFrame,
                  min_words: int = PASSAGE_MIN_WORDS) -> pd.DataFrame:
    """Every shared passage of the given pairs: ``PASSAGE_COLUMNS``.

    ``pairs`` needs ``doc_a, doc_b``; offsets index into each article's clean ``text`` and
    ``passage`` is the run as ``doc_a`` writes it. Sorted by pair, then ``a_start``.
    """
    texts = corpus.set_index("doc_id")["text"]
    rows = [
        {"doc_a": a, "doc_b": b, **run, "passage": texts[a][run["a_start"]:run["a_end"]]}
        for a, b in zip(pairs["doc_a"], pairs["doc_b"], strict=True)
        for run in shared_passages(texts[a], texts[b], min_words)
    ]
    table = pd.DataFrame(rows, columns=PASSAGE_COLUMNS)
    return table.sort_values(["doc_a", "doc_b", "a_start", "b_start"], kind="stable").reset_index(drop=True)


def copied_share_table(corpus: pd.DataFrame, pairs: pd.DataFrame,
                       min_words: int = PASSAGE_MIN_WORDS) -> pd.DataFrame:
    """:func:`copied_share` for each pair in ``pairs`` (``doc_a, doc_b``), one row per pair."""
    texts = corpus.set_index("doc_id")["text"]
    rows = [{"doc_a": a, "doc_b": b, **copied_share(texts[a], texts[b], min_words)}
            for a, b in zip(pairs["doc_a"], pairs["doc_b"], strict=True)]
    columns = ["doc_a", "doc_b", "words_a", "words_b", "shared_words_a", "shared_words_b",
               "pct_a_in_b", "pct_b_in_a", "n_passages", "longest_passage"]
    return pd.DataFrame(rows, columns=columns)


def _marked_html(text: str, spans: list[tuple[int, int]]) -> str:
    """Escaped ``text`` with the (merged) character spans wrapped in ``<mark>``; paragraphs kept."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces, cursor = [], 0
    for start, end in merged:
        pieces.append(html.escape(text[cursor:start]))
        pieces.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    pieces.append(html.escape(text[cursor:]))
    body = "".join(pieces)
    paragraphs = [p for p in body.split("\n") if p.strip()]
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def side_by_side_html(text_a: str, text_b: str, passages: list[dict], label_a: str = "A",
                      label_b: str = "B", caption: str = "") -> str:
    """Two texts in two columns with their shared passages highlighted.

    ``passages`` are :func:`shared_passages` dicts. All article text and labels are
    HTML-escaped; ``<mark>`` is the only markup added inside the texts (a ``<mark>`` that
    crosses a paragraph break is closed and reopened there).
    """
    def column(text: str, key: str, label: str) -> str:
        marked = _marked_html(text, [(p[f"{key}_start"], p[f"{key}_end"]) for p in passages])
        return (f'<div style="flex:1;min-width:0;padding:0 .6em;font-size:.85em">'
                f"<h4>{html.escape(label)}</h4>{_balance_marks(marked)}</div>")

    head = f"<p><b>{html.escape(caption)}</b></p>" if caption else ""
    return (f'<div class="side-by-side">{head}<div style="display:flex;gap:1em">'
            f"{column(text_a, 'a', label_a)}{column(text_b, 'b', label_b)}</div></div>")


def _balance_marks(fragment: str) -> str:
    """Close an open ``<mark>`` at each paragraph end and reopen it in the next paragraph."""
    out, open_mark = [], False
    for paragraph in re.findall(r"<p>(.*?)</p>", fragment, flags=re.S):
        text = ("<mark>" if open_mark else "") + paragraph
        opened = text.count("<mark>") - text.count("</mark>")
        open_mark = opened > 0
        out.append(f"<p>{text}{'</mark>' if open_mark else ''}</p>")
    return "".join(out)


# --- repetition inside one article -----------------------------------------------------


def self_repeats(text: str, min_words: int = PASSAGE_MIN_WORDS) -> list[dict]:
    """Passages that ``text`` holds more than once.

    Returns one dict per (earlier copy, later copy) run: ``first_start, first_end,
    second_start, second_end`` (character offsets into ``text``) and ``n_words``.
    """
    tokens = overlap_tokens(text)
    keys = [t.key for t in tokens]
    return [{"first_start": tokens[i].start, "first_end": tokens[i + n - 1].end,
             "second_start": tokens[j].start, "second_end": tokens[j + n - 1].end, "n_words": n}
            for i, j, n in maximal_runs(keys, keys, min_words, same=True)]


def self_repetition(corpus: pd.DataFrame, column: str = "raw_text",
                    min_words: int = PASSAGE_MIN_WORDS) -> pd.DataFrame:
    """How much of each article repeats itself.

    Returns ``doc_id, words, repeated_words`` (words in later copies of an earlier passage),
    ``repeated_share`` (0-1), ``longest_repeat`` (words) and ``contains_itself_twice``
    (``repeated_share >= SELF_COPY_SHARE``), measured on ``column`` (raw text by default).
    """
    rows = []
    for doc_id, text in zip(corpus["doc_id"], corpus[column], strict=True):
        keys = [t.key for t in overlap_tokens(text)]
        runs = maximal_runs(keys, keys, min_words, same=True)
        repeated = _covered_words(runs, 1)
        share = repeated / len(keys) if keys else 0.0
        rows.append({"doc_id": doc_id, "words": len(keys), "repeated_words": repeated,
                     "repeated_share": share, "longest_repeat": max((r[2] for r in runs), default=0),
                     "contains_itself_twice": share >= SELF_COPY_SHARE})
    return pd.DataFrame(rows, columns=["doc_id", "words", "repeated_words", "repeated_share",
                                       "longest_repeat", "contains_itself_twice"])


# --- candidate pairs for large corpora -------------------------------------------------


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


# --- quotes and quoted sources ---------------------------------------------------------


def quote_key(quote: str) -> str:
    """A quote reduced for matching: normalised words (:func:`overlap_keys`) joined by spaces."""
    return " ".join(overlap_keys(quote))


def quote_similarity(a: str, b: str) -> float:
    """Similarity of two quotes, 0-100, robust to light edits and to partial quoting.

    ``rapidfuzz.fuzz.ratio`` of the normalised quotes; when the shorter one has at least
    ``QUOTE_PARTIAL_MIN_CHARS`` characters, ``fuzz.partial_ratio`` (best alignment of the
    shorter quote inside the longer) is used if higher.
    """
    return _quote_keys_similarity(quote_key(a), quote_key(b))


def _quote_keys_similarity(key_a: str, key_b: str) -> float:
    from rapidfuzz import fuzz

    score = fuzz.ratio(key_a, key_b)
    if min(len(key_a), len(key_b)) >= QUOTE_PARTIAL_MIN_CHARS:
        score = max(score, fuzz.partial_ratio(key_a, key_b))
    return float(score)


def _quote_block_pairs(keys: list[str], docs: np.ndarray, wanted: set[tuple[str, str]] | None = None
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of quotes from different articles that share at least ``QUOTE_BLOCK_SHARE`` of the
    shorter quote's distinct content words (English stop words ignored); only these are scored.

    With ``wanted`` (article pairs), only quotes of those pairs are compared, pair by pair,
    instead of every quote with every other (whose product grows with the square of the
    number of quotes sharing a common word)."""
    from scipy import sparse
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    vectorizer = CountVectorizer(token_pattern=r"[^ ]+", lowercase=False, binary=True,
                                 stop_words=sorted(ENGLISH_STOP_WORDS))
    try:
        words = vectorizer.fit_transform(keys).tocsr()
    except ValueError:  # only stop words
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    sizes = np.diff(words.indptr)
    if wanted is None:
        shared = sparse.triu(words @ words.T, k=1).tocoo()
        rows, cols, data = shared.row, shared.col, shared.data
    else:
        by_doc: dict[str, list[int]] = {}
        for q, doc in enumerate(docs):
            by_doc.setdefault(doc, []).append(q)
        found = sorted((min(qa, qb), max(qa, qb)) for a, b in wanted if a < b
                       for qa in by_doc.get(a, ()) for qb in by_doc.get(b, ()))
        rows = np.array([r for r, _ in found], dtype=np.int64)
        cols = np.array([c for _, c in found], dtype=np.int64)
        data = _rowwise_dot(words.astype(np.float64), rows, cols)
    smaller = np.minimum(sizes[rows], sizes[cols])
    keep = (data > 0) & (data >= QUOTE_BLOCK_SHARE * smaller) & (docs[rows] != docs[cols])
    return rows[keep], cols[keep]


def _eligible_quotes(quotes: pd.DataFrame) -> pd.DataFrame:
    table = quotes.loc[:, ["doc_id", "quote", "speaker"]].copy()
    table["doc_id"] = table["doc_id"].astype(str)
    table["key"] = table["quote"].map(quote_key)
    table = table[table["key"].str.len() >= QUOTE_MIN_CHARS]
    return table.drop_duplicates(["doc_id", "key"]).sort_values(["doc_id", "key"], kind="stable")


def match_quotes(quotes: pd.DataFrame, pairs: pd.DataFrame | None = None,
                 min_score: float = QUOTE_MATCH_MIN_SCORE) -> pd.DataFrame:
    """The same quotation found in two articles, even when lightly edited.

    Parameters
    ----------
    quotes : at least ``doc_id, quote, speaker`` (the shape of ``corpus_quotes``). Quotes shorter
        than ``QUOTE_MIN_CHARS`` once normalised are ignored; repeats within an article count once.
    pairs : ``doc_a, doc_b`` to compare; default every pair of articles that have quotes.
    min_score : :func:`quote_similarity` at or above which two quotes match.

    Returns
    -------
    ``doc_a, doc_b, quote_a, quote_b, speaker_a, speaker_b, score`` (0-100), sorted.
    Only quotes sharing ``QUOTE_BLOCK_SHARE`` of their content words are scored.
    """
    columns = ["doc_a", "doc_b", "quote_a", "quote_b", "speaker_a", "speaker_b", "score"]
    table = _eligible_quotes(quotes).reset_index(drop=True)
    docs = table["doc_id"].to_numpy()
    if pairs is None:
        wanted = None
    else:
        wanted = {(str(a), str(b)) for a, b in zip(pairs["doc_a"], pairs["doc_b"], strict=True)}
        wanted |= {(b, a) for a, b in wanted}
    keys = table["key"].tolist()
    hits: list[tuple[int, int, float]] = []
    for i, j in zip(*_quote_block_pairs(keys, docs, wanted), strict=True):
        if docs[i] > docs[j]:
            i, j = j, i
        if wanted is not None and (docs[i], docs[j]) not in wanted:
            continue
        score = _quote_keys_similarity(keys[i], keys[j])
        if score >= min_score:
            hits.append((int(i), int(j), score))
    rows = [{"doc_a": docs[i], "doc_b": docs[j], "quote_a": table.at[i, "quote"],
             "quote_b": table.at[j, "quote"], "speaker_a": table.at[i, "speaker"],
             "speaker_b": table.at[j, "speaker"], "score": score} for i, j, score in hits]
    return pd.DataFrame(rows, columns=columns).sort_values(
        ["doc_a", "doc_b", "quote_a", "quote_b"], kind="stable").reset_index(drop=True)


def shared_quote_counts(matches: pd.DataFrame) -> pd.DataFrame:
    """Shared quotes per pair from :func:`match_quotes`: ``doc_a, doc_b, n_shared_quotes``.

    Counts the smaller of the distinct quotes matched on each side, so a quote one article
    repeats is not counted twice.
    """
    if matches.empty:
        return pd.DataFrame(columns=["doc_a", "doc_b", "n_shared_quotes"])
    grouped = matches.groupby(["doc_a", "doc_b"], sort=True).agg(
        left=("quote_a", "nunique"), right=("quote_b", "nunique"))
    grouped["n_shared_quotes"] = grouped[["left", "right"]].min(axis=1)
    return grouped[["n_shared_quotes"]].reset_index()


def speaker_key(name: str) -> str:
    """A speaker name reduced for matching across articles (case, quotes, punctuation folded)."""
    return " ".join(overlap_keys(name))


def _unnamed_groups() -> set[str]:
    """Keys of unnamed speaker groups ("analysts", "US officials") from the text section's
    lexicon: two articles both citing "analysts" do not share a source."""
    return {speaker_key(group) for group in _speaker_vocab()["groups"]}


def speaker_mentions(sources: pd.DataFrame, quotes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Who is quoted or cited where: ``doc_id, speaker, speaker_type, n_mentions, n_quotes``.

    ``n_mentions`` is the larger of the sentences ``sources`` attributes to the speaker and the
    speaker's direct quotes (a quote spread over two sentences counts as two mentions).

    ``sources`` has ``doc_id, speaker, speaker_type, n_mentions`` (``cited_sources``); ``quotes``
    (``corpus_quotes``) adds the count of direct quotes. Speakers are merged across articles by
    :func:`speaker_key`; the most frequent spelling names the row. Only ``SPEAKER_TYPES_COUNTED``
    are kept, so the article's own voice is not a source, and unnamed groups ("analysts",
    ``lexicons/speaker_groups.txt``) are dropped.
    """
    columns = ["doc_id", "speaker", "speaker_type", "n_mentions", "n_quotes"]
    frames = [sources.loc[:, ["doc_id", "speaker", "speaker_type", "n_mentions"]].assign(n_quotes=0)]
    if quotes is not None and len(quotes):
        frames.append(quotes.loc[:, ["doc_id", "speaker", "speaker_type"]].assign(n_mentions=0, n_quotes=1))
    table = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) \
        else pd.DataFrame(columns=columns)
    table = table[table["speaker_type"].isin(SPEAKER_TYPES_COUNTED)].copy()
    table["speaker"] = table["speaker"].fillna("").astype(str).map(lambda name: " ".join(name.split()))
    table["doc_id"] = table["doc_id"].astype(str)
    table["key"] = table["speaker"].map(speaker_key)
    table = table[(table["key"] != "") & ~table["key"].isin(_unnamed_groups())]
    if table.empty:
        return pd.DataFrame(columns=columns)
    names = (table.groupby(["key", "speaker"], sort=True).size().rename("n").reset_index()
             .sort_values(["key", "n", "speaker"], ascending=[True, False, True], kind="stable")
             .drop_duplicates("key").set_index("key")["speaker"])
    kinds = (table.groupby(["key", "speaker_type"], sort=True).size().rename("n").reset_index()
             .sort_values(["key", "n", "speaker_type"], ascending=[True, False, True], kind="stable")
             .drop_duplicates("key").set_index("key")["speaker_type"])
    merged = table.groupby(["doc_id", "key"], sort=True).agg(
        n_mentions=("n_mentions", "sum"), n_quotes=("n_quotes", "sum")).reset_index()
    merged["speaker"] = merged["key"].map(names)
    merged["speaker_type"] = merged["key"].map(kinds)
    merged["n_mentions"] = merged[["n_mentions", "n_quotes"]].max(axis=1).astype(int)
    merged["n_quotes"] = merged["n_quotes"].astype(int)
    return merged[columns].sort_values(["speaker", "doc_id"], kind="stable").reset_index(drop=True)


def speaker_article_matrix(mentions: pd.DataFrame, doc_ids: list[str] | None = None,
                           top: int | None = None) -> pd.DataFrame:
    """Speakers × articles table of mentions (from :func:`speaker_mentions`).

    Rows are speakers, sorted by the number of articles citing them (most first), then name;
    columns are ``doc_ids`` (default: those in ``mentions``), cells are mention counts (0 = not
    cited). ``top`` keeps the first ``top`` speakers.
    """
    docs = sorted(map(str, doc_ids)) if doc_ids is not None else sorted(mentions["doc_id"].unique())
    if mentions.empty:
        return pd.DataFrame(index=pd.Index([], name="speaker"), columns=docs, dtype=int)
    matrix = mentions.pivot_table(index="speaker", columns="doc_id", values="n_mentions",
                                  aggfunc="sum", fill_value=0).reindex(columns=docs, fill_value=0)
    order = pd.DataFrame({"n_articles": (matrix > 0).sum(axis=1).to_numpy(),
                          "name": matrix.index.to_numpy()})
    order = order.sort_values(["n_articles", "name"], ascending=[False, True], kind="stable")
    matrix = matrix.loc[order["name"].tolist()].astype(int)
    matrix.columns.name = "doc_id"
    return matrix.head(top) if top else matrix


def _shared_speaker_counts(mentions: pd.DataFrame, doc_index: dict[str, int], n_docs: int):
    """Sparse docs × docs matrix of the number of speakers two articles share."""
    from scipy import sparse

    if mentions.empty:
        return sparse.csr_matrix((n_docs, n_docs), dtype=np.int32)
    keys = mentions["speaker"].map(speaker_key)
    cols = pd.factorize(keys, sort=True)[0]
    rows = mentions["doc_id"].map(doc_index)
    keep = rows.notna().to_numpy()
    matrix = sparse.csr_matrix((np.ones(keep.sum(), dtype=np.int32),
                                (rows[keep].astype(int).to_numpy(), cols[keep])),
                               shape=(n_docs, max(cols.max() + 1, 1)))
    matrix.data[:] = 1
    return (matrix @ matrix.T).tocsr()


# --- relation per pair -----------------------------------------------------------------


def classify_relation(cosine: float, containment_ab: float, containment_ba: float,
                      n_shared_quotes: int = 0, n_shared_speakers: int = 0) -> str:
    """Name the relation of a pair of articles (one of ``RELATIONS``), first rule that holds.

    1. duplicate/syndicated copy: at least ``COPY_CONTAINMENT`` of either article's shingles
       are in the other (a verbatim copy, a trimmed copy, or one story inside another).
    2. retelling of the same story: ``RETELL_CONTAINMENT`` of either side verbatim; or cosine
       ≥ ``RETELL_COSINE`` with a shared quote or ≥ ``RETELL_MIN_SHARED_SPEAKERS`` shared
       speakers; or cosine ≥ ``RETELL_COSINE_ALONE``.
    3. shares quotes only: at least one shared quote, lexically different otherwise.
    4. same topic: cosine ≥ ``SAME_TOPIC_COSINE``.
    5. unrelated.
    """
    top = max(containment_ab, containment_ba)
    shares_sources = n_shared_quotes >= 1 or n_shared_speakers >= RETELL_MIN_SHARED_SPEAKERS
    if top >= COPY_CONTAINMENT:
        return RELATIONS[0]
    if top >= RETELL_CONTAINMENT or cosine >= RETELL_COSINE_ALONE or \
            (shares_sources and cosine >= RETELL_COSINE):
        return RELATIONS[1]
    if n_shared_quotes >= 1:
        return RELATIONS[2]
    if cosine >= SAME_TOPIC_COSINE:
        return RELATIONS[3]
    return RELATIONS[4]


def _pair_indices(matrix_x, tfidf, hashes, n: int, max_all_pairs: int) -> tuple[np.ndarray, np.ndarray]:
    if n <= max_all_pairs:
        return np.triu_indices(n, 1)
    pairs = sorted(minhash_candidates(hashes) | cosine_candidates(prune_common_terms(tfidf)))
    if not pairs:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    left, right = zip(*pairs, strict=True)
    return np.array(left, dtype=int), np.array(right, dtype=int)


def _rowwise_dot(matrix, left: np.ndarray, right: np.ndarray, chunk: int = 50000) -> np.ndarray:
    """``matrix[left[k]] · matrix[right[k]]`` for every k, exactly, in chunks."""
    out = np.zeros(len(left), dtype=np.float64)
    for lo in range(0, len(left), chunk):
        sl = slice(lo, lo + chunk)
        out[sl] = np.asarray(matrix[left[sl]].multiply(matrix[right[sl]]).sum(axis=1)).ravel()
    return out


def lexical_pairs(corpus: pd.DataFrame, max_all_pairs: int = ALL_PAIRS_MAX_DOCS) -> pd.DataFrame:
    """Lexical measures of article pairs: every pair up to ``max_all_pairs`` articles, else the
    MinHash-LSH and cosine top-k candidates, each verified exactly.

    Returns ``doc_a, doc_b, cosine, jaccard, containment_ab, containment_ba, shared_words``:
    TF-IDF cosine, 5-gram shingle Jaccard, share of A's shingles in B (and of B's in A), and
    words in shared runs of ``PASSAGE_MIN_WORDS`` or more (the smaller of the two sides' counts).
    """
    columns = ["doc_a", "doc_b", "cosine", "jaccard", "containment_ab", "containment_ba", "shared_words"]
    ids = corpus["doc_id"].astype(str).tolist()
    texts = corpus["text"].fillna("").astype(str).tolist()
    n = len(ids)
    if n < 2:
        return pd.DataFrame(columns=columns)
    words = word_ids(texts)
    matrix_x, hashes = _shingles_of_ids(words.ids)
    tfidf = _tfidf_of_ids(words)
    left, right = _pair_indices(matrix_x, tfidf, hashes, n, max_all_pairs)
    sizes = np.array([len(h) for h in hashes], dtype=np.float64)
    if n <= max_all_pairs:
        inter = (matrix_x @ matrix_x.T).toarray()[left, right].astype(np.float64)
        cosine = (tfidf @ tfidf.T).toarray()[left, right]
    else:
        inter = _rowwise_dot(matrix_x, left, right)
        cosine = _rowwise_dot(tfidf, left, right)
    cosine = np.clip(cosine, 0.0, 1.0)
    union = sizes[left] + sizes[right] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        jac = np.where(union > 0, inter / union, 0.0)
        c_ab = np.where(sizes[left] > 0, inter / sizes[left], 0.0)
        c_ba = np.where(sizes[right] > 0, inter / sizes[right], 0.0)
    shared = np.zeros(len(left), dtype=int)
    need = np.nonzero(inter >= PASSAGE_MIN_WORDS - SHINGLE_WORDS + 1)[0]
    for k in need:
        i, j = int(left[k]), int(right[k])
        runs = maximal_runs(words.ids[i].tolist(), words.ids[j].tolist(), PASSAGE_MIN_WORDS)
        shared[k] = min(_covered_words(runs, 0), _covered_words(runs, 1))
    table = pd.DataFrame({"doc_a": [ids[i] for i in left], "doc_b": [ids[j] for j in right],
                          "cosine": cosine, "jaccard": jac, "containment_ab": c_ab,
                          "containment_ba": c_ba, "shared_words": shared}, columns=columns)
    return table.sort_values(["doc_a", "doc_b"], kind="stable").reset_index(drop=True)


def overlap_pairs(corpus: pd.DataFrame, quotes: pd.DataFrame | None = None,
                  sources: pd.DataFrame | None = None,
                  max_all_pairs: int = ALL_PAIRS_MAX_DOCS) -> pd.DataFrame:
    """Which articles copy, retell or quote one another: one row per article pair.

    Parameters
    ----------
    corpus : from :func:`load_corpus` (``doc_id``, clean ``text``).
    quotes : ``doc_id, quote, speaker, speaker_type, ...``; default :func:`corpus_quotes` of the
        articles that are in some pair (the others cannot change a row).
    sources : ``doc_id, speaker, speaker_type, n_mentions``; default :func:`cited_sources` of
        those articles.
    max_all_pairs : up to this many articles every pair is returned; above it only MinHash-LSH
        candidates (5-gram Jaccard) and each article's ``COSINE_TOP_K`` nearest by TF-IDF
        cosine, each verified exactly.

    Returns
    -------
    ``OVERLAP_COLUMNS``, ``doc_a < doc_b`` in corpus order: ``cosine`` (TF-IDF, 0-1),
    ``jaccard`` (5-gram shingles), ``containment_ab`` (share of A's shingles found in B),
    ``containment_ba``, ``shared_words`` (words in shared runs of ``PASSAGE_MIN_WORDS``+),
    ``n_shared_quotes``, ``n_shared_speakers`` and ``relation`` (:func:`classify_relation`).
    """
    table = lexical_pairs(corpus, max_all_pairs)
    if table.empty:
        return pd.DataFrame(columns=OVERLAP_COLUMNS)
    if quotes is None or sources is None:  # only articles in some pair can change a row
        paired = corpus[corpus["doc_id"].astype(str).isin(np.union1d(table["doc_a"], table["doc_b"]))]
        paired_quotes, speakers = corpus_speech(paired)
        quotes = paired_quotes if quotes is None else quotes
        sources = cited_sources(paired, speakers) if sources is None else sources
    counts = shared_quote_counts(match_quotes(quotes, table[["doc_a", "doc_b"]]))
    table = table.merge(counts, on=["doc_a", "doc_b"], how="left")
    table["n_shared_quotes"] = table["n_shared_quotes"].fillna(0).astype(int)
    ids = corpus["doc_id"].astype(str).tolist()
    index = {d: i for i, d in enumerate(ids)}
    shared = _shared_speaker_counts(speaker_mentions(sources, quotes), index, len(ids))
    left = table["doc_a"].map(index).to_numpy()
    right = table["doc_b"].map(index).to_numpy()
    table["n_shared_speakers"] = np.asarray(shared[left, right]).ravel().astype(int)
    table["relation"] = [
        classify_relation(*row) for row in table[["cosine", "containment_ab", "containment_ba",
                                                  "n_shared_quotes", "n_shared_speakers"]]
        .itertuples(index=False)]
    return table[OVERLAP_COLUMNS]


RELATION_THRESHOLD_NAMES = (
    "SHINGLE_WORDS", "PASSAGE_MIN_WORDS", "COPY_CONTAINMENT", "RETELL_CONTAINMENT", "RETELL_COSINE",
    "RETELL_COSINE_ALONE", "RETELL_MIN_SHARED_SPEAKERS", "SAME_TOPIC_COSINE", "QUOTE_MIN_CHARS",
    "QUOTE_MATCH_MIN_SCORE", "QUOTE_PARTIAL_MIN_CHARS", "SELF_COPY_SHARE")


def relation_thresholds() -> pd.DataFrame:
    """The thresholds behind :func:`classify_relation` and the quote matching: ``name, value``."""
    return pd.DataFrame({"name": list(RELATION_THRESHOLD_NAMES),
                         "value": pd.Series([globals()[name] for name in RELATION_THRESHOLD_NAMES],
                                            dtype=object)})


def relation_counts(pairs: pd.DataFrame) -> pd.DataFrame:
    """Number of pairs per relation, strongest relation first (zeros kept): ``relation, pairs``."""
    counts = pairs.groupby("relation").size().reindex(list(RELATIONS), fill_value=0)
    return counts.rename("pairs").rename_axis("relation").reset_index()


def rank_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """Pairs ordered from the closest relation down: by relation (copy first), then the larger
    containment, shared quotes, shared speakers and cosine, all descending; ties by ids."""
    ranked = pairs.assign(_rel=pairs["relation"].map({r: i for i, r in enumerate(RELATIONS)}),
                          _top=pairs[["containment_ab", "containment_ba"]].max(axis=1))
    ranked = ranked.sort_values(
        ["_rel", "_top", "n_shared_quotes", "n_shared_speakers", "cosine", "doc_a", "doc_b"],
        ascending=[True, False, False, False, False, True, True], kind="stable")
    return ranked.drop(columns=["_rel", "_top"]).reset_index(drop=True)


def side_by_side_pairs(corpus: pd.DataFrame, pairs: pd.DataFrame, n: int = 2,
                       min_words: int = PASSAGE_MIN_WORDS) -> str:
    """HTML for the first ``n`` rows of ``pairs`` (see :func:`rank_pairs`): each pair's clean
    texts side by side with shared runs highlighted; all article text is escaped."""
    texts = corpus.set_index("doc_id")["text"]
    blocks = []
    for row in pairs.head(n).itertuples(index=False):
        a, b = str(row.doc_a), str(row.doc_b)
        share = copied_share(texts[a], texts[b], min_words)
        caption = (f"{a} and {b}: {row.relation}; cosine {row.cosine:.3f}; "
                   f"{share['pct_a_in_b']:.1%} of {a} and {share['pct_b_in_a']:.1%} of {b} "
                   f"in {share['n_passages']} shared runs of {min_words}+ words")
        blocks.append(side_by_side_html(texts[a], texts[b], shared_passages(texts[a], texts[b], min_words),
                                        a, b, caption))
    return "\n<hr>\n".join(blocks)


def shared_speaker_names(mentions: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """The speakers each pair shares: ``doc_a, doc_b, shared_speakers`` ("; "-joined, sorted)."""
    by_doc = {doc: set(group["speaker"]) for doc, group in mentions.groupby("doc_id", sort=True)}
    rows = [{"doc_a": a, "doc_b": b,
             "shared_speakers": "; ".join(sorted(by_doc.get(str(a), set()) & by_doc.get(str(b), set())))}
            for a, b in zip(pairs["doc_a"], pairs["doc_b"], strict=True)]
    return pd.DataFrame(rows, columns=["doc_a", "doc_b", "shared_speakers"])


def similarity_matrix(pairs: pd.DataFrame, doc_ids: list[str], measure: str) -> pd.DataFrame:
    """Square docs × docs table of one pair measure (NaN for pairs not measured).

    For ``containment`` the cell ``[row, col]`` is the share of the row article's shingles
    found in the column article; other measures are symmetric. The diagonal is NaN.
    """
    docs = [str(d) for d in doc_ids]
    matrix = pd.DataFrame(np.nan, index=pd.Index(docs, name="doc_id"), columns=docs)
    shown = set(docs)
    for row in pairs.itertuples(index=False):
        a, b = str(row.doc_a), str(row.doc_b)
        if a not in shown or b not in shown:
            continue
        if measure == "containment":
            matrix.loc[a, b], matrix.loc[b, a] = row.containment_ab, row.containment_ba
        else:
            matrix.loc[a, b] = matrix.loc[b, a] = getattr(row, measure)
    return matrix


# --- figures ---------------------------------------------------------------------------

RELATION_COLOURS = {  # one colour per relation, strongest first
    "duplicate/syndicated copy": "#b2182b", "retelling of the same story": "#ef8a62",
    "shares quotes only": "#7b3294", "same topic": "#999999", "unrelated": "#dddddd",
}
NETWORK_RELATIONS = RELATIONS[:4]  # edges drawn in the article network ("unrelated" is left out)


FIGURE_MAX_DOCS = 40  # heatmap and network show at most this many articles (the most related ones)


def figure_docs(pairs: pd.DataFrame, doc_ids: list[str], max_docs: int = FIGURE_MAX_DOCS) -> list[str]:
    """Articles to show in the heatmap and network: all of them up to ``max_docs``; otherwise
    those of the closest related pairs (:func:`rank_pairs`, "unrelated" skipped), in that order."""
    docs = [str(d) for d in doc_ids]
    if len(docs) <= max_docs:
        return docs
    chosen: dict[str, None] = {}
    ranked = rank_pairs(pairs[pairs["relation"] != RELATIONS[-1]])
    for a, b in zip(ranked["doc_a"], ranked["doc_b"], strict=True):
        for doc in (str(a), str(b)):
            if len(chosen) < max_docs:
                chosen.setdefault(doc, None)
    return sorted(chosen)


def similarity_long(pairs: pd.DataFrame, doc_ids: list[str]) -> pd.DataFrame:
    """The heatmap data in long form: ``doc_row, doc_col, measure, value`` (rounded to 4 places)."""
    frames = []
    for measure in ("cosine", "containment"):
        matrix = similarity_matrix(pairs, doc_ids, measure)
        long = matrix.stack(future_stack=True).rename("value").reset_index()
        long.columns = ["doc_row", "doc_col", "value"]
        frames.append(long.assign(measure=measure))
    table = pd.concat(frames, ignore_index=True)[["doc_row", "doc_col", "measure", "value"]]
    table["value"] = table["value"].round(4)
    return table


def plot_similarity_heatmaps(long: pd.DataFrame, labels: dict[str, str] | None = None):
    """Two heatmaps side by side: TF-IDF cosine and 5-gram containment (row in column)."""
    import matplotlib.pyplot as plt

    docs = list(dict.fromkeys(long["doc_row"]))
    names = [labels.get(d, d) if labels else d for d in docs]
    size = min(4 + 0.45 * len(docs), 14)
    fig, axes = plt.subplots(1, 2, figsize=(2 * size + 1.5, size))
    titles = {"cosine": "TF-IDF cosine", "containment": "share of row's 5-grams in column"}
    for ax, measure in zip(axes, ("cosine", "containment"), strict=True):
        matrix = (long[long["measure"] == measure].pivot(index="doc_row", columns="doc_col", values="value")
                  .reindex(index=docs, columns=docs))
        image = ax.imshow(matrix.to_numpy(dtype=float), vmin=0, vmax=1, cmap="Blues")
        if len(docs) <= 40:
            ax.set_xticks(range(len(docs)), names, rotation=90, fontsize=8)
            ax.set_yticks(range(len(docs)), names, fontsize=8)
            if len(docs) <= 12:
                for (r, c), value in np.ndenumerate(matrix.to_numpy(dtype=float)):
                    if not np.isnan(value):
                        ax.text(c, r, f"{value:.2f}", ha="center", va="center", fontsize=8,
                                color="white" if value > 0.6 else "black")
        else:
            ax.set_xticks([])
            ax.set_yticks([])
        ax.set_title(titles[measure])
        fig.colorbar(image, ax=ax, shrink=0.8)
    fig.tight_layout()
    return fig


def article_network(pairs: pd.DataFrame, doc_ids: list[str]):
    """``networkx.Graph`` of the articles ``doc_ids``; an edge per pair among them whose relation is
    in ``NETWORK_RELATIONS``, with ``relation`` and ``weight`` (the larger containment)."""
    import networkx as nx

    graph = nx.Graph()
    nodes = sorted(str(d) for d in doc_ids)
    graph.add_nodes_from(nodes)
    shown = set(nodes)
    for row in pairs.sort_values(["doc_a", "doc_b"], kind="stable").itertuples(index=False):
        if row.relation in NETWORK_RELATIONS and str(row.doc_a) in shown and str(row.doc_b) in shown:
            graph.add_edge(str(row.doc_a), str(row.doc_b), relation=row.relation,
                           weight=float(max(row.containment_ab, row.containment_ba)))
    return graph


def network_edges(graph) -> pd.DataFrame:
    """The plotted network: ``doc_a, doc_b, relation, weight, x_a, y_a, x_b, y_b`` (circular layout)."""
    import networkx as nx

    nodes = sorted(graph.nodes)
    positions = nx.circular_layout(nodes) if nodes else {}
    rows = [{"doc_a": a, "doc_b": b, "relation": data["relation"], "weight": round(data["weight"], 4),
             "x_a": round(float(positions[a][0]), 4), "y_a": round(float(positions[a][1]), 4),
             "x_b": round(float(positions[b][0]), 4), "y_b": round(float(positions[b][1]), 4)}
            for a, b, data in sorted(graph.edges(data=True), key=lambda e: (min(e[:2]), max(e[:2])))]
    return pd.DataFrame(rows, columns=["doc_a", "doc_b", "relation", "weight", "x_a", "y_a", "x_b", "y_b"])


def plot_article_network(graph, labels: dict[str, str] | None = None):
    """Draw the article network on a circle: edge width grows with containment, colour = relation."""
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.lines import Line2D

    nodes = sorted(graph.nodes)
    positions = nx.circular_layout(nodes) if nodes else {}
    fig, ax = plt.subplots(figsize=(7, 6))
    for relation in NETWORK_RELATIONS:
        edges = sorted((a, b) for a, b, d in graph.edges(data=True) if d["relation"] == relation)
        widths = [1 + 8 * graph.edges[e]["weight"] for e in edges]
        nx.draw_networkx_edges(graph, positions, edgelist=edges, width=widths, ax=ax,
                               edge_color=RELATION_COLOURS[relation])
    nx.draw_networkx_nodes(graph, positions, nodelist=nodes, node_color="#1f5f8b", node_size=500, ax=ax)
    nx.draw_networkx_labels(graph, positions, labels={n: (labels or {}).get(n, n) for n in nodes},
                            font_size=8, font_color="white", ax=ax)
    handles = [Line2D([0], [0], color=RELATION_COLOURS[r], lw=3, label=r) for r in NETWORK_RELATIONS]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, 0), frameon=False, fontsize=8, ncol=2)
    ax.margins(0.12)
    ax.axis("off")
    fig.tight_layout()
    return fig


def plot_speaker_matrix(matrix: pd.DataFrame):
    """Heatmap of a speakers × articles table (cells = mentions; blank = not cited)."""
    import matplotlib.pyplot as plt

    values = matrix.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(1.5 + 0.6 * max(len(matrix.columns), 1),
                                    1.2 + 0.3 * max(len(matrix), 1)))
    if values.size == 0:
        ax.text(0.5, 0.5, "no quoted or cited speakers found", ha="center", va="center")
        ax.axis("off")
        return fig
    shown = np.where(values > 0, values, np.nan)
    image = ax.imshow(shown, cmap="Oranges", vmin=0, aspect="auto")
    ax.set_xticks(range(len(matrix.columns)), matrix.columns, rotation=90 if len(matrix.columns) > 12 else 0)
    ax.set_yticks(range(len(matrix)), matrix.index, fontsize=8)
    if values.size and values.size <= 600:
        for (r, c), value in np.ndenumerate(values):
            if value > 0:
                ax.text(c, r, f"{int(value)}", ha="center", va="center", fontsize=7)
    ax.set_xlabel("article")
    if len(matrix):
        fig.colorbar(image, ax=ax, shrink=0.6, label="mentions")
    fig.tight_layout()
    return fig


# --- planted corpora (benchmark and tests) ---------------------------------------------

PLANT_MIX = (0.55, 0.30, 0.15)  # word source shares in synthetic text: background, topic, story


def _syllable_words(rng: np.random.Generator, n: int, min_syl: int, max_syl: int) -> list[str]:
    onsets = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w",
              "z", "br", "ch", "dr", "gr", "kl", "pr", "sh", "st", "tr", "th"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "io"]
    codas = ["", "", "", "n", "r", "s", "l", "t", "m", "nd", "st", "rk"]
    words: dict[str, None] = {}
    while len(words) < n:
        k = int(rng.integers(min_syl, max_syl + 1))
        word = "".join(onsets[rng.integers(len(onsets))] + vowels[rng.integers(len(vowels))]
                       + codas[rng.integers(len(codas))] for _ in range(k))
        words.setdefault(word, None)
    return list(words)


@dataclass
class _PlantWorld:
    rng: np.random.Generator
    vocab: np.ndarray
    zipf_cdf: np.ndarray
    topics: list[np.ndarray]
    first_names: list[str]
    last_names: list[str]

    def words(self, n: int, topic: int, story_words: np.ndarray) -> list[str]:
        source = self.rng.choice(3, size=n, p=PLANT_MIX)
        ranks = np.minimum(np.searchsorted(self.zipf_cdf, self.rng.random(n)), len(self.vocab) - 1)
        out = self.vocab[ranks].astype(object)
        topic_words = self.topics[topic]
        n_topic, n_story = int((source == 1).sum()), int((source == 2).sum())
        out[source == 1] = self.vocab[topic_words[self.rng.integers(len(topic_words), size=n_topic)]]
        out[source == 2] = self.vocab[story_words[self.rng.integers(len(story_words), size=n_story)]]
        return list(out)

    def sentence(self, topic: int, story_words: np.ndarray, low: int = 8, high: int = 28) -> str:
        words = self.words(int(self.rng.integers(low, high)), topic, story_words)
        return " ".join(words).capitalize() + "."


def _plant_world(seed: int, vocab_size: int, n_topics: int) -> _PlantWorld:
    rng = np.random.default_rng(seed)
    vocab = np.array(_syllable_words(rng, vocab_size, 1, 4), dtype=object)
    ranks = np.arange(1, vocab_size + 1, dtype=float)
    zipf = 1.0 / (ranks + 2.7)
    zipf /= zipf.sum()
    topics = [rng.choice(np.arange(300, vocab_size), size=400, replace=False) for _ in range(n_topics)]
    first = [w.capitalize() for w in _syllable_words(rng, 400, 1, 2)]
    last = [w.capitalize() for w in _syllable_words(rng, 800, 2, 3)]
    return _PlantWorld(rng, vocab, np.cumsum(zipf), topics, first, last)


def _plant_story(world: _PlantWorld, topic: int) -> dict:
    rng = world.rng
    story_words = rng.choice(np.arange(3000, len(world.vocab)), size=15, replace=False)
    speakers = sorted({f"{world.first_names[rng.integers(len(world.first_names))]} "
                       f"{world.last_names[rng.integers(len(world.last_names))]}" for _ in range(3)})
    quotes = [(world.sentence(topic, story_words, 10, 24)[:-1], speakers[q % len(speakers)])
              for q in range(3)]
    return {"topic": topic, "words": story_words, "speakers": speakers, "quotes": quotes}


def _plant_article(world: _PlantWorld, story: dict, edit_quotes: bool) -> list[dict]:
    """Paragraphs of a fresh article on ``story``: ``{"text", "quotes": [(quote, speaker)]}``."""
    rng = world.rng
    quotes = list(story["quotes"])
    if edit_quotes:
        quotes = [(_edit_words(world, q, 1.0 / max(len(q.split()), 1)), s) for q, s in quotes]
    n_par = int(rng.integers(6, 16))
    quote_slots = sorted(rng.choice(np.arange(1, n_par), size=min(len(quotes), n_par - 1), replace=False))
    paragraphs = []
    for p in range(n_par):
        sentences = [world.sentence(story["topic"], story["words"]) for _ in range(int(rng.integers(1, 4)))]
        if p in quote_slots:
            quote, speaker = quotes[quote_slots.index(p)]
            paragraphs.append({"text": f'"{quote}," said {speaker}. ' + " ".join(sentences[:1]),
                               "quotes": [(quote, speaker)]})
        else:
            if rng.random() < 0.3:
                speaker = story["speakers"][rng.integers(len(story["speakers"]))]
                sentences.append(f"That is according to {speaker}.")
            paragraphs.append({"text": " ".join(sentences), "quotes": []})
    return paragraphs


def _edit_words(world: _PlantWorld, text: str, rate: float) -> str:
    """Replace each space-separated word with a random common word with probability ``rate``."""
    words = text.split(" ")
    hits = world.rng.random(len(words)) < rate
    for i in np.nonzero(hits)[0]:
        words[i] = str(world.vocab[world.rng.integers(200)])
    return " ".join(words)


def planted_corpus(n_docs: int, seed: int = 0, copy_share: float = 0.1, retell_share: float = 0.1,
                   max_edit_rate: float = 0.1, vocab_size: int = 20000) -> dict[str, pd.DataFrame]:
    """A synthetic corpus with planted near-duplicates and retellings, for benchmarks and tests.

    Text is sampled word by word from a Zipf background over ``vocab_size`` made-up words mixed
    with topic and story words (``PLANT_MIX``); no paragraph is reused except by planting.
    Each new article either copies an earlier original (``copy_share``: each word replaced with
    probability up to ``max_edit_rate``, paragraphs sometimes cut or added), retells an earlier
    original's story (``retell_share``: same speakers and quotes, quotes sometimes edited by a word,
    all prose new), or starts a new story.

    Returns
    -------
    ``{"corpus", "truth", "quotes", "sources"}``: ``corpus`` has ``doc_id, text, raw_text``;
    ``truth`` has ``doc_a, doc_b, kind`` (copy / retelling) for every pair of articles on the
    same planted story (``corpus["topic"]`` gives each article's topic); ``quotes`` and
    ``sources`` have the shapes of ``corpus_quotes`` and ``cited_sources`` for the planted
    quotes and speakers.
    """
    n_topics = max(4, n_docs // 40)
    world = _plant_world(seed, vocab_size, n_topics)
    rng = world.rng
    docs, stories, lineage, originals = [], [], [], []
    for n in range(n_docs):
        roll = rng.random()
        if originals and roll < copy_share:
            base = originals[rng.integers(len(originals))]
            rate = float(rng.uniform(0, max_edit_rate))
            paragraphs = [{"text": _edit_words(world, p["text"], rate), "quotes": p["quotes"]}
                          for p in docs[base]]
            if rng.random() < 0.3 and len(paragraphs) > 4:
                paragraphs = paragraphs[:len(paragraphs) - int(rng.integers(1, 3))]
            if rng.random() < 0.3:
                story = stories[base]
                paragraphs.append({"text": world.sentence(story["topic"], story["words"]), "quotes": []})
            docs.append(paragraphs)
            stories.append(stories[base])
            lineage.append(base)
        elif originals and roll < copy_share + retell_share:
            base = originals[rng.integers(len(originals))]
            docs.append(_plant_article(world, stories[base], edit_quotes=rng.random() < 0.5))
            stories.append(stories[base])
            lineage.append(n)
        else:
            story = _plant_story(world, int(rng.integers(n_topics)))
            docs.append(_plant_article(world, story, edit_quotes=False))
            stories.append(story)
            lineage.append(n)
            originals.append(n)
    ids = [f"s{n:05d}" for n in range(n_docs)]
    texts = ["\n".join(p["text"] for p in paragraphs) for paragraphs in docs]
    corpus = pd.DataFrame({"doc_id": ids, "text": texts, "raw_text": texts,
                           "topic": [s["topic"] for s in stories]})
    story_ids = [id(s) for s in stories]
    truth = []
    groups: dict[int, list[int]] = {}
    for n, key in enumerate(story_ids):
        groups.setdefault(key, []).append(n)
    for members in groups.values():
        for x, a in enumerate(members):
            for b in members[x + 1:]:
                kind = "copy" if lineage[a] == lineage[b] or lineage[b] == a or lineage[a] == b \
                    else "retelling"
                truth.append({"doc_a": ids[a], "doc_b": ids[b], "kind": kind})
    truth = pd.DataFrame(truth, columns=["doc_a", "doc_b", "kind"])
    quote_rows, source_rows = [], []
    for n, paragraphs in enumerate(docs):
        for quote, speaker in sorted({q for p in paragraphs for q in p["quotes"]}):
            start = texts[n].find(quote)
            quote_rows.append({"doc_id": ids[n], "quote": quote, "speaker": speaker,
                               "speaker_type": "person", "start": start,
                               "end": start + len(quote) if start >= 0 else -1})
        for speaker in stories[n]["speakers"]:
            count = texts[n].count(speaker)
            if count:
                source_rows.append({"doc_id": ids[n], "speaker": speaker, "speaker_type": "person",
                                    "n_mentions": count})
    return {"corpus": corpus, "truth": truth.sort_values(["doc_a", "doc_b"]).reset_index(drop=True),
            "quotes": pd.DataFrame(quote_rows, columns=QUOTE_COLUMNS),
            "sources": pd.DataFrame(source_rows, columns=SOURCE_COLUMNS)}



# ======================================================================================
# figures
# ======================================================================================

FIGURE_DPI = 120


def save_figure(fig, data: pd.DataFrame, stem: str, figures_dir: str | Path) -> Path:
    """Write ``<stem>.png`` and ``<stem>.csv`` (the plotted data) into ``figures_dir``.

    Returns the PNG path. The PNG carries no timestamp or software metadata, so the same
    figure writes the same bytes.
    """
    folder = Path(figures_dir)
    folder.mkdir(parents=True, exist_ok=True)
    png = folder / f"{stem}.png"
    fig.savefig(png, dpi=FIGURE_DPI, bbox_inches="tight", metadata={"Software": None})
    data.to_csv(folder / f"{stem}.csv", index=False, lineterminator="\n")
    return png


def display_saved(png: str | Path) -> None:
    """Show a saved PNG inline, the exact file beside its CSV, and close open figures.

    Displaying the file rather than the live figure keeps ``<Figure size …>`` text out of
    notebook outputs and shows readers the same bytes that are in ``figures/``.
    """
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    plt.close("all")
    display(Image(filename=str(png)))


def plot_length_before_after(lengths: pd.DataFrame, labels: pd.Series | None = None):
    """Grouped horizontal bars of raw vs clean words per article; returns the figure."""
    import matplotlib.pyplot as plt

    names = labels if labels is not None else lengths["doc_id"]
    y = np.arange(len(lengths))
    fig, ax = plt.subplots(figsize=(7, 0.6 * len(lengths) + 1.2))
    ax.barh(y - 0.2, lengths["raw_words"], height=0.4, label="raw file", color="#bbbbbb")
    ax.barh(y + 0.2, lengths["clean_words"], height=0.4, label="clean text", color="#1f5f8b")
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel("words")
    ax.legend(loc="lower right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


# ======================================================================================
# report
# ======================================================================================

# The report is a folder of static HTML pages that can be zipped and e-mailed: nothing is
# fetched from the network and nothing runs in the reader's browser.
REPORT_TITLE = "Coverage of DeepSeek and US chip export controls"
REPORT_TEMPLATE_DIR = PROJECT_ROOT / "report_template"  # holds the nbconvert template below
REPORT_TEMPLATE = "report"  # extends JupyterLab's template; see report_template/report/
REPORT_CSS = REPORT_TEMPLATE_DIR / REPORT_TEMPLATE / "static" / "report.css"  # index and pages
# Pages quote untrusted article text: forbid every script, allow only inline images and styles.
REPORT_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
              "base-uri 'none'; form-action 'none'")
REPORT_NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"  # report pages, in file-name order: 00 comes first
FINDINGS_PREFIX = "00_"  # the summary runs after the analyses, so it can read what they wrote
KEY_FIGURE_TAG = "key-figure"  # a code cell tagged so gives its notebook's index thumbnail
THUMBNAIL_BOX = (480, 300)  # pixels; cards show thumbnails at about half size, sharp on HiDPI
INDEX_MAX_ARTICLES = 50  # the index lists at most this many articles; 01 · Loading lists all
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"  # figures must show in the pages
CELL_TIMEOUT = 1200  # seconds one notebook cell may run while the report is built

_MD_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARK_RE = re.compile(r"\*\*|__|`|(?<!\w)[*_]|[*_](?!\w)")


def report_notebooks(folder: str | Path = PROJECT_ROOT / "notebooks") -> list[Path]:
    """The notebooks that become report pages: ``NN_name.ipynb`` in ``folder``, sorted by name."""
    return sorted(Path(folder).glob(REPORT_NOTEBOOK_GLOB), key=lambda p: p.name)


def read_notebook(path: str | Path):
    """Read a notebook file (nbformat v4) as a ``NotebookNode``."""
    import nbformat

    return nbformat.read(Path(path), as_version=4)


def plain_markdown(text: str) -> str:
    """Inline markdown as plain text: links and images keep their words, emphasis and code
    marks are dropped, runs of whitespace become one space."""
    text = _MD_MARK_RE.sub("", _MD_LINK_RE.sub(r"\1", text))
    return " ".join(text.split())


def notebook_summary(nb: dict, stem: str) -> dict:
    """Title and one-line question of a notebook, for its card on the index.

    Parameters
    ----------
    nb : a notebook (``NotebookNode`` or the dict of its JSON).
    stem : the notebook's file name without ``.ipynb``; the title when there is no heading.

    Returns
    -------
    dict with ``stem``; ``title``, the first heading of the first markdown cell as plain text;
    ``question``, the first sentence ending in "?" of the first paragraph after that heading,
    else that paragraph's first sentence ("" when the cell has no paragraph).
    """
    first_md = next((c for c in nb["cells"] if c["cell_type"] == "markdown"), None)
    source = "".join(first_md["source"]) if first_md is not None else ""
    title, paragraph = "", ""
    for block in re.split(r"\n\s*\n", source):
        lines = [ln.strip() for ln in block.splitlines() if ln.strip()]
        headings = [ln for ln in lines if ln.startswith("#")]
        if headings and not title:
            title = plain_markdown(headings[0].lstrip("#"))
        body = " ".join(ln for ln in lines if not ln.startswith("#"))
        if body and not paragraph:
            paragraph = plain_markdown(body)
    sentences = split_sentences(paragraph) if paragraph else []
    question = next((s for s in sentences if s.endswith("?")), sentences[0] if sentences else "")
    return {"stem": stem, "title": title or stem, "question": question}


def key_figure(nb: dict) -> bytes | None:
    """PNG bytes of a notebook's key figure, ``None`` when it shows no PNG.

    The key figure is the first PNG output of a code cell tagged ``key-figure``
    (``KEY_FIGURE_TAG``), else the notebook's first PNG output.
    """
    import base64

    first = None
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        tagged = KEY_FIGURE_TAG in cell.get("metadata", {}).get("tags", [])
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if not png:
                continue
            if tagged:
                return base64.b64decode(png)
            first = first or png
    return base64.b64decode(first) if first else None


def thumbnail_data_uri(png: bytes, box: tuple[int, int] = THUMBNAIL_BOX) -> str:
    """A PNG scaled down to fit ``box`` (width, height in pixels; aspect kept, never enlarged),
    returned as a ``data:image/png;base64,…`` URI."""
    import base64

    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        thumb = image.convert("RGBA")
    thumb.thumbnail(box, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    thumb.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def corpus_overview(corpus: pd.DataFrame) -> dict:
    """The facts the report index gives about a corpus from :func:`load_corpus`.

    Returns
    -------
    dict with ``articles`` (rows), ``dated`` (articles with a publication date), ``first`` and
    ``last`` (earliest and latest publication date as ``Timestamp``, ``None`` when no article is
    dated) and ``problems`` (loading problems, see :func:`load_problems`).
    """
    dates = corpus["published"].dropna()
    return {
        "articles": int(len(corpus)),
        "dated": int(len(dates)),
        "first": dates.min() if len(dates) else None,
        "last": dates.max() if len(dates) else None,
        "problems": int(len(load_problems(corpus))),
    }


def index_articles(corpus: pd.DataFrame, limit: int = INDEX_MAX_ARTICLES) -> pd.DataFrame:
    """The articles listed on the report index, oldest first, undated last, then by ``doc_id``.

    Returns at most ``limit`` rows with columns ``doc_id``, ``published`` (``YYYY-MM-DD`` or
    "undated"), ``outlet``, ``origin`` and ``headline`` (untrusted text, still to be escaped).
    """
    table = corpus[["doc_id", "published", "outlet", "origin", "headline"]].sort_values(
        ["published", "doc_id"], na_position="last", kind="stable")
    table = table.head(limit).reset_index(drop=True)
    table["published"] = table["published"].dt.strftime("%Y-%m-%d").fillna("undated")
    text_columns = ["outlet", "origin", "headline"]
    table[text_columns] = table[text_columns].fillna("").astype(str)
    return table


def _long_date(day: pd.Timestamp) -> str:
    return f"{day.day} {day:%B %Y}"


def _date_range(overview: dict) -> str:
    if overview["first"] is None:
        return "no dated article"
    first, last = _long_date(overview["first"]), _long_date(overview["last"])
    return first if first == last else f"{first} – {last}"


def render_index(pages: list[dict], overview: dict, articles: pd.DataFrame, *,
                 title: str = REPORT_TITLE, subtitle: str = "", footer: str = "",
                 css: str | None = None) -> str:
    """HTML of the report index. Every string that goes in is escaped.

    Parameters
    ----------
    pages : one dict per page, in display order, with ``stem`` (the page is ``<stem>.html``),
        ``title``, ``question`` and ``thumbnail`` (a ``data:`` URI, or "" for none).
    overview : :func:`corpus_overview` of the corpus.
    articles : :func:`index_articles` of the corpus.
    title, subtitle, footer : plain text for the heading, the line under it and the footer.
    css : the stylesheet; by default ``REPORT_CSS``, the one the notebook pages use.
    """
    from urllib.parse import quote

    esc = html.escape
    css = REPORT_CSS.read_text(encoding="utf-8") if css is None else css
    cards = []
    for page in pages:
        href = esc(quote(f"{page['stem']}.html"))
        if page.get("thumbnail"):
            figure = f'<img src="{esc(page["thumbnail"])}" alt="{esc("Key figure: " + page["title"])}">'
        else:
            figure = '<span class="report-nofigure">No figure</span>'
        cards.append(
            f'<li class="report-card"><a class="report-thumb" href="{href}" tabindex="-1">{figure}</a>'
            f'<div class="report-card-body"><h2><a href="{href}">{esc(page["title"])}</a></h2>'
            f'<p>{esc(page["question"])}</p></div></li>')
    facts = [("Articles", str(overview["articles"])), ("Published", _date_range(overview)),
             ("Dated", f"{overview['dated']} of {overview['articles']}"),
             ("Loading problems", str(overview["problems"]))]
    fact_html = "".join(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in facts)
    rows = "".join(
        "<tr>" + "".join(f"<td>{esc(str(row[c]))}</td>" for c in articles.columns) + "</tr>"
        for row in articles.to_dict("records"))
    head = "".join(f"<th>{esc(c)}</th>" for c in articles.columns)
    more = overview["articles"] - len(articles)
    more_html = f"<p>… and {more} more; the loading page lists every article.</p>" if more > 0 else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(REPORT_CSP)}">\n'
        f"<title>{esc(title)}</title>\n<style>\n{css}\n</style>\n</head>\n"
        '<body class="report-index">\n<main>\n'
        f'<header><h1>{esc(title)}</h1><p class="report-lede">{esc(subtitle)}</p></header>\n'
        f'<dl class="report-facts">{fact_html}</dl>\n'
        f'<ul class="report-cards">\n' + "\n".join(cards) + "\n</ul>\n"
        '<section><h2>Articles in this corpus</h2><div class="report-table-wrap">'
        f'<table class="report-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
        f"</div>{more_html}</section>\n</main>\n"
        f'<footer class="report-footer">{esc(footer)}</footer>\n</body>\n</html>\n'
    )


def _figure_alt_texts(nb) -> None:
    """Give each code cell the plain text of the markdown just before it, for image alt text."""
    previous = ""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            lines = [ln for ln in "".join(cell.source).splitlines() if ln.strip()]
            previous = plain_markdown(lines[-1].lstrip("#")) if lines else previous
        elif cell.cell_type == "code":
            cell.metadata["report_alt"] = previous or "Figure"


def notebook_html(nb: dict, *, title: str, footer: str = "", base_path: str | Path = "",
                  index_label: str = "All findings") -> str:
    """A notebook as a report page (HTML text): code and prompts hidden, the shared look.

    Parameters
    ----------
    nb : an executed notebook (``NotebookNode`` or dict); it is not modified.
    title : the page title. footer : plain text at the foot of the page.
    base_path : folder that relative image paths in markdown cells are read from, so those
        images are embedded too. index_label : text of the link back to the index.

    Returns
    -------
    A standalone HTML document: images are ``data:`` URIs, no script and no external resource,
    and a Content-Security-Policy (``REPORT_CSP``) that forbids scripts.
    """
    import nbformat
    from nbconvert import HTMLExporter

    node = nbformat.from_dict(json.loads(json.dumps(nb)))
    node.metadata["title"] = title
    _figure_alt_texts(node)
    exporter = HTMLExporter(
        template_name=REPORT_TEMPLATE, extra_template_basedirs=[str(REPORT_TEMPLATE_DIR)],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
        embed_images=True)
    resources = {"metadata": {"name": title, "path": str(base_path)},
                 "report": {"csp": REPORT_CSP, "footer": footer, "index_label": index_label}}
    body, _ = exporter.from_notebook_node(node, resources=resources)
    return body


def write_executed_notebook(source: str | Path, dest: str | Path, *, figures: str | Path,
                            corpus: str | Path | None = None, timeout: int = CELL_TIMEOUT) -> Path:
    """Execute a notebook top to bottom with papermill and write the executed copy to ``dest``.

    The kernel (``python3`` of this environment) starts in the notebook's own folder, so its
    default paths hold. ``figures`` replaces the ``FIGURES`` parameter and ``corpus``, when
    given, the ``CORPUS`` parameter (both as absolute paths). Figures are drawn with the inline
    backend whatever ``MPLBACKEND`` says, so they show in the page. ``timeout`` is in seconds
    per cell. Raises ``RuntimeError`` naming the notebook, with papermill's last lines, when a
    cell fails.
    """
    import os
    import subprocess
    import sys

    source, dest = Path(source).resolve(), Path(dest).resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "papermill", str(source), str(dest), "--cwd", str(source.parent),
           "--kernel", "python3", "--log-level", "WARNING", "--no-progress-bar",
           "--execution-timeout", str(int(timeout)), "-r", "FIGURES", str(Path(figures).resolve())]
    if corpus is not None:
        cmd += ["-r", "CORPUS", str(Path(corpus).resolve())]
    env = {**os.environ, "MPLBACKEND": INLINE_BACKEND}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        lines = [ln for ln in (done.stderr or done.stdout).splitlines() if ln.strip()]
        where = [ln for ln in lines if ln.startswith(("Exception encountered at", "Cell In[", "---->"))]
        detail = "\n".join([*where[:1], *where[-2:], *lines[-1:]])
        raise RuntimeError(f"{source.name} failed while building the report; the copy executed up "
                           f"to the error is {dest}\n{detail}")
    return dest


def write_report_index(report_dir: str | Path, pages: list[dict], corpus: pd.DataFrame, *,
                       title: str = REPORT_TITLE, subtitle: str = "", footer: str = "") -> Path:
    """Write ``index.html`` into ``report_dir``: one card per page (see :func:`render_index`)
    with the corpus's date range, article count and article list. Returns its path."""
    out = Path(report_dir) / "index.html"
    html_text = render_index(pages, corpus_overview(corpus), index_articles(corpus),
                             title=title, subtitle=subtitle, footer=footer)
    out.write_text(html_text, encoding="utf-8")
    return out


def write_report(report_dir: str | Path, notebooks: list[str | Path] | None = None, *,
                 corpus: str | Path | None = None, title: str = REPORT_TITLE,
                 execute: bool = True, jobs: int = 2,
                 figures_dir: str | Path | None = None) -> Path:
    """Build the HTML report: one page per notebook plus ``index.html``, in ``report_dir``.

    Parameters
    ----------
    report_dir : output folder, created if needed. It ends up holding ``index.html``, one
        ``NN_name.html`` per notebook (stale ``NN_*.html`` pages are removed) and, when
        executing, ``notebooks/`` (the executed copies) and ``figures/`` (PNG + CSV).
    notebooks : the notebooks, shown in file-name order; default :func:`report_notebooks`.
    corpus : a corpus for :func:`load_corpus`, given to every notebook as ``CORPUS``; ``None``
        keeps the notebooks' own default (the seeds).
    title : the index heading.
    figures_dir : where the notebooks write their figures; default ``report_dir/figures``.
        ``make report`` on the seeds passes the project's ``figures/`` (rewritten with the same
        bytes when nothing changed), which is then copied into ``report_dir/figures``.
    execute : run the notebooks first (papermill; the analyses in parallel, ``jobs`` at a time,
        then the ``00_`` findings notebook). ``False`` renders them as they are, e.g. the
        committed notebooks, which nbval keeps equal to a fresh run on the seeds.

    Returns
    -------
    Path of ``index.html``. The committed notebooks are never written.
    """
    import shutil
    from concurrent.futures import ThreadPoolExecutor

    out = Path(report_dir)
    out.mkdir(parents=True, exist_ok=True)
    sources = sorted((Path(p) for p in (notebooks or report_notebooks())), key=lambda p: p.name)
    corpus_path = Path(corpus) if corpus is not None else PROJECT_ROOT / "seeds"
    rendered = sources
    figures = Path(figures_dir) if figures_dir is not None else out / "figures"
    if execute:
        def run(source: Path) -> Path:
            return write_executed_notebook(source, out / "notebooks" / source.name,
                                           figures=figures, corpus=corpus)

        analyses = [p for p in sources if not p.name.startswith(FINDINGS_PREFIX)]
        findings = [p for p in sources if p.name.startswith(FINDINGS_PREFIX)]
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            done = dict(zip(analyses, pool.map(run, analyses), strict=True))
        done.update({p: run(p) for p in findings})
        rendered = [done[p] for p in sources]
        if figures.resolve() != (out / "figures").resolve():
            shutil.copytree(figures, out / "figures", dirs_exist_ok=True)
        footer = ("Code is hidden. The executed notebooks are in notebooks/; every figure, "
                  "with the data it plots as CSV, is in figures/.")
    else:
        footer = "Code is hidden; the notebooks in the project's notebooks/ folder hold it."
    footer = f"{title} · corpus: {corpus_path.name} · {footer}"

    pages = []
    for source, path in zip(sources, rendered, strict=True):
        nb = read_notebook(path)
        page = notebook_summary(nb, source.stem)
        png = key_figure(nb)
        page["thumbnail"] = thumbnail_data_uri(png) if png else ""
        page_html = notebook_html(nb, title=page["title"], footer=footer, base_path=path.parent)
        (out / f"{source.stem}.html").write_text(page_html, encoding="utf-8")
        pages.append(page)
    current = {f"{p['stem']}.html" for p in pages}
    for stale in out.glob("[0-9][0-9]_*.html"):
        if stale.name not in current:
            stale.unlink()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)  # the loading page reports them
        loaded = load_corpus(corpus_path)
    return write_report_index(out, pages, loaded, title=title, footer=footer,
                              subtitle=f"Corpus: {corpus_path.name}. One page per notebook; "
                                       "each states its question, its evidence and its limits.")


# ======================================================================================
# scale
# ======================================================================================
# Synthetic corpora for benchmarks and tests, and the Dask path for corpora too large for
# one process. The Dask functions map the per-article functions above over partitions;
# they hold no analysis logic of their own.

SYNTH_GENERATED_SHARE = 0.15  # share of words replaced by made-up tokens: the vocabulary keeps growing
SYNTH_VOCAB = 100_000  # made-up tokens (names, places, jargon), drawn with Zipf-like frequencies
SYNTH_ZIPF_SHIFT = 2.7  # Zipf–Mandelbrot offset of the made-up tokens' frequencies
SYNTH_NAME_SHARE = 0.3  # made-up tokens written capitalised, as names are
SYNTH_MIN_WORDS = 6  # a sentence ends at a full stop only after this many words
SYNTH_MAX_WORDS = 40  # and always after this many
SYNTH_PARAGRAPHS = (6, 16)  # paragraphs per article (uniform, inclusive)
SYNTH_SENTENCES = (1, 3)  # sentences per paragraph (uniform, inclusive)
SYNTH_COPY_SHARE = 0.05  # articles planted as near-duplicates of an earlier original
SYNTH_EXACT_SHARE = 0.02  # articles planted as exact copies (the loader flags them)
SYNTH_EDIT_RATE = 0.03  # share of a near-duplicate's words replaced
SYNTH_UNDATED_SHARE = 0.1  # articles without a date, as in real exports
SYNTH_OUTLETS = 20  # made-up outlet names
SYNTH_BATCH = 20_000  # sentences generated at once; bounds the generator's memory
EXPORT_COLUMNS = ["stories_id", "title", "publish_date", "media_name", "url", "text", "notes"]


def _made_up_words(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` distinct pronounceable made-up lowercase words of 1–3 syllables."""
    onsets = np.array(["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v",
                       "w", "z", "br", "ch", "dr", "gr", "kl", "pr", "sh", "st", "tr", "th", "x"])
    vowels = np.array(["a", "e", "i", "o", "u", "ai", "ea", "ou", "io", "y"])
    codas = np.array(["", "", "", "n", "r", "s", "l", "t", "m", "nd", "st", "rk", "ng"])
    found: dict[str, None] = {}
    while len(found) < n:
        size = 2 * (n - len(found)) + 16
        n_syl = rng.integers(1, 4, size)
        syllables = (onsets[rng.integers(len(onsets), size=(size, 4))]
                     + vowels[rng.integers(len(vowels), size=(size, 4))]
                     + codas[rng.integers(len(codas), size=(size, 4))])
        for i in range(size):
            found.setdefault("".join(syllables[i, :n_syl[i]]), None)
            if len(found) == n:
                break
    return np.array(list(found), dtype=object)


@dataclass(frozen=True)
class _Chain:
    """A word-level Markov chain (order 1): successors of token ``t`` are
    ``succ[offset[t]:offset[t + 1]]``, with repeats, so sampling follows their frequency."""

    vocab: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    offset: np.ndarray
    succ: np.ndarray


def _markov_chain(texts: list[str]) -> _Chain:
    """Fit the chain on whitespace tokens of each paragraph; punctuation stays on the words."""
    index: dict[str, int] = {}
    pairs: list[tuple[int, int]] = []
    starts: list[int] = []
    for text in texts:
        for paragraph in text.split("\n"):
            ids = [index.setdefault(w, len(index)) for w in paragraph.split()]
            if ids:
                starts.append(ids[0])
                pairs.extend(zip(ids, ids[1:], strict=False))
    vocab = np.array(list(index), dtype=object)
    ends = np.array([bool(re.search(r"[.!?][\"”’')]?$", w)) for w in vocab], dtype=bool)
    for a, b in pairs:
        if ends[a]:
            starts.append(b)
    pair_arr = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    order = np.lexsort((pair_arr[:, 1], pair_arr[:, 0]))
    pair_arr = pair_arr[order]
    offset = np.searchsorted(pair_arr[:, 0], np.arange(len(vocab) + 1)).astype(np.int64)
    return _Chain(vocab, np.array(sorted(starts), dtype=np.int64), ends, offset, pair_arr[:, 1].copy())


def _chain_sentences(chain: _Chain, rng: np.random.Generator, n: int, made_up: np.ndarray,
                     made_up_cdf: np.ndarray) -> list[str]:
    """``n`` sentences walked on the chain, with made-up tokens swapped in for plain words."""
    words = np.concatenate([chain.vocab, made_up])
    plain = np.concatenate([np.array([w.isalpha() for w in chain.vocab], dtype=bool),
                            np.zeros(len(made_up), dtype=bool)])
    out: list[str] = []
    for lo in range(0, n, SYNTH_BATCH):
        size = min(SYNTH_BATCH, n - lo)
        grid = np.full((size, SYNTH_MAX_WORDS), -1, dtype=np.int64)
        cur = chain.starts[rng.integers(len(chain.starts), size=size)]
        active = np.ones(size, dtype=bool)
        for step in range(SYNTH_MAX_WORDS):
            grid[active, step] = cur[active]
            n_succ = chain.offset[cur + 1] - chain.offset[cur]
            active &= ~((n_succ == 0) | (chain.ends[cur] & (step + 1 >= SYNTH_MIN_WORDS)))
            if not active.any():
                break
            pick = chain.offset[cur] + (rng.random(size) * np.maximum(n_succ, 1)).astype(np.int64)
            cur = np.where(active, chain.succ[np.minimum(pick, len(chain.succ) - 1)], cur)
        swap = (grid >= 0) & plain[np.maximum(grid, 0)] & (rng.random(grid.shape) < SYNTH_GENERATED_SHARE)
        drawn = np.searchsorted(made_up_cdf, rng.random(int(swap.sum())))
        grid[swap] = len(chain.vocab) + np.minimum(drawn, len(made_up) - 1)
        for row in grid:
            ids = row[row >= 0]
            sentence = " ".join(words[ids])
            ended = ids[-1] < len(chain.vocab) and chain.ends[ids[-1]]
            out.append(sentence if ended else sentence + ".")
    return out


def _edit_text(text: str, rng: np.random.Generator, made_up: np.ndarray, rate: float) -> str:
    """Replace each word of ``text`` with a made-up token with probability ``rate``."""
    lines = []
    for line in text.split("\n"):
        words = line.split(" ")
        for i in np.flatnonzero(rng.random(len(words)) < rate):
            words[i] = str(made_up[rng.integers(len(made_up))])
        lines.append(" ".join(words))
    return "\n".join(lines)


def synthetic_export(source: pd.DataFrame, n_docs: int, seed: int = 0,
                     copy_share: float = SYNTH_COPY_SHARE,
                     exact_share: float = SYNTH_EXACT_SHARE,
                     paragraphs: tuple[int, int] = SYNTH_PARAGRAPHS) -> pd.DataFrame:
    """A synthetic export of ``n_docs`` varied articles, with planted copies.

    Sentences are walked on a word-level Markov chain (order 1) fitted on the clean text of
    ``source`` (e.g. the seeds), and ``SYNTH_GENERATED_SHARE`` of the plain words are then
    replaced by made-up tokens drawn with Zipf-like frequencies from ``SYNTH_VOCAB`` of them,
    so the vocabulary grows with the corpus as real coverage does. Articles have 6–16 (``paragraphs``)
    paragraphs of 1–3 sentences and no paragraph is reused, except by planting: a share
    ``exact_share`` of articles copy an earlier original exactly, and ``copy_share`` copy one
    with ``SYNTH_EDIT_RATE`` of the words replaced and sometimes the last paragraph cut.
    Dates are spread over 2024; ``SYNTH_UNDATED_SHARE`` are undated.

    Parameters
    ----------
    source : a corpus from :func:`load_corpus`; only ``text`` is used. With no text at all
        the chain is fitted on made-up words alone.
    n_docs : number of articles.
    seed : the random seed; the same seed and source give the same export.
    paragraphs : fewest and most paragraphs per article (e.g. ``(1, 2)`` for quick tests).

    Returns
    -------
    DataFrame ``EXPORT_COLUMNS`` (Media Cloud names, as :func:`load_corpus` reads them), one
    row per article, ``stories_id`` ``s000000`` … in order; ``notes`` names the original of a
    planted copy ("exact copy of s000012" / "near copy of s000012"), else empty.
    """
    rng = np.random.default_rng(seed)
    made_up = _made_up_words(rng, SYNTH_VOCAB)
    names = rng.random(len(made_up)) < SYNTH_NAME_SHARE
    made_up[names] = [w.capitalize() for w in made_up[names]]
    weights = 1.0 / (np.arange(1, len(made_up) + 1) + SYNTH_ZIPF_SHIFT)
    cdf = np.cumsum(weights) / weights.sum()
    chain = _markov_chain(source["text"].fillna("").astype(str).tolist() if len(source) else [])
    if not len(chain.starts) or not len(chain.succ):
        chain = _markov_chain([" ".join(made_up[:500]) + "."])
    n_par = rng.integers(paragraphs[0], paragraphs[1] + 1, n_docs)
    n_sent = [rng.integers(SYNTH_SENTENCES[0], SYNTH_SENTENCES[1] + 1, k) for k in n_par]
    sentences = iter(_chain_sentences(chain, rng, int(sum(s.sum() for s in n_sent)) + n_docs,
                                      made_up, cdf))
    outlets = [f"The {w.capitalize()} {kind}" for w, kind in
               zip(_made_up_words(rng, SYNTH_OUTLETS),
                   rng.choice(["Times", "Post", "Herald", "Daily", "Wire"], SYNTH_OUTLETS), strict=True)]
    days = rng.integers(0, 366, n_docs)
    undated = rng.random(n_docs) < SYNTH_UNDATED_SHARE
    roll = rng.random(n_docs)
    rows, originals = [], []
    for n in range(n_docs):
        headline = " ".join(next(sentences).rstrip(".!?\"”’'").split()[:12])
        text = "\n".join(" ".join(next(sentences) for _ in range(k)) for k in n_sent[n])
        notes = ""
        if originals and roll[n] < exact_share + copy_share:
            base = originals[int(rng.integers(len(originals)))]
            headline = rows[base]["title"]
            if roll[n] < exact_share:
                text, notes = rows[base]["text"], f"exact copy of {rows[base]['stories_id']}"
            else:
                paragraphs = rows[base]["text"].split("\n")
                if rng.random() < 0.3 and len(paragraphs) > 1:
                    paragraphs = paragraphs[:-1]
                text = _edit_text("\n".join(paragraphs), rng, made_up, SYNTH_EDIT_RATE)
                notes = f"near copy of {rows[base]['stories_id']}"
        else:
            originals.append(n)
        day = pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(days[n]))
        date = "" if undated[n] else str(day.date())
        rows.append({"stories_id": f"s{n:06d}", "title": headline, "publish_date": date,
                     "media_name": outlets[int(rng.integers(len(outlets)))],
                     "url": f"https://example.org/{n:06d}", "text": text, "notes": notes})
    return pd.DataFrame(rows, columns=EXPORT_COLUMNS)


def planted_copies(export: pd.DataFrame) -> pd.DataFrame:
    """The planted copies of :func:`synthetic_export`: ``doc_a`` (original), ``doc_b``, ``kind``."""
    found = export["notes"].str.extract(r"^(exact|near) copy of (\S+)$")
    keep = found[1].notna()
    table = pd.DataFrame({"doc_a": found.loc[keep, 1], "doc_b": export.loc[keep, "stories_id"],
                          "kind": found.loc[keep, 0]})
    return table.sort_values(["doc_a", "doc_b"], kind="stable").reset_index(drop=True)


# --- Dask: the per-article steps on a cluster -----------------------------------------

DASK_PARTITIONS_PER_WORKER = 4  # a few partitions per worker keep every worker busy to the end


def _n_partitions(client, n_items: int, npartitions: int | None) -> int:
    if npartitions:
        return max(1, min(npartitions, n_items))
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    return max(1, min(n_items, DASK_PARTITIONS_PER_WORKER * workers))


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


def _frames(func, corpus: pd.DataFrame, client, npartitions: int | None) -> pd.DataFrame:
    """``func`` (articles in, one table out) over runs of articles on the cluster, concatenated."""
    chunks = _article_chunks(corpus, _n_partitions(client, max(len(corpus), 1), npartitions))
    if not chunks:
        return func(corpus)
    parts = map_partitions_dask(partial(_apply_each, func), chunks, client, npartitions=len(chunks))
    return pd.concat(parts, ignore_index=True)


def stance_sentences_dask(corpus: pd.DataFrame, client, npartitions: int | None = None) -> pd.DataFrame:
    """:func:`stance_sentences` run on a Dask cluster, articles split over the workers.

    Every step of the stance model looks within one article only, so the result equals
    ``stance_sentences(corpus)`` row for row.
    """
    return _frames(stance_sentences, corpus, client, npartitions)


def article_stance_dask(corpus: pd.DataFrame, client, npartitions: int | None = None) -> pd.DataFrame:
    """:func:`article_stance` run on a Dask cluster; equals ``article_stance(corpus)``."""
    return _frames(article_stance, corpus, client, npartitions)


def _ngram_counts(texts: list[str]) -> list[Counter]:
    """:func:`term_ngrams` of each text, counted: the term model's per-article step."""
    return [Counter(term_ngrams(text)) for text in texts]


def fit_term_model_dask(corpus: pd.DataFrame, client, npartitions: int | None = None) -> TermModel:
    """:func:`fit_term_model` with the per-article n-gram counting done on a Dask cluster.

    Workers count each article's :func:`term_ngrams`; the client builds the vocabulary
    (alphabetical, as scikit-learn orders it) and the sparse count matrix, then weights it
    with the same ``TfidfTransformer``. The model's matrices and terms equal those of
    ``fit_term_model(corpus)``; its vectorizer has the vocabulary fixed, so
    :func:`term_counts` and :func:`term_trends` work on it unchanged.
    """
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    texts = corpus["text"].fillna("").astype(str).tolist()
    counted = map_partitions_dask(_ngram_counts, texts, client, npartitions)
    terms = sorted(set().union(*counted)) if counted else []
    if not terms:
        return fit_term_model(corpus)
    index = {term: i for i, term in enumerate(terms)}
    indptr = np.cumsum([0] + [len(c) for c in counted])
    indices = np.fromiter((index[t] for c in counted for t in c), dtype=np.int64, count=indptr[-1])
    values = np.fromiter((v for c in counted for v in c.values()), dtype=np.int64, count=indptr[-1])
    counts = sparse.csr_matrix((values, indices, indptr), shape=(len(texts), len(terms)))
    counts.sort_indices()
    vectorizer = CountVectorizer(analyzer=term_ngrams, vocabulary=index)
    vectorizer._validate_vocabulary()
    transformer = TfidfTransformer(sublinear_tf=True)
    tfidf = transformer.fit_transform(counts).tocsr()
    return TermModel(vectorizer, transformer, corpus["doc_id"].astype(str).to_numpy(),
                     np.array(terms, dtype=object), counts, tfidf)


# --- the pipeline at scale, and the recorded benchmark ----------------------------------

BENCH_STAGES = ("load_clean", "terms_top_terms", "term_trends", "article_stance", "overlap_pairs",
                "pipeline_total", "pipeline_without_overlap", "bare_tfidf")  # in pipeline order


def run_pipeline(corpus: pd.DataFrame, freq: str = "M") -> dict[str, pd.DataFrame]:
    """Every analysis the benchmark times, on one loaded corpus, with one term model.

    Returns ``{"top_terms", "term_trends", "article_stance", "overlap_pairs"}`` (the last only
    when the overlap section is present), each the table its function returns.
    """
    model = fit_term_model(corpus)
    out = {"top_terms": top_terms(corpus, model=model),
           "term_trends": term_trends(corpus, freq=freq, model=model),
           "article_stance": article_stance(corpus)}
    pairs = globals().get("overlap_pairs")
    if pairs is not None:
        out["overlap_pairs"] = pairs(corpus)
    return out


def pipeline_shapes(results: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows and columns of each table :func:`run_pipeline` returned, in its order."""
    return pd.DataFrame([{"table": name, "rows": len(table), "columns": table.shape[1]}
                         for name, table in results.items()], columns=["table", "rows", "columns"])


def read_benchmark(path: str | Path) -> pd.DataFrame:
    """The recorded benchmark (``benchmarks/results.csv``); empty when the file is missing."""
    columns = ["articles", "stage", "seconds", "docs_per_s", "mb_per_s", "peak_rss_mb", "x_bare_tfidf",
               "s_per_1k_docs", "scaling_vs_smallest"]
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=columns)
    table = pd.read_csv(path)
    return table[table["stage"].isin(BENCH_STAGES)].reindex(columns=columns).reset_index(drop=True)


def scaling_table(bench: pd.DataFrame, value: str = "seconds") -> pd.DataFrame:
    """One benchmark measure as stages × corpus sizes, stages in pipeline order."""
    wide = bench.pivot_table(index="stage", columns="articles", values=value, aggfunc="first")
    order = [s for s in BENCH_STAGES if s in wide.index]
    return wide.reindex(order).round(3)


def plot_scaling(bench: pd.DataFrame):
    """Seconds against articles on log–log axes, one line per stage; the dotted grey line is
    linear scaling from the smallest corpus's pipeline without overlap (run at every size)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4.8))
    for stage in [s for s in BENCH_STAGES if s in set(bench["stage"])]:
        part = bench[bench["stage"] == stage].sort_values("articles")
        style = {"pipeline_without_overlap": dict(color="black", lw=2.5),
                 "pipeline_total": dict(color="black", lw=1, ls="-."),
                 "bare_tfidf": dict(color="grey", ls="--")}
        ax.plot(part["articles"], part["seconds"], marker="o", label=stage, **style.get(stage, {}))
    total = bench[bench["stage"] == "pipeline_without_overlap"].sort_values("articles")
    if len(total):
        n0, t0 = total["articles"].iloc[0], total["seconds"].iloc[0]
        sizes = total["articles"].to_numpy(dtype=float)
        ax.plot(sizes, t0 * sizes / n0, ls=":", color="lightgrey", label="linear from smallest")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("articles in the synthetic corpus")
    ax.set_ylabel("wall time (s)")
    ax.set_title("Pipeline stages by corpus size (recorded benchmark)")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    return fig


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
