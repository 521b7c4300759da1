"""The Parquet cache of a cleaned corpus, keyed by a fingerprint of the inputs and lexicons.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from newsdesk.corpus.audit import cleaning_audit, load_problems
from newsdesk.paths import LEXICONS

__all__ = [
    "corpus_fingerprint",
    "read_cached_corpus",
    "write_cached_corpus",
]

_CACHE_VERSION = "3"  # bump when cleaning changes in a way the rules file does not show


def corpus_fingerprint(path: Path) -> str:
    """SHA-256 over the input files' names and bytes, the cleaning rules, the credit lines
    (origins) and _CACHE_VERSION."""
    digest = hashlib.sha256(_CACHE_VERSION.encode())
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    for file in [*files, LEXICONS / "cleaning_rules.csv", LEXICONS / "source_credits.csv"]:
        digest.update(file.name.encode() + b"\0" + hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def read_cached_corpus(folder: Path) -> pd.DataFrame:
    corpus = pd.read_parquet(folder / "corpus.parquet")
    corpus.attrs["audit"] = pd.read_parquet(folder / "audit.parquet")
    corpus.attrs["problems"] = pd.read_parquet(folder / "problems.parquet")
    return corpus


def write_cached_corpus(corpus: pd.DataFrame, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    plain = corpus.copy()
    plain.attrs = {}
    plain.to_parquet(folder / "corpus.parquet", index=False)
    cleaning_audit(corpus).to_parquet(folder / "audit.parquet", index=False)
    load_problems(corpus).to_parquet(folder / "problems.parquet", index=False)
