"""Gold labels and the stance metrics: F_avg, macro-F1, bootstrap intervals and confusion tables.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from newsdesk.stance.settings import BOOTSTRAP_REPS, STANCE_LABELS, STANCE_SEED
from newsdesk.text import collapse_spaces

__all__ = [
    "align_gold",
    "bootstrap_metrics",
    "confusion_table",
    "load_stance_gold",
    "stance_metrics",
    "target_scores",
]

_GOLD_COLUMNS = ["doc_id", "sentence", "label", "speaker", "note"]


def load_stance_gold(path: str | Path) -> pd.DataFrame:
    """Hand labels (``doc_id, sentence, label, speaker, note``); doc ids stay strings."""
    gold = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in _GOLD_COLUMNS if c not in gold.columns]
    if missing:
        raise ValueError(f"gold file lacks columns {missing}")
    return gold[_GOLD_COLUMNS]


def align_gold(sentences: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Attach gold labels to corpus sentences; unlisted sentences are gold ``none``.

    A gold row matches the sentence of its article that contains it (white space
    collapsed), so a dek row missing its "(Bloomberg) —" prefix still matches. Only
    articles whose every gold row matches are kept (``gold_doc`` True), so another
    corpus that reuses a doc id is never scored against these labels.

    Returns
    -------
    ``sentences`` plus ``gold_doc`` (bool), ``gold_target`` (bool), ``gold_stance`` and
    ``gold_speaker`` (``""`` when unlisted).
    """
    out = sentences.copy()
    out["gold_target"] = False
    out["gold_stance"] = "none"
    out["gold_speaker"] = ""
    squashed = out["sentence"].map(collapse_spaces)
    complete = set()
    for doc_id, rows in gold.groupby("doc_id", sort=True):
        in_doc = out.index[out["doc_id"] == doc_id]
        hits = []
        for row in rows.itertuples(index=False):
            found = [i for i in in_doc if collapse_spaces(row.sentence) in squashed[i]]
            hits.append((found[0], row) if found else None)
        if hits and all(hits):
            complete.add(doc_id)
            for i, row in hits:
                out.loc[i, ["gold_target", "gold_stance", "gold_speaker"]] = [True, row.label, row.speaker]
    out["gold_doc"] = out["doc_id"].isin(complete)
    return out


