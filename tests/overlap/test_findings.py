"""Computed overlap findings on hand-made pair tables."""

from __future__ import annotations

import pandas as pd

from newsdesk.findings import Finding
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
    found = [f.text for f in overlap_findings(corpus, pairs)]
    assert found[0].startswith("1 pair shares runs of 8")
    assert "1 pair is a duplicate or syndicated copy (" in found[0]
    assert "The 3 articles hold 2 independent stories: 1 story reached" in found[1]
    assert found[2].startswith("a and b: duplicate/syndicated copy")
    assert "a is the candidate original (date)" in found[2]
    assert found[3].startswith("2 pairs are the same topic only")
    repetition = pd.DataFrame({"doc_id": ["a"], "repeated_share": [0.0], "longest_repeat": [0],
                               "contains_itself_twice": [False]})
    last = overlap_findings(corpus, pairs, repetition=repetition)[-1]
    assert last.text == "No raw file contains itself twice."
    assert last.evidence["doc_id"].tolist() == ["a"]


def test_findings_cite_the_rows_they_rest_on():
    corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": ["One.", "Two.", "Three."],
                           "published": pd.to_datetime(["2025-01-01", "2025-01-02", None])})
    pairs = _pairs([{"doc_a": "a", "doc_b": "b", "relation": RELATIONS[0], "containment_ab": 0.9,
                     "shared_words": 40, "cosine": 0.9},
                    {"doc_a": "a", "doc_b": "c"}, {"doc_a": "b", "doc_b": "c", "cosine": 0.12}])
    verbatim, stories, pair, topic = overlap_findings(corpus, pairs)
    assert all(isinstance(f, Finding) for f in (verbatim, stories, pair, topic))
    assert verbatim.evidence[["doc_a", "doc_b", "shared_words"]].values.tolist() == [["a", "b", 40]]
    assert stories.evidence["n_articles"].tolist() == [2, 1]
    assert pair.evidence.loc[0, ["doc_a", "doc_b", "earlier"]].tolist() == ["a", "b", "a"]
    assert topic.evidence["cosine"].tolist() == [0.15, 0.12]
    assert "cosine 0.120–0.150" in topic.text


def test_findings_on_a_single_article():
    corpus = pd.DataFrame({"doc_id": ["a"], "text": ["One."]})
    found = overlap_findings(corpus, _pairs([]))
    assert [f.text for f in found] == ["No finding on overlap: with 1 article there is no pair to compare."]


def test_stories_each_reached_once_say_so_plainly():
    corpus = pd.DataFrame({"doc_id": ["a", "b"], "text": ["One.", "Two."],
                           "published": pd.to_datetime(["2025-01-01", "2025-01-02"])})
    found = [f.text for f in overlap_findings(corpus, _pairs([{"doc_a": "a", "doc_b": "b"}]))]
    assert "The 2 articles hold 2 independent stories: each reached the corpus once." in found
