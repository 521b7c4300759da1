"""Settings of the term analysis (notebook 02), each with its reason.
"""

from __future__ import annotations

import re

__all__ = [
    "CLAUSE_BREAK",
    "CLAUSE_BREAK_CHARS",
    "CONTRAST_MIN_DOCS",
    "HEATMAP_ANNOTATE_CELLS",
    "HEATMAP_MAX_DOCS",
    "HEATMAP_MAX_TERMS",
    "HEATMAP_TERMS_PER_DOC",
    "KWIC_MAX_GAP",
    "PERIOD_ALIASES",
    "POLICY_WORDS",
    "STOPWORD_FILES",
    "TERM_NGRAMS",
    "TERM_TOKEN",
    "TERM_TOKEN_RE",
    "TOP_TERMS_N",
    "TREND_MIN_DOCS",
    "TREND_MIN_PERIODS",
    "TREND_TERMS_N",
    "Z_95",
]

STOPWORD_FILES = ("stopwords_en.txt", "stopwords_news.txt")  # English base + news furniture
TERM_NGRAMS = (1, 2)  # unigrams and bigrams ("export controls"), as term_ngrams builds them


# Bigrams never span these: sentence punctuation before a space, line breaks, brackets and
# dashes; "... curbs. The US" gives no bigram "curbs us".
CLAUSE_BREAK_CHARS = ".!?;:\n()[]—–"
CLAUSE_BREAK = r"[.!?;:]+(?=\s|$)|[\n()\[\]—–]"


# The model's tokens: such runs of two or more characters that are not digits only. One-letter
# pieces ("s" of a split possessive) carry no meaning; "2025" is a number, "h800" is a term.
TERM_TOKEN = r"(?<![^\W_])(?!\d+(?![^\W_]))[^\W_]{2,}"
TERM_TOKEN_RE = re.compile(TERM_TOKEN)

TOP_TERMS_N = 10  # terms listed per article
TREND_TERMS_N = 6  # corpus top terms followed over time when none are given
HEATMAP_TERMS_PER_DOC = 3  # each article contributes its top terms to the heatmap rows
HEATMAP_MAX_DOCS = 20  # wider heatmaps are unreadable; the earliest articles are shown
HEATMAP_MAX_TERMS = 40  # taller ones too
HEATMAP_ANNOTATE_CELLS = 200  # above this many cells, values are left to the colour scale
KWIC_MAX_GAP = 3  # words the model ignores that may sit between the words of a phrase

Z_95 = 1.96  # |z| above which a log-odds difference is conventionally called clear
TREND_MIN_PERIODS = 3  # a slope through fewer dated periods is a line through two points
TREND_MIN_DOCS = 2  # periods holding one article compare articles, not moments of the coverage
CONTRAST_MIN_DOCS = 10  # fewer articles on a side make a contrast illustrative, not evidence
POLICY_WORDS = ("export controls", "curbs", "sanctions", "restrictions", "embargo", "bans",
                "banned")  # the names the coverage gives the measures; the first is the formal one


# pandas period aliases for the offset aliases people also type ("ME", "QS", ...)
PERIOD_ALIASES = {"ME": "M", "MS": "M", "QE": "Q", "QS": "Q", "YE": "Y", "YS": "Y", "A": "Y"}
