"""Small input files for the loading tests, and a load that collects its warnings."""

import warnings
from pathlib import Path

import pandas as pd

import helpers


def write(folder: Path, name: str, content: str | bytes) -> Path:
    """Write ``content`` (text as UTF-8, or bytes as they are) to ``folder/name``."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def load_quietly(source, **kwargs) -> tuple[pd.DataFrame, list[str]]:
    """``load_corpus`` and the messages of its ``CorpusWarning``s; any other warning fails."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        corpus = helpers.load_corpus(source, **kwargs)
    others = [w for w in caught if not issubclass(w.category, helpers.CorpusWarning)]
    assert others == [], [str(w.message) for w in others]
    return corpus, [str(w.message) for w in caught if issubclass(w.category, helpers.CorpusWarning)]
