"""The distributed term model on a few hand-made articles, split over two partitions."""

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

import helpers


@pytest.fixture(scope="module")
def corpus():
    return pd.DataFrame({
        "doc_id": ["a", "b", "c", "d"],
        "text": ["US export controls hit Nvidia chips. Export controls again.",
                 "DeepSeek trained on Nvidia chips; the curbs failed.",
                 "Export controls and curbs: China answers.",
                 "Rice harvest festival in the village."],
        "published": pd.to_datetime(["2025-01-06", "2025-01-08", "2025-01-20", None]),
    })


def test_vocabulary_counts_documents_and_weights_like_scikit_learn(corpus, client):
    ledger = []
    shared, n_docs = helpers.cluster_vocabulary(dd.from_pandas(corpus, npartitions=2), client, ledger)
    vocabulary = shared.compute()
    model = helpers.fit_term_model(corpus)
    assert n_docs == 4
    assert vocabulary["vocab"].tolist() == model.terms.tolist()
    assert vocabulary["doc_freq"][vocabulary["vocab"].get_loc("export controls")] == 2
    assert np.allclose(vocabulary["idf"], model.transformer.idf_, rtol=0, atol=1e-12)
    assert vocabulary["unigram"].tolist() == [" " not in t for t in model.terms]
    assert [row["what"] for row in ledger] == ["article count"]  # the vocabulary stayed on the cluster


@pytest.mark.parametrize("freq", ["W", "M"])
def test_top_terms_and_trends_equal_the_one_process_tables(corpus, client, freq):
    frame = dd.from_pandas(corpus, npartitions=2)
    ledger = []
    vocabulary, _ = helpers.cluster_vocabulary(frame, client, ledger)
    top = helpers.cluster_top_terms(frame, vocabulary, n=3).compute()
    want = helpers.top_terms(corpus, n=3)
    assert top[["doc_id", "rank", "term"]].astype(str).values.tolist() == \
        want[["doc_id", "rank", "term"]].astype(str).values.tolist()
    trends = helpers.cluster_term_trends(frame, vocabulary, client, ledger, freq=freq, n_terms=3)
    pd.testing.assert_frame_equal(trends.astype({"period": object, "term": object}),
                                  helpers.term_trends(corpus, freq=freq, n_terms=3), check_dtype=False,
                                  atol=1e-12, rtol=0)


def test_trends_pass_writes_the_same_top_terms(corpus, client, tmp_path):
    frame = dd.from_pandas(corpus, npartitions=2)
    vocabulary, _ = helpers.cluster_vocabulary(frame, client, [])
    helpers.cluster_term_trends(frame, vocabulary, client, [], top_terms_to=str(tmp_path / "top"), n=2)
    written = pd.read_parquet(tmp_path / "top").sort_values(["doc_id", "rank"]).reset_index(drop=True)
    want = helpers.top_terms(corpus, n=2)
    assert written[["doc_id", "term"]].astype(str).values.tolist() == want[["doc_id", "term"]].values.tolist()
    assert np.abs(written["tfidf"].to_numpy() - want["tfidf"].to_numpy()).max() < 1e-12


def test_group_counts_sum_each_outlets_term_counts(corpus, client, tmp_path):
    frame = dd.from_pandas(corpus.assign(outlet=["Wire", "Post", "Wire", None]), npartitions=2)
    vocabulary, _ = helpers.cluster_vocabulary(frame, client, [])
    helpers.cluster_term_trends(frame, vocabulary, client, [], group_counts_to=str(tmp_path / "groups"))
    counts = pd.read_parquet(tmp_path / "groups").set_index(["outlet", "term"])["count"]
    assert counts[("Wire", "export controls")] == 3  # twice in a, once in c
    assert counts[("Post", "nvidia")] == 1
    assert counts[("unknown", "rice")] == 1  # an article without an outlet counts as "unknown"
    model = helpers.fit_term_model(corpus)
    assert counts.sum() == model.counts.sum()


def test_unknown_period_is_named(corpus, client):
    frame = dd.from_pandas(corpus, npartitions=1)
    vocabulary, _ = helpers.cluster_vocabulary(frame, client, [])
    with pytest.raises(ValueError, match="'fortnight'"):
        helpers.cluster_term_trends(frame, vocabulary, client, [], freq="fortnight")


def test_followed_terms_are_chosen_as_one_process_chooses_them_over_several_blocks(client):
    """A sentence of sixty words repeated in three articles gives 119 candidates counted alike in
    every article; they tie with "zebra" and "zinc" and sort first, so the second followed term
    is found in the third block of candidates, and every copy of the first is skipped."""
    sentence = " ".join(f"qa{i:02d}" for i in range(60))
    corpus = pd.DataFrame({
        "doc_id": ["a", "b", "c", "d", "e"],
        "text": [f"{sentence}. zebra.", f"{sentence}. zebra.", f"{sentence}. zinc.", "zebra. zinc. marathon.",
                 "zinc. runner."],
        "published": pd.to_datetime(["2025-01-06", "2025-02-08", "2025-03-20", None, "2025-03-01"]),
    })
    frame = dd.from_pandas(corpus, npartitions=3)
    ledger = []
    vocabulary, _ = helpers.cluster_vocabulary(frame, client, ledger)
    trends = helpers.cluster_term_trends(frame, vocabulary, client, ledger, freq="M", n_terms=2)
    want = helpers.term_trends(corpus, freq="M", n_terms=2)
    assert want["term"].unique().tolist() == ["qa00", "zebra"]
    pd.testing.assert_frame_equal(trends, want, check_dtype=False, atol=1e-12, rtol=0)
    assert [row["what"] for row in ledger].count("trend term candidates") == 3
    assert max(row["rows"] for row in ledger if row["what"] == "trend term candidates") == 50


def test_vocabulary_is_whole_when_the_corpus_has_many_partitions(client):
    # past about fifteen partitions a grouped sum may come back in several pieces; all must count
    words = [f"word{i:03d}" for i in range(120)]
    many = pd.DataFrame({"doc_id": [f"d{i:02d}" for i in range(40)],
                         "text": [" ".join(words[3 * i:3 * i + 6]) + "." for i in range(40)],
                         "published": pd.NaT})
    shared, n_docs = helpers.cluster_vocabulary(dd.from_pandas(many, npartitions=40), client, [])
    vocabulary = shared.compute()
    assert n_docs == 40
    assert vocabulary["vocab"].tolist() == helpers.fit_term_model(many).terms.tolist()
