"""Tests for newsdesk.scaling: the scaling findings on hand-made tables."""

import pandas as pd

import helpers


def corpus():
    return pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "n_words": [10, 20, 30, 40],
                         "n_sentences": [1, 2, 3, 4], "duplicate_of": ["", "a", "", "c"]})


def planted():
    return pd.DataFrame({"doc_a": ["a", "a"], "doc_b": ["b", "c"], "kind": ["exact", "near"]})


def bench():
    rows = []
    for n, scale in ((100, 1.0), (1000, 1.2)):
        for stage, s in (("load_clean", 1.0), ("article_stance", 3.0), ("bare_tfidf", 1.0),
                         ("pipeline_total", 4.0)):
            rows.append({"articles": n, "stage": stage, "seconds": s * n / 100 * scale,
                         "peak_rss_mb": 100.0 * n / 100, "x_bare_tfidf": s,
                         "scaling_vs_smallest": scale if stage != "bare_tfidf" else 2.0})
    return pd.DataFrame(rows)


def results():
    return {"article_stance": pd.DataFrame({"n_target": [1, 0, 2, 0], "net": [0.5, 0.0, -1.0, 0.0]}),
            "overlap_pairs": pd.DataFrame({"doc_a": ["a", "a"], "doc_b": ["b", "c"],
                                           "relation": ["duplicate/syndicated copy", "same topic"]})}


def test_findings_count_flagged_and_found_copies():
    found = helpers.scaling_findings(corpus(), planted(), results(), bench())
    texts = [f.text for f in found]
    assert texts[1] == ("The loader flags 1 of the 1 planted exact copies in `duplicate_of`, "
                        "and 1 other article.")
    assert texts[2].startswith("`overlap_pairs` classes 1 of the 2 planted copies as duplicate/syndicated "
                               "copies (1 of 1 exact, 0 of 1 near)")
    assert texts[3].startswith("2 of the 4 generated articles contain a sentence")


def test_benchmark_findings_read_the_largest_size():
    found = helpers.scaling_findings(corpus(), planted(), results(), bench())
    assert "are 1.20–1.20× those at the smallest" in found[4].text  # bare_tfidf is left out
    assert found[5].text.startswith("At 1,000 articles the whole pipeline took 48 s, peaked at 1.0 GB "
                                    "and was 4.0× a bare TF-IDF vectorizer: inside the targets")
    assert "The slowest stage is `article_stance` (36 s)" in found[5].text


def test_missing_benchmark_and_empty_corpus_are_no_finding():
    found = helpers.scaling_findings(corpus(), planted(), results(), bench().iloc[:0])
    assert found[-1].text == "No finding on scaling: no recorded benchmark was found."
    empty = helpers.scaling_findings(corpus().iloc[:0], planted(), {}, bench())
    assert empty[0].text.startswith("No finding")
