"""Tests for newsdesk.stance.summary when the sentences are not at hand (a table-folder report)."""

import pandas as pd

import helpers


def test_without_sentences_the_findings_rest_on_the_article_and_speaker_tables():
    articles = pd.DataFrame({"doc_id": ["a", "b"], "n_target": [1, 1], "stance": ["favor", "none"],
                             "basis": ["the author's own voice", "reports without arguing"]})
    speakers = pd.DataFrame({"speaker": ["Ann Lee", "author"], "speaker_type": ["person", "author"],
                             "n_favor": [2, 1], "n_against": [0, 0]})
    empty = pd.DataFrame()
    texts = [f.text for f in helpers.stance_findings(None, articles, speakers, empty, empty, empty, 0,
                                                     labels_beside_rules=False)]
    assert len(texts) == 3  # held-out, sides, voices: no coverage and no labelled-article finding
    assert texts[0].startswith("No finding on held-out text")
    assert texts[1].startswith("Article stance — favor: 1 article (a); against: 0 articles")
    assert "favor: Ann Lee (2)" in texts[2]
    assert helpers.NO_GOLD_TEXT not in texts
