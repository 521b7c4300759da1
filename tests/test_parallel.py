"""Tests for the scale section: synthetic exports, the progress switch and the Dask path."""

import warnings

import numpy as np
import pandas as pd
import pytest

import helpers
from newsdesk.corpus.load import _show_progress
from newsdesk.terms.model import _ngram_counts


@pytest.fixture(scope="module")
def seeds() -> pd.DataFrame:
    return helpers.load_corpus("seeds")


# --- synthetic exports -----------------------------------------------------------------

def test_synthetic_export_is_deterministic_and_varied(seeds):
    a = helpers.synthetic_export(seeds, 200, seed=7)
    b = helpers.synthetic_export(seeds, 200, seed=7)
    pd.testing.assert_frame_equal(a, b)
    assert list(a.columns) == helpers.EXPORT_COLUMNS
    assert a["stories_id"].tolist() == [f"s{i:06d}" for i in range(200)]
    originals = a[a["notes"] == ""]
    paragraphs = [p for text in originals["text"] for p in text.split("\n")]
    # paragraphs are walked afresh; a short one may recur by chance, a pool would recur often
    assert len(set(paragraphs)) >= 0.99 * len(paragraphs)
    words = " ".join(originals["text"]).split()
    seed_vocabulary = set(" ".join(seeds["text"]).split())
    assert len(set(words)) > 3 * len(seed_vocabulary)  # the vocabulary grows past the seeds'


def test_planted_copies_are_listed_and_exact_copies_identical(seeds):
    export = helpers.synthetic_export(seeds, 300, seed=1, copy_share=0.2, exact_share=0.1)
    planted = helpers.planted_copies(export)
    assert set(planted["kind"]) == {"exact", "near"}
    text = export.set_index("stories_id")["text"]
    for row in planted.itertuples():
        assert row.doc_a < row.doc_b
        if row.kind == "exact":
            assert text[row.doc_a] == text[row.doc_b]
        else:
            assert text[row.doc_a] != text[row.doc_b]


def test_synthetic_export_from_an_empty_corpus_uses_made_up_words():
    empty = pd.DataFrame({"text": pd.Series([], dtype=str)})
    export = helpers.synthetic_export(empty, 3, seed=0, paragraphs=(1, 1))
    assert len(export) == 3 and export["text"].str.len().min() > 0


