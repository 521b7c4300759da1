"""Shared helpers for the DeepSeek / export-controls coverage notebooks.

Sections
--------
corpus
    Read a folder of ``.txt`` articles (with optional ``metadata.csv``) or a CSV / JSONL
    export, clean it line by line with an audit of every dropped line, and return one
    row per article. Bad input is reported as a :class:`CorpusWarning` naming the file.
text
    Sentence splitting (pySBD) and the normalisation shared by the analyses.
terms
    TF-IDF distinctive terms, term trends over time, group contrasts, keyword in context.
stance
    Stance of sentences and articles towards US export controls on chips.
overlap
    Syndication, rewrites, shared passages and shared quotes between articles.
figures
    Saving every figure as PNG with the plotted data beside it as CSV.
report
    The HTML report's index page.

Every function is pure unless its name says it writes (``save_*``, ``write_*``).
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
from dataclasses import dataclass, field
from functools import cache, lru_cache
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
    controls = sum(b < 32 and b not in (9, 10, 12, 13) for b in sample)
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
    letters = [ch for ch in line if ch.isalpha()]
    if not letters:
        return None
    scripts = [unicodedata.name(ch, "UNKNOWN").split()[0] for ch in letters]
    non_latin = [s for s in scripts if s != "LATIN"]
    if len(non_latin) / len(letters) <= OTHER_SCRIPT_SHARE:
        return None
    return pd.Series(non_latin).value_counts().sort_index().idxmax()


def _word_count(text: str) -> int:
    return len(re.findall(r"\w+(?:['’.-]\w+)*", text))


def _is_tag_line(line: str) -> bool:
    joins = len(re.findall(r"[a-z][A-Z]", line))
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
    return re.sub(r"\s+", " ", normalize_text(line)).strip()


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
    headline_key = _match_key(headline) if headline else ""
    kept: list[tuple[int, str]] = []
    dropped: list[dict] = []
    headline_taken = False
    for line_no, raw_line in enumerate(lines, start=1):
        line = raw_line.strip()
        if not line:
            continue
        reason = next((r.reason for r in rules if r.pattern.match(line)), None)
        if reason is None and (script := dominant_script(line)):
            reason = f"other script ({script.title()})"
        if reason is None and _is_tag_line(line):
            reason = "keyword tag line"
        if reason is None and headline_key and _match_key(line) == headline_key:
            reason = "repeated headline" if headline_taken else "headline"
            headline_taken = True
        if reason is None and not headline_taken and not kept and line_no <= 3 \
                and _reads_as_headline(line):
            reason, headline_taken = "headline", True
            headline_key = _match_key(line)
        if reason is None and _is_section_label(line):
            reason = "section label"
        if reason is None:
            kept.append((line_no, line))
        else:
            dropped.append({"line_no": line_no, "text": line, "reason": reason, "detail": ""})
    kept, repeated = _drop_repeats(kept)
    dropped = sorted(dropped + repeated, key=lambda row: row["line_no"])
    return kept, dropped


def _drop_repeats(kept: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], list[dict]]:
    """Drop lines that repeat an earlier line, or that stand whole inside a longer line."""
    first_seen: dict[str, int] = {}
    unique: list[tuple[int, str]] = []
    dropped: list[dict] = []
    for line_no, line in kept:
        key = _match_key(line)
        if key in first_seen:
            dropped.append({"line_no": line_no, "text": line, "reason": "repeated copy",
                            "detail": f"first seen at line {first_seen[key]}"})
            continue
        first_seen[key] = line_no
        unique.append((line_no, line))
    result: list[tuple[int, str]] = []
    for line_no, line in unique:
        key = _match_key(line)
        host = next((n for n, other in unique if n != line_no and len(_match_key(other)) > len(key)
                     and key in _match_key(other)), None)
        if host is not None and _word_count(line) >= REPEAT_MIN_WORDS:
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
    stamp = pd.to_datetime(str(value).strip(), errors="coerce", utc=True)
    if pd.isna(stamp):
        raise ValueError(f"unparseable date {str(value)!r}")
    return stamp.tz_convert(None).normalize()


def _read_source_bytes(path: Path, log: _LoadLog) -> tuple[str, str] | None:
    try:
        return decode_bytes(path.read_bytes())
    except ValueError as exc:
        log.report(path.name, str(exc), "skipped")
    except OSError as exc:
        log.report(path.name, f"cannot be read ({exc.strerror})", "skipped")
    return None


def _read_table(path: Path, log: _LoadLog) -> pd.DataFrame | None:
    """Read a CSV or JSONL file into strings, reporting any failure by file name."""
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


def load_corpus(source: str | Path = "seeds", *, strict: bool = False,
                cache_dir: str | Path | None = None) -> pd.DataFrame:
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
        corpus = load_corpus(path, strict=strict)
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
    rows, audit = [], []
    for record in sorted(records, key=lambda r: (str(r["doc_id"]), r["file"])):
        if str(record["doc_id"]) in seen_ids:
            log.report(record["file"], f"doc_id {record['doc_id']} is used twice", "skipped")
            continue
        seen_ids.add(str(record["doc_id"]))
        row, row_audit = _build_row(record, log)
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

QUOTE_MAP = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'",
                           "’": "'", "‚": "'", "′": "'", "—": "-", "–": "-", "‒": "-",
                           "\u00a0": " "})
US_RE = re.compile(r"\bU\.\s?S\.(?=\s|$|[^\w])|\bU\.S\b")


def normalize_text(text: str) -> str:
    """Unify quote marks and dashes, and write ``U.S.`` as ``US``; case is kept.

    >>> normalize_text("“U.S. curbs” — he said")
    '"US curbs" - he said'
    """
    return US_RE.sub("US", unicodedata.normalize("NFKC", text).translate(QUOTE_MAP))


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def split_sentences(text: str) -> list[str]:
    """Split clean article text into sentences with pySBD; paragraphs never merge.

    Handles news abbreviations such as "Jan. 27", "U.S." and "Co.".
    """
    sentences = []
    for paragraph in text.split("\n"):
        if paragraph.strip():
            sentences.extend(s.strip() for s in _segmenter().segment(paragraph) if s.strip())
    return sentences


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
    text = normalize_quotes_for_speakers(sentence)
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


def normalize_quotes_for_speakers(text: str) -> str:
    """Collapse doubled spaces; keep quote marks (offsets are not needed here)."""
    return re.sub(r"\s+", " ", text)


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
    rest = normalize_quotes_for_speakers(after[match.end():][:200])
    patterns = _speaker_patterns()
    for key in ("verb_subject", "subject_verb"):
        found = patterns[key].match(rest)
        if found:
            speaker, kind = _match_speaker(found)
            if speaker:
                return speaker, kind
    return None


def _persons_named(paragraph: str) -> list[tuple[int, str]]:
    """``(offset, name)`` of each person a sentence of the paragraph reports as speaking."""
    named, cursor = [], 0
    for sentence in split_sentences(paragraph):
        position = paragraph.find(sentence, cursor)
        cursor = max(cursor, position + len(sentence))
        speaker, stype = attribute_sentence(sentence)
        if stype == "person" and speaker not in _speaker_vocab()["groups"]:
            named.append((position, speaker))
    return named


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
    rows = []
    offset = 0
    last_person = last_paragraph_speaker = ""
    for paragraph in text.split("\n"):
        named = _persons_named(paragraph)
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
        offset += len(paragraph) + 1
    table = pd.DataFrame(rows, columns=["quote", "speaker", "speaker_type", "start", "end", "n_words"])
    table["speaker"] = canonical_speakers(table["speaker"], text)
    return table


def canonical_speakers(speakers: pd.Series, text: str) -> pd.Series:
    """Expand one-word surnames to the full name used elsewhere in the same text.

    "Altman" becomes "Sam Altman" when the text says "Sam Altman" anywhere, and "Ye"
    becomes "Ye Kejiang" (family name first); a name that fits two full names is kept.
    """
    full_names = sorted(set(re.findall(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b", text)))

    def expand(speaker: str) -> str:
        if not speaker or " " in speaker or not speaker[:1].isupper():
            return speaker
        longer = [n for n in full_names if speaker in (n.split()[0], n.split()[-1])
                  and len(n.split()) == 2 and n != speaker
                  and n.split()[0].lower() not in _speaker_vocab()["titles"]
                  and n.split()[0].lower() not in _speaker_vocab()["not_names"]]
        return longer[0] if len(longer) == 1 else speaker

    return speakers.map(expand)


def sentence_speakers(corpus: pd.DataFrame) -> pd.DataFrame:
    """The speaker whose view each sentence carries.

    Returns
    -------
    DataFrame ``doc_id, sent_id, sentence, speaker, speaker_type, attribution``, one row
    per sentence of :func:`corpus_sentences`. ``attribution`` is ``quote`` (the sentence
    holds a direct quote), ``reported`` (reported speech), ``pronoun`` (resolved "he
    said"), or ``author`` (the writer's own voice, ``speaker_type`` ``author``).
    """
    rows = []
    for doc_id, text in zip(corpus["doc_id"], corpus["text"], strict=True):
        quotes = extract_quotes(text)
        last_person = ""
        cursor = 0
        for sent_id, sentence in enumerate(split_sentences(text)):
            start = text.find(sentence, cursor)
            end = start + len(sentence)
            cursor = max(cursor, end) if start >= 0 else cursor
            inside = quotes[(quotes["start"] < end) & (quotes["end"] > start) & (quotes["speaker"] != "")]
            speaker, stype = attribute_sentence(sentence)
            attribution = "reported"
            if len(inside):
                first = inside.iloc[0]
                speaker, stype, attribution = first["speaker"], first["speaker_type"], "quote"
            elif stype == "pronoun":
                speaker, stype, attribution = (last_person, "person", "pronoun") if last_person \
                    else ("author", "author", "author")
            elif stype == "author":
                attribution = "author"
            if stype == "person" and attribution != "author":
                last_person = speaker
            rows.append({"doc_id": doc_id, "sent_id": sent_id, "sentence": sentence,
                         "speaker": speaker, "speaker_type": stype, "attribution": attribution})
        if rows:
            block = [r for r in rows if r["doc_id"] == doc_id]
            expanded = canonical_speakers(pd.Series([r["speaker"] for r in block]), text)
            for row, name in zip(block, expanded, strict=True):
                row["speaker"] = name
    return pd.DataFrame(rows, columns=["doc_id", "sent_id", "sentence", "speaker", "speaker_type",
                                       "attribution"])


def corpus_quotes(corpus: pd.DataFrame) -> pd.DataFrame:
    """:func:`extract_quotes` over a corpus: ``doc_id`` plus its columns, in text order."""
    tables = [extract_quotes(text).assign(doc_id=doc_id)
              for doc_id, text in zip(corpus["doc_id"], corpus["text"], strict=True)]
    columns = ["doc_id", "quote", "speaker", "speaker_type", "start", "end", "n_words"]
    if not tables:
        return pd.DataFrame(columns=columns)
    return pd.concat(tables, ignore_index=True)[columns]


def cited_sources(corpus: pd.DataFrame) -> pd.DataFrame:
    """People and institutions quoted or cited per article.

    Returns
    -------
    DataFrame ``doc_id, speaker, speaker_type, n_mentions``: sentences attributed to the
    speaker (quotes and reported speech), sorted by ``doc_id`` then ``speaker``.
    """
    speakers = sentence_speakers(corpus)
    cited = speakers[speakers["speaker_type"].isin(["person", "institution"])]
    table = (cited.groupby(["doc_id", "speaker", "speaker_type"]).size()
             .rename("n_mentions").reset_index())
    return table.sort_values(["doc_id", "speaker"], kind="stable").reset_index(drop=True)


# ======================================================================================
# terms
# ======================================================================================


# ======================================================================================
# stance
# ======================================================================================


# ======================================================================================
# overlap
# ======================================================================================


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


def notebook_summary(path: str | Path) -> dict:
    """Title and one-line question of a notebook: its first heading and the next paragraph."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    first_md = next(("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"), "")
    lines = [ln.strip() for ln in first_md.splitlines() if ln.strip()]
    title = next((ln.lstrip("# ") for ln in lines if ln.startswith("#")), Path(path).stem)
    question = next((ln for ln in lines if not ln.startswith("#")), "")
    return {"stem": Path(path).stem, "title": title, "question": question}


def render_index(pages: list[dict], title: str, subtitle: str = "") -> str:
    """HTML for the report index: one linked card per page; every string is escaped."""
    cards = "\n".join(
        f'<li><a href="{html.escape(p["stem"])}.html">{html.escape(p["title"])}</a>'
        f"<p>{html.escape(p['question'])}</p></li>"
        for p in pages
    )
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:Georgia,serif;max-width:46rem;margin:3rem auto;padding:0 1rem;"
        "line-height:1.5;color:#222}li{margin-bottom:1.2rem}a{font-weight:bold;color:#1f5f8b}"
        "ul{list-style:none;padding:0}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p>"
        f"<ul>\n{cards}\n</ul></body></html>\n"
    )


def write_report_index(report_dir: str | Path, notebooks: list[str | Path], title: str,
                       subtitle: str = "") -> Path:
    """Write ``index.html`` in ``report_dir`` linking the HTML page of each notebook."""
    pages = [notebook_summary(p) for p in sorted(notebooks, key=lambda p: Path(p).name)]
    out = Path(report_dir) / "index.html"
    out.write_text(render_index(pages, title, subtitle), encoding="utf-8")
    return out
