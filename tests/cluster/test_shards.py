"""Shards read and cleaned on the workers equal one load of the same rows."""

import warnings

import pandas as pd
import pytest

import helpers

ROWS = [
    {"stories_id": "s1", "title": "Chips", "publish_date": "2025-01-27", "media_name": "Wire",
     "text": "The US tightened export controls on Nvidia chips.\nAnalysts said the curbs work."},
    {"stories_id": "s2", "title": "Models", "publish_date": "2025-01-28", "media_name": "Post",
     "text": "DeepSeek trained its model on older chips.\nEngineers said it was cheap."},
    {"stories_id": "s3", "title": "Copy", "publish_date": "", "media_name": "Daily",
     "text": "The US tightened export controls on Nvidia chips.\nAnalysts said the curbs work."},
    {"stories_id": "s4", "title": "Trade", "publish_date": "2025-01-30", "media_name": "Wire",
     "text": "Officials in Beijing said the sanctions would fail.\nThe ministry repeated it."},
]


def _write_shards(folder, rows=ROWS):
    folder.mkdir()
    pd.DataFrame(rows[:2]).to_json(folder / "a.jsonl", orient="records", lines=True)
    pd.DataFrame(rows[2:3]).to_csv(folder / "b.csv", index=False)
    pd.DataFrame(rows[3:]).to_parquet(folder / "c.parquet")
    (folder / "notes.md").write_text("not a shard")
    return folder


def test_shard_files_takes_folders_globs_and_files(tmp_path):
    folder = _write_shards(tmp_path / "shards")
    assert [p.name for p in helpers.shard_files(folder)] == ["a.jsonl", "b.csv", "c.parquet"]
    assert [p.name for p in helpers.shard_files(f"{folder}/*.jsonl")] == ["a.jsonl"]
    assert [p.name for p in helpers.shard_files(folder / "b.csv")] == ["b.csv"]
    with pytest.raises(ValueError, match="no export shards"):
        helpers.shard_files(tmp_path / "missing-*.jsonl")


def test_clean_shard_reports_a_shard_without_text(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x", "title": "No body"}\n', encoding="utf-8")
    corpus, audit, problems = helpers.clean_shard(path, 0)
    assert corpus.empty and list(corpus.columns) == helpers.SHARD_COLUMNS
    assert problems["file"].tolist()[0] == "bad.jsonl"
    assert "no article text column" in problems["problem"].tolist()[0]
    assert problems["problem"].tolist()[-1].startswith("no articles in bad.jsonl")


def test_prepare_corpus_equals_one_load_of_the_same_rows(tmp_path, client):
    folder = _write_shards(tmp_path / "shards")
    whole = tmp_path / "whole.jsonl"
    pd.DataFrame(ROWS).to_json(whole, orient="records", lines=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = helpers.load_corpus(whole)
    cache = helpers.prepare_corpus(folder, tmp_path / "out", client)
    got = pd.read_parquet(cache / "corpus").sort_values("doc_id").reset_index(drop=True)
    columns = [c for c in helpers.CORPUS_COLUMNS if c != "file"]
    pd.testing.assert_frame_equal(got[columns], reference[columns], check_dtype=False)
    assert got["file"].tolist() == ["a.jsonl#row1", "a.jsonl#row2", "b.csv#row1", "c.parquet#row1"]
    assert got.set_index("doc_id").loc["s3", "duplicate_of"] == "s1"  # identical across shards
    problems = pd.read_parquet(cache / "problems.parquet")
    assert problems["problem"].tolist() == ["text identical to doc_id s1"]
    assert (cache / "audit").is_dir() and (cache / "corpus.fingerprint").exists()


def test_prepare_corpus_keeps_a_doc_id_from_its_first_shard(tmp_path, client):
    rows = [dict(r) for r in ROWS]
    rows[3]["stories_id"] = "s2"  # the Parquet shard repeats an id of the first shard
    folder = _write_shards(tmp_path / "shards", rows)
    cache = helpers.prepare_corpus(folder, tmp_path / "out", client)
    got = pd.read_parquet(cache / "corpus").set_index("doc_id")
    assert got.loc["s2", "file"] == "a.jsonl#row2"
    assert "doc_id s2 is used twice" in pd.read_parquet(cache / "problems.parquet")["problem"].tolist()
    with pytest.raises(ValueError, match="s2"):
        helpers.prepare_corpus(folder, tmp_path / "strict", client, strict=True)


def test_prepare_corpus_without_any_article_says_so(tmp_path, client):
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "bad.jsonl").write_text('{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="no articles in"):
        helpers.prepare_corpus(folder, tmp_path / "out", client)
