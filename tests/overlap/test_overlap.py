"""Tests for newsdesk.overlap: small hand-checkable inputs."""

import re

import numpy as np
import pandas as pd
import pytest

import helpers


def tiny_corpus(texts: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": list(texts), "text": list(texts.values()),
                         "raw_text": list(texts.values())})


NO_QUOTES = pd.DataFrame(columns=helpers.QUOTE_COLUMNS)
NO_SOURCES = pd.DataFrame(columns=helpers.SOURCE_COLUMNS)

BASE = ("Officials in Washington tightened the rules on advanced chips last week, and "
        "companies in Beijing said the new limits would slow their work on large models.")
EXTRA = (" Separately, a trade group asked for a review of the licensing process before the "
         "end of the year, citing delays at the border.")


# --- normalisation and shingles -------------------------------------------------------

def test_tokens_fold_case_quotes_dashes_and_us():
    keys = [t.key for t in helpers.overlap_tokens("The U.S. — “US-China” U.S ties’ end")]
    assert keys == ["the", "us", "us", "china", "us", "ties", "end"]


def test_token_offsets_point_into_the_text():
    text = "Hello, U.S. world’s"
    tokens = helpers.overlap_tokens(text)
    assert [text[t.start:t.end] for t in tokens] == ["Hello", "U.S.", "world’s"]
    assert [t.key for t in tokens] == ["hello", "us", "world's"]


def test_shingles_and_set_measures():
    assert helpers.shingles("a b c d e f", k=5) == {"a b c d e", "b c d e f"}
    assert helpers.shingles("a b", k=5) == {"a b"}
    assert helpers.shingles("", k=5) == set()
    assert helpers.jaccard({1, 2}, {2, 3}) == pytest.approx(1 / 3)
    assert helpers.containment({1, 2}, {2, 3, 4}) == 0.5
    assert helpers.jaccard(set(), set()) == 0.0 and helpers.containment(set(), {1}) == 0.0


def test_shingle_matrix_counts_match_python_sets():
    texts = [BASE, BASE + EXTRA, "Nothing in common at all with the others here today."]
    matrix, _ = helpers.shingle_matrix(texts)
    inter = (matrix @ matrix.T).toarray()
    sets = [helpers.shingles(t) for t in texts]
    for i in range(3):
        for j in range(3):
            assert inter[i, j] == len(sets[i] & sets[j])


# --- containment asymmetry and pair measures ------------------------------------------

def test_containment_is_asymmetric_when_one_text_contains_the_other():
    corpus = tiny_corpus({"a": BASE, "b": BASE + EXTRA})
    pairs = helpers.lexical_pairs(corpus)
    row = pairs.iloc[0]
    n_a, n_b = len(helpers.shingles(BASE)), len(helpers.shingles(BASE + EXTRA))
    assert row["containment_ab"] == 1.0
    assert row["containment_ba"] == pytest.approx(n_a / n_b)
    assert row["jaccard"] == pytest.approx(n_a / n_b)
    assert row["shared_words"] == len(BASE.split())
    assert 0.5 < row["cosine"] < 1.0


def test_lexical_pairs_guards_tiny_corpora():
    assert helpers.lexical_pairs(tiny_corpus({"only": BASE})).empty
    assert helpers.overlap_pairs(tiny_corpus({}), NO_QUOTES, NO_SOURCES).empty
    pairs = helpers.lexical_pairs(tiny_corpus({"a": "", "b": "   "}))
    assert pairs[["cosine", "jaccard", "containment_ab", "containment_ba"]].iloc[0].tolist() == [0, 0, 0, 0]


# --- shared passages ------------------------------------------------------------------

def test_shared_passages_offsets_on_hand_made_strings():
    a = "Intro words. The quick brown fox jumps over the lazy dog today. End."
    b = "THE quick brown fox — jumps over the lazy dog today! Other."
    runs = helpers.shared_passages(a, b, min_words=8)
    assert runs == [{"a_start": 13, "a_end": 62, "b_start": 0, "b_end": 51, "n_words": 10}]
    assert a[13:62] == "The quick brown fox jumps over the lazy dog today"
    assert b[0:51] == "THE quick brown fox — jumps over the lazy dog today"


