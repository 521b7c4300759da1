"""Stories from the pair list alone, and relations per partition."""

import pandas as pd

import helpers


def test_pair_stories_joins_copies_and_retellings_only():
    pairs = pd.DataFrame({"doc_a": ["a", "b", "d", "x"], "doc_b": ["b", "c", "e", "y"],
                          "relation": [helpers.RELATIONS[0], helpers.RELATIONS[1], helpers.RELATIONS[0],
                                       helpers.RELATIONS[3]]})
    stories = helpers.pair_stories(pairs)
    assert stories.values.tolist() == [["a", "a"], ["b", "a"], ["c", "a"], ["d", "d"], ["e", "d"]]
    assert helpers.pair_stories(pairs.iloc[3:]).empty


def test_classify_part_names_a_copy_and_fills_missing_evidence():
    part = pd.DataFrame({"doc_a": ["a"], "doc_b": ["b"], "cosine": [0.99], "jaccard": [0.9],
                         "containment_ab": [0.95], "containment_ba": [0.9], "shared_words": [300],
                         "n_shared_quotes": [0], "n_shared_speakers": [0], "days_apart": [float("nan")],
                         "n_shared_entities": [None], "n_shared_numbers": [None], "n_shared_sources": [None]})
    out = helpers.classify_part(part)
    assert list(out.columns) == helpers.OVERLAP_COLUMNS
    assert out.loc[0, "relation"] == helpers.RELATIONS[0]
    assert out.loc[0, "n_shared_entities"] == 0
