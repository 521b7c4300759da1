"""WordLlama sentence vectors: static token embeddings whose weights ship inside the wheel,
so nothing is downloaded at run time.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

__all__ = ["sentence_vectors"]


@cache
def _wordllama():
    """The WordLlama model shipped in the package (256 dimensions); never downloads."""
    import wordllama
    from wordllama import WordLlama

    return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def sentence_vectors(texts: list[str]) -> np.ndarray:
    """Unit-length 256-dimensional vectors, one row per text (``len(texts) × 256``)."""
    if not texts:
        return np.zeros((0, 256), dtype=np.float32)
    return np.asarray(_wordllama().embed(list(texts), norm=True), dtype=np.float32)
