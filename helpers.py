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
