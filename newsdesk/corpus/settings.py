"""Thresholds of the line cleaner, each with its reason.
"""

from __future__ import annotations

import re

__all__ = [
    "TABLE_CHUNK_ROWS",
    "HEADLINE_WORDS",
    "LATIN_LETTER_RE",
    "LETTER_RE",
    "OTHER_SCRIPT_SHARE",
    "OUTSIDE_LATIN_RE",
    "PUBLICATION_WINDOW",
    "RELATIVE_DATE_RE",
    "REPEAT_MIN_WORDS",
    "SECTION_LABEL_MAX_WORDS",
    "TAG_LINE_MIN_JOINS",
]

OTHER_SCRIPT_SHARE = 0.5  # a line whose letters are mostly non-Latin is another script
LETTER_RE = re.compile(r"[^\W\d_]")

LATIN_LETTER_RE = re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")
OUTSIDE_LATIN_RE = re.compile(r"[^\x00-\u024F\u1E00-\u1EFF\u2000-\u206F\u20A0-\u20CF\u2100-\u214F]")

TAG_LINE_MIN_JOINS = 5  # 'intelligenceBeijingChina…': run-together keywords, no sentence
SECTION_LABEL_MAX_WORDS = 4
HEADLINE_WORDS = (4, 25)
REPEAT_MIN_WORDS = 8  # a line this long found inside another line is a repeated dek
TABLE_CHUNK_ROWS = 5000  # rows parsed at a time from a UTF-8 export; bounds the parser's memory
# Publication dates outside this window are typos or history dates ("July 4, 1776"), not when a
# web news article appeared; web news begins in the 1990s and pandas stores dates up to 2262.
PUBLICATION_WINDOW = ("1990-01-01", "2099-12-31")
# Metadata words that name a date relative to the moment of reading, so they depend on the run.
RELATIVE_DATE_RE = re.compile(r"\b(today|now|yesterday|tomorrow|ago|last|next|this)\b", re.IGNORECASE)