def test_exported_jsonl_loads_with_planted_exact_copies_flagged(seeds, tmp_path):
    export = helpers.synthetic_export(seeds, 60, seed=2, copy_share=0.0, exact_share=0.2,
                                      paragraphs=(1, 2))
    path = tmp_path / "export.jsonl"
    export.to_json(path, orient="records", lines=True, force_ascii=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", helpers.CorpusWarning)
        corpus = helpers.load_corpus(path)
    exact = helpers.planted_copies(export)
    flagged = corpus.loc[corpus["duplicate_of"] != "", ["duplicate_of", "doc_id"]]
    assert len(exact) > 0
    assert set(map(tuple, flagged.to_numpy())) == set(zip(exact["doc_a"], exact["doc_b"], strict=True))


# --- streaming reads and progress --------------------------------------------------------

def test_chunked_read_equals_one_shot(tmp_path, seeds):
    export = helpers.synthetic_export(seeds, 25, seed=4, paragraphs=(1, 2))
    for suffix in ("csv", "jsonl"):
        path = tmp_path / f"export.{suffix}"
        if suffix == "csv":
            export.to_csv(path, index=False)
        else:
            export.to_json(path, orient="records", lines=True, force_ascii=False)
        whole = helpers.load_corpus(path)
        chunked = helpers.load_corpus(path, chunk_rows=4)  # seven chunks
        pd.testing.assert_frame_equal(whole, chunked)
        assert len(chunked) == 25


def test_progress_bar_only_when_asked_or_interactive(monkeypatch, capsys, tmp_path):
    assert _show_progress(True, 1) and not _show_progress(False, 10**6)
    assert not _show_progress(None, 10)  # short loads never show one
    monkeypatch.setattr("sys.stderr.isatty", lambda: False, raising=False)
    assert not _show_progress(None, 10**6)  # nbval / papermill: stderr is no terminal
    (tmp_path / "a.txt").write_text("Officials said the rules would take effect next month.\n")
    helpers.load_corpus(tmp_path, progress=True)
    assert "cleaning articles" in capsys.readouterr().err
    helpers.load_corpus(tmp_path)
    assert capsys.readouterr().err == ""


# --- Dask ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    with distributed.Client(cluster) as dask_client:
        yield dask_client
    cluster.close()


@pytest.fixture(scope="module")
def small_export(seeds, tmp_path_factory):
    """2,000 short synthetic articles (one or two paragraphs), so the test stays quick."""
    export = helpers.synthetic_export(seeds, 2000, seed=11, paragraphs=(1, 2))
    path = tmp_path_factory.mktemp("scale") / "export.jsonl"
    export.to_json(path, orient="records", lines=True, force_ascii=False)
    return path


def test_dask_path_equals_pandas_path(client, small_export):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", helpers.CorpusWarning)
        local = helpers.load_corpus(small_export)
        remote = helpers.load_corpus(small_export, client=client)
    assert len(local) > 1900
    pd.testing.assert_frame_equal(local, remote)
    for key in ("audit", "problems"):
        pd.testing.assert_frame_equal(local.attrs[key], remote.attrs[key])

    sentences = helpers.stance_sentences(local)
    assert sentences["mentions_target"].sum() > 50  # the Markov text does mention the measures
    pd.testing.assert_frame_equal(sentences, helpers.stance_sentences_dask(local, client))
    pd.testing.assert_frame_equal(helpers.article_stance(local),
                                  helpers.article_stance_dask(local, client))

    model = helpers.fit_term_model(local)
    dask_model = helpers.fit_term_model_dask(local, client)
    assert np.array_equal(model.terms, dask_model.terms)
    assert (model.counts != dask_model.counts).nnz == 0
    assert abs(model.tfidf - dask_model.tfidf).max() == 0
    pd.testing.assert_frame_equal(helpers.top_terms(local, model=model),
                                  helpers.top_terms(local, model=dask_model))
    pd.testing.assert_frame_equal(helpers.term_trends(local, model=model),
                                  helpers.term_trends(local, model=dask_model))


def test_dask_map_keeps_order_and_handles_empty_input(client):
    assert helpers.map_partitions_dask(_ngram_counts, [], client) == []
    texts = [f"export controls number{i}" for i in range(37)]
    assert helpers.map_partitions_dask(_ngram_counts, texts, client, npartitions=5) \
        == _ngram_counts(texts)


def test_dask_shingles_and_minhash_equal_local(client, small_export):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", helpers.CorpusWarning)
        corpus = helpers.load_corpus(small_export)
    keys = [helpers.overlap_keys(t) for t in corpus["text"]]
    matrix, hashes = helpers.shingle_matrix(keys)
    remote = helpers.overlap_signatures_dask(corpus, client)
    assert remote["keys"] == keys
    assert (remote["matrix"] != matrix).nnz == 0
    assert all(np.array_equal(a, b) for a, b in zip(remote["hashes"], hashes, strict=True))
    local_signatures = helpers.minhash_signatures([h for h in hashes if len(h)])
    remote_signatures = [s for s in remote["signatures"] if s is not None]
    assert all(np.array_equal(a.hashvalues, b.hashvalues)
               for a, b in zip(local_signatures, remote_signatures, strict=True))
    pairs = helpers.minhash_candidates(hashes)
    assert helpers.minhash_candidates(hashes, signatures=remote["signatures"]) == pairs
    planted = helpers.planted_copies(pd.read_json(small_export, lines=True, dtype=False))
    index = {d: i for i, d in enumerate(corpus["doc_id"])}
    exact = {(index[a], index[b]) for a, b, kind in planted.itertuples(index=False) if kind == "exact"}
    assert exact and exact <= pairs  # identical texts always collide


def test_scaling_table_orders_stages_as_the_pipeline_runs_them():
    bench = pd.DataFrame({"articles": [10, 10, 20, 20], "stage": ["overlap_pairs", "load_clean"] * 2,
                          "seconds": [2.0, 1.0, 4.0, 2.5]})
    table = helpers.scaling_table(bench)
    assert table.index.tolist() == ["load_clean", "overlap_pairs"]
    assert table.loc["overlap_pairs", 20] == 4.0


def test_planted_copies_appear_with_or_after_their_originals(seeds):
    export = helpers.synthetic_export(seeds, 300, seed=5, exact_share=0.1, copy_share=0.1,
                                      paragraphs=(1, 1))
    planted = helpers.planted_copies(export)
    dates = export.set_index("stories_id")["publish_date"]
    assert len(planted) > 10
    for original, copy in zip(planted["doc_a"], planted["doc_b"], strict=True):
        assert (dates[original] == "") == (dates[copy] == "")
        if dates[original]:
            delay = pd.Timestamp(dates[copy]) - pd.Timestamp(dates[original])
            assert pd.Timedelta(0) <= delay <= pd.Timedelta(days=3)
