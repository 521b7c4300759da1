"""Computed overlap findings on hand-made pair tables."""

from __future__ import annotations

import pandas as pd

from newsdesk.overlap.findings import overlap_findings
from newsdesk.overlap.settings import OVERLAP_COLUMNS, RELATIONS


def _pairs(rows: list[dict]) -> pd.DataFrame:
    base = {"cosine": 0.15, "jaccard": 0.0, "containment_ab": 0.0, "containment_ba": 0.0, "shared_words": 0,
            "n_shared_quotes": 0, "n_shared_speakers": 0, "n_shared_entities": 0, "n_shared_numbers": 0,
            "n_shared_sources": 0, "days_apart": float("nan"), "relation": RELATIONS[3]}
    return pd.DataFrame([{**base, **row} for row in rows], columns=OVERLAP_COLUMNS)


def test_findings_follow_the_tables():
    corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": ["One.", "Two.", "Three."],
                           "published": pd.to_datetime(["2025-01-01", "2025-01-02", None])})
    pairs = _pairs([{"doc_a": "a", "doc_b": "b", "relation": RELATIONS[0], "containment_ab": 0.9,
                     "shared_words": 40, "cosine": 0.9},
                    {"doc_a": "a", "doc_b": "c"}, {"doc_a": "b", "doc_b": "c"}])
    found = overlap_findings(corpus, pairs)
    assert found[0].startswith("1 pair share runs of 8") and "1 pair is duplicate" in found[0]
    assert "The 3 articles hold 2 independent stories: 1 story reached" in found[1]
    assert found[2].startswith("a and b: duplicate/syndicated copy")
    assert "a is the candidate original (date)" in found[2]
    assert found[3].startswith("2 pairs are the same topic only")
    repetition = pd.DataFrame({"doc_id": ["a"], "repeated_share": [0.0], "longest_repeat": [0],
                               "contains_itself_twice": [False]})
    assert overlap_findings(corpus, pairs, repetition=repetition)[-1] == "No raw file contains itself twice."


def test_findings_on_a_single_article():
    corpus = pd.DataFrame({"doc_id": ["a"], "text": ["One."]})
    expected = ["Fewer than two articles: no pairs to compare (1 article(s))."]
    assert overlap_findings(corpus, _pairs([])) == expected
