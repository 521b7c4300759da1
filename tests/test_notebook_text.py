"""Notebook markdown states no corpus numbers: those come from computed findings and tables.

The rule: outside headings and code spans, a markdown cell has no digit, except in a
cross-reference to another notebook ("notebook 03") and in the method constants allowed below,
each with its reason. A number about the corpus belongs in a code cell's output, where it is
recomputed for whatever corpus the notebook runs on.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))

# (notebook file-name prefix, or "" for every notebook; the exact text; why it is not a corpus number)
ALLOWED = [
    ("", "95 %", "the confidence level of an interval, a method setting"),
    ("", "1.96", "the conventional z threshold for a clear difference (two-sided 95 %)"),
    ("", "SemEval-2016", "the name of the shared task whose baseline and metric are used"),
    ("", "F1", "the name of a metric"),
    ("", "5-gram", "the shingle size of the overlap measures"),
    ("", "5-word", "the shingle size of the overlap measures"),
    ("", "Quinn 2008", "the citation of the log-odds method (Monroe, Colaresi & Quinn 2008)"),
    ("", "1 / the size", "the independence weight's formula: one over the size of the story"),
    ("03_", "max(1, ", "the net score's formula, which avoids dividing by zero"),
    ("04_", "up to 500 articles", "overlap setting: every pair is measured up to this corpus size"),
    ("04_", "8 or more words", "overlap setting: the shortest shared run counted as a passage"),
    ("04_", "5 or more words", "the shingle length, used to show shorter shared runs"),
    ("04_", "(1 − *p*)⁵", "the edit arithmetic behind the copy threshold"),
    ("04_", "0.5", "the containment an exact copy or doubling gives, from the edit arithmetic"),
    ("04_", '"$2 billion" and "US$2bn"', "an example of how numbers with units are normalised"),
    ("04_", "more than 40 articles shows the 40", "figure setting: the heatmap's most articles"),
    ("04_", "40+ characters", "quote-matching setting: the length from which partial matches count"),
    ("04_", "The 40 speakers", "figure setting: the most speakers plotted"),
    ("05_", "1.0 means", "the reference value of a ratio: linear growth"),
    ("05_", "15 %", "generator setting: share of words swapped for made-up tokens"),
    ("05_", "100,000", "generator setting: how many made-up tokens there are"),
    ("05_", "2 %", "generator setting: share of articles planted as exact copies"),
    ("05_", "5 %", "generator setting: share of articles planted as near copies"),
    ("05_", "3 %", "generator setting: share of a near copy's words replaced"),
]

_CODE_SPAN_RE = re.compile(r"(`+).*?\1", re.DOTALL)
_NOTEBOOK_REF_RE = re.compile(r"\bnotebooks? \d\d(?:\s*[–-]\s*\d\d)?\b", re.IGNORECASE)
# Codebook rule names (R1–R4 target rules, H1–H10 hard cases) and sections (§7) are names.
_RULE_NAME_RE = re.compile(r"\b[RH]\d{1,2}(?:[–-][RH]\d{1,2})?\b|§\d+")
_DIGIT_RE = re.compile(r"[^\s]*\d[^\s]*")


def markdown_cells(path: Path) -> list[tuple[int, str]]:
    """``(cell index, source)`` of every markdown cell of a notebook."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [(i, "".join(c["source"])) for i, c in enumerate(cells) if c["cell_type"] == "markdown"]


def stated_numbers(text: str, notebook: str, allowed=ALLOWED) -> list[str]:
    """The words holding a digit in markdown ``text`` once headings, code spans, notebook
    cross-references and the allowed method constants of ``notebook`` are removed."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    body = _RULE_NAME_RE.sub(" ", _NOTEBOOK_REF_RE.sub(" ", _CODE_SPAN_RE.sub(" ", body)))
    for prefix, literal, _reason in allowed:
        if notebook.startswith(prefix):
            body = body.replace(literal, " ")
    return _DIGIT_RE.findall(body)


def test_stated_numbers_rule():
    assert stated_numbers("## 1 · Heading\n\nSee `N = 5` and notebook 03.", "01_x") == []
    assert stated_numbers("Seed 002 keeps 43 % of its words.", "01_x") == ["002", "43"]
    assert stated_numbers("Intervals are 95 % wide.", "01_x") == []
    assert stated_numbers("5 % of articles are copies.", "01_x") == ["5"]
    assert stated_numbers("5 % of articles are copies.", "05_x") == []
    assert stated_numbers("Rules R1–R3 and H2 (codebook §7); Notebook 04.", "03_x") == []


def test_every_allowed_item_has_a_reason():
    assert all(literal and reason for _prefix, literal, reason in ALLOWED)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_markdown_states_no_corpus_numbers(path: Path):
    found = {i: numbers for i, text in markdown_cells(path)
             if (numbers := stated_numbers(text, path.name))}
    assert not found, f"{path.name}: markdown cells state numbers (cell index: words): {found}"
