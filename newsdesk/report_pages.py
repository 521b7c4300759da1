"""What a report page leaves out and how its tables read, as an nbconvert preprocessor:
configuration cells, Python warnings, pandas' 0…N index and NaN cells are dropped; column
headers get plain words; numbers align right and long text gets room to wrap; a long table
shows its head and links its whole data as CSV. It works on the notebook's cells and on
parsed table outputs, so the notebooks themselves keep everything.
"""

from __future__ import annotations

import csv
import re
import warnings
from pathlib import Path

from nbconvert.preprocessors import Preprocessor

from newsdesk.paths import PROJECT_ROOT
from newsdesk.report_display import TABLE_CSV_MIME

__all__ = [
    "COLUMN_LABELS_FILE",
    "HIDDEN_TAGS",
    "LONG_TEXT_CHARS",
    "MISSING_CELL_TEXT",
    "TABLES_FOLDER",
    "WIDE_TABLE_COLUMNS",
    "ReportPagePreprocessor",
    "column_label",
    "load_column_labels",
    "tidy_table_html",
]

# Cells with one of these tags are left off the page: the papermill parameters cell, the cell
# papermill injects with the run's values, and any cell tagged to be hidden (a configuration
# heading, for example).
HIDDEN_TAGS = frozenset({"parameters", "injected-parameters", "report-hide"})
MISSING_CELL_TEXT = frozenset({"NaN", "nan", "None", "<NA>", "NaT"})  # pandas' missing markers
COLUMN_LABELS_FILE = PROJECT_ROOT / "report_template" / "column_labels.csv"  # code name → words
LONG_TEXT_CHARS = 40  # a column whose cells average this long holds sentences: room to wrap
WIDE_TABLE_COLUMNS = 7  # a table this wide, or with a long-text column, may use the window's width
TABLES_FOLDER = "data/tables"  # where a page's long tables go as CSV, relative to the report
_DATAFRAME_RE = re.compile(r'<table[^>]*class="dataframe')
# A number as pandas shows one; "000"-style ids (a leading zero) are names, not numbers.
_NUMBER_RE = re.compile(r"[-−+]?(?:(?:0|[1-9][\d,]*)(?:\.\d+)?|\.\d+)(?:e[-+]?\d+)?%?|[-−]?inf",
                        re.IGNORECASE)
_LABEL_FIELDS = ("column", "label", "reason")


def load_column_labels(path: str | Path = COLUMN_LABELS_FILE, *, strict: bool = False) -> dict[str, str]:
    """The plain-word header of each code column name, from a CSV with ``column,label,reason``.

    A row without a column name or a label, or a column named twice, is skipped with a
    warning naming the file and the row (``strict=True``: a ``ValueError``). A file without
    those three columns is always a ``ValueError``.
    """
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [f for f in _LABEL_FIELDS if f not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: column labels need the columns {', '.join(_LABEL_FIELDS)}; "
                             f"missing {', '.join(missing)}")
        labels: dict[str, str] = {}
        for line, row in enumerate(reader, start=2):
            column, label = (row["column"] or "").strip(), (row["label"] or "").strip()
            problem = ("no column name or no label" if not column or not label
                       else f"{column!r} is labelled twice" if column in labels else "")
            if problem:
                if strict:
                    raise ValueError(f"{path}, line {line}: {problem}")
                warnings.warn(f"{path}, line {line}: {problem}; row skipped", stacklevel=2)
                continue
            labels[column] = label
    return labels


def column_label(name: str, labels: dict[str, str]) -> str:
    """A column's header on a page: its plain words from ``labels``, else its name with
    underscores as spaces."""
    return labels.get(name, name.replace("_", " "))


def _is_position_index(labels: list[str]) -> bool:
    """Whether row labels are increasing row numbers (pandas' default index, or rows kept from
    it by a filter): meaningless to a reader."""
    if not labels or not all(label.isdigit() for label in labels):
        return False
    numbers = [int(label) for label in labels]
    return all(a < b for a, b in zip(numbers, numbers[1:], strict=False))


def _drop_position_index(table) -> None:
    """Remove the row-number index column of a pandas table (unnamed, increasing numbers)."""
    body_rows = table.findall("./tbody/tr")
    heads = [row.find("th") for row in body_rows]
    head_rows = table.findall("./thead/tr")
    corner = head_rows[0].find("th") if len(head_rows) == 1 else None
    unnamed = corner is not None and not corner.text_content().strip()
    if unnamed and all(h is not None for h in heads) and _is_position_index(
            [h.text_content().strip() for h in heads]):
        for head in heads:
            head.getparent().remove(head)
        corner.getparent().remove(corner)


def _add_class(element, name: str) -> None:
    classes = element.get("class", "").split()
    if name not in classes:
        element.set("class", " ".join([*classes, name]))


