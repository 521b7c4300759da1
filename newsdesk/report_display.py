"""How tables display while the report's notebooks run: never cut with "…" by pandas, a
readable head on the page, and the whole table beside it as CSV data.

The report builder loads this module as an IPython extension in the kernel that executes each
notebook (see ``report.write_executed_notebook``), so the notebooks keep displaying tables the
ordinary way. A long DataFrame then shows its first rows as HTML, with every column and every
cell's full text, and carries the whole table as ``text/csv`` (spreadsheet-safe) for the
report page to write out and link (``report_pages.ReportPagePreprocessor``).
"""

from __future__ import annotations

import pandas as pd

from newsdesk.text import spreadsheet_safe

__all__ = [
    "TABLE_CSV_MIME",
    "TABLE_HEAD_ROWS",
    "keeps_index",
    "load_ipython_extension",
    "table_bundle",
    "table_csv",
]

TABLE_HEAD_ROWS = 20  # rows a page shows of a long table: a screen or two, the rest is a CSV
TABLE_CSV_MIME = "text/csv"  # the whole table in a long table's display output


def keeps_index(table: pd.DataFrame) -> bool:
    """Whether a table's index means something to a reader: named, or not row numbers.

    An unnamed index of increasing integers (pandas' default, or rows kept from it by a filter)
    is position only, and is left out of pages and CSVs.
    """
    index = table.index
    if any(name is not None for name in index.names):
        return True
    if not pd.api.types.is_integer_dtype(index.dtype):
        return True
    return not index.is_monotonic_increasing or not index.is_unique


def table_csv(table: pd.DataFrame) -> str:
    """The whole table as CSV text: its index only when :func:`keeps_index`, text cells that
    a spreadsheet would run as a formula prefixed with ``'``, ``\\n`` line ends."""
    safe = table.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(spreadsheet_safe)
    if keeps_index(safe):
        safe.index = safe.index.map(spreadsheet_safe) if safe.index.nlevels == 1 else safe.index
    return safe.to_csv(index=keeps_index(table), lineterminator="\n")


def table_bundle(table: pd.DataFrame, head_rows: int = TABLE_HEAD_ROWS) -> tuple[dict, dict]:
    """The display data of a table: ``text/html`` of its first ``head_rows`` rows with every
    column and every cell's whole text (pandas' own display settings, such as the precision,
    still apply), plus ``text/csv`` of the whole table when it has more rows than that.

    Returns ``(data, metadata)``; the metadata gives the table's ``rows`` and the rows shown.
    """
    with pd.option_context("display.max_rows", None, "display.max_columns", None,
                           "display.max_colwidth", None, "display.show_dimensions", False):
        head_html = table.head(head_rows)._repr_html_()
    data = {"text/html": head_html}
    meta = {"rows": int(len(table)), "shown": int(min(len(table), head_rows))}
    if len(table) > head_rows:
        data[TABLE_CSV_MIME] = table_csv(table)
    return data, {"text/html": meta}


def load_ipython_extension(ipython) -> None:
    """Display every DataFrame through :func:`table_bundle` in this IPython session."""
    ipython.display_formatter.mimebundle_formatter.for_type(pd.DataFrame, table_bundle)
