"""The labelled pairs: reading, scoring, and keeping the held-out split out of the tuning."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from newsdesk.overlap import settings
from newsdesk.overlap.labelled import (
    evaluate_relations,
    labelled_corpus,
    labelled_pairs,
    predicted_labels,
    relation_accuracy,
)
from newsdesk.paths import PROJECT_ROOT


def test_train_evaluation_reads_only_the_train_file(tmp_path):
    (tmp_path / "labels").mkdir()
    shutil.copy(PROJECT_ROOT / "labels" / "overlap_pairs_train.jsonl", tmp_path / "labels")
    result = evaluate_relations("train", root=tmp_path)  # no test file present: still runs
    assert result["accuracy"]["pairs"].sum() == len(labelled_pairs("train"))
    with pytest.raises(FileNotFoundError):
        labelled_pairs("test", root=tmp_path)


def test_thresholds_are_constants_not_fitted_on_a_split():
    """The relation thresholds are literals: settings imports nothing and reads no file, so no
    labelled split (least of all the held-out one) can move them at import or run time."""
    source = Path(settings.__file__).read_text(encoding="utf-8")
    imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert imports == ["from __future__ import annotations"]
    assert "open(" not in source and "read_" not in source


def test_bad_split_is_refused():
    with pytest.raises(ValueError):
        labelled_pairs("dev")


def test_labelled_corpus_has_each_article_once_with_dates():
    pairs = labelled_pairs("train")
    corpus = labelled_corpus(pairs)
    assert corpus["doc_id"].is_unique and len(corpus) == 2 * len(pairs)
    assert corpus["published"].dtype.kind == "M"


def test_accuracy_counts_by_relation_on_a_hand_made_table():
    pairs = pd.DataFrame({"pair_id": ["p1", "p2", "p3"], "relation": ["copy", "same_story", "same_topic"],
                          "doc_a": ["a", "c", "e"], "doc_b": ["b", "d", "f"]})
    measured = pd.DataFrame({"doc_a": ["a", "d"], "doc_b": ["b", "c"],
                             "relation": ["duplicate/syndicated copy", "same topic"]})
    predicted = predicted_labels(pairs, measured)
    assert predicted["predicted"].tolist() == ["copy", "same_topic", "same_topic"]  # e-f unmeasured
    table = relation_accuracy(predicted).set_index("relation")
    assert table.loc["copy", "accuracy"] == 1.0 and table.loc["same_story", "accuracy"] == 0.0
    assert table.loc["same_topic", "called_same_story"] == 0.0
