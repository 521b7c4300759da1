"""What a report page leaves out, as an nbconvert preprocessor: configuration cells, Python
warnings, pandas' 0…N index and NaN cells. It works on the notebook's cells and on parsed
table outputs, so the notebooks themselves keep everything.
"""

from __future__ import annotations

import re

from nbconvert.preprocessors import Preprocessor

__all__ = [
    "HIDDEN_TAGS",
    "MISSING_CELL_TEXT",
    "ReportPagePreprocessor",
    "tidy_table_html",
]

# Cells with one of these tags are left off the page: the papermill parameters cell, the cell
# papermill injects with the run's values, and any cell tagged to be hidden (a configuration
# heading, for example).
HIDDEN_TAGS = frozenset({"parameters", "injected-parameters", "report-hide"})
MISSING_CELL_TEXT = frozenset({"NaN", "nan", "None", "<NA>", "NaT"})  # pandas' missing markers
_DATAFRAME_RE = re.compile(r'<table[^>]*class="dataframe')


def _is_position_index(labels: list[str]) -> bool:
    """Whether row labels are increasing row numbers (pandas' default index, or rows kept from
    it by a filter): meaningless to a reader."""
    if not labels or not all(label.isdigit() for label in labels):
        return False
    numbers = [int(label) for label in labels]
    return all(a < b for a, b in zip(numbers, numbers[1:], strict=False))


def tidy_table_html(table_html: str) -> str:
    """A pandas table's HTML with the row-number index column removed (only when the index is
    unnamed and its labels are increasing row numbers) and missing-value markers shown as empty cells.

    The HTML is parsed, edited as elements and written back; other tables come back
    unchanged apart from serialisation.
    """
    import lxml.html

    root = lxml.html.fragment_fromstring(table_html, create_parent="div")
    for table in root.iter("table"):
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
        for cell in table.iter("td"):
            if cell.text_content().strip() in MISSING_CELL_TEXT and len(cell) == 0:
                cell.text = ""
    return "".join(lxml.html.tostring(child, encoding="unicode") for child in root)


def _parameter_cells(cells) -> list[int]:
    """Positions of the cells tagged ``parameters``."""
    return [i for i, cell in enumerate(cells) if "parameters" in cell.get("metadata", {}).get("tags", [])]


class ReportPagePreprocessor(Preprocessor):
    """Drops cells tagged with one of ``HIDDEN_TAGS``, the markdown cell that introduces the
    parameters cell (its Configuration heading; never the title cell), every output written to stderr
    (warnings belong in the problems table, and they show local paths), and tidies pandas
    tables with :func:`tidy_table_html`."""

    def preprocess(self, nb, resources):
        hidden = {i for i, cell in enumerate(nb.cells)
                  if HIDDEN_TAGS.intersection(cell.get("metadata", {}).get("tags", []))}
        hidden |= {i - 1 for i in _parameter_cells(nb.cells)
                   if i > 1 and nb.cells[i - 1].cell_type == "markdown"}
        nb.cells = [cell for i, cell in enumerate(nb.cells) if i not in hidden]
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                continue
            html_text = output.get("data", {}).get("text/html")
            if html_text is not None:
                text = html_text if isinstance(html_text, str) else "".join(html_text)
                if _DATAFRAME_RE.search(text):
                    output["data"]["text/html"] = tidy_table_html(text)
            kept.append(output)
        cell.outputs = kept
        return cell, resources
