"""The learned stance model, target detection in context (R4), and article stance."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import helpers

FIXTURES = Path(__file__).parent / "fixtures"
COLUMNS = helpers.WRITTEN_STANCE_COLUMNS


def written(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{c: row.get(c, "") for c in COLUMNS} for row in rows], columns=COLUMNS)


def test_training_loader_never_reads_the_test_split(tmp_path):
    row = {"id": "t1", "sentence": "The curbs work.", "label": "favor", "kind": "plain", "refers": "named"}
    written([row]).to_csv(tmp_path / "stance_test.csv", index=False)
    with pytest.raises(ValueError, match="no stance_train"):
        helpers.load_written_stance("train", tmp_path)
    written([{**row, "id": "a1"}]).to_csv(tmp_path / "stance_train.csv", index=False)
    written([{**row, "id": "b1"}]).to_csv(tmp_path / "stance_train_b.csv", index=False)
    assert helpers.load_written_stance("train", tmp_path)["id"].tolist() == ["a1", "b1"]
    assert helpers.load_written_stance("test", tmp_path)["id"].tolist() == ["t1"]


def test_written_loader_names_the_file_and_the_problem(tmp_path):
    bad = written([{"id": "a", "sentence": "x", "label": "pro"}])
    bad.to_csv(tmp_path / "stance_train.csv", index=False)
    with pytest.raises(ValueError, match=r"stance_train.csv: labels \['pro'\]"):
        helpers.load_written_stance("train", tmp_path)
    pd.DataFrame({"sentence": ["x"]}).to_csv(tmp_path / "stance_train.csv", index=False)
    with pytest.raises(ValueError, match="stance_train.csv: missing columns"):
        helpers.load_written_stance("train", tmp_path)
    with pytest.raises(ValueError, match="split must be"):
        helpers.load_written_stance("dev", tmp_path)


def test_shipped_training_data_meets_the_minimums():
    train, test = helpers.load_written_stance("train"), helpers.load_written_stance("test")
    assert len(train) + len(test) >= 600
    assert len(test[test["refers"] != "no"]) >= 150
    assert not set(train["sentence"]) & set(test["sentence"])
    for label in helpers.STANCE_LABELS:
        assert (train["label"] == label).sum() >= 150


def test_abstention_and_ties_by_hand():
    proba = pd.DataFrame({"p_favor": [0.5, 0.3, 0.4], "p_against": [0.3, 0.3, 0.4],
                          "p_none": [0.2, 0.4, 0.2]})
    assert helpers.label_with_abstention(proba, 0.45) == ["favor", "none", "none"]
    assert helpers.label_with_abstention(proba, 0.0) == ["favor", "none", "favor"]


def toy_model(**settings):
    favor = [f"The export curbs are working and slow China down, case {i}." for i in range(6)]
    against = [f"The export curbs have failed and backfired badly, case {i}." for i in range(6)]
    none = [f"The export curbs were announced on a Monday, case {i}." for i in range(6)]
    sentences, labels = favor + against + none, ["favor"] * 6 + ["against"] * 6 + ["none"] * 6
    return helpers.fit_stance_model(sentences, labels, vector_weight=0.0, **settings)


def test_model_learns_a_separable_toy_task_deterministically():
    first, second = toy_model(), toy_model()
    probe = ["The export curbs are working and slow China down.",
             "The export curbs have failed and backfired."]
    p1, p2 = helpers.predict_stance_proba(first, probe), helpers.predict_stance_proba(second, probe)
    pd.testing.assert_frame_equal(p1, p2)
    assert np.allclose(p1.sum(axis=1), 1.0, atol=1e-3)
    assert helpers.label_with_abstention(p1, 0.0) == ["favor", "against"]
    with pytest.raises(ValueError):
        helpers.fit_stance_model(["one"], [])


def sentences_of(*texts: str) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": "d", "sent_id": range(len(texts)), "sentence": list(texts)})


def test_a_sentence_that_points_back_counts_only_after_a_target_sentence():
    found = helpers.detect_targets(sentences_of("Washington widened its chip curbs again on Monday.",
                                                "This strategy is bound to fail."))
    assert found["mentions_target"].tolist() == [True, True]
    assert found["target_rule"].tolist()[1] == "R4"
    alone = helpers.detect_targets(sentences_of("This strategy is bound to fail."))
    assert not alone["mentions_target"].any()
    far = helpers.detect_targets(sentences_of("Washington widened its chip curbs.", "Markets rose.",
                                              "Bonds fell.", "This strategy is bound to fail."))
    assert far["mentions_target"].tolist() == [True, False, False, False]
    other = helpers.detect_targets(sentences_of("Our pricing plan changed.", "The policy is bound to fail."))
    assert not other["mentions_target"].any()


def test_learned_table_leaves_articles_without_a_target_alone():
    table = helpers.rule_stance_table(helpers.detect_targets(pd.concat([
        sentences_of("Nvidia reported record revenue.").assign(doc_id="off"),
        sentences_of("The export curbs have failed and backfired badly.").assign(doc_id="on")],
        ignore_index=True)))
    out = helpers.learned_stance_table(table, toy_model())
    assert out.loc[out["doc_id"] == "off", "stance"].tolist() == ["none"]
    assert out.loc[out["doc_id"] == "off", "p_none"].tolist() == [0.0]
    assert out.loc[out["doc_id"] == "on", "stance"].tolist() == ["against"]
    on = out[out["doc_id"] == "on"].iloc[0]
    assert on["p_against"] > 0.5 and on["reason"].startswith("model: favor")
    strict = helpers.learned_stance_table(table, toy_model(), model_target_min=1.01)
    assert not strict["target_rule"].eq("model").any()


@pytest.fixture(scope="module")
def fixture_articles():
    corpus = helpers.load_corpus(FIXTURES)
    return helpers.article_stance(corpus).set_index("doc_id")


def test_article_stance_separates_reporting_from_arguing(fixture_articles):
    assert fixture_articles.loc["wire_both_sides", "stance"] == "none"
    assert fixture_articles.loc["wire_both_sides", "basis"] == "quotes both sides, concludes nothing"
    assert fixture_articles.loc["oped_against", "stance"] == "against"
    assert fixture_articles.loc["hawkish_letter", "stance"] == "favor"


def test_article_verdict_rules_by_hand():
    base = {"doc_id": "d", "sent_id": 0, "sentence": "s", "mentions_target": True, "speaker": "x"}
    def verdict(*rows):
        table = pd.DataFrame([{**base, "sent_id": i, "speaker_type": t, "stance": s}
                              for i, (t, s) in enumerate(rows)])
        result = helpers.article_stance(pd.DataFrame({"doc_id": ["d"]}), table).iloc[0]
        return result[["stance", "basis"]].tolist()
    assert verdict(("author", "against"), ("person", "favor"), ("person", "favor")) == \
        ["against", "the author's own voice"]
    assert verdict(("author", "favor"), ("author", "against")) == ["none", "the author argues both ways"]
    assert verdict(("person", "favor"), ("institution", "favor")) == \
        ["favor", "every quoted voice is on one side"]
    assert verdict(("person", "favor")) == ["none", "reports without arguing"]
    assert verdict(("author", "none"), ("person", "favor"), ("person", "against")) == \
        ["none", "quotes both sides, concludes nothing"]


def test_group_bootstrap_with_one_group_has_no_spread():
    gold = pd.Series(["favor", "against", "none"])
    predicted = pd.Series(["favor", "favor", "none"])
    table = helpers.bootstrap_metrics(gold, predicted, reps=30, groups=pd.Series(["a", "a", "a"]))
    row = table.set_index("metric").loc["accuracy"]
    assert row.tolist() == [0.667, 0.667, 0.667]


def test_kind_scores_by_hand():
    rows = pd.DataFrame({"kind": ["plain", "plain", "reporting", "counterfactual"],
                         "label": ["favor", "against", "none", "favor"]})
    table = helpers.kind_scores(rows, ["favor", "favor", "none", "none"]).set_index("kind")
    assert table.index.tolist() == ["plain", "counterfactual", "reporting"]
    assert table.loc["plain", "accuracy"] == 0.5
    assert table.loc["plain", "F_avg"] == pytest.approx(0.333, abs=1e-3)
    assert table.loc["reporting", "accuracy"] == 1.0 and np.isnan(table.loc["reporting", "F_avg"])
    assert table.loc["counterfactual", "sentences"] == 1


def _stance_finding_texts(details: pd.DataFrame | None) -> list[str]:
    """The stance findings of two articles and two speakers, with or without the sentences."""
    articles = pd.DataFrame({"doc_id": ["a", "b"], "n_target": [1, 1], "stance": ["favor", "none"],
                             "basis": ["the author's own voice", "reports without arguing"]})
    speakers = pd.DataFrame({"speaker": ["Ann Lee", "author"], "speaker_type": ["person", "author"],
                             "n_favor": [2, 1], "n_against": [0, 0]})
    empty = pd.DataFrame()
    return [f.text for f in helpers.stance_findings(details, articles, speakers, empty, empty, empty, 0,
                                                    labels_beside_rules=False)]


def test_without_sentences_the_findings_rest_on_the_article_and_speaker_tables():
    texts = _stance_finding_texts(None)
    assert len(texts) == 3  # held-out, sides, voices: no coverage and no labelled-article finding
    assert texts[0].startswith("No finding on held-out text")
    assert texts[1].startswith("Article stance — favor: 1 article (a); against: 0 articles")
    assert "favor: Ann Lee (2)" in texts[2]
    assert helpers.NO_GOLD_TEXT not in texts


def test_stance_findings_say_what_the_tables_show_and_no_finding_when_empty():
    details = pd.DataFrame({"doc_id": ["a", "a", "b"], "sent_id": [0, 1, 0],
                            "mentions_target": [True, False, True], "target_rule": ["R1", "", "model"]})
    texts = _stance_finding_texts(details)
    assert texts[0] == ("2 sentences of 3 refer to the export controls, in 2 articles of 2; "
                        "1 of them were found by the learned model where no rule fired.")
    assert texts[1].startswith("No finding on held-out text")
    assert texts[2] == helpers.NO_GOLD_TEXT
    assert texts[3].startswith("Article stance — favor: 1 article (a); against: 0 articles; "
                               "none: 1 article (b)")
    assert "favor: Ann Lee (2)" in texts[4] and "author" not in texts[4]
    none = details.assign(mentions_target=False)
    assert _stance_finding_texts(none) == [
        "No finding: no sentence of this corpus refers to the export controls."]


def test_group_bootstrap_resamples_whole_articles():
    gold = pd.Series(["favor", "against", "favor", "against"])
    same = helpers.bootstrap_metrics(gold, gold, reps=50, groups=pd.Series(["a", "a", "b", "b"]))
    assert same.set_index("metric").loc["F_avg"].tolist() == [1.0, 1.0, 1.0]
    # one article right, one wrong: resampling articles gives CIs from 0 to 1
    wrong = pd.Series(["favor", "against", "against", "favor"])
    table = helpers.bootstrap_metrics(gold, wrong, reps=200, groups=pd.Series(["a", "a", "b", "b"]))
    row = table.set_index("metric").loc["accuracy"]
    assert row["value"] == 0.5 and row["ci_low"] == 0.0 and row["ci_high"] == 1.0


def test_training_file_e_is_loaded_with_the_others_and_is_balanced():
    train = helpers.load_written_stance("train")
    extra = train[train["id"].str.startswith("tre")]
    assert len(extra) >= 300 and extra["id"].is_unique
    counts = extra["label"].value_counts()
    assert counts.min() >= 0.25 * len(extra)  # no label below a quarter
    assert (extra.loc[extra["refers"] == "no", "label"] == "none").all()
    assert extra.loc[extra["refers"] == "pointing", "context"].ne("").all()
    assert extra["kind"].isin(helpers.KIND_ORDER).all()


def test_written_training_leaves_out_off_target_rows_unless_asked():
    train = helpers.written_training(off_target=False)
    assert not train["refers"].eq("no").any()
    everything = helpers.written_training(off_target=True)
    assert len(everything) == len(helpers.load_written_stance("train")) > len(train)
