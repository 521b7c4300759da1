"""Tests for newsdesk.report_display: how tables display while the report's notebooks run."""

import io

import pandas as pd

import helpers
from helpers import TABLE_CSV_MIME, keeps_index, table_bundle, table_csv


def long_table(rows: int = 25) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"{i:03d}" for i in range(rows)],
                         "sentence": ["word " * 60] * rows,
                         "formula": ["=SUM(A1)"] + ["ok"] * (rows - 1)})


def test_a_long_table_shows_its_head_and_carries_all_its_rows():
    data, meta = table_bundle(long_table(25), head_rows=20)
    assert meta == {"text/html": {"rows": 25, "shown": 20}}
    assert data["text/html"].count("<tr") == 21  # header row + 20 rows
    assert "024" not in data["text/html"] and "019" in data["text/html"]
    full = pd.read_csv(io.StringIO(data[TABLE_CSV_MIME]), dtype=str)
    assert len(full) == 25 and list(full.columns) == ["doc_id", "sentence", "formula"]
    assert full["doc_id"].iloc[-1] == "024"


def test_pandas_never_cuts_rows_columns_or_cells():
    wide = pd.DataFrame({f"c{i}": [i] for i in range(40)})
    with pd.option_context("display.max_columns", 5, "display.max_colwidth", 10, "display.max_rows", 4):
        data, _ = table_bundle(pd.concat([long_table(8), wide], axis=1), head_rows=20)
    html = data["text/html"]
    assert "..." not in html and "…" not in html
    assert "c39" in html and ("word " * 60).strip() in html
    assert TABLE_CSV_MIME not in data  # 8 rows: all shown, nothing to download


def test_the_csv_is_spreadsheet_safe_and_keeps_a_meaningful_index():
    assert "'=SUM(A1)" in table_csv(long_table(3))
    named = pd.DataFrame({"n": [1, 2]}, index=pd.Index(["a", "b"], name="term"))
    assert table_csv(named).splitlines() == ["term,n", "a,1", "b,2"]
    filtered = pd.DataFrame({"n": [1, 2, 3]}).iloc[[0, 2]]
    assert table_csv(filtered).splitlines() == ["n", "1", "3"]


def test_which_indexes_mean_something():
    assert not keeps_index(pd.DataFrame({"n": [1, 2]}))
    assert keeps_index(pd.DataFrame({"n": [1, 2]}, index=[5, 1]))
    assert keeps_index(pd.DataFrame({"n": [1]}, index=pd.Index(["x"])))


def test_the_extension_registers_the_table_display():
    class Formatter:
        def __init__(self):
            self.registered = {}

        def for_type(self, kind, function):
            self.registered[kind] = function

    class Shell:
        display_formatter = type("D", (), {"mimebundle_formatter": Formatter()})()

    shell = Shell()
    helpers.load_ipython_extension(shell)
    assert shell.display_formatter.mimebundle_formatter.registered[pd.DataFrame] is table_bundle
