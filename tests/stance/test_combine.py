"""Rules and the learned model together: which sentences the model scores, and what it writes."""

import numpy as np
import pandas as pd
import pytest

import helpers


def sentences_of(doc_id: str, *texts: str) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": doc_id, "sent_id": range(len(texts)), "sentence": list(texts)})


@pytest.fixture(scope="module")
def toy():
    favor = [f"The export curbs are working and slow China down, case {i}." for i in range(6)]
    against = [f"The export curbs have failed and backfired badly, case {i}." for i in range(6)]
    none = [f"The export curbs were announced on a Monday, case {i}." for i in range(6)]
    return helpers.fit_stance_model(favor + against + none, ["favor"] * 6 + ["against"] * 6 + ["none"] * 6,
                                    vector_weight=0.0)


@pytest.fixture(scope="module")
def small_corpus():
    seeds = helpers.load_corpus("seeds")
    export = helpers.synthetic_export(seeds, 12, seed=3, paragraphs=(2, 3))
    corpus = pd.DataFrame({"doc_id": export["stories_id"], "text": export["text"]})
    return pd.concat([corpus, seeds[["doc_id", "text"]]], ignore_index=True)


def test_reason_and_cue_reset_match_a_row_by_row_reference(small_corpus, toy):
    table = helpers.rule_stance_table(helpers.detect_targets(helpers.corpus_sentences(small_corpus)))
    out = helpers.learned_stance_table(table, toy)
    target = out[out["mentions_target"] & out["p_none"].add(out["p_favor"]).gt(0)]
    assert len(target) > 10
    for i, row in target.iterrows():
        shares = " · ".join(f"{label} {row[f'p_{label}']:.2f}" for label in helpers.STANCE_LABELS)
        assert row["reason"] == f"model: {shares}; rules: {table.at[i, 'reason']}"
        expected_cue = -1 if row["stance"] != row["rule_stance"] else table.at[i, "cue_start"]
        assert row["cue_start"] == expected_cue
    untouched = out[~out.index.isin(target.index)]
    assert (untouched["reason"] == table.loc[untouched.index, "reason"]).all()


def test_stance_details_are_the_same_in_any_batch_size(small_corpus):
    whole = helpers.stance_details(small_corpus)
    batched = helpers.stance_details(small_corpus, batch_articles=4)
    pd.testing.assert_frame_equal(whole, batched)
    articles = helpers.article_stance(small_corpus, whole)
    assert articles["n_target"].sum() == int(whole["mentions_target"].sum())
    assert np.array_equal(articles["doc_id"], small_corpus["doc_id"])


def test_sentences_since_target_by_hand():
    table = pd.DataFrame({"doc_id": ["a", "a", "a", "a", "b", "b"],
                          "mentions_target": [False, True, False, False, False, True]})
    since = helpers.sentences_since_target(table)
    assert since.tolist() == [np.inf, 0, 1, 2, np.inf, 0]


def test_model_candidates_window_measure_words_and_off_topic_articles():
    table = helpers.detect_targets(pd.concat([
        sentences_of("on", "Washington widened its chip curbs on Monday.", "Markets rose.", "Bonds fell.",
                     "Oil was flat.", "Critics say the ban leaks."),
        sentences_of("off", "Markets rose.", "The ban on leaf blowers starts in May.")], ignore_index=True))
    assert table["mentions_target"].tolist() == [True, False, False, False, False, False, False]
    near = helpers.model_candidates(table, 1, measure_words=False)
    assert near.tolist() == [True, True, False, False, False, False, False]
    loose = helpers.model_candidates(table, 1, measure_words=True)
    assert loose.tolist() == [True, True, False, False, True, False, False]  # "ban": on-topic only
    every = helpers.model_candidates(table, None)
    assert every.tolist() == [True] * 5 + [False] * 2
    assert helpers.model_candidates(table, 0, all_on_topic=True, measure_words=True).tolist()[-1]
    with pytest.raises(ValueError, match="window"):
        helpers.model_candidates(table, -1)


def test_measure_word_is_a_whole_word():
    assert helpers.measure_word("The chip ban leaks.") == "ban"
    assert helpers.measure_word("The banner fell.") == ""
    assert helpers.measure_word("Exporters must now file reports.") == "exporters"


def test_unscored_sentences_keep_zero_probability(toy):
    table = helpers.rule_stance_table(helpers.detect_targets(
        sentences_of("d", "The export curbs have failed and backfired badly.", "Markets rose.", "Bonds fell.",
                     "Oil was flat.")))
    out = helpers.learned_stance_table(table, toy, window=1, measure_words=False)
    assert out["p_none"].gt(0).tolist() == [True, True, False, False]
    every = helpers.learned_stance_table(table, toy, window=None)
    assert every["p_none"].gt(0).all()


def test_repeated_sentences_get_the_same_scores_as_when_scored_alone(toy):
    texts = ["The export curbs have failed and backfired badly.",
             "The curbs are working and slow China down.", "Markets rose."]
    table = helpers.rule_stance_table(helpers.detect_targets(pd.concat(
        [sentences_of("a", *texts), sentences_of("b", texts[1], texts[0], texts[1])], ignore_index=True)))
    out = helpers.learned_stance_table(table, toy, window=None)
    alone = helpers.predict_stance_proba(toy, out["sentence"].tolist())
    assert out[helpers.PROBABILITY_COLUMNS].to_numpy().tolist() == alone.to_numpy().tolist()
    assert out.loc[3, "p_favor"] == out.loc[1, "p_favor"] == out.loc[5, "p_favor"]
