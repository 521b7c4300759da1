"""Written rows through the rules in their context, as the model-selection benchmark reads them."""

import numpy as np
import pandas as pd

import helpers


def test_written_rule_targets_by_hand():
    rows = pd.DataFrame([
        {"id": "a", "context": "Washington widened its chip curbs again on Monday.",
         "sentence": "This strategy is bound to fail.", "label": "against"},
        {"id": "b", "context": "Washington widened its chip curbs. Markets rose.",
         "sentence": "Critics say exporters still cheat.", "label": "against"},
        {"id": "c", "context": "", "sentence": "The export controls are working.", "label": "favor"},
        {"id": "d", "context": "", "sentence": "The city banned leaf blowers.", "label": "none"}],
    ).reindex(columns=helpers.WRITTEN_STANCE_COLUMNS, fill_value="")
    out = helpers.written_rule_targets(rows)
    assert out["id"].tolist() == ["a", "b", "c", "d"]
    assert out["target_rule"].tolist() == ["R4", "", "R1", ""]
    assert out["since_target"].tolist() == [0, 2, 0, np.inf]
    assert out["measure_word"].tolist() == ["", "exporters", "export", "banned"]
    assert out["rule_stance"].iloc[3] == "none"
