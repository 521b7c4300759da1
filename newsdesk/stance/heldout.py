"""Judging stance methods on text they were not built beside: the written sentences'
held-out split (per kind, with baselines) and leave-one-article-out on labelled articles.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsdesk.corpus.describe import corpus_sentences
from newsdesk.stance.baselines import svm_pipeline
from newsdesk.stance.combine import PROBABILITY_COLUMNS, learned_stance_table
from newsdesk.stance.learned import StanceModel, fit_stance_model, load_written_stance, written_training
from newsdesk.stance.metrics import align_gold, bootstrap_metrics, stance_metrics, target_scores
from newsdesk.stance.rules import rule_stance_table
from newsdesk.stance.settings import (
    BOOTSTRAP_REPS,
    MODEL_TARGET_MIN,
    MODEL_TARGET_MIN_GRID,
    MODEL_WINDOW,
    STANCE_SEED,
    UNCERTAIN_N,
)
from newsdesk.stance.targets import detect_targets, measure_word, sentences_since_target, stance_text
from newsdesk.text import split_sentences, spreadsheet_safe

__all__ = [
    "KIND_ORDER",
    "choose_target_min",
    "gate_model_targets",
    "heldout_comparison",
    "kind_scores",
    "label_written",
    "loao_learned",
    "loao_scores",
    "svm_baseline",
    "written_rule_targets",
    "uncertain_sentences",
    "written_scores",
    "written_target_scores",
]

KIND_ORDER = ("plain", "pointing", "evaluative", "hawkish_failure", "counterfactual", "official_line",
              "reporting", "off_target")


def _written_frame(written: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Each written row as a small article (its context sentences, then the sentence); the
    positions of the labelled sentences."""
    rows, last = [], []
    for row in written.itertuples(index=False):
        context = split_sentences(row.context) if row.context else []
        for k, sentence in enumerate([*context, row.sentence]):
            rows.append({"doc_id": row.id, "sent_id": k, "sentence": sentence})
        last.append(len(rows) - 1)
    return pd.DataFrame(rows, columns=["doc_id", "sent_id", "sentence"]), np.asarray(last, dtype=int)


def written_rule_targets(written: pd.DataFrame) -> pd.DataFrame:
    """The rules alone on written rows, each in its context (no model): ``written`` plus
    ``mentions_target``, ``target_rule``, ``rule_stance`` and ``since_target`` (sentences back
    to the nearest rule target of its context, 0 when the rules flag the row itself, ``inf``
    when none does: :func:`sentences_since_target`) and ``measure_word`` (:func:`measure_word`)."""
    frame, last = _written_frame(written)
    rules = rule_stance_table(detect_targets(frame))
    picked = rules.iloc[last].reset_index(drop=True)
    out = written.reset_index(drop=True).copy()
    for column in ("mentions_target", "target_rule"):
        out[column] = picked[column].to_numpy()
    out["rule_stance"] = picked["stance"].to_numpy()
    out["since_target"] = sentences_since_target(rules)[last]
    out["measure_word"] = [measure_word(s) for s in out["sentence"]]
    return out


def label_written(written: pd.DataFrame, model: StanceModel | None = None, *,
                  window: int | None = MODEL_WINDOW) -> pd.DataFrame:
    """Run the pipeline's target detection and stance on written rows, each in its context.

    Every row is taken to sit in an article about the measures; the model scores it as the
    pipeline would (:func:`model_candidates` with ``window``; ``None`` scores every row).
    Returns :func:`written_rule_targets` with ``mentions_target`` and ``target_rule`` now
    the pipeline's, plus ``stance`` (rules and the learned model ``model``, by default the
    shipped one).
    """
    frame, last = _written_frame(written)
    table = learned_stance_table(rule_stance_table(detect_targets(frame)), model, all_on_topic=True,
                                 window=window)
    picked = table.iloc[last].reset_index(drop=True)
    out = written_rule_targets(written)
    for column in ("mentions_target", "target_rule", "stance"):
        out[column] = picked[column].to_numpy()
    out["rule_stance"] = np.where(picked["target_rule"].eq("model"), "none", out["rule_stance"])
    return out


def svm_baseline(train: pd.DataFrame, test: pd.DataFrame) -> list[str]:
    """SemEval-2016's SVM-ngrams baseline fitted on ``train`` (``sentence, label``), applied to
    ``test``; every sentence is classified, as in the shared task."""
    model = svm_pipeline().fit(train["sentence"].map(stance_text), train["label"])
    return list(model.predict(test["sentence"].map(stance_text)))