def test_shared_passages_respects_min_words_and_finds_reordered_runs():
    a = "one two three four five six seven eight. alpha beta gamma delta epsilon zeta eta theta."
    b = "alpha beta gamma delta epsilon zeta eta theta. one two three four five six seven eight."
    runs = helpers.shared_passages(a, b, min_words=8)
    assert [r["n_words"] for r in runs] == [8, 8]
    assert runs[0]["a_start"] == 0 and runs[0]["b_start"] == b.index("one")
    assert helpers.shared_passages(a, b, min_words=9) == []


def test_maximal_runs_report_each_copy_and_reject_bad_length():
    a = ["x", "y", "z", "w"]
    b = ["x", "y", "z", "q", "x", "y", "z"]
    assert helpers.maximal_runs(a, b, min_words=3) == [(0, 0, 3), (0, 4, 3)]
    with pytest.raises(ValueError):
        helpers.maximal_runs(a, b, min_words=0)


def test_copied_share_per_direction():
    share = helpers.copied_share(BASE, BASE + EXTRA)
    assert share["pct_a_in_b"] == 1.0
    assert share["pct_b_in_a"] == pytest.approx(len(BASE.split()) / len((BASE + EXTRA).split()))
    assert share["n_passages"] == 1 and share["longest_passage"] == len(BASE.split())


def test_side_by_side_html_escapes_article_text():
    a = BASE + "\n<script>alert('x')</script>"
    html_out = helpers.side_by_side_html(a, BASE, helpers.shared_passages(a, BASE), "<b>A</b>", "B")
    assert "<script>" not in html_out and "&lt;script&gt;" in html_out
    assert "&lt;b&gt;A&lt;/b&gt;" in html_out
    assert html_out.count("<mark>") == 2 and html_out.count("</mark>") == 2


def test_side_by_side_marks_close_at_paragraph_breaks():
    a = "one two three four\nfive six seven eight nine"
    out = helpers.side_by_side_html(a, a, helpers.shared_passages(a, a, 8))
    assert out.count("<mark>") == out.count("</mark>") == 4


# --- repetition inside one article ----------------------------------------------------

def test_self_repetition_flags_an_article_held_twice():
    once = BASE + EXTRA
    corpus = tiny_corpus({"twice": "Menu\n" + once + "\nComments\n" + once, "once": once})
    table = helpers.self_repetition(corpus).set_index("doc_id")
    assert bool(table.loc["twice", "contains_itself_twice"])
    assert table.loc["twice", "longest_repeat"] == len(once.split())
    assert not bool(table.loc["once", "contains_itself_twice"])
    assert table.loc["once", "repeated_words"] == 0


def test_self_repeats_do_not_overlap_themselves():
    text = " ".join(["a", "b"] * 10)
    for run in helpers.repeated_passages(text, min_words=4):
        assert run["first_end"] <= run["second_start"]


# --- quotes and speakers --------------------------------------------------------------

def test_quote_similarity_tolerates_small_edits_only():
    original = "We are excited to continue to execute on our research roadmap this year"
    edited = "we're excited to continue to execute on our research road map this year"
    other = "The export rules will not stop the company from building better models"
    assert helpers.quote_similarity(original, edited) >= helpers.QUOTE_MATCH_MIN_SCORE
    assert helpers.quote_similarity(original, other) < helpers.QUOTE_MATCH_MIN_SCORE


def test_match_quotes_finds_edited_and_partial_quotes_and_skips_fragments():
    quotes = pd.DataFrame({
        "doc_id": ["a", "a", "b", "b", "c"],
        "quote": ["China has an obvious advantage in IT talent, both in terms of number and cost",
                  "wake-up call",
                  "China has an obvious advantage in IT talent, both in terms of the number",
                  "wake-up call",
                  "The rules are working exactly as intended by the government"],
        "speaker": ["Liu Xu", "Trump", "Liu Xu", "Trump", "An Official"],
    })
    matches = helpers.match_quotes(quotes)
    assert matches[["doc_a", "doc_b"]].values.tolist() == [["a", "b"]]
    counts = helpers.shared_quote_counts(matches)
    assert counts.to_dict("records") == [{"doc_a": "a", "doc_b": "b", "n_shared_quotes": 1}]
    assert helpers.shared_quote_counts(matches.iloc[0:0]).empty


