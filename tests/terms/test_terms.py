"""Tests for newsdesk.terms: small corpora whose answers can be checked by hand."""

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from term_corpora import make_corpus

import helpers
from newsdesk.terms.model import _tokens_from_normalized

# --- tokens ---------------------------------------------------------------------------

def test_tokens_normalise_us_and_keep_alphanumeric_terms():
    tokens = helpers.term_tokens("The U.S. said Nvidia's H800 and R1 beat 7nm in 2023 and 5,000.")
    assert tokens == ["us", "nvidia", "h800", "r1", "beat", "7nm"]


def test_tokens_keep_the_country_but_drop_the_pronoun():
    assert helpers.term_tokens("Let us see what the US and IT firms do with it") == [
        "let", "us", "it", "firms"]


def test_tokens_split_hyphens_and_drop_contraction_pieces():
    assert helpers.term_tokens("DeepSeek-R1 doesn't use high-end chips") == [
        "deepseek", "r1", "use", "high", "end", "chips"]


def test_bigrams_stay_within_clauses():
    features = helpers.term_ngrams("Chips curbs. The US—and Huawei (H800 chips)\nExport rules; fine")
    bigrams = [f for f in features if " " in f]
    assert bigrams == ["chips curbs", "h800 chips", "export rules"]
    assert [f for f in features if " " not in f] == ["chips", "curbs", "us", "huawei", "h800",
                                                     "chips", "export", "rules", "fine"]


def test_term_preprocess_gives_the_tokens_of_normalize_text():
    tricky = ("“U.S.” chips—U.\u00a0S. curbs; U.S’s ‘H800’ „quote« ‒ ﬁne ＵＳ export U.S\u00a0rules "
              "U.S.-led, U.S.A. and 7‐nm")
    texts = [tricky, *helpers.load_corpus("seeds")["text"]]
    for text in texts:
        assert _tokens_from_normalized(helpers.normalize_text(text)) == \
            helpers.term_tokens(text)


def test_model_weights_equal_tfidfvectorizer_with_the_same_settings():
    corpus = make_corpus(["US export controls on H800 chips.", "Chips, chips and more chips.",
                          "Export curbs: the U.S. view of DeepSeek R1."])
    model = helpers.fit_term_model(corpus)
    reference = TfidfVectorizer(analyzer=helpers.term_ngrams, sublinear_tf=True)
    expected = reference.fit_transform(corpus["text"])
    assert list(reference.get_feature_names_out()) == list(model.terms)
    np.testing.assert_allclose(model.tfidf.toarray(), expected.toarray())
    assert "export controls" in model.terms and "us export" in model.terms


# --- top_terms ------------------------------------------------------------------------

def test_term_in_one_document_outranks_term_in_every_document():
    corpus = make_corpus(["tariff rare", "tariff chips", "tariff wafers"])
    top = helpers.top_terms(corpus, n=10)
    first = top[top["doc_id"] == "d0"].set_index("term")
    assert first.loc["rare", "rank"] < first.loc["tariff", "rank"]
    assert first.loc["rare", "doc_freq"] == 1 and first.loc["tariff", "doc_freq"] == 3
    assert list(top.columns) == ["doc_id", "rank", "term", "tfidf", "doc_freq"]


def test_top_terms_ranks_are_limited_and_ties_alphabetical():
    corpus = make_corpus(["zinc alloy boron", "gallium words"])
    top = helpers.top_terms(corpus, n=2)
    assert top[top["doc_id"] == "d0"]["term"].tolist() == ["alloy", "alloy boron"]
    assert top.groupby("doc_id")["rank"].max().tolist() == [2, 2]


def test_top_terms_handles_one_article_and_no_terms():
    one = helpers.top_terms(make_corpus(["chips chips export"]), n=1)
    assert one["term"].tolist() == ["chips"]
    assert helpers.top_terms(make_corpus(["the and of it", "said he"])).empty
    assert helpers.top_terms(make_corpus([])).empty


def test_a_model_from_another_corpus_is_refused():
    model = helpers.fit_term_model(make_corpus(["chips"]))
    with pytest.raises(ValueError, match="different corpus"):
        helpers.top_terms(make_corpus(["chips", "wafers"]), model=model)


def test_group_top_terms_sums_articles_of_a_group():
    corpus = make_corpus(["chips chips", "chips wafers", "tariffs"])
    corpus["outlet"] = ["A", "A", "B"]
    table = helpers.group_top_terms(corpus, "outlet", n=1)
    assert table[["outlet", "n_docs", "term"]].values.tolist() == [["A", 2, "chips"],
                                                                    ["B", 1, "tariffs"]]


# --- term_trends ----------------------------------------------------------------------

