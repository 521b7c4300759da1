"""Read a folder or glob of export shards on a Dask cluster, clean each shard on a worker with
:func:`load_corpus`, settle what crosses shards (repeated doc_ids, identical texts) with small
grouped tables, and write the cleaned corpus, its audit and its problems as Parquet: the cache.
"""

from __future__ import annotations

import glob
import hashlib
import tempfile
import warnings
from pathlib import Path

import pandas as pd

from newsdesk.cluster.gather import gather_small
from newsdesk.corpus.audit import cleaning_audit, load_problems
from newsdesk.corpus.clean import line_match_key
from newsdesk.corpus.load import load_corpus
from newsdesk.corpus.schema import AUDIT_COLUMNS, CORPUS_COLUMNS, PROBLEM_COLUMNS, CorpusWarning
from newsdesk.paths import LEXICONS

__all__ = [
    "SHARD_COLUMNS",
    "SHARD_SUFFIXES",
    "clean_shard",
    "prepare_corpus",
    "shard_files",
]

SHARD_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".parquet")  # the export formats a shard may take
# The cleaned corpus as stored: the loader's columns, the shard's number, a key of the normalised text.
SHARD_COLUMNS = [*CORPUS_COLUMNS, "shard", "text_key"]
_IDENTICAL = "text identical to doc_id "  # the loader's problem for a repeated text (re-judged corpus-wide)
_CACHE_VERSION = "1"  # bump when the shard cleaning changes in a way its inputs do not show


def shard_files(source: str | Path) -> list[Path]:
    """The export shards of ``source``, sorted by name: a folder's ``SHARD_SUFFIXES`` files
    (not its subfolders), a glob such as ``exports/*.jsonl``, or one file.

    Raises ``ValueError`` naming ``source`` when it holds no shard.
    """
    path = Path(source)
    if path.is_dir():
        found = [p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SHARD_SUFFIXES]
    elif path.is_file():
        found = [path]
    else:
        found = [Path(p) for p in glob.glob(str(source)) if Path(p).is_file()]
    found = sorted((p for p in found if p.suffix.lower() in SHARD_SUFFIXES and not p.name.startswith(".")),
                   key=lambda p: (p.name, str(p)))
    if not found:
        raise ValueError(f"{source}: no export shards ({', '.join(SHARD_SUFFIXES)}) found")
    return found


def _empty(columns: list[str]) -> pd.DataFrame:
    table = pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
    if "published" in columns:
        table["published"] = table["published"].astype("datetime64[ns]")
    for column in ("n_words", "n_sentences", "shard", "line_no"):
        if column in columns:
            table[column] = table[column].astype("int64")
    return table


def _load_shard(path: Path, workdir: Path) -> pd.DataFrame:
    """:func:`load_corpus` of one shard; a Parquet shard is handed to it as JSONL text."""
    if path.suffix.lower() != ".parquet":
        return load_corpus(path)
    table = pd.read_parquet(path)
    table = table.astype(object).where(table.notna(), "").astype(str)
    copy = workdir / f"{path.stem}.jsonl"
    table.to_json(copy, orient="records", lines=True, force_ascii=False)
    corpus = load_corpus(copy)
    audit, problems = cleaning_audit(corpus), load_problems(corpus)
    corpus["file"] = corpus["file"].str.replace(f"{copy.name}#", f"{path.name}#", regex=False)
    problems["file"] = problems["file"].str.replace(copy.name, path.name, regex=False)
    corpus.attrs = {"audit": audit, "problems": problems}
    return corpus


def _warned_problem(message: str) -> dict:
    """A :class:`CorpusWarning` message (``"<file>: <problem> (<action>)"``) as a problem row."""
    file, _, rest = message.partition(": ")
    problem, _, action = rest.rpartition(" (")
    return {"file": file, "problem": problem, "action": action.rstrip(")")}


