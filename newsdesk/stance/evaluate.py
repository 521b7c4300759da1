"""The stance evaluation notebook 03 shows: every method on the gold labels, and speaker agreement.
"""

from __future__ import annotations

import pandas as pd

from newsdesk.stance.baselines import predict_embedding, predict_majority, predict_svm
from newsdesk.stance.heldout import loao_learned
from newsdesk.stance.metrics import align_gold, bootstrap_metrics, confusion_table, target_scores
from newsdesk.stance.rules import rule_stance
from newsdesk.stance.settings import BOOTSTRAP_REPS, STANCE_METHODS, STANCE_SEED

__all__ = [
    "evaluate_stance",
]


def _compare_stance_methods(frame: pd.DataFrame, learned: list[str], reps: int, seed: int, *,
                            labels_beside_rules: bool, shipped_saw_labels: bool
                            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score every method on the same sentences, with 95 % CIs that resample whole articles.

    ``frame`` is :func:`stance_details` aligned with gold (:func:`align_gold`); ``learned``
    the leave-one-article-out labels of :func:`loao_learned`. Returns ``(scores,
    predictions)``: ``scores`` has ``method, evaluation, metric, value, ci_low, ci_high``;
    ``predictions`` is ``frame``'s ``doc_id, sent_id, gold_stance`` plus one column per method.
    """
    by_rules = frame["mentions_target"].astype(bool) & frame["target_rule"].ne("model")
    predictions = frame[["doc_id", "sent_id", "gold_stance"]].copy()
    predictions["majority"] = predict_majority(frame)
    predictions["svm-ngrams"] = predict_svm(frame)
    predictions["embedding"] = predict_embedding(frame)
    predictions["rules"] = frame["rule_stance"].where(by_rules, "none").tolist()
    predictions["shipped"] = frame["stance"].where(frame["mentions_target"].astype(bool), "none").tolist()
    predictions["learned"] = list(learned)
    evaluation = {
        "majority": "leave one article out",
        "svm-ngrams": "leave one article out",
        "embedding": "leave one article out (threshold)",
        "rules": ("no training; lexicon written beside these articles (upper bound)" if labels_beside_rules
                  else "no training"),
        "shipped": ("in-sample: these labels are in the shipped model's training data" if shipped_saw_labels
                    else "the shipped model, never trained on these labels"),
        "learned": "leave one article out: retrained on the written sentences and the other articles",
    }
    tables = []
    for method in STANCE_METHODS:
        table = bootstrap_metrics(predictions["gold_stance"], predictions[method], reps, seed,
                                  groups=predictions["doc_id"])
        table.insert(0, "evaluation", evaluation[method])
        table.insert(0, "method", method)
        tables.append(table)
    return pd.concat(tables, ignore_index=True), predictions


def _speaker_agreement(aligned: pd.DataFrame) -> pd.DataFrame:
    """Predicted versus gold speaker on the gold target sentences.

    ``match`` is True when one name contains the other, case-insensitively ("analysts"
    for "industry participants and analysts"); ``exact`` when they are equal.
    """
    gold = aligned[aligned["gold_target"].astype(bool)]
    table = gold[["doc_id", "sent_id", "gold_speaker", "speaker", "speaker_type"]].copy()
    pred, want = table["speaker"].str.lower(), table["gold_speaker"].str.lower()
    table["exact"] = pred == want
    table["match"] = [bool(a) and bool(b) and (a in b or b in a) for a, b in zip(pred, want, strict=True)]
    return table.reset_index(drop=True)


def evaluate_stance(details: pd.DataFrame, gold: pd.DataFrame | None, corpus: pd.DataFrame | None = None,
                    reps: int = BOOTSTRAP_REPS, seed: int = STANCE_SEED, *,
                    labels_beside_rules: bool = False,
                    shipped_saw_labels: bool = False) -> dict[str, pd.DataFrame]:
    """Everything the notebook reports about accuracy, on articles that have gold labels.

    Parameters
    ----------
    details
        :func:`stance_details` of the corpus.
    gold
        :func:`load_stance_gold` labels, or None.
    corpus
        The corpus ``details`` came from; needed to retrain the learned model leave one
        article out (without it, ``learned`` is all ``none``).
    labels_beside_rules, shipped_saw_labels
        Whether the rule lexicon was written beside these labelled articles, and whether the
        shipped model was trained on these labels; both mark the scores as upper bounds.

    Returns
    -------
    dict of DataFrames (all empty when no article of the corpus has complete gold labels):
    ``aligned`` (details plus gold columns, gold articles only), ``target`` (detection
    P/R/F1), ``scores`` and ``predictions`` (:func:`_compare_stance_methods`),
    ``oracle`` (rule model scored on the gold target sentences only), ``confusion_learned``
    and ``confusion_svm`` (:func:`confusion_table`), ``speakers`` (:func:`_speaker_agreement`).
    """
    keys = ["aligned", "target", "scores", "predictions", "oracle", "confusion_learned",
            "confusion_svm", "speakers"]
    if gold is None or details.empty:
        return {k: pd.DataFrame() for k in keys}
    aligned = align_gold(details, gold)
    aligned = aligned[aligned["gold_doc"]].reset_index(drop=True)
    if aligned.empty:
        return {k: pd.DataFrame() for k in keys}
    if corpus is not None:
        retrained = loao_learned(corpus, gold).set_index(["doc_id", "sent_id"])["learned"]
        learned = [retrained.get((d, i), "none") for d, i in zip(aligned["doc_id"], aligned["sent_id"],
                                                                   strict=True)]
    else:
        learned = ["none"] * len(aligned)
    scores, predictions = _compare_stance_methods(aligned, learned, reps, seed,
                                                  labels_beside_rules=labels_beside_rules,
                                                  shipped_saw_labels=shipped_saw_labels)
    on_target = aligned[aligned["gold_target"]]
    oracle = bootstrap_metrics(on_target["gold_stance"],
                               [rule_stance(s)["stance"] for s in on_target["sentence"]], reps, seed)
    return {"aligned": aligned,
            "target": target_scores(aligned["gold_target"], aligned["mentions_target"]),
            "scores": scores, "predictions": predictions, "oracle": oracle,
            "confusion_learned": confusion_table(predictions["gold_stance"], predictions["learned"], reps,
                                                 seed),
            "confusion_svm": confusion_table(predictions["gold_stance"], predictions["svm-ngrams"], reps,
                                             seed),
            "speakers": _speaker_agreement(aligned)}
