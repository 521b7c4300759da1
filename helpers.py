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
HEADLINE_WORDS = (5, 25)
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
        With no headline, the first line that reads as a title (5–25 words, no closing
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
    """Return the first line if it reads as a title (5–25 words, no closing full stop)."""
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


def _records_from_folder(folder: Path, log: _LoadLog) -> list[dict]:
    metadata = _read_metadata(folder, log)
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".txt" and p.is_file())
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
        record = {"file": path.name, "raw_text": raw_text, "encoding": encoding}
        record.update(meta or {"doc_id": path.stem})
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


def load_corpus(source: str | Path = "seeds", *, strict: bool = False) -> pd.DataFrame:
    """Load, clean and audit a corpus of news articles.

    Parameters
    ----------
    source : a folder of ``.txt`` files (optional ``metadata.csv`` with columns
        ``file, doc_id, outlet, origin, headline, published, date_basis, language, notes``),
        or a ``.csv`` / ``.jsonl`` file with one article per row (Media Cloud names
        ``stories_id``/``id``, ``title``, ``publish_date``, ``media_name``, ``url``, ``text``
        are understood). A relative path is tried as given, then under the project root.
    strict : raise ``ValueError`` on the first problem instead of warning.

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


# ======================================================================================
# terms
# ======================================================================================


# ======================================================================================
# stance
# ======================================================================================


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
CANDIDATE_MAX_DF = (0.01, 100)  # top-k search only: drop words in >1% of articles and >100 (no story identity)
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
        key = unicodedata.normalize("NFKC", match.group(0)).translate(QUOTE_MAP)
        tokens.append(Token(key.replace(".", "").lower(), match.start(), match.end()))
    return tokens


def overlap_keys(text: str) -> list[str]:
    """Just the normalised keys of :func:`overlap_tokens` (faster when offsets are not needed).

    When mapping quotes and dashes and lower-casing keep the text's length and NFKC leaves it
    unchanged, the whole text is normalised at once; otherwise word by word, as
    :func:`overlap_tokens` does.
    """
    mapped = text.translate(QUOTE_MAP)
    lowered = mapped.lower()
    if len(lowered) == len(text) and unicodedata.is_normalized("NFKC", mapped):
        return [w.replace(".", "") if "." in w else w for w in _OVERLAP_TOKEN_RE.findall(lowered)]
    return [unicodedata.normalize("NFKC", w).translate(QUOTE_MAP).replace(".", "").lower()
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


def _shingle_hashes(keys: list[str], vocab: dict[str, int], k: int = SHINGLE_WORDS) -> np.ndarray:
    """Unique 64-bit hashes of the word k-grams of ``keys`` (``vocab`` grows with new words).

    Word ids are combined by a polynomial in uint64 arithmetic; two different shingles
    collide with probability about 2^-64 per pair.
    """
    ids = np.fromiter((vocab.setdefault(w, len(vocab) + 1) for w in keys), dtype=np.uint64,
                      count=len(keys))
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


def shingle_matrix(texts: list[str] | list[list[str]], k: int = SHINGLE_WORDS):
    """Binary documents × shingles matrix (``scipy.sparse.csr_matrix``, int32).

    ``texts`` are strings or already-made :func:`overlap_keys` lists. Row ``i`` marks the
    distinct word ``k``-grams of text ``i``; ``X @ X.T`` gives the shared-shingle counts of
    every pair and the row sums give each text's shingle count.
    Returns ``(matrix, hashes)`` where ``hashes[i]`` is the uint64 array of row ``i``.
    """
    from scipy import sparse

    vocab: dict[str, int] = {}
    hashes = [_shingle_hashes(overlap_keys(t) if isinstance(t, str) else t, vocab, k) for t in texts]
    lengths = np.array([len(h) for h in hashes])
    if lengths.sum() == 0:
        return sparse.csr_matrix((len(texts), 0), dtype=np.int32), hashes
    columns, inverse = np.unique(np.concatenate(hashes), return_inverse=True)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    matrix = sparse.csr_matrix((np.ones(len(inverse), dtype=np.int32), inverse.ravel(), indptr),
                               shape=(len(texts), len(columns)))
    return matrix, hashes


_COSINE_DROP_RE = re.compile(r"'s(?= |$)|(?<![^ ])(?:\d+|[^ ])(?= |$)")


def _cosine_text(text: str | list[str]) -> str:
    """Space-joined word keys for TF-IDF: possessive 's dropped, numbers and one-letter words removed."""
    keys = overlap_keys(text) if isinstance(text, str) else text
    return _COSINE_DROP_RE.sub("", " ".join(keys))


