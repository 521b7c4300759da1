"""The learned stance model: a logistic regression on word and character n-grams and the words
of the asserted clause (codebook H1), plus a WordLlama sentence vector when
``VECTOR_FEATURE_WEIGHT`` is not zero and the rule model's verdict when ``RULE_FEATURE_WEIGHT``
is not zero (cross-validation left both out); with calibrated probabilities and abstention.

It is trained on the hand-written sentences in ``labels/stance_train*.csv`` and, when it is
the shipped model, on the seeds' gold sentences too. ``labels/stance_test.csv`` is the
held-out split: no function here reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from newsdesk.paths import LABELS, PROJECT_ROOT, lexicon_cache
from newsdesk.stance.rules import clause_structure, rule_stance
from newsdesk.stance.settings import (
    ABSTAIN_BELOW,
    CALIBRATION_TEMPERATURE,
    CHAR_NGRAMS,
    CLASS_WEIGHT,
    MODEL_C,
    RULE_FEATURE_WEIGHT,
    STANCE_LABELS,
    STANCE_TEST_FILE,
    STANCE_TRAIN_GLOB,
    TRAIN_OFF_TARGET,
    VECTOR_FEATURE_WEIGHT,
)
from newsdesk.stance.targets import stance_text, target_spans
from newsdesk.stance.vectors import sentence_vectors
from newsdesk.text import collapse_spaces

__all__ = [
    "WRITTEN_STANCE_COLUMNS",
    "StanceModel",
    "asserted_clause",
    "fit_stance_model",
    "label_with_abstention",
    "load_written_stance",
    "predict_stance_proba",
    "rule_features",
    "shipped_stance_model",
    "shipped_training_overlap",
    "written_training",
]

WRITTEN_STANCE_COLUMNS = ["id", "context", "sentence", "label", "kind", "genre", "speaker", "refers", "note"]


def load_written_stance(split: str = "train", folder: str | Path = LABELS) -> pd.DataFrame:
    """The hand-written labelled sentences of one split: ``WRITTEN_STANCE_COLUMNS``.

    ``split`` is ``"train"`` (every ``stance_train*.csv``, in file-name order) or ``"test"``
    (``stance_test.csv``, the held-out split). Raises ``ValueError`` naming the file when a
    column is missing or a label is not one of ``favor, against, none``.
    """
    folder = Path(folder)
    if split == "train":
        files = sorted(folder.glob(STANCE_TRAIN_GLOB))
    elif split == "test":
        files = [folder / STANCE_TEST_FILE]
    else:
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    frames = []
    for path in files:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        missing = [c for c in WRITTEN_STANCE_COLUMNS if c not in table.columns]
        if missing:
            raise ValueError(f"{path.name}: missing columns {missing}")
        bad = sorted(set(table["label"]) - set(STANCE_LABELS))
        if bad:
            raise ValueError(f"{path.name}: labels {bad} are not favor, against or none")
        frames.append(table[WRITTEN_STANCE_COLUMNS])
    if not frames:
        raise ValueError(f"no {STANCE_TRAIN_GLOB} file in {folder.name}/")
    return pd.concat(frames, ignore_index=True)


def rule_features(sentences: list[str]) -> np.ndarray:
    """The rule model's verdict as numbers, one row per sentence: favor, against and none
    (one-hot), then its favor and against cue counts (capped at 3, divided by 3). A sentence
    in which the rules see no target gets ``none`` without running them."""
    rows = []
    for sentence in sentences:
        if not target_spans(sentence):
            rows.append([0, 0, 1, 0, 0])
            continue
        verdict = rule_stance(sentence)
        rows.append([verdict["stance"] == "favor", verdict["stance"] == "against",
                     verdict["stance"] == "none", min(verdict["n_favor"], 3) / 3,
                     min(verdict["n_against"], 3) / 3])
    return np.asarray(rows, dtype=np.float64).reshape(len(sentences), 5)


@dataclass(frozen=True)
class StanceModel:
    """A fitted stance model: the n-gram vectorisers (``chars`` None without character
    n-grams), the classifier and its settings."""

    words: object
    chars: object
    main_words: object
    classifier: object
    abstain_below: float
    rule_weight: float
    vector_weight: float
    temperature: float = 1.0

    @property
    def classes(self) -> list[str]:
        return list(self.classifier.classes_)


def asserted_clause(text: str) -> str:
    """The asserted (main) part of a :func:`stance_text` string: after the last contrast word
    ("but", "yet", "however"), else the whole sentence (codebook H1)."""
    return text[clause_structure(text)["asserted"][0][0]:]


def _features(model_parts: tuple, texts: list[str], sentences: list[str], rule_weight: float,
              vector_weight: float):
    from scipy import sparse

    words, chars, main_words = model_parts
    blocks = [words.transform(texts), *([] if chars is None else [chars.transform(texts)]),
              main_words.transform([asserted_clause(t) for t in texts])]
    if rule_weight:
        blocks.append(sparse.csr_matrix(rule_weight * rule_features(sentences)))
    if vector_weight:
        blocks.append(sparse.csr_matrix(vector_weight * sentence_vectors(texts)))
    return sparse.hstack(blocks).tocsr()


def fit_stance_model(sentences: list[str], labels: list[str], *, c: float = MODEL_C,
                     abstain_below: float = ABSTAIN_BELOW, rule_weight: float = RULE_FEATURE_WEIGHT,
                     vector_weight: float = VECTOR_FEATURE_WEIGHT,
                     temperature: float = CALIBRATION_TEMPERATURE,
                     char_ngrams: tuple[int, int] | None = CHAR_NGRAMS) -> StanceModel:
    """Fit the model on sentences and their labels (favor / against / none).

    ``char_ngrams`` is the range of character n-gram lengths (within words), or ``None`` for
    no character n-grams.

    ``temperature`` calibrates the probabilities (temperature scaling: each probability is
    raised to ``1 / temperature`` and the row renormalised); it was fitted on out-of-fold
    predictions. Deterministic: the solver is exact (lbfgs) and nothing is sampled.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    if len(sentences) != len(labels) or not sentences:
        raise ValueError("fit_stance_model needs one label per sentence and at least one sentence")
    texts = [stance_text(s) for s in sentences]
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(texts)
    chars = (None if char_ngrams is None else
             TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(char_ngrams), sublinear_tf=True,
                             min_df=3).fit(texts))
    main_words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(
        [asserted_clause(t) for t in texts])
    parts = (words, chars, main_words)
    features = _features(parts, texts, list(sentences), rule_weight, vector_weight)
    classifier = LogisticRegression(C=c, max_iter=5000, class_weight=CLASS_WEIGHT).fit(features, list(labels))
    return StanceModel(*parts, classifier, abstain_below, rule_weight, vector_weight, temperature)