def test_shares_of_all_unigrams_add_up_to_one_per_period():
    corpus = make_corpus(["chips tariffs chips", "wafers chips", "tariffs", "wafers wafers"],
                         ["2025-01-06", "2025-01-07", "2025-01-20", None])
    model = helpers.fit_term_model(corpus)
    unigrams = [t for t in model.terms if " " not in t]
    trends = helpers.term_trends(corpus, unigrams, "W", model)
    totals = trends.groupby("period", sort=False)["share"].sum()
    assert totals.index.tolist() == ["2025-01-06/2025-01-12", "2025-01-13/2025-01-19",
                                     "2025-01-20/2025-01-26", "undated"]
    assert totals.iloc[0] == pytest.approx(1.0) and totals.iloc[2] == pytest.approx(1.0)
    assert math.isnan(totals.iloc[1]) or totals.iloc[1] == 0  # empty week: no text
    week1 = trends[(trends["period"] == "2025-01-06/2025-01-12") & (trends["term"] == "chips")]
    assert week1[["count", "n_tokens", "n_docs", "n_docs_with_term"]].values.tolist() == [[3, 5, 2, 2]]
    assert week1["share"].item() == pytest.approx(3 / 5)


def test_undated_articles_are_counted_not_dropped():
    corpus = make_corpus(["chips", "chips chips wafers", "wafers"], ["2025-02-01", None, None])
    trends = helpers.term_trends(corpus, ["chips"], "D")
    undated = trends[trends["period"] == "undated"].iloc[0]
    assert (undated["n_docs"], undated["count"], undated["n_tokens"]) == (2, 2, 4)
    assert trends["n_docs"].sum() == len(corpus)


def test_an_all_dated_corpus_still_reports_an_empty_undated_bucket():
    trends = helpers.term_trends(make_corpus(["chips"], ["2025-02-01"]), ["chips"], "ME")
    assert trends["period"].tolist() == ["2025-02", "undated"]
    assert trends["n_docs"].tolist() == [1, 0]


def test_default_trend_terms_and_stopword_terms():
    corpus = make_corpus(["tariffs tariffs wafers", "wafers foundry"], ["2025-01-01", "2025-01-02"])
    trends = helpers.term_trends(corpus, freq="D", n_terms=2)
    assert trends["term"].unique().tolist() == helpers.trend_terms(corpus, n=2)
    with pytest.raises(ValueError, match="not a term"):
        helpers.term_trends(corpus, ["the of"])


# --- log-odds with informative Dirichlet prior -----------------------------------------

def test_log_odds_matches_hand_computation():
    # Vocabulary: chips, export, curbs. Group a = [3, 1, 0] (n_a = 4); b = [1, 1, 2] (n_b = 4);
    # prior alpha = [1, 1, 1] (alpha_0 = 3).
    delta, z = helpers.log_odds_dirichlet([3, 1, 0], [1, 1, 2], [1, 1, 1])
    # chips: log((3+1)/(4+3-3-1)) - log((1+1)/(4+3-1-1)) = log(4/3) - log(2/5)
    assert delta[0] == pytest.approx(math.log(4 / 3) - math.log(2 / 5))
    assert delta[0] == pytest.approx(1.203973, abs=1e-6)
    assert z[0] == pytest.approx(1.203973 / math.sqrt(1 / 4 + 1 / 2), abs=1e-6)  # 1.390229
    # export: equal counts, equal totals -> no difference
    assert delta[1] == pytest.approx(0) and z[1] == pytest.approx(0)
    # curbs: log((0+1)/(4+3-0-1)) - log((2+1)/(4+3-2-1)) = log(1/6) - log(3/4)
    assert delta[2] == pytest.approx(math.log(1 / 6) - math.log(3 / 4))
    assert z[2] == pytest.approx(-1.504077 / math.sqrt(1 / 1 + 1 / 3), abs=1e-6)


def test_contrast_groups_signs_and_symmetry():
    corpus = make_corpus(["chips chips export", "chips export", "tariffs tariffs export"])
    ab = helpers.contrast_groups(corpus, ["d0", "d1"], ["d2"]).set_index("term")
    ba = helpers.contrast_groups(corpus, ["d2"], ["d0", "d1"]).set_index("term")
    assert ab.loc["chips", "z"] > 0 > ab.loc["tariffs", "z"]
    assert ab.loc["chips", ["count_a", "count_b"]].tolist() == [3, 0]
    np.testing.assert_allclose(ab["z"], -ba.loc[ab.index, "z"])
    with pytest.raises(ValueError, match="share articles"):
        helpers.contrast_groups(corpus, ["d0"], ["d0", "d2"])
    with pytest.raises(ValueError, match="not in the corpus"):
        helpers.contrast_groups(corpus, ["d0"], ["d9"])


def test_contrast_texts_uses_the_model_vocabulary():
    corpus = make_corpus(["chips export", "tariffs export"])
    model = helpers.fit_term_model(corpus)
    table = helpers.contrast_texts(model, ["Chips!", "chips"], ["tariffs", "unseen words"])
    assert table["term"].tolist() == ["chips", "tariffs"]
    assert table[["count_a", "count_b"]].values.tolist() == [[2, 0], [0, 1]]