def tfidf_matrix(texts: list[str] | list[list[str]]):
    """L2-normalised TF-IDF rows (sublinear tf, English stop words dropped) for cosine.

    ``texts`` are strings or :func:`overlap_keys` lists. Returns a ``scipy.sparse`` matrix;
    ``T @ T.T`` is the cosine of every pair. IDF is fitted on ``texts`` themselves, so cosine
    depends somewhat on what else is in the corpus.
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    joined = [_cosine_text(t) for t in texts]
    vectorizer = TfidfVectorizer(token_pattern=r"[^ ]{2,}", lowercase=False, sublinear_tf=True,
                                 stop_words=sorted(ENGLISH_STOP_WORDS), dtype=np.float64)
    try:
        return vectorizer.fit_transform(joined)
    except ValueError:  # no term left in any text
        from scipy import sparse

        return sparse.csr_matrix((len(texts), 1))


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


def minhash_candidates(hashes: list[np.ndarray], bands: int = LSH_BANDS,
                       rows: int = LSH_ROWS, seed: int = 1) -> set[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, whose MinHash signatures collide in some LSH band.

    ``hashes[i]`` holds the uint64 shingle hashes of document ``i`` (see :func:`shingle_matrix`).
    Uses ``datasketch`` MinHash (``bands × rows`` permutations) and ``MinHashLSH``; a pair with
    Jaccard ``J`` becomes a candidate with probability ``1 - (1 - J^rows)^bands``.
    """
    from datasketch import MinHash, MinHashLSH

    num_perm = bands * rows
    lsh = MinHashLSH(num_perm=num_perm, params=(bands, rows))
    present = [i for i, h in enumerate(hashes) if len(h)]
    signatures = MinHash.bulk([hashes[i].tolist() for i in present], num_perm=num_perm, seed=seed,
                              hashfunc=int, scheme="affine64")
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
    n = tfidf.shape[0]
    pairs: set[tuple[int, int]] = set()
    transposed = tfidf.T.tocsc()
    for lo in range(0, n, chunk):
        block = (tfidf[lo:lo + chunk] @ transposed).toarray()
        for r in range(block.shape[0]):
            block[r, lo + r] = -1.0
        top = np.argpartition(-block, min(k, n - 1) - 1, axis=1)[:, :k] if n > 1 else np.zeros((0, 0), int)
        for r, cols in enumerate(top):
            i = lo + r
            pairs.update((min(i, int(j)), max(i, int(j))) for j in cols if block[r, j] >= min_cosine)
    return pairs


# --- quotes and quoted sources ---------------------------------------------------------


def quote_key(quote: str) -> str:
    """A quote reduced for matching: normalised words (:func:`overlap_tokens`) joined by spaces."""
    return " ".join(t.key for t in overlap_tokens(quote))


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


def _quote_block_pairs(keys: list[str], docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of quotes from different articles that share at least ``QUOTE_BLOCK_SHARE`` of the
    shorter quote's distinct content words (English stop words ignored); only these are scored."""
    from scipy import sparse
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    vectorizer = CountVectorizer(token_pattern=r"[^ ]+", lowercase=False, binary=True,
                                 stop_words=sorted(ENGLISH_STOP_WORDS))
    try:
        words = vectorizer.fit_transform(keys).tocsr()
    except ValueError:  # only stop words
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    sizes = np.diff(words.indptr)
    shared = sparse.triu(words @ words.T, k=1).tocoo()
    smaller = np.minimum(sizes[shared.row], sizes[shared.col])
    keep = (shared.data >= QUOTE_BLOCK_SHARE * smaller) & (docs[shared.row] != docs[shared.col])
    return shared.row[keep], shared.col[keep]


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
    for i, j in zip(*_quote_block_pairs(keys, docs), strict=True):
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
    return " ".join(t.key for t in overlap_tokens(name))


def speaker_mentions(sources: pd.DataFrame, quotes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Who is quoted or cited where: ``doc_id, speaker, speaker_type, n_mentions, n_quotes``.

    ``sources`` has ``doc_id, speaker, speaker_type, n_mentions`` (``cited_sources``); ``quotes``
    (``corpus_quotes``) adds the count of direct quotes. Speakers are merged across articles by
    :func:`speaker_key`; the most frequent spelling names the row. Only ``SPEAKER_TYPES_COUNTED``
    are kept, so the article's own voice is not a source.
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
    table = table[table["key"] != ""]
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
    keys = [overlap_keys(t) for t in texts]
    matrix_x, hashes = shingle_matrix(keys)
    tfidf = tfidf_matrix(keys)
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
        runs = maximal_runs(keys[i], keys[j], PASSAGE_MIN_WORDS)
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
    quotes : ``doc_id, quote, speaker, speaker_type, ...``; default :func:`corpus_quotes`.
    sources : ``doc_id, speaker, speaker_type, n_mentions``; default :func:`cited_sources`.
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
    if quotes is None:
        quotes = corpus_quotes(corpus)
    if sources is None:
        sources = cited_sources(corpus)
    if table.empty:
        return pd.DataFrame(columns=OVERLAP_COLUMNS)
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


def similarity_matrix(pairs: pd.DataFrame, doc_ids: list[str], measure: str) -> pd.DataFrame:
    """Square docs × docs table of one pair measure (NaN for pairs not measured).

    For ``containment`` the cell ``[row, col]`` is the share of the row article's shingles
    found in the column article; other measures are symmetric. The diagonal is NaN.
    """
    docs = [str(d) for d in doc_ids]
    matrix = pd.DataFrame(np.nan, index=pd.Index(docs, name="doc_id"), columns=docs)
    for row in pairs.itertuples(index=False):
        a, b = str(row.doc_a), str(row.doc_b)
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
    """``networkx.Graph`` of articles; an edge per pair whose relation is in ``NETWORK_RELATIONS``,
    with ``relation`` and ``weight`` (the larger containment of the two directions)."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(sorted(str(d) for d in doc_ids))
    for row in pairs.sort_values(["doc_a", "doc_b"], kind="stable").itertuples(index=False):
        if row.relation in NETWORK_RELATIONS:
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
                            font_size=8, ax=ax, verticalalignment="bottom")
    handles = [Line2D([0], [0], color=RELATION_COLOURS[r], lw=3, label=r) for r in NETWORK_RELATIONS]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, -0.15), frameon=False, fontsize=8,
              ncol=2)
    ax.margins(0.2)
    ax.axis("off")
    fig.tight_layout()
    return fig


def plot_speaker_matrix(matrix: pd.DataFrame):
    """Heatmap of a speakers × articles table (cells = mentions; blank = not cited)."""
    import matplotlib.pyplot as plt

    values = matrix.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(1.5 + 0.6 * max(len(matrix.columns), 1),
                                    1.2 + 0.3 * max(len(matrix), 1)))
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