def predict_stance_proba(model: StanceModel, sentences: list[str]) -> pd.DataFrame:
    """Calibrated class probabilities per sentence: ``p_favor, p_against, p_none`` (rows sum
    to 1), rounded to 4 decimals so the labels do not move with float noise."""
    columns = [f"p_{label}" for label in STANCE_LABELS]
    if not len(sentences):
        return pd.DataFrame(columns=columns, dtype=float)
    texts = [stance_text(s) for s in sentences]
    proba = model.classifier.predict_proba(
        _features((model.words, model.chars, model.main_words), texts, list(sentences),
                  model.rule_weight, model.vector_weight))
    scaled = np.power(np.clip(proba, 1e-12, 1.0), 1.0 / model.temperature)
    scaled = scaled / scaled.sum(axis=1, keepdims=True)
    table = pd.DataFrame(scaled, columns=[f"p_{label}" for label in model.classes])
    return table.reindex(columns=columns, fill_value=0.0).round(4)


def label_with_abstention(proba: pd.DataFrame, abstain_below: float = ABSTAIN_BELOW) -> list[str]:
    """The most probable label per row, or ``none`` when its probability is below
    ``abstain_below`` (the model abstains); ties go to the earlier of favor, against, none."""
    values = proba[[f"p_{label}" for label in STANCE_LABELS]].to_numpy()
    best = values.argmax(axis=1) if len(values) else np.zeros(0, dtype=int)
    return [STANCE_LABELS[k] if values[i, k] >= abstain_below else "none"
            for i, k in enumerate(best)]


def _seed_gold_sentences() -> pd.DataFrame:
    gold = pd.read_csv(PROJECT_ROOT / "seeds" / "stance_labels.csv", dtype=str, keep_default_na=False)
    return gold[["doc_id", "sentence", "label"]]


def written_training(off_target: bool = TRAIN_OFF_TARGET) -> pd.DataFrame:
    """The written training sentences the model learns from: every ``stance_train*.csv`` row,
    without the off-target ones (``refers`` = ``no``) unless ``off_target``."""
    train = load_written_stance("train")
    return train if off_target else train[train["refers"] != "no"].reset_index(drop=True)


@lexicon_cache
def shipped_stance_model() -> StanceModel:
    """The model the pipeline uses: fitted on :func:`written_training` and on the seeds' gold
    sentences (cached; ``reload_lexicons`` refits it)."""
    train = written_training()
    seeds = _seed_gold_sentences()
    sentences = [*train["sentence"], *seeds["sentence"]]
    labels = [*train["label"], *seeds["label"]]
    return fit_stance_model(sentences, labels)


def shipped_training_overlap(sentences: list[str]) -> int:
    """How many of ``sentences`` (e.g. a gold file's) the shipped model was trained on, after
    white space is collapsed: non-zero means its scores on them are in-sample."""
    train = load_written_stance("train")
    seen = {collapse_spaces(s) for s in [*train["sentence"], *_seed_gold_sentences()["sentence"]]}
    return sum(collapse_spaces(s) in seen for s in sentences)
