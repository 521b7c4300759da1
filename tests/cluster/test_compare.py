"""Table comparison of the equality check, by hand."""

import numpy as np
import pandas as pd

import helpers


def test_table_difference_ignores_row_order_and_measures_floats():
    want = pd.DataFrame({"doc_id": ["a", "b"], "term": ["x", "y"], "w": [0.5, np.nan]})
    got = pd.DataFrame({"doc_id": ["b", "a"], "term": ["y", "x"], "w": [np.nan, 0.5 + 1e-12]})
    same, worst = helpers.table_difference(got, want, ["doc_id"])
    assert same and 0 < worst < helpers.EQUALITY_TOLERANCE


def test_table_difference_finds_a_changed_cell_a_lost_nan_and_a_missing_row():
    want = pd.DataFrame({"doc_id": ["a", "b"], "term": ["x", "y"], "w": [0.5, np.nan]})
    changed = want.assign(term=["x", "z"])
    assert helpers.table_difference(changed, want, ["doc_id"])[0] is False
    filled = want.assign(w=[0.5, 0.0])
    assert np.isnan(helpers.table_difference(filled, want, ["doc_id"])[1])
    assert helpers.table_difference(want.iloc[:1], want, ["doc_id"])[0] is False