def target_scores(gold: pd.Series, predicted: pd.Series) -> pd.DataFrame:
    """Precision, recall and F1 of target detection, with the counts behind them.

    Returns a one-row DataFrame ``tp, fp, fn, precision, recall, f1`` (0 where undefined).
    """
    g, p = gold.astype(bool).to_numpy(), predicted.astype(bool).to_numpy()
    tp, fp, fn = int((g & p).sum()), int((~g & p).sum()), int((g & ~p).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return pd.DataFrame([{"tp": tp, "fp": fp, "fn": fn, "precision": round(precision, 4),
                          "recall": round(recall, 4), "f1": round(f1, 4)}])


def stance_metrics(gold: list | pd.Series | np.ndarray, predicted: list | pd.Series | np.ndarray
                   ) -> dict[str, float]:
    """SemEval-2016 scores: F_favor, F_against, their mean F_avg, macro-F1 and accuracy.

    F per class is 2PR / (P + R), 0 when the class is never predicted nor present
    (scikit-learn ``zero_division=0``). Macro-F1 averages favor, against and none.
    """
    from sklearn.metrics import accuracy_score, f1_score

    g, p = np.asarray(gold, dtype=object), np.asarray(predicted, dtype=object)
    per_class = f1_score(g, p, labels=list(STANCE_LABELS), average=None, zero_division=0)
    scores = dict(zip(STANCE_LABELS, per_class, strict=True))
    return {"F_favor": float(scores["favor"]), "F_against": float(scores["against"]),
            "F_avg": float((scores["favor"] + scores["against"]) / 2),
            "macro_F1": float(np.mean(per_class)),
            "accuracy": float(accuracy_score(g, p)) if len(g) else 0.0}


def _metrics_from_codes(gold: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """:func:`stance_metrics` on integer-coded labels (index in :data:`STANCE_LABELS`).

    Counting only, so a bootstrap can call it thousands of times; the tests check it
    against :func:`stance_metrics`.
    """
    f1 = []
    for k in range(len(STANCE_LABELS)):
        tp = int(np.sum((gold == k) & (predicted == k)))
        fp = int(np.sum((gold != k) & (predicted == k)))
        fn = int(np.sum((gold == k) & (predicted != k)))
        f1.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return {"F_favor": f1[0], "F_against": f1[1], "F_avg": (f1[0] + f1[1]) / 2,
            "macro_F1": float(np.mean(f1)),
            "accuracy": float(np.mean(gold == predicted)) if len(gold) else 0.0}


def bootstrap_metrics(gold: pd.Series, predicted: pd.Series, reps: int = BOOTSTRAP_REPS,
                      seed: int = STANCE_SEED, groups: pd.Series | None = None) -> pd.DataFrame:
    """Each :func:`stance_metrics` score with a percentile bootstrap 95 % CI.

    Resampled with replacement ``reps`` times (seeded): whole ``groups`` (e.g. articles,
    whose sentences are not independent) when given, else single sentences.

    Returns ``metric, value, ci_low, ci_high`` rounded to 3 decimals.
    """
    g, p = np.asarray(gold, dtype=object), np.asarray(predicted, dtype=object)
    point = stance_metrics(g, p)
    rng = np.random.default_rng(seed)
    codes = {label: i for i, label in enumerate(STANCE_LABELS)}
    gi = np.array([codes.get(x, len(codes)) for x in g], dtype=int)
    pi = np.array([codes.get(x, len(codes)) for x in p], dtype=int)
    draws = {k: [] for k in point}
    members = ([np.flatnonzero(np.asarray(groups) == key) for key in sorted(set(groups))]
               if groups is not None else None)
    for _ in range(reps if len(g) else 0):
        if members is None:
            idx = rng.integers(0, len(g), len(g))
        else:
            idx = np.concatenate([members[k] for k in rng.integers(0, len(members), len(members))])
        for k, v in _metrics_from_codes(gi[idx], pi[idx]).items():
            draws[k].append(v)
    rows = [{"metric": k, "value": round(v, 3),
             "ci_low": round(float(np.percentile(draws[k], 2.5)), 3) if draws[k] else np.nan,
             "ci_high": round(float(np.percentile(draws[k], 97.5)), 3) if draws[k] else np.nan}
            for k, v in point.items()]
    return pd.DataFrame(rows, columns=["metric", "value", "ci_low", "ci_high"])


def confusion_table(gold: pd.Series, predicted: pd.Series, reps: int = BOOTSTRAP_REPS,
                    seed: int = STANCE_SEED) -> pd.DataFrame:
    """Confusion matrix in long form with a bootstrap 95 % CI on each row share.

    Returns ``gold, predicted, n, row_share, ci_low, ci_high``: ``row_share`` is the
    share of sentences with that gold label given that prediction (so each gold label's
    shares sum to 1); rows for every label pair, in :data:`STANCE_LABELS` order.
    """
    g, p = np.asarray(gold, dtype=object), np.asarray(predicted, dtype=object)
    pairs = [(a, b) for a in STANCE_LABELS for b in STANCE_LABELS]

    def shares(gg: np.ndarray, pp: np.ndarray) -> list[float]:
        out = []
        for a, b in pairs:
            row = gg == a
            out.append(float((pp[row] == b).mean()) if row.any() else np.nan)
        return out

    rng = np.random.default_rng(seed)
    draws = np.array([shares(g[idx], p[idx]) for idx in
                      (rng.integers(0, len(g), len(g)) for _ in range(reps if len(g) else 0))])
    point = shares(g, p)
    rows = []
    for k, (a, b) in enumerate(pairs):
        column = draws[:, k][~np.isnan(draws[:, k])] if len(draws) else np.array([])
        rows.append({"gold": a, "predicted": b, "n": int(((g == a) & (p == b)).sum()),
                     "row_share": round(point[k], 3) if not np.isnan(point[k]) else np.nan,
                     "ci_low": round(float(np.percentile(column, 2.5)), 3) if len(column) else np.nan,
                     "ci_high": round(float(np.percentile(column, 97.5)), 3) if len(column) else np.nan})
    return pd.DataFrame(rows, columns=["gold", "predicted", "n", "row_share", "ci_low", "ci_high"])
