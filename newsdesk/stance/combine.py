"""Rules and the learned model together: the rules find the sentences that name the measures
(codebook R1–R4); the learned model labels those, the few sentences after each of them and
those that hold a loose word for the measures, and such a sentence it labels favor or against
with confidence counts as referring to the measures even when no rule fired (a target only
pointed back at, in other words).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsdesk.stance.learned import (
    StanceModel,
    label_with_abstention,
    predict_stance_proba,
    shipped_stance_model,
)
from newsdesk.stance.settings import MODEL_MEASURE_WORDS, MODEL_TARGET_MIN, MODEL_WINDOW, STANCE_LABELS
from newsdesk.stance.targets import measure_word, sentences_since_target

__all__ = ["PROBABILITY_COLUMNS", "learned_stance_table", "model_candidates"]

PROBABILITY_COLUMNS = [f"p_{label}" for label in STANCE_LABELS]


def model_candidates(table: pd.DataFrame, window: int | None = MODEL_WINDOW, *,
                     all_on_topic: bool = False,
                     measure_words: bool = MODEL_MEASURE_WORDS) -> np.ndarray:
    """Which sentences of a :func:`detect_targets` table the learned model scores (bool per row).

    With an integer ``window``: a sentence the rules mark as referring to the measures, or one
    at most ``window`` sentences after such a sentence of the same article (codebook R4: a
    sentence points back at the measures named earlier in its paragraph), or, when
    ``measure_words``, one that holds a loose word for the measures (:func:`measure_word`)
    in an article with a rule target. With ``None``: every sentence of an article with a
    rule target. ``all_on_topic`` takes every article to have one.
    """
    if window is not None and window < 0:
        raise ValueError(f"window must be a number of sentences >= 0 or None, not {window!r}")
    rule_docs = table.loc[table["mentions_target"].astype(bool).to_numpy(), "doc_id"]
    on_topic = (np.ones(len(table), dtype=bool) if all_on_topic
                else table["doc_id"].isin(rule_docs).to_numpy())
    if window is None:
        return on_topic
    near = sentences_since_target(table) <= window
    if not measure_words:
        return near
    loose = np.fromiter((bool(measure_word(s)) for s in table["sentence"]), dtype=bool, count=len(table))
    return near | (loose & on_topic)


def _reasons(proba: np.ndarray, rule_reasons: list[str]) -> list[str]:
    """``"model: favor 0.12 · against 0.80 · none 0.08; rules: …"`` per row of ``proba``
    (columns in ``STANCE_LABELS`` order) and its rules' reason."""
    return ["model: " + " · ".join(f"{label} {p:.2f}" for label, p in zip(STANCE_LABELS, row, strict=True))
            + f"; rules: {reason}" for row, reason in zip(proba.tolist(), rule_reasons, strict=True)]


def learned_stance_table(table: pd.DataFrame, model: StanceModel | None = None, *,
                         all_on_topic: bool = False,
                         model_target_min: float = MODEL_TARGET_MIN,
                         window: int | None = MODEL_WINDOW,
                         measure_words: bool = MODEL_MEASURE_WORDS) -> pd.DataFrame:
    """Relabel a :func:`rule_stance_table` with the learned model.

    The model scores the sentences where the codebook's target-in-context rule (R4) can
    apply: those the rules mark as referring to the measures, the ``window`` sentences after
    each of them in the same article and, with ``measure_words``, the sentences of such an
    article that hold a loose word for the measures (:func:`model_candidates`); with
    ``window=None``, every sentence of an article in which the rules found a target. ``stance`` becomes the
    model's label (``none`` when it abstains); a scored sentence the rules missed but the
    model labels favor or against with probability at least ``model_target_min`` gets
    ``mentions_target`` True and ``target_rule`` ``"model"``. Added columns: ``rule_stance``
    (the rules' label) and ``p_favor, p_against, p_none``. ``confidence`` is the top
    probability. ``cue_start`` is kept only where the rules agree with the model (it points
    the speaker step at the deciding clause). Sentences not scored keep ``none`` with
    probability 0. ``all_on_topic`` takes every article to be about the measures (as the
    written evaluation sentences are).
    """
    out = table.copy().reset_index(drop=True)
    out["rule_stance"] = out["stance"]
    for column in PROBABILITY_COLUMNS:
        out[column] = 0.0
    rows = out.index[model_candidates(out, window, all_on_topic=all_on_topic, measure_words=measure_words)]
    if len(rows) == 0:
        return out
    model = model or shipped_stance_model()
    codes, unique = pd.factorize(out.loc[rows, "sentence"])  # copies in a corpus are scored once
    proba = predict_stance_proba(model, list(unique)).iloc[codes]
    proba.index = rows
    labels = pd.Series(label_with_abstention(proba, model.abstain_below), index=rows)
    out.loc[rows, PROBABILITY_COLUMNS] = proba[PROBABILITY_COLUMNS].to_numpy()
    sure = proba[PROBABILITY_COLUMNS].max(axis=1) >= model_target_min
    found = labels.ne("none") & sure & ~out.loc[rows, "mentions_target"].astype(bool)
    out.loc[found[found].index, "mentions_target"] = True
    out.loc[found[found].index, "target_rule"] = "model"
    target = rows[out.loc[rows, "mentions_target"].astype(bool).to_numpy()]
    out.loc[target, "stance"] = labels[target]
    out.loc[target, "confidence"] = proba.loc[target, PROBABILITY_COLUMNS].max(axis=1).round(4)
    out.loc[target, "reason"] = _reasons(proba.loc[target, PROBABILITY_COLUMNS].to_numpy(),
                                         out.loc[target, "reason"].tolist())
    disagree = target[out.loc[target, "stance"].ne(out.loc[target, "rule_stance"]).to_numpy()]
    out.loc[disagree, "cue_start"] = -1
    return out
