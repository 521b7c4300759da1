"""Reading back a folder run_pipeline_dask wrote: the manifest marks it, and a missing, corrupt or
incomplete table is named with its problem. The folders here are written by hand (one row per
table), so no cluster runs."""

import json

import pandas as pd
import pytest

import helpers

ROWS = {  # one hand-checkable row per table, with the columns a report reads
    "corpus": {**{c: "x" for c in helpers.ARTICLE_METADATA_COLUMNS}, "doc_id": "a1",
               "published": pd.Timestamp("2025-01-27"), "n_words": 12, "n_sentences": 2, "shard": 0,
               "text": "The article text, which a report never reads.", "raw_text": "Raw text."},
    "audit": {"doc_id": "a1", "line_no": 3, "text": "Advertisement", "reason": "furniture", "detail": ""},
    "problems": {"file": "part0.jsonl", "problem": "row 2 has empty text", "action": "skipped"},
    "top_terms": {"doc_id": "a1", "rank": 1, "term": "curbs", "tfidf": 0.5, "doc_freq": 1},
    "term_trends": {"period": "2025-01", "term": "curbs", "share": 0.1, "n_docs": 1},
    "article_stance": {**{c: 0 for c in helpers.ARTICLE_STANCE_COLUMNS}, "doc_id": "a1", "net": 0.0,
                       "stance": "none", "basis": "no target sentence"},
    "speaker_stance": {**{c: 0 for c in helpers.SPEAKER_COLUMNS}, "speaker": "author",
                       "speaker_type": "author", "net": 0.0, "doc_ids": "a1", "evidence": "A sentence."},
    "overlap_pairs": {**{c: 0.0 for c in helpers.OVERLAP_COLUMNS}, "doc_a": "a1", "doc_b": "a2",
                      "relation": "same topic"},
    "stories": {"doc_id": "a1", "story": "a1"},
    "outlet_term_counts": {"outlet": "x", "term": "curbs", "count": 1},
    "ledger": {"what": "article count", "rows": 1, "columns": "", "bytes": 8},
}


def write_folder(out, skip: tuple[str, ...] = (), manifest: bool = True):
    """A folder shaped as run_pipeline_dask leaves it, with its manifest unless ``manifest`` is false."""
    kinds = {**helpers.CLUSTER_TABLES, **helpers.CLUSTER_CACHE}
    entries = {}
    for name, kind in kinds.items():
        folder = "cache/" if name in helpers.CLUSTER_CACHE else ""
        relative = f"{folder}{name}/" if kind == "parts" else f"{folder}{name}.parquet"
        entries[name] = relative
        if name in skip:
            continue
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "parts":
            path.mkdir(parents=True, exist_ok=True)
            path = path / "part.0.parquet"
        pd.DataFrame([ROWS[name]]).to_parquet(path, index=False)
    if manifest:
        (out / helpers.MANIFEST_NAME).write_text(json.dumps({
            "written_by": "run_pipeline_dask", "format": helpers.MANIFEST_FORMAT,
            "tables": {n: entries[n] for n in helpers.CLUSTER_TABLES},
            "cache": {n: entries[n] for n in helpers.CLUSTER_CACHE},
            "figures": [], "settings": {"freq": "M", "top_terms_n": 10, "trend_terms_n": 6}}))
    return out


def test_a_finished_folder_is_read_by_its_manifest_without_text(tmp_path):
    folder = write_folder(tmp_path / "out")
    assert helpers.is_table_folder(folder) and not helpers.is_table_folder(tmp_path)
    source = helpers.report_source(folder)
    assert not source.has_texts and source.tables == folder
    assert source.corpus["doc_id"].tolist() == ["a1"]
    assert "text" not in source.corpus.columns and "raw_text" not in source.corpus.columns
    assert helpers.load_problems(source.corpus)["problem"].tolist() == ["row 2 has empty text"]
    assert "evidence" not in helpers.source_speaker_stance(source, None, None).columns
    assert helpers.source_dropped_lines(source).loc["a1", "furniture"] == 1
    assert helpers.source_ledger(source)["what"].tolist() == ["article count"]
    assert helpers.source_top_terms(source, n=1)["term"].tolist() == ["curbs"]
    assert helpers.source_top_terms(source, n=0).empty  # ranks above n are filtered as parts are read
    assert "It needs the article texts" in source.lacks("every dropped line").data


