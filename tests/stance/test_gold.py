"""Which gold labels apply to a corpus, on hand-written articles and labels."""

from __future__ import annotations

import pandas as pd

import helpers

CORPUS = pd.DataFrame({
    "doc_id": ["000", "001", "w1"],
    "text": ["The export controls bite. Chinese labs pay more.",
             "A different story that reuses an id. Nothing else.",
             "The curbs fail, analysts said."],
})
GOLD = pd.DataFrame({
    "doc_id": ["000", "000", "001", "999"],
    "sentence": ["The export controls bite.", "Chinese  labs pay more.", "The bans work.", "Elsewhere."],
    "label": ["favor", "none", "favor", "none"],
    "speaker": ["author"] * 4,
    "note": [""] * 4,
})


def test_only_articles_whose_every_label_is_found_are_kept():
    matched = helpers.matching_gold(GOLD, CORPUS)
    assert matched["doc_id"].tolist() == ["000", "000"]  # 001 reuses the id for other text; 999 absent
    found = helpers.gold_findings(matched, len(GOLD))[0]
    assert found.text.startswith("Gold labels: 2 sentences in 1 article of this corpus match the gold "
                                 "file (4 rows)")
    assert found.evidence.values.tolist() == [["000", 2]]


def test_no_matching_gold_is_said_plainly():
    other = CORPUS[CORPUS["doc_id"] == "w1"]
    matched = helpers.matching_gold(GOLD, other)
    assert matched.empty and list(matched.columns) == list(GOLD.columns)
    found = helpers.gold_findings(matched, len(GOLD))[0]
    assert found.text == (helpers.NO_GOLD_TEXT + " The gold file's 4 labelled sentences belong to other "
                          "articles.")
    assert helpers.NO_GOLD_TEXT == ("No gold labels match this corpus; sentence-level scores on it cannot "
                                    "be computed.")


def test_no_gold_file_or_an_empty_corpus_matches_nothing():
    assert helpers.matching_gold(None, CORPUS).empty
    assert helpers.matching_gold(GOLD, CORPUS.iloc[:0]).empty
    assert helpers.gold_findings(None, 0)[0].text == helpers.NO_GOLD_TEXT