def test_speaker_mentions_merge_spellings_and_drop_the_author():
    sources = pd.DataFrame({
        "doc_id": ["a", "a", "b", "b"],
        "speaker": ["Liang Wenfeng", "the author", "Liang  Wenfeng", "Krach Institute"],
        "speaker_type": ["person", "author", "person", "institution"],
        "n_mentions": [2, 1, 1, 1],
    })
    mentions = helpers.speaker_mentions(sources)
    assert sorted(mentions["speaker"].unique()) == ["Krach Institute", "Liang Wenfeng"]
    matrix = helpers.speaker_article_matrix(mentions, ["a", "b", "c"])
    assert matrix.index.tolist() == ["Liang Wenfeng", "Krach Institute"]
    assert matrix.loc["Liang Wenfeng"].tolist() == [2, 1, 0]


def test_overlap_pairs_counts_shared_speakers_and_quotes():
    corpus = tiny_corpus({"a": BASE, "b": "Completely different words about weather and rain.",
                          "c": BASE + EXTRA})
    sources = pd.DataFrame({"doc_id": ["a", "a", "b", "c", "c"],
                            "speaker": ["Ann Lee", "Bo Chen", "Ann Lee", "Ann Lee", "Bo Chen"],
                            "speaker_type": ["person"] * 5, "n_mentions": [1] * 5})
    quotes = pd.DataFrame({"doc_id": ["a", "c"], "quote": ["the new limits would slow our work a lot"] * 2,
                           "speaker": ["Ann Lee"] * 2, "speaker_type": ["person"] * 2,
                           "start": [0, 0], "end": [1, 1]})
    pairs = helpers.overlap_pairs(corpus, quotes, sources).set_index(["doc_a", "doc_b"])
    assert list(pairs.columns) == helpers.OVERLAP_COLUMNS[2:]
    assert pairs.loc[("a", "c"), "n_shared_speakers"] == 2
    assert pairs.loc[("a", "b"), "n_shared_speakers"] == 1
    assert pairs.loc[("a", "c"), "n_shared_quotes"] == 1
    assert pairs.loc[("a", "c"), "relation"] == "duplicate/syndicated copy"
    assert pairs.loc[("a", "b"), "relation"] == "unrelated"


# --- relation thresholds --------------------------------------------------------------

@pytest.mark.parametrize(("args", "expected"), [
    ((0.9, helpers.COPY_CONTAINMENT, 0.1, 0, 0), "duplicate/syndicated copy"),
    ((0.9, 0.1, helpers.COPY_CONTAINMENT, 0, 0), "duplicate/syndicated copy"),
    ((0.3, helpers.COPY_CONTAINMENT - 0.01, 0.1, 0, 0), "retelling of the same story"),
    ((0.0, helpers.RETELL_CONTAINMENT, 0.0, 0, 0), "retelling of the same story"),
    ((helpers.RETELL_COSINE, 0.0, 0.0, 0, helpers.RETELL_MIN_SHARED_SPEAKERS),
     "retelling of the same story"),
    ((helpers.RETELL_COSINE, 0.0, 0.0, 1, 0), "retelling of the same story"),
    ((helpers.RETELL_COSINE - 0.01, 0.0, 0.0, 0, 5), "same topic"),
    ((helpers.RETELL_COSINE, 0.0, 0.0, 0, helpers.RETELL_MIN_SHARED_SPEAKERS - 1), "same topic"),
    ((helpers.RETELL_COSINE_ALONE, 0.0, 0.0, 0, 0), "retelling of the same story"),
    ((0.05, 0.0, 0.0, 1, 0), "shares quotes only"),
    ((helpers.SAME_TOPIC_COSINE, 0.0, 0.0, 0, 0), "same topic"),
    ((helpers.SAME_TOPIC_COSINE - 0.01, 0.0, 0.0, 0, 1), "unrelated"),
])
def test_classify_relation_thresholds(args, expected):
    assert helpers.classify_relation(*args) == expected


def test_threshold_constants_are_ordered():
    assert helpers.SAME_TOPIC_COSINE < helpers.RETELL_COSINE < helpers.RETELL_COSINE_ALONE
    assert helpers.RETELL_CONTAINMENT < helpers.COPY_CONTAINMENT
    # a copy with one word in eight edited keeps (7/8)^5 of its 5-word shingles
    assert (7 / 8) ** helpers.SHINGLE_WORDS >= helpers.COPY_CONTAINMENT