def test_default_contrast_by_origin_then_by_date_under_its_own_title():
    corpus = make_corpus(["a b", "c d", "e f", "g h", "i j"],
                         ["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04", None],
                         ["Reuters", "Bloomberg", "rewrite of d0", "unknown", "unknown"])
    split = helpers.default_contrast(corpus)
    assert (split["basis"], split["ids_a"], split["ids_b"]) == ("origin", ["d0", "d1"], ["d2", "d3", "d4"])
    assert split["title"] == "credited vs uncredited copy" and split["n_credited"] == 2
    corpus["origin"] = ["Reuters"] + ["unknown"] * 4  # one credited article is no split
    split = helpers.default_contrast(corpus)
    assert (split["basis"], split["ids_a"], split["ids_b"]) == ("date", ["d0", "d1"], ["d2", "d3"])
    assert "no credited/uncredited split" in split["title"] and split["n_credited"] == 1
    assert split["label_a"] == "before 2025-01-03"
    none = helpers.default_contrast(make_corpus(["a b", "c d"], ["2025-01-01", "2025-01-02"]))
    assert (none["basis"], none["ids_a"], none["ids_b"]) == ("none", [], [])
    assert helpers.contrast_groups(make_corpus(["a b"]), [], ["d0"]).empty


# --- kwic -----------------------------------------------------------------------------

KWIC_TEXT = ("DeepSeek-R1 beat R10 and r1x.\nThe U.S. export  controls bit; US "
             "Export-Controls widened. Made in China 2025 and made-in-China goods.\nExport\ncontrols.")


def test_kwic_word_boundaries_and_case():
    corpus = make_corpus([KWIC_TEXT])
    hits = helpers.kwic(corpus, "R1", width=10)
    assert hits["match"].tolist() == ["R1"]
    assert hits.iloc[0]["left"] == "DeepSeek-" and hits.iloc[0]["right"] == " beat R10 "
    assert helpers.kwic(corpus, "us")["match"].tolist() == ["U.S.", "US"]


def test_kwic_multi_word_phrases_keep_the_original_text():
    corpus = make_corpus([KWIC_TEXT])
    hits = helpers.kwic(corpus, "export controls", width=12)
    assert hits["match"].tolist() == ["export  controls", "Export-Controls"]  # not across lines
    assert hits.iloc[0]["left"] == "x. The U.S. "  # line breaks shown as spaces
    assert helpers.kwic(corpus, "made china")["match"].tolist() == ["Made in China",
                                                                   "made-in-China"]
    assert helpers.kwic(corpus, "bit us").empty  # "bit; US" spans a clause break


def test_kwic_returns_empty_table_with_columns():
    hits = helpers.kwic(make_corpus([KWIC_TEXT]), "zebra")
    assert hits.empty and list(hits.columns) == ["doc_id", "left", "match", "right"]
    assert helpers.kwic(make_corpus([KWIC_TEXT]), "!!").empty


# --- labels and order ------------------------------------------------------------------

def test_articles_ordered_by_date_with_undated_last():
    corpus = make_corpus(["a", "b", "c"], [None, "2025-01-02", "2025-01-01"],
                         ["unknown", "Reuters", "Bloomberg"])
    assert helpers.date_order(corpus) == ["d2", "d1", "d0"]
    assert helpers.doc_labels(corpus).tolist() == [
        "d0 · undated", "d1 · Reuters · 2025-01-02", "d2 · Bloomberg · 2025-01-01"]


def test_corpus_span_counts_dated_and_undated():
    span = helpers.corpus_span(make_corpus(["a", "b", "c"], ["2025-01-27", None, "2025-01-30"]))
    assert span.iloc[0].tolist() == [3, 2, 1, "2025-01-27", "2025-01-30", 4]
    assert helpers.corpus_span(make_corpus(["a"])).iloc[0].tolist() == [1, 0, 1, "", "", 0]


def test_contrast_plot_data_marks_each_side():
    contrast = pd.DataFrame({"term": list("abcde"), "total": [1] * 5,
                             "z": [2.0, 1.0, 0.0, -1.0, -3.0]})
    marked = helpers.contrast_plot_data(contrast, n_label=1)
    assert marked["labelled"].tolist() == ["a", "", "", "", "b"]


def test_describe_split_counts_clear_terms_per_side():
    split = {"label_a": "wire", "ids_a": ["d0", "d1", "d2"], "label_b": "rest", "ids_b": ["d3"]}
    contrast = pd.DataFrame({"term": ["x", "y", "z"], "z": [2.5, 0.3, -1.97]})
    table = helpers.describe_split(split, contrast, max_ids=2)
    assert table.values.tolist() == [["", "a", "wire", 3, "d0, d1 …", 1], ["", "b", "rest", 1, "d3", 1]]
    split["title"] = "credited vs uncredited copy"
    assert helpers.describe_split(split, contrast)["split"].tolist() == [split["title"]] * 2


def test_kwic_with_no_context_width():
    corpus = pd.DataFrame({"doc_id": ["a"], "text": ["Washington tightened export controls again."]})
    table = helpers.kwic(corpus, "export controls", width=0)
    assert table[["left", "match", "right"]].values.tolist() == [["", "export controls", ""]]
