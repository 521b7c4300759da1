"""The hand-labelled article pairs (``labels/overlap_pairs_*.jsonl``) and how well the relation
rule reproduces them.

Each labelled pair is ``copy``, ``same_story`` (one event written by different hands) or
``same_topic`` (different events on one policy). The articles of a split are measured together,
as one corpus, so TF-IDF weights and distinctive facts come from a beat-sized set of articles,
and each labelled pair is then looked up. The thresholds were set on the ``train`` split; the
``test`` split is held out and is read only by :func:`evaluate_relations` with ``split="test"``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from newsdesk.overlap.pairs import overlap_pairs
from newsdesk.overlap.settings import RELATIONS
from newsdesk.paths import PROJECT_ROOT

__all__ = [
    "LABEL_RELATIONS",
    "LABEL_SPLITS",
    "evaluate_relations",
    "labelled_corpus",
    "labelled_pairs",
    "predicted_labels",
    "relation_accuracy",
]

LABEL_SPLITS = ("train", "test")
# A relation of ``RELATIONS`` as the label it predicts: copies, one story, or different events.
LABEL_RELATIONS = {RELATIONS[0]: "copy", RELATIONS[1]: "same_story", RELATIONS[2]: "same_topic",
                   RELATIONS[3]: "same_topic", RELATIONS[4]: "same_topic"}
_ARTICLE_FIELDS = ["doc_id", "outlet", "published", "author", "headline", "text"]


def labelled_pairs(split: str = "train", root: Path | None = None) -> pd.DataFrame:
    """The labelled pairs of one split: ``pair_id, relation, variant, first, credits, doc_a,
    doc_b`` plus the two articles' fields as ``a_<field>`` and ``b_<field>``.

    ``split`` is ``"train"`` or ``"test"``; ``root`` the project folder (default: this one).
    """
    if split not in LABEL_SPLITS:
        raise ValueError(f"split must be one of {LABEL_SPLITS}, not {split!r}")
    path = Path(PROJECT_ROOT if root is None else root) / "labels" / f"overlap_pairs_{split}.jsonl"
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        row = {key: item.get(key, "") for key in ("pair_id", "relation", "variant", "first", "credits")}
        row["doc_a"], row["doc_b"] = str(item["a"]["doc_id"]), str(item["b"]["doc_id"])
        for side in ("a", "b"):
            row.update({f"{side}_{field}": item[side].get(field, "") for field in _ARTICLE_FIELDS[1:]})
        rows.append(row)
    return pd.DataFrame(rows).sort_values("pair_id", kind="stable").reset_index(drop=True)


def labelled_corpus(pairs: pd.DataFrame) -> pd.DataFrame:
    """The distinct articles of labelled pairs as a corpus: ``doc_id, outlet, origin, author,
    headline, published`` (a date, NaT when empty) and ``text``, sorted by ``doc_id``."""
    frames = []
    for side in ("a", "b"):
        part = pairs[[f"doc_{side}", *(f"{side}_{f}" for f in _ARTICLE_FIELDS[1:])]]
        frames.append(part.set_axis(_ARTICLE_FIELDS, axis=1))
    corpus = pd.concat(frames, ignore_index=True).drop_duplicates("doc_id")
    corpus["published"] = pd.to_datetime(corpus["published"].replace("", None), errors="coerce")
    corpus["origin"] = ""
    return corpus.sort_values("doc_id", kind="stable").reset_index(drop=True)


def predicted_labels(pairs: pd.DataFrame, measured: pd.DataFrame) -> pd.DataFrame:
    """Each labelled pair with the relation :func:`overlap_pairs` gave it (``measured``) and the
    label that relation predicts: ``pair_id, relation, predicted_relation, predicted, correct``."""
    found = {}
    for row in measured.itertuples(index=False):
        found[(str(row.doc_a), str(row.doc_b))] = found[(str(row.doc_b), str(row.doc_a))] = row.relation
    table = pairs[["pair_id", "relation", "doc_a", "doc_b"]].copy()
    table["predicted_relation"] = [found.get((a, b), RELATIONS[-1])
                                   for a, b in zip(table["doc_a"], table["doc_b"], strict=True)]
    table["predicted"] = table["predicted_relation"].map(LABEL_RELATIONS)
    table["correct"] = table["predicted"] == table["relation"]
    return table


def relation_accuracy(predicted: pd.DataFrame) -> pd.DataFrame:
    """Per labelled relation: ``relation, pairs, correct, accuracy`` and the share of pairs called
    ``same_story`` (``called_same_story``; for ``same_topic`` pairs this is the false-alarm rate)."""
    rows = []
    for relation in ("copy", "same_story", "same_topic"):
        part = predicted[predicted["relation"] == relation]
        n = len(part)
        rows.append({"relation": relation, "pairs": n, "correct": int(part["correct"].sum()),
                     "accuracy": round(float(part["correct"].mean()), 3) if n else float("nan"),
                     "called_same_story": round(float((part["predicted"] == "same_story").mean()), 3)
                     if n else float("nan")})
    return pd.DataFrame(rows)


def evaluate_relations(split: str = "train", root: Path | None = None) -> dict[str, pd.DataFrame]:
    """Score the relation rule on one labelled split (read from ``root``/labels, default this
    project's); only that split's file is read.

    Returns ``{"pairs": predicted_labels(...), "accuracy": relation_accuracy(...)}``. The ``train``
    numbers are in-sample (the thresholds were set on them); ``test`` is the held-out score.
    """
    pairs = labelled_pairs(split, root)
    corpus = labelled_corpus(pairs)
    measured = overlap_pairs(corpus)
    predicted = predicted_labels(pairs, measured)
    return {"pairs": predicted, "accuracy": relation_accuracy(predicted)}
