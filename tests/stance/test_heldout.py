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


def _model_table() -> pd.DataFrame:
    """Four sentences: a rule target, two the model alone flags (sure and unsure), one neither."""
    return pd.DataFrame({"mentions_target": [True, True, True, False],
                         "target_rule": ["R1", "model", "model", ""],
                         "stance": ["favor", "against", "favor", "none"],
                         "confidence": [0.5, 0.95, 0.55, 0.9]})


def test_gate_model_targets_keeps_rule_targets_and_sure_model_targets():
    table = _model_table()
    assert helpers.gate_model_targets(table, 0.4).tolist() == ["favor", "against", "favor", "none"]
    assert helpers.gate_model_targets(table, 0.6).tolist() == ["favor", "against", "none", "none"]
    assert helpers.gate_model_targets(table, 1.01).tolist() == ["favor", "none", "none", "none"]


def test_choose_target_min_picks_best_and_ties_to_the_stricter():
    table = _model_table()
    # the unsure model target is wrong, the sure one right: 0.6-0.9 all score best
    gold = pd.Series(["favor", "against", "none", "none"])
    assert helpers.choose_target_min(gold, table, (0.4, 0.6, 0.9, 1.01)) == 0.9
    # both model targets wrong: only rule targets
    gold = pd.Series(["favor", "none", "none", "none"])
    assert helpers.choose_target_min(gold, table, (0.4, 0.6, 1.01)) == 1.01


def test_loao_learned_threshold_fixed_or_chosen_on_the_other_articles():
    corpus = helpers.load_corpus("seeds")
    gold = helpers.load_stance_gold("seeds/stance_labels.csv")
    extra = helpers.written_training()[["sentence", "label"]].head(300)  # small, so five fits are quick
    strict = helpers.loao_learned(corpus, gold, extra, target_min=1.01)
    assert set(strict["target_min"]) == {1.01}
    rule_targets = helpers.detect_targets(helpers.corpus_sentences(corpus))
    flagged = strict.merge(rule_targets[["doc_id", "sent_id", "mentions_target"]].rename(
        columns={"mentions_target": "mentions_target_rules"}), on=["doc_id", "sent_id"])
    # with the threshold above any probability, only rule targets can carry a side
    assert (flagged.loc[~flagged["mentions_target_rules"], "learned"] == "none").all()
    assert flagged["learned"].ne("none").any()
    chosen = helpers.loao_learned(corpus, gold, extra, target_min=None)
    per_article = chosen.groupby("doc_id")["target_min"].nunique()
    assert (per_article == 1).all() and len(per_article) == 5
    assert set(chosen["target_min"]) <= set(helpers.MODEL_TARGET_MIN_GRID)
