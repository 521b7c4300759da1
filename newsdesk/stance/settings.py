"""Settings of the stance analysis (notebook 03), each with its reason.
"""

from __future__ import annotations

import re

__all__ = [
    "STANCE_BATCH_ARTICLES",
    "STANCE_TEXT_CACHE",
    "ACCESS_CONTEXT",
    "AIM_WINDOW",
    "BOOTSTRAP_REPS",
    "CLAUSE_BREAK_RE",
    "CONSUME_WINDOW",
    "ELLIPSIS_RE",
    "EMBED_MARGINS",
    "NEGATION_WINDOW",
    "PRESCRIBE_WINDOW",
    "SPEAKER_COLUMNS",
    "STANCE_LABELS",
    "STANCE_METHODS",
    "STANCE_SEED",
    "TARGET_RULES",
    "TARGET_WINDOW",
    "UNATTRIBUTED_RE",
]

STANCE_LABELS = ("favor", "against", "none")  # SemEval-2016 Task 6 labels, in table order
STANCE_SEED = 20160  # fixed seed for every bootstrap, so CIs repeat exactly
BOOTSTRAP_REPS = 2000  # resamples per 95 % CI; enough for stable 2.5 / 97.5 percentiles
NEGATION_WINDOW = 3  # a negator flips a cue at most this many words later, within the clause
AIM_WINDOW = 4  # words after "efforts to" / "seeks to" that describe an attempt, not an outcome
TARGET_WINDOW = 6  # a tighten / loosen word counts only this many words from a target mention
PRESCRIBE_WINDOW = 20  # words a "should" / "urged" / "essential" may precede its tighten word
CONSUME_WINDOW = 4  # "overcome some geopolitical constraints": the restriction noun is its object
TARGET_RULES = ("R1", "R2", "R3-denied", "R3-access")  # codebook rules, strongest evidence first
ACCESS_CONTEXT = 1  # codebook R3: "access to advanced chips" counts only next to a named measure
EMBED_MARGINS = tuple(round(0.005 * i, 3) for i in range(21))  # thresholds the embedding scorer may learn
STANCE_METHODS = ("majority", "svm-ngrams", "embedding", "rules")  # comparison table order
SPEAKER_COLUMNS = ["speaker", "speaker_type", "n_target", "n_favor", "n_against", "n_none", "net",
                   "doc_ids", "evidence"]
UNATTRIBUTED_RE = re.compile(  # agentless reporting: "are being urged to …" (codebook §4)
    r"\b(?:is|are|was|were|being|been)\s+(?:being\s+)?(?:urged|asked|pressed|advised|called on)\b"
    r"|\bthere (?:is|are|was|were) (?:speculation|calls|concern)\b", re.I)
CLAUSE_BREAK_RE = re.compile(r"[,;:()]|\s-\s|\s-(?=\w)|(?<=\w)-\s")  # commas, semicolons, dashes
ELLIPSIS_RE = re.compile(r"\b(?:is|are|was|were|does|do|did|has|have|had)\W*$")  # "…, bans … are."
STANCE_TEXT_CACHE = 2**16  # sentences whose stance text is memoised; each is needed 2-5 times
STANCE_BATCH_ARTICLES = 1000  # articles labelled at a time: their ~25k sentences stay in that cache