def _mark_columns(table) -> bool:
    """Class each column's cells ``report-num`` (every filled cell a number: right-aligned)
    or ``report-long`` (filled cells of ``LONG_TEXT_CHARS`` or more on average: room to
    wrap), header included when the last header row lines up with the body. Returns whether
    the table is wide: a long-text column, or ``WIDE_TABLE_COLUMNS`` columns or more."""
    rows = [list(row) for row in table.findall("./tbody/tr")]
    if not rows:
        return False
    wide = False
    width = max(len(row) for row in rows)
    head_rows = table.findall("./thead/tr")
    header = list(head_rows[-1]) if head_rows else []
    for position in range(width):
        cells = [row[position] for row in rows if len(row) == width and row[position].tag == "td"]
        texts = [c.text_content().strip() for c in cells]
        filled = [t for t in texts if t]
        if not cells or not filled:
            continue
        if all(_NUMBER_RE.fullmatch(t) for t in filled):
            kind = "report-num"
        elif sum(len(t) for t in filled) / len(filled) >= LONG_TEXT_CHARS:
            kind, wide = "report-long", True
        else:
            continue
        for cell in cells:
            _add_class(cell, kind)
        if len(header) == width:
            _add_class(header[position], kind)
    return wide or width >= WIDE_TABLE_COLUMNS


def tidy_table_html(table_html: str, labels: dict[str, str] | None = None) -> str:
    """A pandas table's HTML made for a reader.

    The row-number index column is removed (only when the index is unnamed and its labels are
    increasing row numbers); missing-value markers become empty cells; header cells get
    :func:`column_label` (``labels``, by default none: underscores become spaces); cells are
    classed by :func:`_mark_columns`; each table sits in a ``report-table-wrap`` box, also
    ``report-wide`` for a wide table (the page lets it use the window's width).
    The HTML is parsed, edited as elements and written back.
    """
    import lxml.html

    labels = labels or {}
    root = lxml.html.fragment_fromstring(table_html, create_parent="div")
    for table in list(root.iter("table")):
        _drop_position_index(table)
        for cell in table.iter("td"):
            if cell.text_content().strip() in MISSING_CELL_TEXT and len(cell) == 0:
                cell.text = ""
        for row in table.findall("./thead/tr"):
            row.attrib.pop("style", None)
            for cell in row.findall("th"):
                name = cell.text_content().strip()
                if name and len(cell) == 0:
                    cell.text = column_label(name, labels)
        wide = _mark_columns(table)
        wrap = lxml.html.Element("div", {"class": "report-table-wrap report-wide" if wide
                                         else "report-table-wrap"})
        table.addprevious(wrap)
        wrap.append(table)
    return "".join(lxml.html.tostring(child, encoding="unicode") for child in root)


def _table_link(href: str, shown: int, rows: int) -> str:
    """The line under a long table's head: how much is shown, and the link to all of it."""
    import html

    return (f'<p class="report-table-data">The first {shown} of {rows} rows. '
            f'<a href="{html.escape(href)}">The whole table (CSV)</a></p>')


def _parameter_cells(cells) -> list[int]:
    """Positions of the cells tagged ``parameters``."""
    return [i for i, cell in enumerate(cells) if "parameters" in cell.get("metadata", {}).get("tags", [])]


class ReportPagePreprocessor(Preprocessor):
    """Drops cells tagged with one of ``HIDDEN_TAGS``, the markdown cell that introduces the
    parameters cell (its Configuration heading; never the title cell), every output written to stderr
    (warnings belong in the problems table, and they show local paths), and tidies pandas
    tables with :func:`tidy_table_html`.

    ``resources["report"]`` may give ``stem`` (the page's file stem, naming its table CSVs)
    and ``column_labels`` (see :func:`load_column_labels`). A long table's whole data (the
    ``text/csv`` of ``report_display.table_bundle``) is taken out of the output and put in
    ``resources["report_tables"]`` as ``{"data/tables/<stem>-NN.csv": csv text}``, NN
    counting the page's long tables from 01, and a link to it goes under the table.
    """

    def preprocess(self, nb, resources):
        hidden = {i for i, cell in enumerate(nb.cells)
                  if HIDDEN_TAGS.intersection(cell.get("metadata", {}).get("tags", []))}
        hidden |= {i - 1 for i in _parameter_cells(nb.cells)
                   if i > 1 and nb.cells[i - 1].cell_type == "markdown"}
        nb.cells = [cell for i, cell in enumerate(nb.cells) if i not in hidden]
        resources.setdefault("report_tables", {})
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        settings = resources.get("report", {})
        labels = settings.get("column_labels", {})
        tables = resources.setdefault("report_tables", {})
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                continue
            data = output.get("data", {})
            full_csv = data.pop(TABLE_CSV_MIME, None)
            html_text = data.get("text/html")
            if html_text is not None:
                text = html_text if isinstance(html_text, str) else "".join(html_text)
                if _DATAFRAME_RE.search(text):
                    text = tidy_table_html(text, labels)
                    if full_csv is not None:
                        href = f"{TABLES_FOLDER}/{settings.get('stem', 'table')}-{len(tables) + 1:02d}.csv"
                        tables[href] = full_csv if isinstance(full_csv, str) else "".join(full_csv)
                        size = output.get("metadata", {}).get("text/html", {})
                        text += _table_link(href, size.get("shown", 0), size.get("rows", 0))
                    data["text/html"] = text
            kept.append(output)
        cell.outputs = kept
        return cell, resources