def written_scores(labelled: pd.DataFrame, methods: dict[str, list[str]],
                   reps: int = BOOTSTRAP_REPS, seed: int = STANCE_SEED) -> pd.DataFrame:
    """F_avg, macro-F1 and accuracy of each method's labels on written rows, with bootstrap
    95 % CIs over sentences (each written sentence stands alone, so sentences are the unit).

    Returns ``method, metric, value, ci_low, ci_high``.
    """
    tables = []
    for method, predicted in methods.items():
        table = bootstrap_metrics(labelled["label"], predicted, reps, seed)
        table.insert(0, "method", method)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def kind_scores(labelled: pd.DataFrame, predicted: list[str]) -> pd.DataFrame:
    """Per kind (codebook §7): sentences, accuracy, and F_avg where the kind has favor or
    against sentences (``NaN`` otherwise: reporting and off-target rows are all ``none``)."""
    frame = labelled.assign(predicted=list(predicted))
    rows = []
    for kind in [k for k in KIND_ORDER if k in set(frame["kind"])]:
        part = frame[frame["kind"] == kind]
        stanced = part["label"].isin(["favor", "against"]).any()
        rows.append({"kind": kind, "sentences": len(part),
                     "accuracy": round(float((part["label"] == part["predicted"]).mean()), 3),
                     "F_avg": round(stance_metrics(part["label"], part["predicted"])["F_avg"], 3)
                     if stanced else np.nan})
    return pd.DataFrame(rows, columns=["kind", "sentences", "accuracy", "F_avg"])


def gate_model_targets(table: pd.DataFrame, target_min: float) -> np.ndarray:
    """Labels of a :func:`learned_stance_table` made with ``model_target_min=0``, as if it had
    been made with ``target_min``: a sentence only the model flags keeps its label when its
    top probability reaches ``target_min``; other non-targets are ``none``."""
    rule_target = table["mentions_target"].astype(bool) & table["target_rule"].ne("model")
    model_target = table["target_rule"].eq("model") & (table["confidence"] >= target_min)
    return np.where(rule_target | model_target, table["stance"], "none")


def choose_target_min(gold: pd.Series, table: pd.DataFrame,
                      grid: tuple[float, ...] = MODEL_TARGET_MIN_GRID) -> float:
    """The ``grid`` value with the best F_avg of :func:`gate_model_targets` against ``gold``
    (aligned row for row with ``table``); ties go to the higher, stricter value."""
    scores = [(stance_metrics(gold, gate_model_targets(table, t))["F_avg"], t) for t in grid]
    return max(scores)[1]


def _scored_article(sentences: pd.DataFrame, model: StanceModel) -> pd.DataFrame:
    """One article through the rules and ``model``, every model target kept (threshold 0)."""
    return learned_stance_table(rule_stance_table(detect_targets(sentences)), model, model_target_min=0.0)


def loao_learned(corpus: pd.DataFrame, gold: pd.DataFrame, extra: pd.DataFrame | None = None, *,
                 target_min: float | None = MODEL_TARGET_MIN) -> pd.DataFrame:
    """Leave one article out for the learned model on articles with gold labels.

    For each gold article, a model is fitted on ``extra`` (default: :func:`written_training`,
    what the shipped model learns from) plus the other gold articles' sentences (their
    unlisted sentences as ``none``), then labels the held-out article through the pipeline
    with ``target_min`` as the probability a sentence only the model flags needs. With
    ``target_min=None`` that probability is chosen for each article on the other articles
    alone (:func:`choose_target_min`, scored by a model fitted on ``extra`` only), so no label
    of the held-out article sets it. Returns the aligned sentences of the gold articles
    (:func:`align_gold` columns) plus ``learned`` and ``target_min``.
    """
    extra = written_training()[["sentence", "label"]] if extra is None else extra
    sentences = corpus_sentences(corpus)
    aligned = align_gold(sentences, gold)
    aligned = aligned[aligned["gold_doc"]].reset_index(drop=True)
    aligned["learned"] = "none"
    aligned["target_min"] = np.nan
    doc_ids = sorted(aligned["doc_id"].unique())
    untrained = None
    if target_min is None and doc_ids:
        written_only = fit_stance_model(extra["sentence"].tolist(), extra["label"].tolist())
        untrained = aligned[["doc_id", "sent_id", "gold_stance"]].merge(
            pd.concat([_scored_article(sentences[sentences["doc_id"] == d], written_only) for d in doc_ids]),
            on=["doc_id", "sent_id"], how="left")
    for doc_id in doc_ids:
        others = aligned[aligned["doc_id"] != doc_id]
        from_gold = others[["sentence", "gold_stance"]].rename(columns={"gold_stance": "label"})
        train = pd.concat([extra, from_gold], ignore_index=True)
        model = fit_stance_model(train["sentence"].tolist(), train["label"].tolist())
        threshold = target_min
        if untrained is not None:
            rest = untrained[untrained["doc_id"] != doc_id]
            threshold = choose_target_min(rest["gold_stance"], rest) if len(rest) else MODEL_TARGET_MIN
        table = _scored_article(sentences[sentences["doc_id"] == doc_id], model)
        labels = dict(zip(table["sent_id"], gate_model_targets(table, threshold), strict=True))
        mine = aligned["doc_id"] == doc_id
        aligned.loc[mine, "learned"] = aligned.loc[mine, "sent_id"].map(labels).fillna("none")
        aligned.loc[mine, "target_min"] = threshold
    return aligned


