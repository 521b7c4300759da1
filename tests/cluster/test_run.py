"""The distributed pipeline equals the one-process path on a generated corpus, and the client
only ever receives small aggregated tables."""

import warnings

import numpy as np
import pandas as pd
import pytest

import helpers

N_ARTICLES = 300  # enough for planted copies, retellings and shared facts; runs in about a minute
FLOATS = 1e-9  # the tolerance between the two paths


@pytest.fixture(scope="module")
def runs(tmp_path_factory, client, write_export):
    """The one-process tables and the distributed ones, on the same generated articles."""
    warnings.simplefilter("ignore")
    root = tmp_path_factory.mktemp("cluster_run")
    write_export(root, N_ARTICLES, seed=3, paragraphs=(2, 5))
    corpus = helpers.load_corpus(root / "whole.jsonl")
    reference = helpers.run_pipeline(corpus)
    reference["speaker_stance"] = helpers.speaker_stance(helpers.stance_details(corpus))
    reference["sampled_pairs"] = helpers.overlap_pairs(corpus, max_all_pairs=0)
    steps = []
    ledger = helpers.run_pipeline_dask(root / "shards", root / "out", client, progress=steps.append)
    return {"reference": reference, "out": root / "out", "ledger": ledger, "steps": steps,
            "n": len(corpus)}


def _table(runs, name, keys):
    table = helpers.read_cluster_table(runs["out"], name)
    return table.sort_values(keys, kind="stable").reset_index(drop=True)


def test_top_terms_equal(runs):
    got = _table(runs, "top_terms", ["doc_id", "rank"])
    want = runs["reference"]["top_terms"].reset_index(drop=True)
    assert got[["doc_id", "rank", "term", "doc_freq"]].astype(object).values.tolist() == \
        want[["doc_id", "rank", "term", "doc_freq"]].astype(object).values.tolist()
    assert np.abs(got["tfidf"].to_numpy() - want["tfidf"].to_numpy()).max() < FLOATS


def test_term_trends_equal(runs):
    got = helpers.read_cluster_table(runs["out"], "term_trends")
    want = runs["reference"]["term_trends"]
    pd.testing.assert_frame_equal(got.astype({"period": object, "term": object}), want, check_dtype=False,
                                  atol=FLOATS, rtol=0)
    assert (runs["out"] / "figures" / "term_trends.csv").exists()


def test_article_and_speaker_stance_equal(runs):
    got = _table(runs, "article_stance", ["doc_id"])
    pd.testing.assert_frame_equal(got.astype(object), runs["reference"]["article_stance"].astype(object),
                                  check_dtype=False)
    speakers = helpers.read_cluster_table(runs["out"], "speaker_stance")
    pd.testing.assert_frame_equal(speakers.astype(object), runs["reference"]["speaker_stance"].astype(object),
                                  check_dtype=False)


def test_overlap_pairs_equal_the_sampled_one_process_pairs(runs):
    got = _table(runs, "overlap_pairs", ["doc_a", "doc_b"])
    want = runs["reference"]["sampled_pairs"].sort_values(["doc_a", "doc_b"]).reset_index(drop=True)
    assert got[["doc_a", "doc_b", "relation"]].astype(str).values.tolist() == \
        want[["doc_a", "doc_b", "relation"]].astype(str).values.tolist()
    for column in helpers.OVERLAP_COLUMNS[2:-1]:
        diff = np.abs(got[column].astype(float) - want[column].astype(float))
        assert (diff.fillna(0) < FLOATS).all(), column
        assert (got[column].isna() == want[column].isna()).all(), column


def test_every_copy_and_retelling_of_all_pairs_is_found(runs):
    every = runs["reference"]["overlap_pairs"]
    story = every[every["relation"].isin(helpers.STORY_RELATIONS)]
    found = helpers.read_cluster_table(runs["out"], "overlap_pairs")
    assert len(story) > 10  # the generator plants copies
    assert len(story.merge(found, on=["doc_a", "doc_b"])) == len(story)
    stories = helpers.read_cluster_table(runs["out"], "stories")
    assert set(story["doc_a"]) <= set(stories["doc_id"])


def test_the_client_holds_only_small_aggregated_tables(runs):
    ledger = runs["ledger"]
    assert not any(c in helpers.TEXT_COLUMNS for cols in ledger["columns"] for c in cols.split(", "))
    per_article = ledger[ledger["columns"].str.contains("doc_id")]
    assert (per_article["rows"] < runs["n"] / 4).all()  # only repeated ids, never the corpus's rows
    assert runs["steps"][0] == "clean shards" and runs["steps"][-1] == "done"
