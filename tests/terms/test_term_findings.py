"""Tests for newsdesk.terms.summary: term findings on corpora small enough to check by hand."""

import re

import numpy as np
from term_corpora import make_corpus

import helpers


def findings_for(corpus, freq="D"):
    model = helpers.fit_term_model(corpus)
    top = helpers.top_terms(corpus, n=3, model=model)
    trends = helpers.term_trends(corpus, freq=freq, model=model)
    split = helpers.default_contrast(corpus)
    contrast = helpers.contrast_groups(corpus, split["ids_a"], split["ids_b"], model)
    return helpers.term_findings(corpus, top, helpers.policy_word_counts(corpus), trends, split, contrast)


def test_policy_word_counts_count_each_name_per_article():
    corpus = make_corpus(["The export controls bite. Export controls stay.", "New curbs and sanctions."])
    counts = helpers.policy_word_counts(corpus, ("export controls", "curbs"))
    assert counts.to_dict("list") == {"doc_id": ["d0", "d1"], "export controls": [2, 0], "curbs": [0, 1]}


def test_policy_finding_names_the_articles_and_the_other_words():
    corpus = make_corpus(["The export controls bite. Export controls stay.", "New curbs and sanctions."])
    mentions = helpers.policy_word_counts(corpus)
    text = helpers.term_overview_findings(helpers.top_terms(corpus, n=3), mentions, 2)[2].text
    assert "`export controls` occurs 2 times, in 1 article of 2: d0 (2)" in text
    assert "d1 writes `curbs`, `sanctions`" in text


def test_one_article_gives_no_finding_on_distinctive_terms():
    corpus = make_corpus(["Chip curbs on foundry output."])
    found = findings_for(corpus)
    assert found[0].text.startswith("No finding on distinctive terms")
    assert found[3].text == "No trend: no article is dated."


def test_single_article_periods_are_no_trend():
    corpus = make_corpus(["wafer foundry", "wafer memory", "wafer design"],
                         ["2025-01-01", "2025-01-02", "2025-01-03"])
    assert findings_for(corpus)[3].text.startswith("No trend: each of the 3 dated periods holds one article")


def test_two_periods_are_too_few_for_a_trend():
    corpus = make_corpus(["wafer foundry", "wafer memory", "wafer design"],
                         ["2025-01-01", "2025-01-01", "2025-01-02"])
    assert findings_for(corpus)[3].text == ("No trend: the dated articles fall in 2 periods; "
                                            "a trend needs at least 3.")


def test_a_planted_rise_is_named_with_its_shares():
    rng = np.random.default_rng(3)
    filler = ["wafer", "foundry", "lithography", "supply"]
    texts, dates = [], []
    for day in range(1, 5):
        for _ in range(2):
            words = list(rng.choice(filler, 40)) + ["tariff"] * (day * 4)
            rng.shuffle(words)
            texts.append(" ".join(words))
            dates.append(f"2025-01-{day:02d}")
    finding = findings_for(make_corpus(texts, dates))[3]
    assert "steepest rise among the followed terms is `tariff` " in finding.text
    row = finding.evidence.set_index("term").loc["tariff"]
    assert f"{row['first_share']:.4f} → {row['last_share']:.4f}" in finding.text


def test_contrast_finding_states_its_basis_and_clear_terms():
    texts = ["tariff tariff tariff tariff wafer"] * 3 + ["memory memory memory memory wafer"] * 3
    corpus = make_corpus(texts, origins=["Reuters"] * 3 + ["unknown"] * 3)
    finding = findings_for(corpus)[4]
    assert finding.text.startswith("Split by who they credit: credited origin (3 articles)")
    for term, z in re.findall(r"`(\w+)` \(z = (-?[\d.]+)\)", finding.text):
        assert abs(float(z)) > helpers.Z_95
        assert round(float(finding.evidence.set_index("term").loc[term, "z"]), 2) == float(z)
    assert "illustrative" in finding.caveat


def test_no_split_is_no_finding():
    corpus = make_corpus(["wafer", "foundry"])
    assert findings_for(corpus)[4].text.startswith("No finding on a contrast")