# --- candidate search on a planted corpus ---------------------------------------------

def test_lsh_candidates_recall_planted_near_duplicates():
    planted = helpers.planted_corpus(300, seed=3, copy_share=0.15, retell_share=0.1)
    corpus = planted["corpus"]
    exact = helpers.lexical_pairs(corpus, max_all_pairs=1000)
    assert len(exact) == 300 * 299 // 2
    found = helpers.lexical_pairs(corpus, max_all_pairs=50)
    assert len(found) < len(exact) / 50
    target = exact[exact["jaccard"] >= 0.7]
    assert len(target) >= 5
    got = set(zip(found["doc_a"], found["doc_b"], strict=True))
    recall = np.mean([pair in got for pair in zip(target["doc_a"], target["doc_b"], strict=True)])
    assert recall >= 0.99
    # verified values equal the exact ones
    merged = found.merge(exact, on=["doc_a", "doc_b"], suffixes=("", "_exact"))
    for col in ("cosine", "jaccard", "containment_ab", "containment_ba", "shared_words"):
        assert np.allclose(merged[col], merged[f"{col}_exact"])


def test_planted_corpus_is_reproducible_and_labelled():
    one = helpers.planted_corpus(60, seed=5)
    two = helpers.planted_corpus(60, seed=5)
    assert one["corpus"].equals(two["corpus"]) and one["truth"].equals(two["truth"])
    assert set(one["truth"]["kind"]) <= {"copy", "retelling"}
    assert list(one["quotes"].columns) == helpers.QUOTE_COLUMNS


# --- tables and figure data -----------------------------------------------------------

def test_unnamed_groups_are_not_shared_sources():
    sources = pd.DataFrame({"doc_id": ["a", "b", "a", "b"],
                            "speaker": ["analysts", "Analysts", "US officials", "Jo Park"],
                            "speaker_type": ["person", "person", "institution", "person"],
                            "n_mentions": [1] * 4})
    assert helpers.speaker_mentions(sources)["speaker"].tolist() == ["Jo Park"]


def test_rank_and_count_relations():
    pairs = pd.DataFrame({
        "doc_a": ["a", "a", "b"], "doc_b": ["b", "c", "c"], "cosine": [0.3, 0.9, 0.05],
        "jaccard": [0.0, 0.8, 0.0], "containment_ab": [0.0, 0.9, 0.0],
        "containment_ba": [0.0, 0.85, 0.0],
        "shared_words": [0, 300, 0], "n_shared_quotes": [1, 0, 0], "n_shared_speakers": [2, 0, 0],
        "relation": ["retelling of the same story", "duplicate/syndicated copy", "unrelated"]})
    order = helpers.rank_pairs(pairs)[["doc_a", "doc_b"]].values.tolist()
    assert order == [["a", "c"], ["a", "b"], ["b", "c"]]
    counts = helpers.relation_counts(pairs)
    assert counts["relation"].tolist() == list(helpers.RELATIONS)
    assert counts["pairs"].tolist() == [1, 1, 0, 0, 1]
    assert helpers.figure_docs(pairs, ["a", "b", "c"], max_docs=2) == ["a", "c"]
    matrix = helpers.similarity_matrix(pairs, ["a", "b", "c"], "containment")
    assert matrix.loc["a", "c"] == 0.9 and matrix.loc["c", "a"] == 0.85 and np.isnan(matrix.loc["a", "a"])
    graph = helpers.article_network(pairs, ["a", "b", "c"])
    assert sorted(graph.edges) == [("a", "b"), ("a", "c")]
    edges = helpers.network_edges(graph)
    assert edges["relation"].tolist() == ["retelling of the same story", "duplicate/syndicated copy"]


def test_side_by_side_pairs_escapes_and_captions():
    corpus = tiny_corpus({"a": BASE + " <b>bold</b>", "b": BASE + EXTRA})
    pairs = helpers.overlap_pairs(corpus, NO_QUOTES, NO_SOURCES)
    out = helpers.side_by_side_pairs(corpus, helpers.rank_pairs(pairs), n=1)
    assert "&lt;b&gt;bold&lt;/b&gt;" in out and "<b>bold</b>" not in out
    share = helpers.copied_share(corpus["text"][0], corpus["text"][1])
    assert f"{share['pct_a_in_b']:.1%} of a and {share['pct_b_in_a']:.1%} of b in 1 shared runs" in out


