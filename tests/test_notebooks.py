"""Notebooks leave nothing behind: notebook 05's loading cells, run on a small export, write
their temporary files only inside a folder that is gone when they finish."""

import json
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def code_cells(name: str) -> list[str]:
    nb = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def test_scaling_notebook_removes_its_synthetic_export(tmp_path, monkeypatch):
    temp = tmp_path / "system-temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    cells = code_cells("05_scaling.ipynb")
    upto = next(i for i, source in enumerate(cells) if "synthetic.jsonl" in source)
    namespace: dict = {}
    exec(cells[0], namespace)  # the parameters cell, then a small corpus
    namespace.update(CORPUS=str(ROOT / "seeds"), FIGURES=str(tmp_path / "figures"), N_ARTICLES=60)
    for source in cells[1: upto + 1]:
        exec(source, namespace)
    assert len(namespace["corpus"]) > 0
    assert list(temp.iterdir()) == []


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
def test_no_notebook_makes_a_temporary_folder_it_keeps(name):
    for source in code_cells(name):
        assert "mkdtemp(" not in source and "delete=False" not in source