def loao_scores(aligned: pd.DataFrame, reps: int = BOOTSTRAP_REPS,
                seed: int = STANCE_SEED) -> pd.DataFrame:
    """:func:`bootstrap_metrics` of the ``learned`` column, resampling whole articles."""
    return bootstrap_metrics(aligned["gold_stance"], aligned["learned"], reps, seed,
                             groups=aligned["doc_id"])


def written_target_scores(labelled: pd.DataFrame) -> pd.DataFrame:
    """Target detection on written rows: does the pipeline find the sentences that refer?"""
    return target_scores(labelled["refers"].ne("no"), labelled["mentions_target"].astype(bool))


def heldout_comparison(test: pd.DataFrame, train: pd.DataFrame | None = None,
                       model: StanceModel | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every method on written held-out rows: majority and SVM-ngrams fitted on ``train``
    (default: the written training split), the rules alone, and the learned pipeline.

    Returns ``(scores, predictions)``: :func:`written_scores` and ``test`` plus one column
    per method.
    """
    train = load_written_stance("train") if train is None else train
    labelled = label_written(test, model)
    counts = train["label"].value_counts()
    majority = sorted(counts[counts == counts.max()].index)[0]
    methods = {
        "majority": [majority] * len(test),
        "svm-ngrams": svm_baseline(train, test),
        "rules": np.where(labelled["mentions_target"] & labelled["target_rule"].ne("model"),
                          labelled["rule_stance"], "none").tolist(),
        "learned": np.where(labelled["mentions_target"], labelled["stance"], "none").tolist(),
    }
    predictions = labelled.assign(**{name: values for name, values in methods.items()})
    return written_scores(labelled, methods), predictions


def uncertain_sentences(details: pd.DataFrame, n: int = UNCERTAIN_N) -> pd.DataFrame:
    """The ``n`` target sentences the model is least sure about (smallest gap between its two
    most probable labels), to label next. Columns are those of ``seeds/stance_labels.csv``
    (``label`` and ``note`` left empty) plus ``model_label`` and ``p_favor, p_against, p_none``;
    cells that a spreadsheet would run as formulas are neutralised."""
    columns = ["doc_id", "sentence", "label", "speaker", "note", "model_label", *PROBABILITY_COLUMNS]
    target = details[details["mentions_target"].astype(bool)]
    if target.empty:
        return pd.DataFrame(columns=columns)
    proba = np.sort(target[PROBABILITY_COLUMNS].to_numpy(dtype=float), axis=1)
    gap = np.round(proba[:, -1] - proba[:, -2], 4)
    picked = (target.assign(gap=gap).sort_values(["gap", "doc_id", "sent_id"], kind="stable").head(n))
    table = pd.DataFrame({"doc_id": picked["doc_id"], "sentence": picked["sentence"], "label": "",
                          "speaker": picked["speaker"], "note": "", "model_label": picked["stance"],
                          **{c: picked[c] for c in PROBABILITY_COLUMNS}}, columns=columns)
    return table.map(spreadsheet_safe).reset_index(drop=True)
