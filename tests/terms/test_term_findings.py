"""Tests for newsdesk.terms.summary: term findings on corpora small enough to check by hand."""

import re

import numpy as np
from term_corpora import make_corpus

import helpers


def findings_for(corpus, freq="D", terms=None):
    model = helpers.fit_term_model(corpus)
    top = helpers.top_terms(corpus, n=3, model=model)
    trends = helpers.term_trends(corpus, terms, freq=freq, model=model)
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


def test_few_dated_articles_are_too_few_for_a_trend():
    corpus = make_corpus(["wafer foundry", "wafer memory", "wafer design"],
                         ["2025-01-01", "2025-01-02", "2025-01-03"])
    finding = findings_for(corpus)[3]
    assert finding.text == ("No trend: 3 articles are dated, too few for a trend test "
                            "(it needs at least 10).")
    one = findings_for(make_corpus(["wafer foundry", "wafer memory"], ["2025-01-01", None]))[3]
    assert one.text.startswith("No trend: 1 article is dated, too few")


def test_one_article_a_period_is_too_few_periods():
    texts = [f"wafer foundry memory design {w}" for w in FILLER * 3][:12]
    corpus = make_corpus(texts, [f"2025-01-{d:02d}" for d in range(1, 13)])
    finding = findings_for(corpus)[3]
    assert finding.text == ("No trend: 0 periods hold enough of the 12 dated articles to compare, "
                            "and a trend test needs at least 5.")
    assert set(finding.evidence["verdict"]) == {"too few periods"}
    assert "at least 2 articles" in finding.caveat


FILLER = ["wafer", "foundry", "lithography", "supply"]


def daily(rise: int, days: int = 6, seed: int = 3):
    rng = np.random.default_rng(seed)
    texts, dates = [], []
    for day in range(1, days + 1):
        for _ in range(2):
            words = list(rng.choice(FILLER, 40)) + ["tariff"] * (day * rise + 1)
            rng.shuffle(words)
            texts.append(" ".join(words))
            dates.append(f"2025-01-{day:02d}")
    return make_corpus(texts, dates)


def test_a_planted_rise_is_named_with_its_test():
    corpus = daily(rise=4)
    model = helpers.fit_term_model(corpus)
    trends = helpers.term_trends(corpus, ["tariff", *FILLER], "D", model)
    finding = findings_for(corpus, terms=["tariff", *FILLER])[3]
    assert finding.text.startswith("Over 6 periods of 12 dated articles: `tariff` rises (share ")
    row = finding.evidence.set_index("term").loc["tariff"]
    assert f"{row['first_share']:.4f} → {row['last_share']:.4f}, tau = {row['tau']:.2f}" in finding.text
    assert row["verdict"] == "rising"
    assert finding.evidence.equals(helpers.trend_tests(trends).round(4))


def test_no_rise_says_no_trend_and_names_the_closest_term():
    finding = findings_for(daily(rise=0), terms=["tariff", *FILLER])[3]
    assert finding.text.startswith("No trend: none of the 5 followed terms rises or falls clearly "
                                   "over 6 periods of 12 dated articles; the closest is `")
    for q in re.findall(r"q = ([\d.]+)", finding.text):
        assert float(q) >= helpers.TREND_ALPHA


def test_contrast_finding_states_its_basis_and_clear_terms():
    texts = ["tariff tariff tariff tariff wafer"] * 3 + ["memory memory memory memory wafer"] * 3
    corpus = make_corpus(texts, origins=["Reuters"] * 3 + ["unknown"] * 3)
    finding = findings_for(corpus)[4]
    assert finding.text.startswith("Split by who they credit: credited origin (3 articles)")
    for term, z in re.findall(r"`(\w+)` \(z = (-?[\d.]+)\)", finding.text):
        assert abs(float(z)) > helpers.Z_95
        assert round(float(finding.evidence.set_index("term").loc[term, "z"]), 2) == float(z)
    assert "illustrative" in finding.caveat


def test_no_credited_split_says_so_and_names_the_date_split():
    texts = ["tariff tariff tariff tariff wafer"] * 3 + ["memory memory memory memory wafer"] * 3
    dates = [f"2025-01-0{d}" for d in range(1, 7)]
    finding = findings_for(make_corpus(texts, dates, origins=["Reuters"] + ["unknown"] * 5))[4]
    assert finding.text.startswith("No credited/uncredited split: 1 of 6 articles credit a named "
                                   "origin. Split by date instead: before 2025-01-04 (3 articles) "
                                   "against 2025-01-04 or later (3 articles); ")
    assert finding.evidence["split"].iloc[0].startswith("earlier vs later articles")


def test_no_split_is_no_finding():
    corpus = make_corpus(["wafer", "foundry"])
    text = findings_for(corpus)[4].text
    assert text == ("No credited/uncredited split: 0 of 2 articles credit a named origin. Nor do the "
                    "dated articles split in two groups large enough to contrast.")


def test_one_period_says_why_there_is_no_trend():
    texts = [f"wafer foundry {w} memory" for w in FILLER * 3]
    finding = findings_for(make_corpus(texts, ["2025-01-01"] * len(texts)))[3]
    assert finding.text == ("No trend: 1 period holds enough of the 12 dated articles to compare, "
                            "and a trend test needs at least 5.")


def test_findings_whose_table_is_not_given_are_left_out():
    corpus = make_corpus(["The export controls bite. Export controls stay.", "New curbs and sanctions."])
    top = helpers.top_terms(corpus, n=3)
    assert len(helpers.term_overview_findings(top, helpers.policy_word_counts(corpus), 2)) == 3
    without = helpers.term_overview_findings(top, None, 2)  # no texts: the measures were not counted
    assert len(without) == 2 and not any("`export controls` occurs" in f.text for f in without)
    trends = helpers.term_trends(corpus, freq="D")
    found = helpers.term_findings(corpus, top, None, trends, helpers.default_contrast(corpus), None)
    assert len(found) == 3 and found[2].text.startswith("No trend")
