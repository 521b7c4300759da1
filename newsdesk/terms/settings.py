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
    "CONTRAST_SIDE_MIN_DOCS",
    "TOPIC_WORDS_FILE",
    "TREND_ALPHA",
    "TREND_DAILY_MAX_DAYS",
    "TREND_MIN_DOCS",
    "TREND_MIN_PERIODS",
    "TREND_MIN_PERIOD_DOCS",
    "TREND_PERMUTATIONS",
    "TREND_SEED",
    "TREND_TERM_MIN_DOCS",
    "TREND_TERMS_N",
    "TREND_WEEKLY_MAX_DAYS",
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
TREND_TERMS_N = 6  # distinctive terms followed over time when none are given (six small panels)
HEATMAP_TERMS_PER_DOC = 3  # each article contributes its top terms to the heatmap rows
HEATMAP_MAX_DOCS = 20  # wider heatmaps are unreadable; the earliest articles are shown
HEATMAP_MAX_TERMS = 40  # taller ones too
HEATMAP_ANNOTATE_CELLS = 200  # above this many cells, values are left to the colour scale
KWIC_MAX_GAP = 3  # words the model ignores that may sit between the words of a phrase

Z_95 = 1.96  # |z| above which a log-odds difference is conventionally called clear
CONTRAST_MIN_DOCS = 10  # fewer articles on a side make a contrast illustrative, not evidence
CONTRAST_SIDE_MIN_DOCS = 2  # a side of one article contrasts that article, not a kind of copy

# Period of the trend chart from the span of the dated articles (first to last, inclusive):
TREND_DAILY_MAX_DAYS = 21  # days up to three weeks: at most 21 points, each a day of news
TREND_WEEKLY_MAX_DAYS = 122  # weeks up to about four months (at most 18 points); months beyond

# When a term is called rising or falling (notebook 02's trend test):
TREND_MIN_DOCS = 10  # fewer dated articles are a handful of stories, not a course of coverage
TREND_MIN_PERIOD_DOCS = 2  # a period of one article compares articles, not moments of coverage;
#                            the test leaves such periods out and the chart draws them hollow
TREND_MIN_PERIODS = 5  # periods of TREND_MIN_PERIOD_DOCS articles or more; with 4, even a steady
#                        rise cannot pass p < 0.05 (two-sided, exact: 2 of 24 orders)
TREND_ALPHA = 0.05  # Benjamini–Hochberg q below which a term is called rising or falling
TREND_PERMUTATIONS = 9999  # random orders of the periods for the p-value (all orders up to 7)
TREND_SEED = 0  # the permutations' seed, so the p-values are the same on every run
TREND_TERM_MIN_DOCS = 3  # a followed term is in this many articles at least: one story is no trend
TOPIC_WORDS_FILE = "topic_words.txt"  # the topic's own query words, never chosen to be followed
POLICY_WORDS = ("export controls", "curbs", "sanctions", "restrictions", "embargo", "bans",
                "banned")  # the names the coverage gives the measures; the first is the formal one


# pandas period aliases for the offset aliases people also type ("ME", "QS", ...)
PERIOD_ALIASES = {"ME": "M", "MS": "M", "QE": "Q", "QS": "Q", "YE": "Y", "YS": "Y", "A": "Y"}
