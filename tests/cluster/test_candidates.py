"""Shingle hashes, LSH band keys, bucket pairs and the top-k cosine pairs, by hand."""

import numpy as np
import pandas as pd

import helpers


def test_shingle_hashes_agree_exactly_when_shingles_do():
    words = "the us curbs on nvidia chips were tightened again".split()
    same = helpers.shingle_hashes(words)
    assert len(same) == len(helpers.shingles(" ".join(words)))  # one hash per distinct 5-gram
    assert np.array_equal(same, helpers.shingle_hashes(list(words)))
    shifted = helpers.shingle_hashes(["new", *words])
    assert len(np.intersect1d(same, shifted)) == len(same)  # every old shingle is still there
    assert len(helpers.shingle_hashes(["too", "short"])) == 1  # shorter than 5 words: one shingle
    assert len(helpers.shingle_hashes([])) == 0


def test_band_keys_match_only_equal_bands_of_the_same_band():
    sig = np.arange(8, dtype=np.uint64).reshape(1, 8)
    other = sig.copy()
    other[0, 7] = 99  # second band differs
    swapped = np.concatenate([sig[:, 4:], sig[:, :4]], axis=1)  # same values, other bands
    keys = helpers.band_keys(np.concatenate([sig, other, swapped]), bands=2, rows=4)
    assert keys.shape == (3, 2)
    assert keys[0, 0] == keys[1, 0] and keys[0, 1] != keys[1, 1]
    assert keys[2, 1] != keys[0, 0]  # band 0's values in band 1 are another bucket


def test_bucket_pairs_lists_each_pair_once_in_order():
    bands = pd.DataFrame({"band_key": [1, 1, 1, 2, 2, 3], "doc_id": ["c", "a", "b", "a", "b", "d"]})
    pairs = helpers.bucket_pairs(bands)
    assert pairs.values.tolist() == [["a", "b"], ["a", "c"], ["b", "c"]]


def test_top_k_pairs_keeps_each_articles_nearest():
    near = pd.DataFrame({"doc": ["a", "a", "a", "b", "c", "d"], "other": ["b", "c", "d", "a", "a", "a"],
                         "cosine": [0.9, 0.5, 0.7, 0.9, 0.5, 0.7]})
    pairs = helpers.top_k_pairs(near, k=1)
    # a's nearest is b; c's and d's nearest are a
    assert sorted(map(tuple, pairs.values.tolist())) == [("a", "b"), ("a", "c"), ("a", "d")]
    assert sorted(map(tuple, helpers.top_k_pairs(near[near["doc"] == "a"], k=2).values.tolist())) == [
        ("a", "b"), ("a", "d")]


def test_cosine_weights_are_unit_length_and_match_tfidf_cosine():
    texts = ["Nvidia chips export controls", "export controls on Nvidia", "Rice harvest festival"]
    keys = [helpers.overlap_keys(t) for t in texts]
    reference = helpers.tfidf_matrix(texts)
    n = len(texts)
    df = {}
    for k in keys:
        for term in {t for key in k for t in helpers.cosine_terms(key)}:
            df[term] = df.get(term, 0) + 1
    idf = helpers.cosine_idf(pd.Series(df), n)
    weights = [helpers.cosine_weights(k, idf) for k in keys]
    assert abs(sum(w * w for w in weights[0].values()) - 1) < 1e-12
    dot = sum(w * weights[1].get(t, 0.0) for t, w in weights[0].items())
    assert abs(dot - (reference @ reference.T).toarray()[0, 1]) < 1e-12
    assert helpers.cosine_weights([], idf) == {}


def test_candidate_idf_holds_every_term_when_the_corpus_has_many_partitions(client, tmp_path):
    import dask.dataframe as dd

    words = [f"word{i:03d}" for i in range(120)]
    many = pd.DataFrame({"doc_id": [f"d{i:02d}" for i in range(40)],
                         "text": [" ".join(words[3 * i:3 * i + 6]) + "." for i in range(40)]})
    _, idf = helpers.cluster_candidates(dd.from_pandas(many, npartitions=40), 40, tmp_path, client)
    terms = {t for text in many["text"] for key in helpers.overlap_keys(text)
             for t in helpers.cosine_terms(key)}
    assert sorted(idf.compute()) == sorted(terms)
