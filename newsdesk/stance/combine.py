"""Rules and the learned model together: the rules find the sentences that name the measures
(codebook R1–R4) and give the learned model a feature; the learned model labels every
sentence of an article about the measures, and a sentence it labels favor or against counts
as referring to them even when no rule fired (a target only pointed back at, in other words).
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
from newsdesk.stance.settings import MODEL_TARGET_MIN, STANCE_LABELS

__all__ = ["PROBABILITY_COLUMNS", "learned_stance_table"]

PROBABILITY_COLUMNS = [f"p_{label}" for label in STANCE_LABELS]


def _reasons(proba: np.ndarray, rule_reasons: list[str]) -> list[str]:
    """``"model: favor 0.12 · against 0.80 · none 0.08; rules: …"`` per row of ``proba``
    (columns in ``STANCE_LABELS`` order) and its rules' reason."""
    return ["model: " + " · ".join(f"{label} {p:.2f}" for label, p in zip(STANCE_LABELS, row, strict=True))
            + f"; rules: {reason}" for row, reason in zip(proba.tolist(), rule_reasons, strict=True)]


def learned_stance_table(table: pd.DataFrame, model: StanceModel | None = None, *,
                         all_on_topic: bool = False,
                         model_target_min: float = MODEL_TARGET_MIN) -> pd.DataFrame:
    """Relabel a :func:`rule_stance_table` with the learned model.

    Every sentence of an article in which the rules found at least one target sentence is
    scored. ``stance`` becomes the model's label (``none`` when it abstains); a sentence the
    rules missed but the model labels favor or against with probability at least
    ``model_target_min`` gets ``mentions_target`` True and ``target_rule`` ``"model"``.
    Added columns: ``rule_stance`` (the rules' label) and ``p_favor, p_against, p_none``.
    ``confidence`` is the top probability. ``cue_start`` is kept only where the rules agree
    with the model (it points the speaker step at the deciding clause). Sentences of other
    articles keep ``none`` with probability 0, unless ``all_on_topic`` (every article is
    taken to be about the measures, as the written evaluation sentences are).
    """
    out = table.copy().reset_index(drop=True)
    out["rule_stance"] = out["stance"]
    for column in PROBABILITY_COLUMNS:
        out[column] = 0.0
    rule_docs = out.loc[out["mentions_target"].astype(bool), "doc_id"]
    on_topic = out["doc_id"].isin(rule_docs) | all_on_topic
    rows = out.index[on_topic]
    if len(rows) == 0:
        return out
    model = model or shipped_stance_model()
    proba = predict_stance_proba(model, out.loc[rows, "sentence"].tolist())
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
