"""Thresholds of the line cleaner, each with its reason.
"""

from __future__ import annotations

import re

__all__ = [
    "CORPUS_LANGUAGE",
    "CREDIT_LINE_WINDOW",
    "ENGLISH_FUNCTION_SHARE",
    "ENGLISH_FUNCTION_WORDS",
    "LANGUAGE_MIN_LETTERS",
    "LANGUAGE_MIN_PROBABILITY",
    "LANGUAGE_NAMES",
    "LANGUAGE_SAMPLE_CHARS",
    "TABLE_CHUNK_ROWS",
    "HEADLINE_WORDS",
    "IGNORECASE_ASCII_LOOKALIKES",
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
# The non-ASCII letters that re.IGNORECASE matches to an ASCII letter (İ ı → i, ſ → s, K → k);
# a rule's quick word test cannot see them, so a line holding one always gets the full pattern.
IGNORECASE_ASCII_LOOKALIKES = frozenset("\u0130\u0131\u017f\u212a")
REPEAT_MIN_WORDS = 8  # a line this long found inside another line is a repeated dek
TABLE_CHUNK_ROWS = 5000  # rows parsed at a time from a UTF-8 export; bounds the parser's memory
# Credit lines open an article (wire credit, byline, dateline) or close it (republication note):
# the origin is looked for in this many characters at each end (about 800 words), so a very long
# page is not scanned whole (a 20 MB text took 5.6 s scanned whole).
CREDIT_LINE_WINDOW = 5000
# Publication dates outside this window are typos or history dates ("July 4, 1776"), not when a
# web news article appeared; web news begins in the 1990s and pandas stores dates up to 2262.
PUBLICATION_WINDOW = ("1990-01-01", "2099-12-31")
# Metadata words that name a date relative to the moment of reading, so they depend on the run.
RELATIVE_DATE_RE = re.compile(r"\b(today|now|yesterday|tomorrow|ago|last|next|this)\b", re.IGNORECASE)
CORPUS_LANGUAGE = "en"  # the analyses' lexicons, stopwords and cue words are English
# Share of words that are common English function words above which a text is English without
# asking the detector (news prose runs at 20–30 %; the check keeps detection off the hot path).
ENGLISH_FUNCTION_WORDS = frozenset("the of and to in a is that for on with as was said by it".split())
ENGLISH_FUNCTION_SHARE = 0.08
LANGUAGE_SAMPLE_CHARS = 2000  # the detector reads this much of an article; enough for a clear call
LANGUAGE_MIN_LETTERS = 20  # fewer letters than this are too few to name a language
LANGUAGE_MIN_PROBABILITY = 0.8  # py3langid's normalised probability needed to call a text foreign
# ISO 639-1 codes the messages name in words; other codes are shown as they are.
LANGUAGE_NAMES = {
    "ar": "Arabic", "bn": "Bengali", "de": "German", "en": "English", "es": "Spanish",
    "fa": "Persian", "fr": "French", "hi": "Hindi", "id": "Indonesian", "it": "Italian",
    "ja": "Japanese", "ko": "Korean", "nl": "Dutch", "pl": "Polish", "pt": "Portuguese",
    "ru": "Russian", "tr": "Turkish", "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}
