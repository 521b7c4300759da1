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