def clean_shard(path: str | Path, shard: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Clean one shard as :func:`load_corpus` cleans a file: ``(corpus, audit, problems)``.

    ``corpus`` has ``SHARD_COLUMNS`` (``text_key``: SHA-256 of the text as the loader compares
    texts); a shard with no article left gives an empty corpus and its problem. Problems are
    collected, not warned, so the caller reports them once.
    """
    path = Path(path)
    with warnings.catch_warnings(record=True) as caught, tempfile.TemporaryDirectory() as workdir:
        warnings.simplefilter("always")
        try:
            corpus = _load_shard(path, Path(workdir))
        except ValueError as exc:
            rows = [_warned_problem(str(w.message)) for w in caught if issubclass(w.category, CorpusWarning)]
            rows.append({"file": path.name, "problem": str(exc), "action": "skipped"})
            return _empty(SHARD_COLUMNS), _empty(AUDIT_COLUMNS), pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    audit, problems = cleaning_audit(corpus).copy(), load_problems(corpus).copy()
    corpus = corpus.copy()
    corpus.attrs = {}
    corpus["shard"] = shard
    corpus["text_key"] = [hashlib.sha256(line_match_key(t).encode()).hexdigest() for t in corpus["text"]]
    corpus["duplicate_of"] = ""  # judged corpus-wide by prepare_corpus
    problems = problems[~problems["problem"].str.startswith(_IDENTICAL)]
    return corpus[SHARD_COLUMNS], audit.reindex(columns=AUDIT_COLUMNS), problems[PROBLEM_COLUMNS]


def _shard_fingerprint(files: list[Path]) -> str:
    """SHA-256 over the shards' names and bytes (read in blocks), the cleaning rules and the version."""
    digest = hashlib.sha256(_CACHE_VERSION.encode())
    for file in [*files, LEXICONS / "cleaning_rules.csv"]:
        inner = hashlib.sha256()
        with file.open("rb") as handle:
            for block in iter(lambda h=handle: h.read(1 << 20), b""):
                inner.update(block)
        digest.update(file.name.encode() + b"\0" + inner.digest())
    return digest.hexdigest()


def _settle(part: pd.DataFrame, first_shard: dict, first_doc: dict) -> pd.DataFrame:
    """Drop a doc_id's later copies (kept in the first shard) and mark identical texts."""
    keep = [first_shard.get(d, s) == s for d, s in zip(part["doc_id"], part["shard"], strict=True)]
    part = part[keep].copy()
    part["duplicate_of"] = [first_doc.get(k, d) if first_doc.get(k, d) != d else ""
                            for k, d in zip(part["text_key"], part["doc_id"], strict=True)]
    return part


def _cross_shard_problems(corpus, ledger: list) -> tuple[dict, dict, pd.DataFrame]:
    """Repeated doc_ids and identical texts across the whole corpus, from grouped counts only."""
    ids = gather_small(corpus.groupby("doc_id")["shard"].agg(["count", "min"]), "doc_id counts", ledger,
                       where=lambda t: t[t["count"] > 1])
    texts = gather_small(corpus.groupby("text_key")["doc_id"].agg(["count", "min"]), "text counts", ledger,
                         where=lambda t: t[t["count"] > 1])
    first_shard = {str(d): int(s) for d, s in ids["min"].items()}
    first_doc = {str(k): str(d) for k, d in texts["min"].items()}
    rows = [{"file": str(d), "problem": f"doc_id {d} is used twice", "action": "skipped"}
            for d in sorted(first_shard)]
    wanted = corpus[corpus["text_key"].isin(sorted(first_doc))]
    repeated = gather_small(wanted[["doc_id", "file", "text_key"]],
                            "identical texts", ledger)
    for row in repeated.sort_values("doc_id", kind="stable").itertuples(index=False):
        if first_doc[row.text_key] != row.doc_id:
            rows.append({"file": row.file, "problem": f"{_IDENTICAL}{first_doc[row.text_key]}",
                         "action": "flagged in duplicate_of"})
    return first_shard, first_doc, pd.DataFrame(rows, columns=PROBLEM_COLUMNS)


def prepare_corpus(source: str | Path, out_dir: str | Path, client, ledger: list | None = None,
                   reuse: bool = True, strict: bool = False) -> Path:
    """Clean every shard of ``source`` on the cluster and write the cache under ``out_dir``.

    Writes ``corpus/`` and ``audit/`` (partitioned Parquet, one part per shard) and
    ``problems.parquet``, plus ``corpus.fingerprint`` (the inputs' hash); with ``reuse`` a
    cache whose fingerprint matches is kept as it is. Only grouped counts and the problem
    table come back to the client (recorded in ``ledger``, see :func:`gather_small`).

    Returns the folder holding the cache. Raises ``ValueError`` when no shard holds an article,
    and under ``strict`` on the first problem (``"<file>: <problem>"``, as :func:`load_corpus`).
    """
    import dask
    import dask.dataframe as dd

    out = Path(out_dir) / "cache"
    files = shard_files(source)
    stamp = _shard_fingerprint(files)
    ledger = [] if ledger is None else ledger
    if reuse and (out / "corpus.fingerprint").exists() and (out / "corpus.fingerprint").read_text() == stamp:
        return out
    out.mkdir(parents=True, exist_ok=True)
    cleaned = [dask.delayed(clean_shard, nout=3)(str(f), i) for i, f in enumerate(files)]
    corpus = dd.from_delayed([c[0] for c in cleaned], meta=_empty(SHARD_COLUMNS), verify_meta=False)
    audit = dd.from_delayed([c[1] for c in cleaned], meta=_empty(AUDIT_COLUMNS), verify_meta=False)
    problems = dd.from_delayed([c[2] for c in cleaned], meta=_empty(PROBLEM_COLUMNS), verify_meta=False)
    written = [corpus.to_parquet(out / "raw", write_index=False, overwrite=True, compute=False),
               audit.to_parquet(out / "audit", write_index=False, overwrite=True, compute=False)]
    shard_problems = gather_small(problems, "shard problems", ledger, also=written)  # one cleaning pass
    if strict and len(shard_problems):
        first = shard_problems.iloc[0]
        raise ValueError(f"{first['file']}: {first['problem']}")
    raw = dd.read_parquet(out / "raw")
    n_articles = gather_small(raw["doc_id"].count(), "article count", ledger)
    if not n_articles:
        raise ValueError(f"no articles in {source}: {len(shard_problems)} problems reported")
    first_shard, first_doc, crossing = _cross_shard_problems(raw, ledger)
    if strict and len(crossing):
        raise ValueError(f"{crossing.iloc[0]['file']}: {crossing.iloc[0]['problem']}")
    settled = raw.map_partitions(_settle, first_shard, first_doc, meta=raw._meta)
    settled.to_parquet(out / "corpus", write_index=False, overwrite=True)
    pd.concat([shard_problems, crossing], ignore_index=True).to_parquet(out / "problems.parquet", index=False)
    (out / "corpus.fingerprint").write_text(stamp)
    return out
