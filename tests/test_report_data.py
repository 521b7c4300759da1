"""Tests for newsdesk.report_data: the report's data folder."""

import pandas as pd
import pytest

import helpers


def corpus() -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": ["b2", "a1"], "outlet": ["=Evil", "Wire"], "origin": ["", "Reuters"],
        "headline": ["Two", "One"], "published": pd.to_datetime([None, "2025-01-28"]),
        "date_basis": ["", "metadata"], "n_words": [10, 20], "n_sentences": [1, 2],
        "language": ["en", "en"], "duplicate_of": ["a1", ""], "url": ["", "https://x"]})


def read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_nothing_is_written_outside_a_report(tmp_path):
    helpers.save_report_table(corpus(), "articles", "")
    assert list(tmp_path.iterdir()) == []


def test_a_table_name_is_a_plain_file_name(tmp_path):
    with pytest.raises(ValueError, match="lower-case letters"):
        helpers.save_report_table(corpus(), "../articles", tmp_path)


def test_articles_are_sorted_dated_and_spreadsheet_safe(tmp_path):
    helpers.save_report_table(helpers.article_table(corpus()), "articles", tmp_path / "data")
    table = read(tmp_path / "data" / "articles.csv")
    assert table["doc_id"].tolist() == ["a1", "b2"]
    assert table["published"].tolist() == ["2025-01-28", ""]
    assert table["outlet"].tolist() == ["Wire", "'=Evil"]
    assert table.columns.tolist()[:5] == ["doc_id", "outlet", "origin", "headline", "published"]
    assert {"date_basis", "words", "language", "duplicate_of"} <= set(table.columns)


def test_sentences_keep_only_target_sentences_by_article_and_position():
    details = pd.DataFrame({
        "doc_id": ["b", "a", "a"], "sent_id": [0, 3, 1], "sentence": ["x", "y", "z"],
        "mentions_target": [True, True, False], "speaker": ["s"] * 3, "speaker_type": ["author"] * 3,
        "stance": ["favor", "against", "none"], "confidence": [0.123456, 0.5, 0.9],
        "reason": ["r"] * 3, "rule_stance": ["none"] * 3, "target_rule": ["R1"] * 3,
        "target_match": ["m"] * 3})
    table = helpers.sentence_table(details)
    assert table[["doc_id", "sent_id"]].values.tolist() == [["a", 3], ["b", 0]]
    assert table["confidence"].tolist() == [0.5, 0.1235]
    assert {"speaker", "speaker_type", "stance", "reason", "rule_stance", "target_match"} \
        <= set(table.columns)


def test_pairs_lead_with_their_relation_and_are_sorted():
    pairs = pd.DataFrame({"doc_a": ["b", "a"], "doc_b": ["c", "b"], "cosine": [0.33333, 0.5],
                          "relation": ["same topic", "retold story"]})
    table = helpers.pair_table(pairs)
    assert table.columns.tolist() == ["doc_a", "doc_b", "relation", "cosine"]
    assert table["doc_a"].tolist() == ["a", "b"] and table["cosine"].tolist() == [0.5, 0.3333]


def test_article_stance_joins_the_article_table_and_its_file_goes(tmp_path):
    helpers.save_report_table(helpers.article_table(corpus()), "articles", tmp_path)
    stance = pd.DataFrame({"doc_id": ["a1"], "stance": ["against"], "basis": ["own voice"],
                           "n_target": [3], "net": [-0.333333]})
    helpers.save_report_table(helpers.article_stance_table(stance), "article_stance", tmp_path)
    helpers.join_article_stance(tmp_path)
    table = read(tmp_path / "articles.csv")
    assert table[["doc_id", "stance", "net"]].values.tolist() == [["a1", "against", "-0.3333"],
                                                                  ["b2", "", ""]]
    assert table["outlet"].tolist() == ["Wire", "'=Evil"]  # still safe, not prefixed twice
    assert not (tmp_path / "article_stance.csv").exists()


def test_the_index_lists_the_data_files_that_exist(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "pairs.csv").write_text("doc_a\n", encoding="utf-8")
    (tmp_path / "data" / "articles.csv").write_text("doc_id\n", encoding="utf-8")
    found = helpers.report_data_files(tmp_path)
    assert [f["href"] for f in found] == ["data/articles.csv", "data/pairs.csv"]
    assert all(f["about"] for f in found)
