""":func:`load_corpus`: read a folder or export, clean every article, and return one row per
article with its audit and problems.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd

from newsdesk.corpus.audit import load_problems
from newsdesk.corpus.cache import corpus_fingerprint, read_cached_corpus, write_cached_corpus
from newsdesk.corpus.clean import clean_lines, line_match_key
from newsdesk.corpus.credits import origin_with_basis
from newsdesk.corpus.dates import date_from_text, date_offset, parse_date, slash_date_order
from newsdesk.corpus.language import foreign_language, language_name
from newsdesk.corpus.read import records_from_folder, records_from_table
from newsdesk.corpus.schema import AUDIT_COLUMNS, CORPUS_COLUMNS, PROBLEM_COLUMNS, LoadLog, QuietLog
from newsdesk.corpus.settings import CORPUS_LANGUAGE, TABLE_CHUNK_ROWS
from newsdesk.parallel import map_partitions_dask
from newsdesk.paths import PROJECT_ROOT
from newsdesk.text import split_sentences, word_count

__all__ = [
    "load_corpus",
]


def _build_row(record: dict, log: LoadLog) -> tuple[dict | None, list[dict]]:
    """Clean one record into a corpus row and its audit rows (``None`` if nothing is left)."""
    name = record["file"]
    headline_meta = record.get("headline", "") or ""
    kept, dropped = clean_lines(record["raw_text"], headline_meta)
    audit = [{"doc_id": record["doc_id"], **row} for row in dropped]
    headline = headline_meta or next((r["text"] for r in dropped if r["reason"] == "headline"), "")
    if "published" in record:
        published, basis = _metadata_date(record, log)
    else:
        published, basis, rejected = date_from_text(record["raw_text"])
        if rejected:
            log.report(name, basis, "date left empty")
    text = "\n".join(line for _, line in kept)
    language = foreign_language(text or record["raw_text"])
    if language is not None:
        log.report(name, f"not in the corpus language ({CORPUS_LANGUAGE}): detected "
                   f"{language_name(language)}", "skipped")
        return None, audit
    if not kept:
        log.report(name, "no article text left after cleaning (all lines are furniture)", "skipped")
        return None, audit
    origin, origin_basis = origin_with_basis(record["raw_text"], record.get("origin") or "")
    row = {
        "doc_id": str(record["doc_id"]),
        "file": name,
        "outlet": record.get("outlet") or "unknown",
        "origin": origin,
        "origin_basis": origin_basis,
        "headline": headline,
        "published": published,
        "date_basis": basis,
        "language": record.get("language") or "en",
        "url": record.get("url", ""),
        "encoding": record.get("encoding", ""),
        "duplicate_of": "",
        "raw_text": record["raw_text"],
        "text": text,
        "n_words": word_count(text),
        "n_sentences": len(split_sentences(text)),
    }
    if "\r\n" in record["raw_text"]:
        log.report(name, "Windows (CRLF) line endings; normalised to LF", "loaded")
    return row, audit


def _metadata_date(record: dict, log: LoadLog) -> tuple[pd.Timestamp, str]:
    """The publication day given in metadata (or an export column) and how it is known.

    A bad value (unparseable, relative, ambiguous, outside the window) is reported naming
    the file and the value, and left empty; a UTC offset is recorded in the basis.
    """
    value, dayfirst = record["published"], record.get("dayfirst")
    try:
        published = parse_date(value, dayfirst)
    except ValueError as exc:
        log.report(record["file"], f"{exc} in metadata", "date left empty")
        return pd.NaT, f"{exc} in metadata; left empty"
    basis = record.get("date_basis") or ("metadata" if pd.notna(published) else "metadata: no date")
    if offset := date_offset(value, dayfirst):
        basis += f"; '{value}' read as the publisher's local date (UTC offset {offset})"
    return published, basis


def _settle_date_orders(records: list[dict], log: LoadLog) -> None:
    """Give each record the day/month order of its file's slash dates (``dayfirst``).

    The order is reported once per file that has dates it decides; a file that mixes
    day-first and month-first dates is reported and its ambiguous dates are rejected.
    """
    by_source: dict[str, list[str]] = {}
    for record in records:
        if "published" in record:
            by_source.setdefault(record.get("date_source", record["file"]), []).append(
                str(record["published"]))
    orders = {}
    for source, values in sorted(by_source.items()):
        dayfirst, evidence = slash_date_order(values)
        orders[source] = dayfirst
        ambiguous = [v for v in values if _is_ambiguous_slash_date(v)]
        if not ambiguous or not evidence:
            continue
        if dayfirst is None:
            log.report(source, f"slash dates mix {evidence}", "ambiguous dates left empty")
        else:
            order = "day-first" if dayfirst else "month-first"
            log.report(source, f"slash dates such as {ambiguous[0]!r} read {order}, as {evidence!r} "
                       "in the same file can only be", f"{len(ambiguous)} ambiguous dates read {order}")
    for record in records:
        if "published" in record:
            record["dayfirst"] = orders[record.get("date_source", record["file"])]


def _is_ambiguous_slash_date(value: str) -> bool:
    parts = re.match(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{4}\s*$", value)
    return bool(parts) and int(parts.group(1)) <= 12 and int(parts.group(2)) <= 12 \
        and parts.group(1) != parts.group(2)


def _flag_identical_texts(rows: list[dict], log: LoadLog) -> None:
    """Mark every copy of an identical normalised text (``duplicate_of``) with its original.

    The original is the earliest dated row of the group; undated rows come after dated ones,
    and input order breaks ties, so an aggregator's later copy never outranks the page it
    copied, wherever it sits in the input.
    """
    if len(rows) < 2:
        return  # one article has nothing to equal; its text is not hashed
    digests = [hashlib.sha256(line_match_key(row["text"]).encode()).hexdigest() for row in rows]
    original_of: dict[str, int] = {}
    for position, digest in enumerate(digests):
        best = original_of.get(digest)
        if best is None or _original_rank(rows[position], position) < _original_rank(rows[best], best):
            original_of[digest] = position
    for position, (row, digest) in enumerate(zip(rows, digests, strict=True)):
        original = original_of[digest]
        if position != original:
            row["duplicate_of"] = rows[original]["doc_id"]
            log.report(row["file"], f"text identical to doc_id {row['duplicate_of']}",
                       "flagged in duplicate_of")


def _original_rank(row: dict, position: int) -> tuple[bool, pd.Timestamp, int]:
    """Sort key of a candidate original: dated first, earliest date, then input position."""
    published = pd.to_datetime(row.get("published"), errors="coerce")
    undated = published is None or pd.isna(published)
    return undated, pd.Timestamp.min if undated else published, position


_PROGRESS_MIN_RECORDS = 2000  # loads shorter than this show no progress bar


def _clean_records(records: list[dict]) -> list[tuple[dict | None, list[dict], list[dict]]]:
    """Clean input records independently: ``(row, audit rows, problems)`` for each.

    The per-article step of :func:`load_corpus` (``row`` is ``None`` when nothing is left);
    problems are collected, not warned, so the caller reports them in input order. Used
    as it is by the Dask path (:func:`map_partitions_dask`).
    """
    return list(_clean_each(records))


def _clean_each(records: list[dict]):
    for record in records:
        log = QuietLog(strict=False)
        row, audit = _build_row(record, log)
        yield row, audit, log.problems


def _show_progress(progress: bool | None, n: int) -> bool:
    """``progress=None`` shows a bar only for long loads on an interactive terminal, so
    notebooks (nbval, papermill: stderr is not a terminal) stay silent."""
    import sys

    if progress is None:
        return n >= _PROGRESS_MIN_RECORDS and sys.stderr is not None and sys.stderr.isatty()
    return bool(progress)


def load_corpus(source: str | Path = "seeds", *, strict: bool = False,
                cache_dir: str | Path | None = None, progress: bool | None = None,
                client: object | None = None, chunk_rows: int = TABLE_CHUNK_ROWS) -> pd.DataFrame:
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
        shows one only for ``_PROGRESS_MIN_RECORDS`` or more articles and only when stderr
        is a terminal, so notebooks run by nbval or papermill stay silent.
    client : a ``dask.distributed.Client``; if given, articles are cleaned on its workers
        (:func:`_clean_records` over partitions). The result is the same as without it.
    chunk_rows : rows parsed at a time from a UTF-8 export; bounds the parser's memory and
        does not change the result.

    Returns
    -------
    DataFrame with one row per article, sorted by ``doc_id``, columns ``CORPUS_COLUMNS``
    (``published`` is datetime64, ``NaT`` when unknown). ``origin`` is who first wrote the
    story, from metadata, else the text's first credit line, else ``unknown``;
    ``origin_basis`` says which (``metadata``, ``credit line: <matched text>``, ``none found``).
    ``attrs["audit"]`` holds every dropped line (see :func:`cleaning_audit`) and
    ``attrs["problems"]`` every problem reported (see :func:`load_problems`).
    """
    path = Path(source)
    if not path.exists() and not path.is_absolute() and (PROJECT_ROOT / path).exists():
        path = PROJECT_ROOT / path
    if cache_dir is not None and path.exists():
        cached = Path(cache_dir) / corpus_fingerprint(path)
        if (cached / "problems.parquet").exists():
            corpus = read_cached_corpus(cached)
            log = LoadLog(strict=strict)
            for problem in load_problems(corpus).itertuples():
                log.report(problem.file, problem.problem, problem.action)
            return corpus
        corpus = load_corpus(path, strict=strict, progress=progress, client=client)
        write_cached_corpus(corpus, cached)
        return corpus
    log = LoadLog(strict=strict)
    if path.is_dir():
        records = records_from_folder(path, log)
    elif path.is_file() and path.suffix.lower() in (".csv", ".jsonl", ".ndjson"):
        records = records_from_table(path, log, chunk_rows)
    elif path.is_file():
        raise ValueError(f"{path.name}: unsupported input; give a folder of .txt files, a .csv or a .jsonl")
    else:
        raise ValueError(f"{path.name}: no such file or folder")

    _settle_date_orders(records, log)
    seen_ids: set[str] = set()
    ordered = sorted(records, key=lambda r: (str(r["doc_id"]), r.get("order", 0), r["file"]))
    unique = []
    for record in ordered:
        if str(record["doc_id"]) not in seen_ids:
            seen_ids.add(str(record["doc_id"]))
            unique.append(record)
    if client is not None:
        built = iter(map_partitions_dask(_clean_records, unique, client))
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

    if not rows:
        n = len(log.problems)
        reported = f"{n} problem{'s' if n != 1 else ''} reported" if n else "no .txt or .html files"
        raise ValueError(f"no articles in {path.name or path}: {reported}")
    corpus = pd.DataFrame(rows, columns=CORPUS_COLUMNS)
    corpus["published"] = pd.to_datetime(corpus["published"]).astype("datetime64[ns]")
    corpus = corpus.sort_values("doc_id", kind="stable").reset_index(drop=True)
    corpus.attrs["audit"] = pd.DataFrame(audit, columns=AUDIT_COLUMNS).sort_values(
        ["doc_id", "line_no"], kind="stable").reset_index(drop=True)
    corpus.attrs["problems"] = pd.DataFrame(log.problems, columns=PROBLEM_COLUMNS)
    return corpus