def test_overlap_pairs_default_quotes_and_sources_come_from_the_text_section():
    corpus = tiny_corpus({
        "a": 'Officials tightened rules. "The limits will slow our work on large models," said Ann Lee.',
        "b": 'Beijing reacted. "The limits will slow our work on large models," said Ann Lee, a researcher.'})
    pairs = helpers.overlap_pairs(corpus)
    assert list(pairs.columns) == helpers.OVERLAP_COLUMNS
    assert pairs.loc[0, "n_shared_quotes"] == 1 and pairs.loc[0, "n_shared_speakers"] == 1


# --- word ids and the cosine TF-IDF ------------------------------------------------------

def test_word_ids_number_words_in_order_of_first_use():
    words = helpers.word_ids(["The U.S. and the US", "", "and more"])
    assert words.vocabulary == ["the", "us", "and", "more"]
    assert [doc.tolist() for doc in words.ids] == [[1, 2, 3, 1, 2], [], [3, 4]]


def test_overlap_keys_equal_token_keys_on_text_that_needs_nfkc():
    text = "The ﬁnal “U.S.” rule… China’s AI-chips, U.S and Ⅻ."  # ligature, ellipsis, numeral
    assert helpers.overlap_keys(text) == [t.key for t in helpers.overlap_tokens(text)]
    assert helpers.overlap_keys(text)[:2] == ["the", "final"]


def test_tfidf_matrix_equals_scikit_learn_on_the_joined_words():
    """The per-word mapping must give scikit-learn's matrix for the text it replaces:
    possessive 's dropped, numbers, one-letter words and English stop words removed."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    texts = ["China's chips in 2025 and 2025's chips", "A b c: the US chips, China chips!",
             "Nothing but words here", "", "x 1 2 3"]
    drop = r"'s(?= |$)|(?<![^ ])(?:\d+|[^ ])(?= |$)"
    joined = [re.sub(drop, "", " ".join(helpers.overlap_keys(t))) for t in texts]
    expected = TfidfVectorizer(token_pattern=r"[^ ]{2,}", lowercase=False, sublinear_tf=True,
                               stop_words=sorted(ENGLISH_STOP_WORDS)).fit(joined)
    assert expected.get_feature_names_out().tolist() == ["2025", "china", "chips", "words"]
    got = helpers.tfidf_matrix(texts)
    assert got.shape == (5, 4)
    assert abs(got - expected.transform(joined)).max() < 1e-12
    assert helpers.tfidf_matrix(["", "a 1"]).shape == (2, 1)  # no term at all


def test_default_speech_of_paired_articles_only_changes_nothing():
    """overlap_pairs attributes quotes and speakers only in articles that are in some pair;
    passing the whole corpus's quotes and sources must give the same table."""
    seeds = helpers.load_corpus("seeds")
    export = helpers.synthetic_export(seeds, 80, seed=3, copy_share=0.2, exact_share=0.05,
                                      paragraphs=(2, 4))
    corpus = pd.DataFrame({"doc_id": export["stories_id"], "text": export["text"]})
    default = helpers.overlap_pairs(corpus, max_all_pairs=10)
    full = helpers.overlap_pairs(corpus, helpers.corpus_speech(corpus).quotes, helpers.cited_sources(corpus),
                                 max_all_pairs=10)
    pd.testing.assert_frame_equal(default, full)
    paired = set(default["doc_a"]) | set(default["doc_b"])
    assert 0 < len(paired) < len(corpus)  # some articles were left out of the attribution
    assert (default["n_shared_speakers"] > 0).any() and (default["n_shared_quotes"] > 0).any()


def test_shingles_of_k_and_k_plus_one_words():
    assert helpers.shingles("a b c d e", k=5) == {"a b c d e"}
    assert helpers.shingles("a b c d e f", k=5) == {"a b c d e", "b c d e f"}
    assert helpers.shingles("a b", k=5) == {"a b"}
    assert helpers.shingles("", k=5) == set()


def test_maximal_runs_of_single_words_and_bad_length():
    assert helpers.maximal_runs(["x", "a", "y"], ["a", "z"], min_words=1) == [(1, 0, 1)]
    with pytest.raises(ValueError):
        helpers.maximal_runs(["a"], ["a"], min_words=0)