def test_a_loaded_corpus_has_its_texts_and_no_note():
    source = helpers.report_source(helpers.PROJECT_ROOT / "seeds")
    assert source.has_texts and source.tables is None and "text" in source.corpus.columns
    assert source.lacks("anything") is None
    assert helpers.source_ledger(source) is None  # only a cluster run has a ledger


def test_a_report_never_reads_a_text_column(tmp_path):
    folder = write_folder(tmp_path / "out")
    with pytest.raises(ValueError, match="'text' is article text"):
        helpers.read_folder_table(folder, "corpus", ["doc_id", "text"])
    audit = helpers.read_folder_table(folder, "audit")
    assert "text" not in audit.columns and audit["reason"].tolist() == ["furniture"]


def test_tables_without_a_manifest_are_an_unfinished_run(tmp_path):
    folder = write_folder(tmp_path / "out", manifest=False)
    with pytest.raises(ValueError, match=r"out: no manifest\.json \(it holds article_stance/.*run it again"):
        helpers.report_source(folder)
    with pytest.raises(ValueError, match="no manifest.json"):
        helpers.write_report(tmp_path / "report", [], corpus=folder)
    assert not (tmp_path / "report").exists()  # refused before any notebook ran


@pytest.mark.parametrize(("name", "message"), [
    ("overlap_pairs", r"overlap_pairs: the overlap_pairs table is missing \(a folder of Parquet parts\)"),
    ("stories", r"stories\.parquet: the stories table is missing \(a Parquet file\)"),
    ("problems", r"cache/problems\.parquet: the problems table is missing"),
])
def test_a_missing_table_is_named(tmp_path, name, message):
    folder = write_folder(tmp_path / "out", skip=(name,))
    with pytest.raises(ValueError, match=message):
        helpers.check_table_folder(folder)


def test_a_folder_of_parts_without_a_part_is_named(tmp_path):
    folder = write_folder(tmp_path / "out")
    (folder / "top_terms" / "part.0.parquet").unlink()
    with pytest.raises(ValueError, match="top_terms: the top_terms table holds no Parquet part"):
        helpers.report_source(folder)


def test_a_corrupt_parquet_file_is_named(tmp_path):
    folder = write_folder(tmp_path / "out")
    (folder / "article_stance" / "part.0.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(ValueError, match=r"article_stance/part\.0\.parquet: not a readable Parquet file"):
        helpers.report_source(folder)


def test_a_table_without_a_column_the_report_reads_is_named(tmp_path):
    folder = write_folder(tmp_path / "out")
    pd.DataFrame([{"doc_id": "a1", "story": "a1"}]).drop(columns="story").to_parquet(
        folder / "stories.parquet", index=False)
    with pytest.raises(ValueError, match=r"stories\.parquet: the stories table lacks the column\(s\) story"):
        helpers.report_source(folder)


@pytest.mark.parametrize(("text", "message"), [
    ("{not json", "not a readable manifest"),
    ('{"written_by": "someone else"}', "not a manifest written by run_pipeline_dask"),
    ('{"written_by": "run_pipeline_dask", "format": 99}', "manifest format 99"),
    ('{"written_by": "run_pipeline_dask", "format": 1, "tables": {}}',
     "the manifest lacks the table.s. article_stance"),
])
def test_a_bad_manifest_is_named(tmp_path, text, message):
    folder = write_folder(tmp_path / "out")
    (folder / helpers.MANIFEST_NAME).write_text(text)
    with pytest.raises(ValueError, match=f"manifest.json: {message}"):
        helpers.report_source(folder)


def test_a_corpus_folder_is_not_taken_for_tables(tmp_path):
    (tmp_path / "a.txt").write_text("Export controls on chips were tightened, officials said.\n")
    assert helpers.table_folder(tmp_path) is None
    assert helpers.report_source(tmp_path).has_texts


def test_a_table_folder_report_is_named_after_the_folder(tmp_path):
    folder = write_folder(tmp_path / "out")
    assert helpers.table_folder(folder) == folder
    assert str(helpers.report_folder(folder)) == "reports/out"
