"""Where the project's files are, and the one reader for lexicons.

Lexicons live in ``lexicons/``. Word lists (``.txt``) hold one entry per line, and ``#``
starts a comment anywhere on a line (the rest of the line is its reason); tables (``.csv``)
are read with every cell a string. Everything built from a lexicon is cached with
:func:`lexicon_cache`, so :func:`reload_lexicons` shows an edited lexicon without a kernel restart.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import pandas as pd

__all__ = [
    "LABELS",
    "LEXICONS",
    "PROJECT_ROOT",
    "lexicon_cache",
    "read_lexicon_table",
    "read_word_list",
    "reload_lexicons",
]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LEXICONS = PROJECT_ROOT / "lexicons"
LABELS = PROJECT_ROOT / "labels"  # hand-written labelled sentences and pairs (labels/README.md)

F = TypeVar("F", bound=Callable)
_LEXICON_CACHES: list = []


def lexicon_cache(func: F | None = None, *, maxsize: int | None = None):
    """``functools.lru_cache`` for a function whose result is built from lexicon files;
    :func:`reload_lexicons` clears it. Use bare (unbounded) or as ``@lexicon_cache(maxsize=n)``."""
    def wrap(inner: F) -> F:
        cached = lru_cache(maxsize=maxsize)(inner)
        _LEXICON_CACHES.append(cached)
        return cached  # type: ignore[return-value]

    return wrap(func) if func is not None else wrap


def reload_lexicons() -> int:
    """Forget every lexicon read so far, so the next call reads the files again.

    Returns the number of caches cleared. Use it after editing a file in ``lexicons/``.
    """
    for cached in _LEXICON_CACHES:
        cached.cache_clear()
    return len(_LEXICON_CACHES)


@lexicon_cache
def read_word_list(name: str) -> tuple[str, ...]:
    """Entries of ``lexicons/<name>`` in file order: one per line, ``#`` starts a comment,
    surrounding white space and blank lines dropped."""
    lines = (LEXICONS / name).read_text(encoding="utf-8").splitlines()
    entries = (line.split("#", 1)[0].strip() for line in lines)
    return tuple(entry for entry in entries if entry)


@lexicon_cache
def _lexicon_table(name: str) -> pd.DataFrame:
    return pd.read_csv(LEXICONS / f"{name}.csv", dtype=str, keep_default_na=False)


def read_lexicon_table(name: str) -> pd.DataFrame:
    """A copy of ``lexicons/<name>.csv`` with every cell a string (empty cells are ``""``)."""
    return _lexicon_table(name).copy()
