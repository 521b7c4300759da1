"""Tests for newsdesk.terms.trends and trend_test: the period from the span, the terms followed,
shares on a subset of the corpus, and the trend test's verdicts on planted series."""

import numpy as np
import pandas as pd
import pytest
from term_corpora import make_corpus

import helpers

FILLER = ["wafer", "foundry", "lithography", "supply", "market", "factory", "design", "memory"]


def span_corpus(days: int):
    """Two articles ``days`` days apart, both included (a span of ``days + 1`` days)."""
    end = pd.Timestamp("2025-01-01") + pd.Timedelta(days=days)
    return make_corpus(["a b", "c d"], ["2025-01-01", end.strftime("%Y-%m-%d")])


@pytest.mark.parametrize(("days_apart", "freq"), [(0, "D"), (20, "D"), (21, "W"), (121, "W"),
                                                  (122, "M"), (800, "M")])
def test_period_follows_the_span(days_apart, freq):
    assert helpers.suggest_freq(span_corpus(days_apart)) == freq


def test_period_thresholds_are_parameters_and_undated_corpora_get_days():
    assert helpers.suggest_freq(span_corpus(10), daily_max_days=7) == "W"
    assert helpers.suggest_freq(span_corpus(40), weekly_max_days=30) == "M"
    assert helpers.suggest_freq(make_corpus(["a", "b"])) == "D"


def test_trends_carry_period_dates_and_undated_has_none():
    corpus = make_corpus(["chips", "chips wafers", "wafers"], ["2025-01-06", "2025-01-15", None])
    trends = helpers.term_trends(corpus, ["chips"], "W")
    assert trends["start"].dt.strftime("%Y-%m-%d").fillna("").tolist() == [
        "2025-01-06", "2025-01-13", ""]
    assert trends["end"].dt.strftime("%Y-%m-%d").fillna("").tolist() == [
        "2025-01-12", "2025-01-19", ""]


def test_trends_of_a_subset_use_the_whole_corpus_model():
    corpus = make_corpus(["chips tariffs", "chips", "marathon runners"],
                         ["2025-01-01", "2025-01-02", "2025-01-02"])
    model = helpers.fit_term_model(corpus)
    kept = corpus[corpus["doc_id"] != "d2"]
    trends = helpers.term_trends(kept, ["chips", "marathon"], "D", model)
    assert trends.groupby("term", sort=False)["count"].sum().to_dict() == {"chips": 2, "marathon": 0}
    assert trends["n_docs"].sum() == 2 * 2  # two articles, counted once per term
    other = make_corpus(["chips"], ["2025-01-01"]).assign(doc_id="x9")
    with pytest.raises(ValueError, match="different corpus: it has no article x9"):
        helpers.term_trends(other, ["chips"], "D", model)


def test_topic_words_come_from_the_lexicon():
    words = helpers.topic_words()
    assert {"deepseek", "china", "ai", "us", "export controls"} <= words
    assert "tariffs" not in words


def test_followed_terms_skip_topic_words_and_one_story_terms():
    texts = ["China AI chips tariffs smuggling", "China AI chips tariffs export rules",
             "China AI chips tariffs export rules", "China AI chips smuggling export rules",
             "China AI marathon"]
    corpus = make_corpus(texts)
    table = helpers.trend_term_table(corpus, min_docs=3)
    assert "china" not in set(table["term"]) and "china ai" not in set(table["term"])
    assert "ai chips" not in set(table["term"])  # made of topic words only
    assert {"tariffs", "rules", "export rules"} <= set(table["term"])  # "rules" is not a topic word
    assert "smuggling" not in set(table["term"]) and "marathon" not in set(table["term"])  # < 3 articles
    assert table["score"].is_monotonic_decreasing
    row = table.set_index("term").loc["tariffs"]
    assert row["score"] == pytest.approx(row["share"] * row["idf"])
    everything = helpers.trend_term_table(corpus, min_docs=1, exclude=frozenset())
    assert everything["term"].iloc[0] == "ai"  # without the lexicon, the topic's words lead
    assert helpers.trend_terms(corpus, n=2, min_docs=3) == table["term"].head(2).tolist()


def planted(n_periods=8, per_period=2, rise=2, seed=7):
    """Articles over ``n_periods`` months where "tariff" grows by ``rise`` words a month."""
    rng = np.random.default_rng(seed)
    texts, dates = [], []
    for month in range(n_periods):
        for k in range(per_period):
            words = list(rng.choice(FILLER, 80)) + ["tariff"] * (month * rise)
            rng.shuffle(words)
            texts.append(" ".join(words))
            dates.append(f"2024-{month + 1:02d}-{3 + k:02d}")
    return make_corpus(texts, dates)


