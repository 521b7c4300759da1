"""Keyword in context: every occurrence of a term with the words around it.
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from newsdesk.terms.model import term_stopwords
from newsdesk.terms.settings import CLAUSE_BREAK_CHARS, KWIC_MAX_GAP
from newsdesk.text import normalize_text

__all__ = [
    "kwic",
]

# A query's words: every run of letters or digits, one letter and numbers included, so that
# "5 nm" or "U.S." keep all their pieces (the model's own tokens drop those).
_QUERY_WORD_RE = re.compile(r"[^\W_]+")


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
    Raises ``ValueError`` naming ``term`` or ``width`` when it is not a str / an int ≥ 0.
    """
    if not isinstance(term, str):
        raise ValueError(f"term must be a word or phrase (a str), not {term!r}")
    if isinstance(width, bool) or not isinstance(width, int) or width < 0:
        raise ValueError(f"width must be a whole number of characters, 0 or more, not {width!r}")
    columns = ["doc_id", "left", "match", "right"]
    words = _QUERY_WORD_RE.findall(normalize_text(term))
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
