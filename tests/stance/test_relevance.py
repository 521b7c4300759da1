"""Off-topic articles on a hand-written corpus: three on the controls, one on DeepSeek that never
names them, one marathon report."""

from __future__ import annotations

import pandas as pd
import pytest

import helpers

ARTICLES = {
    "a1": ("The US tightened export controls on advanced chips, and Nvidia can no longer sell its "
           "H20 processors to Chinese firms.\nAnalysts said the curbs slow Chinese AI labs."),
    "a2": ("Washington's export controls on Nvidia chips are failing, analysts said, as Chinese AI "
           "labs train models on smuggled processors.\nDeepSeek trained its model on older chips."),
    "a3": ("Commerce officials defended the export controls on advanced chips, saying Chinese AI labs "
           "pay more for Nvidia processors.\nHuawei said its own chips would fill the gap."),
    "a4": ("DeepSeek's new AI model rivals American models at a fraction of the cost, and Chinese AI "
           "labs are racing to copy it.\nNvidia shares fell as investors weighed cheaper chips."),
    "m1": ("The city marathon drew a record field on Sunday as runners crossed the river bridges under "
           "clear skies.\nOrganisers said volunteers handed out water at every mile of the course."),
}


def corpus(items: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": list(items), "text": list(items.values())})


def test_the_marathon_story_is_flagged_and_the_rest_are_not():
    flags = helpers.off_topic_articles(corpus(ARTICLES))
    assert flags["doc_id"].tolist() == ["m1"]
    assert flags.columns.tolist() == ["doc_id", "reason", "target_sentences", "topic_similarity"]
    assert flags.loc[0, "target_sentences"] == 0
    assert flags.loc[0, "topic_similarity"] < helpers.OFF_TOPIC_MAX_SIMILARITY
    assert "no sentence refers to the export controls" in flags.loc[0, "reason"]


def test_a_story_that_never_names_the_controls_stays_when_it_resembles_the_rest():
    similarity = helpers.centroid_similarity(corpus(ARTICLES))
    assert similarity["a4"] > helpers.OFF_TOPIC_MAX_SIMILARITY > similarity["m1"]
    assert similarity.index.tolist() == ["a1", "a2", "a3", "a4", "m1"]


def test_the_threshold_is_a_parameter():
    flags = helpers.off_topic_articles(corpus(ARTICLES), max_similarity=0.99)
    assert flags["doc_id"].tolist() == ["a4", "m1"]  # a1-a3 have target sentences whatever the cosine
    assert helpers.off_topic_articles(corpus(ARTICLES), max_similarity=0.0).empty


def test_on_topic_drops_flagged_articles_from_any_table():
    table = corpus(ARTICLES)
    flags = helpers.off_topic_articles(table)
    assert helpers.on_topic(table, flags)["doc_id"].tolist() == ["a1", "a2", "a3", "a4"]
    sentences = pd.DataFrame({"doc_id": ["m1", "a1", "m1"], "sent_id": [0, 0, 1]})
    assert helpers.on_topic(sentences, flags)["doc_id"].tolist() == ["a1"]
    assert helpers.on_topic(table, helpers.off_topic_articles(table.iloc[:0])).equals(table)


@pytest.mark.parametrize("items", [{}, {"m1": ARTICLES["m1"]}, {"x": "", "y": "   "}])
def test_too_few_or_empty_articles_flag_nothing_they_cannot_compare(items):
    flags = helpers.off_topic_articles(corpus(items))
    if len(items) < 2:
        assert flags.empty
    else:  # two empty texts: no word to compare, both similarity 0 and no target sentence
        assert flags["doc_id"].tolist() == ["x", "y"]


def test_findings_name_the_flagged_articles_or_say_none():
    flags = helpers.off_topic_articles(corpus(ARTICLES))
    found = helpers.off_topic_findings(flags, 5, left_out_of="the stance shares")
    assert found[0].text.startswith("1 article is off topic: m1 (no sentence refers")
    assert found[0].text.endswith("It is left out of the stance shares.")
    assert found[0].evidence["doc_id"].tolist() == ["m1"]
    none = helpers.off_topic_findings(flags.iloc[:0], 4)
    assert none[0].text.startswith("No article is off topic: each of the 4 articles")
