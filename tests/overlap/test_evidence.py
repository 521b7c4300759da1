"""Per-pair same-story evidence and the relation it leads to, on hand-made articles."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from newsdesk.overlap.evidence import article_facts, days_between, distinctive_facts, pair_evidence
from newsdesk.overlap.pairs import classify_relation, story_candidates
from newsdesk.overlap.settings import RELATIONS, STORY_COSINE, STORY_MAX_DAYS, STORY_MIN_FACTS

A = "Meranti Freight Solutions shipped 412 servers to Guangzhou for $45 million, Rizal Hakim said."
B = "Rizal Hakim said Meranti Freight Solutions sent 412 servers worth $45 million to Guangzhou."
C = "Officials in China and the US argued about Nvidia chips and AI again."


def corpus(published=("2025-01-01", "2025-01-02", None)) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": ["a", "b", "c"], "text": [A, B, C],
                         "published": pd.to_datetime(list(published))})


def test_pair_evidence_lists_shared_facts_and_days():
    pairs = pd.DataFrame({"doc_a": ["a", "a"], "doc_b": ["b", "c"]})
    evidence = pair_evidence(corpus(), pairs)
    first = evidence.iloc[0]
    assert first["shared_entities"] == "guangzhou; meranti freight solutions; rizal hakim"
    assert first["shared_numbers"] == "412; 45000000 USD"
    assert (first["n_shared_entities"], first["n_shared_numbers"], first["days_apart"]) == (3, 2, 1.0)
    second = evidence.iloc[1]
    assert second["n_shared_entities"] == 0 and math.isnan(second["days_apart"])


def test_beat_entities_and_common_facts_are_not_distinctive():
    facts = article_facts(corpus())
    assert {"china", "nvidia", "us", "ai"} <= set(facts.loc[facts["doc_id"] == "c", "key"])
    kept = distinctive_facts(facts)
    assert not kept["key"].isin(["china", "nvidia", "us", "ai"]).any()
    many = pd.DataFrame({"doc_id": [f"d{i}" for i in range(100)], "kind": "number", "key": "7 nm"})
    assert distinctive_facts(many).empty  # in all 100 articles: the beat's, not a story's
    assert len(distinctive_facts(many.head(2), n_docs=100)) == 2


def test_days_between_needs_two_dates():
    assert days_between("2025-01-01", "2025-01-04") == 3.0
    assert math.isnan(days_between("2025-01-01", None))
    assert math.isnan(days_between("not a date", "2025-01-01"))


def test_empty_pairs_give_an_empty_table():
    assert pair_evidence(corpus(), pd.DataFrame(columns=["doc_a", "doc_b"])).empty


@pytest.mark.parametrize(("facts", "days", "cosine", "expected"), [
    (STORY_MIN_FACTS, 1.0, STORY_COSINE, RELATIONS[1]),
    (STORY_MIN_FACTS, float("nan"), STORY_COSINE, RELATIONS[1]),  # undated: window does not apply
    (STORY_MIN_FACTS - 1, 1.0, 0.4, RELATIONS[3]),  # too few facts
    (STORY_MIN_FACTS, STORY_MAX_DAYS + 1, 0.4, RELATIONS[3]),  # a different event days later
    (10, 0.0, STORY_COSINE - 0.01, RELATIONS[4] if STORY_COSINE - 0.01 < 0.1 else RELATIONS[3]),
])
def test_story_rule(facts, days, cosine, expected):
    assert classify_relation(cosine, 0.0, 0.0, story_facts=facts, days_apart=days) == expected


def test_copies_ignore_the_date_window_and_candidates_skip_copies():
    assert classify_relation(0.9, 0.9, 0.9, days_apart=30.0) == RELATIONS[0]
    pairs = pd.DataFrame({"cosine": [0.9, 0.3, 0.1], "containment_ab": [0.9, 0.0, 0.0],
                          "containment_ba": [0.9, 0.0, 0.0]})
    assert story_candidates(pairs).tolist() == [False, True, False]


def test_a_verbatim_copy_does_not_make_its_originals_facts_common():
    # a, its verbatim copy a2 and the rewrite b share three facts; among 3 texts the limit
    # is max(2, 5 %) = 2 articles, so counting a2 apart would drop them all as common.
    articles = pd.DataFrame({"doc_id": ["a", "a2", "b"], "text": [A, A, B],
                             "published": pd.to_datetime(["2025-01-01"] * 3),
                             "duplicate_of": ["", "a", ""]})
    pairs = pd.DataFrame({"doc_a": ["a"], "doc_b": ["b"]})
    with_copy = pair_evidence(articles, pd.concat([pairs, pd.DataFrame({"doc_a": ["a"], "doc_b": ["a2"]})]))
    assert with_copy.iloc[0]["shared_entities"] == "guangzhou; meranti freight solutions; rizal hakim"
    unflagged = pair_evidence(articles.assign(duplicate_of=""),
                              pd.concat([pairs, pd.DataFrame({"doc_a": ["a"], "doc_b": ["a2"]})]))
    assert unflagged.iloc[0]["n_shared_entities"] == 0
