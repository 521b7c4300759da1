"""Tests for newsdesk.report_pages and newsdesk.report_findings: what a page leaves out, and
the key-findings box."""

import lxml.html
import nbformat
import numpy as np
import pandas as pd

import helpers
from helpers import ReportPagePreprocessor, key_findings_html, tidy_table_html


def table():
    return pd.DataFrame({"doc_id": ["000", "001", "002"], "share": [0.5, np.nan, 0.25],
                         "note": ["a", None, "b"]})


def cells(table_html: str) -> list[list[str]]:
    """The text of each body row's cells (td and th) of the first table."""
    root = lxml.html.fragment_fromstring(table_html, create_parent="div")
    return [[c.text_content().strip() for c in row] for row in root.xpath("(//table)[1]/tbody/tr")]


def test_position_index_and_missing_cells_are_dropped():
    out = tidy_table_html(table()._repr_html_())
    assert "<th>0</th>" not in out and "<th></th>" not in out
    assert "NaN" not in out and "None" not in out
    assert cells(out) == [["000", "0.50", "a"], ["001", "", ""], ["002", "0.25", "b"]]


def test_filtered_rows_lose_their_row_numbers_too():
    out = tidy_table_html(table().iloc[[0, 2]]._repr_html_())
    assert "<th>2</th>" not in out and cells(out)[1][0] == "002"


def test_a_named_index_is_kept():
    out = tidy_table_html(table().set_index("doc_id")._repr_html_())
    assert "<th>001</th>" in out


def test_hidden_cells_and_warnings_leave_the_page():
    nb = nbformat.v4.new_notebook()
    hidden = nbformat.v4.new_markdown_cell("## Configuration")
    hidden.metadata["tags"] = ["report-hide"]
    params = nbformat.v4.new_code_cell('CORPUS = "/home/x/seeds"')
    params.metadata["tags"] = ["parameters"]
    shown = nbformat.v4.new_code_cell("corpus")
    shown.outputs = [nbformat.v4.new_output("stream", name="stderr", text="/abs/path CorpusWarning\n"),
                     nbformat.v4.new_output("stream", name="stdout", text="5 articles\n"),
                     nbformat.v4.new_output("execute_result", data={"text/html": table()._repr_html_()},
                                            execution_count=1)]
    title = nbformat.v4.new_markdown_cell("# Title")
    intro = nbformat.v4.new_markdown_cell("## Setup")
    nb.cells = [title, hidden, intro, params, shown]
    out, _ = ReportPagePreprocessor().preprocess(nb, {})
    assert [c.source for c in out.cells] == ["# Title", "corpus"]
    outputs = out.cells[1].outputs
    assert [o.get("name") for o in outputs] == ["stdout", None]
    assert "<th>0</th>" not in outputs[1]["data"]["text/html"]


def test_key_findings_box_escapes_text_and_links_the_evidence():
    box = key_findings_html([("01_loading", helpers.Finding(f"Article {helpers.quoted('<b>x</b>')} "
                                                            "keeps `43%`.", caveat="Thin."))],
                            {"01_loading": "01 · Loading"})
    assert "&lt;b&gt;x&lt;/b&gt;" in box and "<b>" not in box
    assert "<code>43%</code>" in box and "<em>Thin.</em>" in box
    assert '<a class="report-evidence" href="01_loading.html">Evidence: 01 · Loading</a>' in box


# --- plain headers, column classes, long tables -------------------------------------------


def test_column_labels_file_names_every_label_with_a_reason():
    import csv

    with helpers.COLUMN_LABELS_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert all(row["column"] and row["label"] and row["reason"] for row in rows)
    labels = helpers.load_column_labels(strict=True)
    assert labels["doc_id"] == "article" and labels["date_basis"] == "how the date is known"


def test_bad_column_labels_are_named_and_strict_raises(tmp_path):
    import pytest

    path = tmp_path / "labels.csv"
    path.write_text("column,label,reason\ndoc_id,article,x\ndoc_id,again,y\n,empty,z\n", encoding="utf-8")
    with pytest.warns(UserWarning) as caught:
        assert helpers.load_column_labels(path) == {"doc_id": "article"}
    assert [str(w.message).split("labels.csv, ")[1] for w in caught] == [
        "line 3: 'doc_id' is labelled twice; row skipped", "line 4: no column name or no label; row skipped"]
    with pytest.raises(ValueError, match=r"labels\.csv, line 3"):
        helpers.load_column_labels(path, strict=True)
    path.write_text("column,words\nx,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing label, reason"):
        helpers.load_column_labels(path)


def headers(table_html: str) -> list[str]:
    root = lxml.html.fragment_fromstring(table_html, create_parent="div")
    return [th.text_content().strip() for th in root.xpath("(//table)[1]/thead/tr[last()]/th")]


def test_headers_get_plain_words_and_unknown_ones_lose_underscores():
    out = tidy_table_html(pd.DataFrame({"doc_id": ["000"], "n_shared_things": [1]})._repr_html_(),
                          {"doc_id": "article"})
    assert headers(out) == ["article", "n shared things"]
    assert helpers.column_label("date_basis", {}) == "date basis"


def test_numbers_align_right_long_text_wraps_and_wide_tables_are_marked():
    frame = pd.DataFrame({"doc_id": ["000", "001"], "score": [0.5, -1.25], "share": ["12%", ""],
                          "sentence": ["word " * 20, "x" * helpers.LONG_TEXT_CHARS]})
    shown = helpers.table_bundle(frame)[0]["text/html"]  # the whole text, as the report shows it
    root = lxml.html.fragment_fromstring(tidy_table_html(shown), create_parent="div")
    classes = [td.get("class", "") for td in root.xpath("(//table)[1]/tbody/tr[1]/td")]
    assert classes == ["", "report-num", "report-num", "report-long"]
    assert root.xpath("//div[@class='report-table-wrap report-wide']/table")
    narrow = tidy_table_html(frame[["doc_id", "score"]]._repr_html_())
    assert 'class="report-table-wrap"' in narrow and "report-wide" not in narrow


def long_output_cell(rows: int) -> nbformat.NotebookNode:
    data, meta = helpers.table_bundle(pd.DataFrame({"doc_id": [f"{i:03d}" for i in range(rows)]}),
                                      head_rows=3)
    cell = nbformat.v4.new_code_cell("table")
    cell.outputs = [nbformat.v4.new_output("execute_result", data=data, metadata=meta,
                                           execution_count=1)]
    return cell


def test_long_tables_go_to_csv_files_linked_under_their_head():
    nb = nbformat.v4.new_notebook()
    nb.cells = [long_output_cell(5), long_output_cell(2), long_output_cell(4)]
    out, resources = ReportPagePreprocessor().preprocess(nb, {"report": {"stem": "03_stance"}})
    assert sorted(resources["report_tables"]) == ["data/tables/03_stance-01.csv",
                                                  "data/tables/03_stance-02.csv"]
    assert resources["report_tables"]["data/tables/03_stance-01.csv"].splitlines() == [
        "doc_id", "000", "001", "002", "003", "004"]
    first = out.cells[0].outputs[0]["data"]
    assert helpers.TABLE_CSV_MIME not in first
    assert 'The first 3 of 5 rows. <a href="data/tables/03_stance-01.csv">' in first["text/html"]
    assert "report-table-data" not in out.cells[1].outputs[0]["data"]["text/html"]