def test_a_planted_rise_is_rising_and_filler_is_not():
    corpus = planted()
    trends = helpers.term_trends(corpus, ["tariff", *FILLER], "M")
    tests = helpers.trend_tests(trends).set_index("term")
    assert tests.loc["tariff", "verdict"] == "rising"
    assert tests.loc["tariff", "tau"] == pytest.approx(1.0)
    assert tests.loc["tariff", "q"] < helpers.TREND_ALPHA
    assert (tests.loc[FILLER, "verdict"] != "rising").all()
    assert (tests["q"] >= tests["p"] - 1e-12).all()  # Benjamini–Hochberg never lowers a p-value
    assert tests["n_articles"].unique().tolist() == [16] and tests["n_periods"].unique().tolist() == [8]
    assert helpers.trend_tests(trends).equals(helpers.trend_tests(trends))  # fixed seed


def test_five_rising_periods_give_the_exact_permutation_p():
    trends = helpers.term_trends(planted(n_periods=5, per_period=2), ["tariff"], "M")
    row = helpers.trend_tests(trends).iloc[0]
    assert row["p"] == pytest.approx(2 / 120)  # two of the 5! orders are as monotone
    assert row["verdict"] == "rising"


def test_thin_data_gets_no_verdict():
    few = helpers.term_trends(planted(n_periods=4, per_period=2), ["tariff"], "M")
    assert helpers.trend_tests(few)["verdict"].tolist() == ["too few articles"]  # 8 < 10
    thin = helpers.term_trends(planted(n_periods=12, per_period=1), ["tariff"], "M")
    row = helpers.trend_tests(thin).iloc[0]
    assert (row["verdict"], row["n_periods"]) == ("too few periods", 0)  # one article a month
    assert np.isnan(row["p"]) and np.isnan(row["q"])
    assert helpers.trend_tests(thin, min_period_docs=1).iloc[0]["verdict"] == "rising"
    assert helpers.trend_tests(few, min_docs=2, min_periods=5)["verdict"].tolist() == ["too few periods"]


def test_a_falling_term_and_an_empty_table():
    corpus = planted()
    corpus["published"] = corpus["published"].max() - (corpus["published"] - corpus["published"].min())
    tests = helpers.trend_tests(helpers.term_trends(corpus, ["tariff"], "M"))
    assert tests["verdict"].tolist() == ["falling"]
    empty = helpers.trend_tests(helpers.term_trends(corpus, [], "M"))
    assert empty.empty and "verdict" in empty.columns


def test_followed_terms_skip_the_same_phrase_counted_again():
    texts = ["tariff regime bites. wafer", "tariff regime bites. wafer foundry",
             "tariff regime bites. foundry", "memory foundry wafer"]
    corpus = make_corpus(texts)
    ranked = helpers.trend_term_table(corpus, min_docs=3)["term"].tolist()
    assert {"tariff", "regime", "tariff regime"} <= set(ranked)
    followed = helpers.trend_terms(corpus, n=3, min_docs=3)
    assert sum(t in followed for t in ("bites", "regime", "regime bites", "tariff", "tariff regime")) == 1
    assert {"wafer", "foundry"} <= set(followed)  # as frequent, but in other articles


def test_ranking_from_totals_equals_the_trend_term_table():
    texts = ["China AI chips tariffs smuggling", "China AI chips tariffs export rules",
             "China AI chips tariffs export rules", "China AI chips smuggling export rules",
             "China AI marathon"]
    corpus = make_corpus(texts)
    model = helpers.fit_term_model(corpus)
    unigram = np.array([" " not in t for t in model.terms])
    count = np.asarray(model.counts.sum(axis=0)).ravel()
    n_docs = np.asarray((model.counts > 0).sum(axis=0)).ravel()
    for min_docs in (1, 3):
        ranked = helpers.rank_trend_terms(model.terms, count, n_docs, model.transformer.idf_,
                                          int(count[unigram].sum()), len(corpus), min_docs)
        pd.testing.assert_frame_equal(ranked, helpers.trend_term_table(corpus, model, min_docs),
                                      check_dtype=False, atol=0, rtol=0)
    assert helpers.rank_trend_terms([], [], [], [], 0, 0).empty
