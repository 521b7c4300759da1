"""Settings of the stance analysis (notebook 03), each with its reason.
"""

from __future__ import annotations

import re

__all__ = [
    "CALIBRATION_TEMPERATURE",
    "CHAR_NGRAMS",
    "CLASS_WEIGHT",
    "MODEL_TARGET_MIN",
    "MODEL_TARGET_MIN_GRID",
    "MODEL_WINDOW",
    "TRAIN_OFF_TARGET",
    "MODEL_MEASURE_WORDS",
    "ARTICLE_STANCE_COLUMNS",
    "ONE_SIDED_MIN_QUOTED",
    "AUTHOR_VOICE_TYPES",
    "POINTING_CONTEXT",
    "UNCERTAIN_N",
    "CV_FOLDS",
    "ABSTAIN_BELOW",
    "OFF_TOPIC_MAX_SIMILARITY",
    "VECTOR_FEATURE_WEIGHT",
    "RULE_FEATURE_WEIGHT",
    "MODEL_C",
    "STANCE_TEST_FILE",
    "STANCE_TRAIN_GLOB",
    "STANCE_BATCH_ARTICLES",
    "STANCE_PROCESSES",
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
TARGET_RULES = ("R1", "R2", "R3-denied", "R3-access", "R4")  # codebook rules, strongest evidence first
ACCESS_CONTEXT = 1  # codebook R3: "access to advanced chips" counts only next to a named measure
EMBED_MARGINS = tuple(round(0.005 * i, 3) for i in range(21))  # thresholds the embedding scorer may learn
STANCE_METHODS = ("majority", "svm-ngrams", "embedding", "rules", "shipped", "learned")  # table order
SPEAKER_COLUMNS = ["speaker", "speaker_type", "n_target", "n_favor", "n_against", "n_none", "net",
                   "doc_ids", "evidence"]
UNATTRIBUTED_RE = re.compile(  # agentless reporting: "are being urged to …" (codebook §4)
    r"\b(?:is|are|was|were|being|been)\s+(?:being\s+)?(?:urged|asked|pressed|advised|called on)\b"
    r"|\bthere (?:is|are|was|were) (?:speculation|calls|concern)\b", re.I)
CLAUSE_BREAK_RE = re.compile(r"[,;:()]|\s-\s|\s-(?=\w)|(?<=\w)-\s")  # commas, semicolons, dashes
ELLIPSIS_RE = re.compile(r"\b(?:is|are|was|were|does|do|did|has|have|had)\W*$")  # "…, bans … are."
STANCE_TEXT_CACHE = 2**16  # sentences whose stance text is memoised; each is needed 2-5 times
STANCE_BATCH_ARTICLES = 1000  # articles labelled at a time: their ~25k sentences stay in that cache
STANCE_PROCESSES = 2  # worker processes for a corpus of several batches: both cores; no result depends on it
STANCE_TRAIN_GLOB = "stance_train*.csv"  # every hand-written training file in labels/
STANCE_TEST_FILE = "stance_test.csv"  # the held-out split in labels/: read only by evaluation code
MODEL_C = 100.0  # inverse L2 strength: the simplest setting within 0.005 CV F_avg of the best
RULE_FEATURE_WEIGHT = 0.0  # the rules' verdict as a feature; CV on the training split found it no help
VECTOR_FEATURE_WEIGHT = 0.0  # WordLlama sentence vector scale; 0 (off): CV F_avg 0.647 without, 0.632 with
ABSTAIN_BELOW = 0.38  # below this top calibrated probability the model abstains (none); CV-chosen
CV_FOLDS = 5  # folds of the CV that chose these settings (benchmarks/stance_model_selection.md)
UNCERTAIN_N = 50  # target sentences written out for labelling next by uncertain_sentences
POINTING_CONTEXT = 2  # codebook R4: a pointing sentence needs a target sentence at most this many before it
AUTHOR_VOICE_TYPES = ("author", "unknown")  # the writer's voice and agentless reporting (codebook §4)
ONE_SIDED_MIN_QUOTED = 2  # quoted stance sentences, all one side, that make an article argue that side
ARTICLE_STANCE_COLUMNS = ["doc_id", "n_target", "n_favor", "n_against", "net", "author_favor",
                          "author_against",
                          "quoted_favor", "quoted_against", "stance", "basis"]
MODEL_TARGET_MIN_GRID = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)  # 1.01: above any probability, rule targets only
# A sentence no rule flags counts as a target from this probability: the strictest value within
# 0.005 CV F_avg of the best (0.4), since on real articles low values make false targets.
MODEL_TARGET_MIN = 0.5
CLASS_WEIGHT = "balanced"  # favor and against are rarer than none; weigh classes by their inverse frequency
CALIBRATION_TEMPERATURE = 1.491  # temperature scaling fitted on out-of-fold probabilities (log loss)
MODEL_WINDOW = None  # model scores rule targets + N sentences after (R4); None: all (CV 0.685, N=2 0.667)
CHAR_NGRAMS = None  # character n-grams within words (None: none); CV 0.685, within 0.005 of the best (0.689)
MODEL_MEASURE_WORDS = True  # with a window, also score sentences with a loose measure word (CV: +0.09 F_avg)
TRAIN_OFF_TARGET = True  # train on the off-target written rows too; CV F_avg 0.647 with them, 0.585 without
# An article with no target sentence is off topic when its TF-IDF cosine to the centroid of the
# other articles is below this: half of overlap's same-topic pair cosine (0.1), since a centroid
# averages many articles; on-topic articles measured 0.14-0.40 (seeds, generated corpora), a
# marathon report 0.007.
OFF_TOPIC_MAX_SIMILARITY = 0.05
