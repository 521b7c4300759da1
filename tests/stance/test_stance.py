"""Stance section: target detection, rules (negation, concession), speakers, metrics."""

import numpy as np
import pandas as pd
import pytest

import helpers
from newsdesk.stance.metrics import _metrics_from_codes


def _sentences(*rows: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame([{"doc_id": d, "sent_id": i, "sentence": s} for i, (d, s) in enumerate(rows)])


def _corpus(**texts: str) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": list(texts), "text": list(texts.values())})


# --- target detection ------------------------------------------------------------------

@pytest.mark.parametrize("sentence, rule", [
    ("Washington tightened export controls on Nvidia chips.", "R1"),
    ("The Commerce Department added the firm to the entity list.", "R1"),
    ("The ban on sales of advanced processors took effect in 2023.", "R1"),
    ("It blocked Beijing's top chipmaker from buying lithography machines.", "R1"),
    ("Engineers hope to bypass these restrictions.", "R2"),
    ("Analysts doubt that China can escape the chokehold.", "R2"),
    ("The start-up could not buy Nvidia's best processors.", "R3-denied"),
    ("Researchers without access to top GPUs improvised.", "R3-denied"),
])
def test_target_rules(sentence, rule):
    found = {r for _, _, r in helpers.target_spans(sentence)}
    assert rule in found


@pytest.mark.parametrize("sentence", [
    "Huawei's chips are less powerful than Nvidia's.",
    "China is several generations behind in chipmaking.",
    "The US wants to stay ahead in the AI race.",
    "Beijing pours subsidies into its self-reliance drive.",
])
def test_non_target(sentence):
    assert helpers.target_spans(sentence) == []


def test_access_sentence_needs_a_named_measure_next_to_it():
    table = helpers.detect_targets(_sentences(
        ("a", "The US imposed export controls in 2022."),
        ("a", "Access to advanced chips is the main problem."),
        ("b", "Access to advanced chips is the main problem."),
    ))
    assert table["target_rule"].tolist() == ["R1", "R3-access", "R3-access"]
    assert table["mentions_target"].tolist() == [True, True, False]


# --- rule model: cues, negation, concession, prescriptions -----------------------------

@pytest.mark.parametrize("sentence, stance", [
    ("The export controls are working and have slowed China's progress.", "favor"),
    ("The export controls have failed.", "against"),
    ("The sanctions spurred Chinese innovation.", "against"),
    ("Chinese firms have found workarounds to the export curbs.", "against"),
    ("The export curbs remain a major hurdle for Chinese chipmakers.", "favor"),
    ("The US has banned China from buying the most advanced AI chips.", "none"),
    ("The US imposed export controls to slow China's progress.", "none"),  # purpose, not effect
    ("China is making efforts to overcome the export restrictions.", "none"),  # H4 attempt
    ("It remains unclear whether the export controls will hold.", "none"),  # H8 open question
])
def test_rule_cues(sentence, stance):
    assert helpers.rule_stance(sentence)["stance"] == stance


@pytest.mark.parametrize("sentence, stance", [
    ("This does not mean the export controls are ineffective.", "favor"),
    ("The curbs have not stopped Huawei.", "against"),
    ("The export controls are not effective.", "against"),
    ("The export controls failed to slow China's chipmakers.", "against"),
    ("The US needs to not only enhance export controls but also train engineers.", "favor"),
])
def test_negation(sentence, stance):
    assert helpers.rule_stance(sentence)["stance"] == stance


@pytest.mark.parametrize("sentence, stance", [
    ("Despite US export curbs, Huawei succeeded in building a rival chip.", "against"),
    ("Despite DeepSeek's success, the export controls are slowing China.", "favor"),
    ("Despite US export curbs, Huawei has not caught up.", "favor"),
    ("Liang acknowledged the challenges posed by the export controls but remains upbeat.", "favor"),
    ("Liang acknowledged the challenges posed by the curbs, yet analysts argue that these "
     "very restrictions propelled the firm to innovate.", "against"),
    ("While Huawei has struggled, the firm may bypass these restrictions.", "against"),
    ("Engineers were tasked to push for breakthroughs in the face of US curbs.", "none"),
])
def test_concession(sentence, stance):
    assert helpers.rule_stance(sentence)["stance"] == stance


@pytest.mark.parametrize("sentence, stance", [
    ("The US should tighten export controls on chips.", "favor"),
    ("Washington must loosen the chip export controls.", "against"),
    ("Officials questioned the efficacy of the sanctions and called on the White House to "
     "tighten export curbs.", "favor"),  # H10: the prescription decides
    ("The breakthrough may prompt Washington to tighten export controls.", "none"),  # H9 forecast
])
def test_prescriptions(sentence, stance):
    assert helpers.rule_stance(sentence)["stance"] == stance


def test_confidence_is_share_of_evidence():
    one = helpers.rule_stance("The export controls have failed.")
    assert one["confidence"] == pytest.approx(0.5)  # one cue: 1 / (1 + 1)
    nothing = helpers.rule_stance("The US has banned China from buying the most advanced AI chips.")
    assert nothing["confidence"] == pytest.approx(1.0)


# --- speakers --------------------------------------------------------------------------

def test_speaker_of_the_asserted_clause():
    sentence = ("Liang acknowledged the challenges posed by US export controls, yet analysts "
                "argue that these very restrictions propelled the firm to innovate.")
    result = helpers.rule_stance(sentence)
    assert helpers.stance_speaker(sentence, result["cue_start"], "Liang", "person", "reported") \
        == ("analysts", helpers.speaker_type("analysts"))


def test_cue_outside_the_quote_is_the_authors():
    sentence = ('Indeed, Chinese firms have devised clever workarounds; analyst Ben Smith argues that '
                '"all of this only makes sense" because they could not use Nvidia chips.')
    result = helpers.rule_stance(sentence)
    assert result["stance"] == "against"
    assert helpers.stance_speaker(sentence, result["cue_start"], "Ben Smith", "person", "quote") \
        == ("author", "author")


def test_agentless_call_is_unattributed():
    sentence = "US lawmakers are being urged to tighten export controls."
    result = helpers.rule_stance(sentence)
    assert result["stance"] == "favor"
    assert helpers.stance_speaker(sentence, result["cue_start"], "author", "author", "author") \
        == ("unattributed", "unknown")


def test_quotes_and_reported_speech_in_a_tiny_corpus():
    corpus = _corpus(a=(
        "Jane Doe, an analyst at Acme Research, said the export curbs have failed.\n"
        "“The export controls are a huge hurdle for us,” said Wang Lei, the firm's founder.\n"
        "The US banned sales of the H20 chip in April."))
    table = helpers.stance_sentences(corpus)
    assert list(table.columns) == helpers.STANCE_SENTENCE_COLUMNS
    assert table["speaker"].tolist() == ["Jane Doe", "Wang Lei", "author"]
    assert table["stance"].tolist() == ["against", "favor", "none"]
    assert table["mentions_target"].tolist() == [True, True, True]


# --- article stance --------------------------------------------------------------------

def test_wire_story_that_only_reports_nets_zero():
    corpus = _corpus(wire=(
        "The US has banned China from buying the most advanced AI chips from Nvidia.\n"
        "The Commerce Department announced the new export controls on Tuesday.\n"
        "Nvidia shares fell 2% in New York."))
    table = helpers.article_stance(corpus)
    row = table.iloc[0]
    assert (row["n_target"], row["n_favor"], row["n_against"], row["net"]) == (2, 0, 0, 0.0)


def test_net_formula():
    sentences = pd.DataFrame({"doc_id": ["a"] * 4 + ["b"], "mentions_target": [True] * 4 + [False],
                              "stance": ["favor", "against", "against", "none", "none"],
                              "speaker_type": ["person", "author", "author", "author", "author"]})
    table = helpers.article_stance(_corpus(a="x", b="y"), sentences)
    assert table["net"].tolist() == [pytest.approx(-1 / 3, abs=1e-4), 0.0]
    assert table["n_target"].tolist() == [4, 0]
    assert table["stance"].tolist() == ["against", "none"]
    with pytest.raises(ValueError, match="speaker_type"):
        helpers.article_stance(_corpus(a="x", b="y"), sentences.drop(columns=["speaker_type"]))


def test_empty_corpus():
    corpus = _corpus()
    assert helpers.stance_sentences(corpus).empty
    assert list(helpers.article_stance(corpus).columns) == helpers.ARTICLE_STANCE_COLUMNS
    assert helpers.speaker_stance(helpers.stance_details(corpus)).empty


# --- gold alignment and metrics --------------------------------------------------------

def test_align_gold_by_containment_and_complete_articles_only():
    sentences = _sentences(("a", "(Wire) — The curbs failed."), ("a", "Other news."),
                           ("b", "Curbs again."))
    gold = pd.DataFrame({"doc_id": ["a", "b"], "sentence": ["The curbs failed.", "Not in b."],
                         "label": ["against", "favor"], "speaker": ["author", "author"],
                         "note": ["", ""]})
    out = helpers.align_gold(sentences, gold)
    assert out["gold_doc"].tolist() == [True, True, False]
    assert out["gold_stance"].tolist() == ["against", "none", "none"]
    assert out["gold_target"].tolist() == [True, False, False]


def test_target_scores_by_hand():
    row = helpers.target_scores(pd.Series([True, True, False, False]),
                                pd.Series([True, False, True, False])).iloc[0]
    assert (row["tp"], row["fp"], row["fn"]) == (1, 1, 1)
    assert (row["precision"], row["recall"], row["f1"]) == (0.5, 0.5, 0.5)


def test_stance_metrics_by_hand():
    gold = ["favor", "favor", "against", "none", "none"]
    pred = ["favor", "none", "against", "against", "none"]
    m = helpers.stance_metrics(gold, pred)
    # favor: P=1, R=1/2 -> F=2/3; against: P=1/2, R=1 -> F=2/3; none: P=R=1/2 -> F=1/2
    assert m["F_favor"] == pytest.approx(2 / 3)
    assert m["F_against"] == pytest.approx(2 / 3)
    assert m["F_avg"] == pytest.approx(2 / 3)
    assert m["macro_F1"] == pytest.approx((2 / 3 + 2 / 3 + 1 / 2) / 3)
    assert m["accuracy"] == pytest.approx(3 / 5)


def test_f_avg_ignores_none_and_is_zero_for_the_majority_baseline():
    m = helpers.stance_metrics(["favor", "against", "none"], ["none", "none", "none"])
    assert m["F_avg"] == 0.0
    assert m["macro_F1"] == pytest.approx((0 + 0 + 0.5) / 3)


def test_bootstrap_is_seeded_and_brackets_the_point():
    gold = pd.Series(["favor", "against", "none", "none", "favor", "against"] * 3)
    pred = pd.Series(["favor", "none", "none", "against", "favor", "against"] * 3)
    first = helpers.bootstrap_metrics(gold, pred, reps=200)
    again = helpers.bootstrap_metrics(gold, pred, reps=200)
    pd.testing.assert_frame_equal(first, again)
    assert ((first["ci_low"] <= first["value"]) & (first["value"] <= first["ci_high"])).all()


def test_confusion_table_rows_sum_to_one():
    gold = pd.Series(["favor", "favor", "against", "none"])
    pred = pd.Series(["favor", "none", "against", "none"])
    table = helpers.confusion_table(gold, pred, reps=50)
    assert table["n"].sum() == 4
    assert table.loc[(table["gold"] == "favor") & (table["predicted"] == "favor"), "row_share"].item() == 0.5
    sums = table.groupby("gold")["row_share"].sum()
    assert np.allclose(sums.to_numpy(), 1.0)


def test_majority_baseline_leave_one_article_out():
    frame = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "sentence": ["w", "x", "y", "z"],
                          "gold_stance": ["favor", "favor", "none", "against"]})
    # held-out a: training b has a none/against tie -> none; held-out b: training a -> favor
    assert helpers.predict_majority(frame) == ["none", "none", "favor", "favor"]


def test_fast_bootstrap_scorer_agrees_with_sklearn():
    rng = np.random.default_rng(0)
    gold = rng.choice(helpers.STANCE_LABELS, 60)
    pred = rng.choice(helpers.STANCE_LABELS, 60)
    codes = {label: i for i, label in enumerate(helpers.STANCE_LABELS)}
    fast = _metrics_from_codes(np.array([codes[x] for x in gold]),
                                       np.array([codes[x] for x in pred]))
    slow = helpers.stance_metrics(gold, pred)
    assert fast == pytest.approx(slow)


def test_evaluation_skips_a_corpus_without_gold():
    details = helpers.stance_details(_corpus(x="The export controls have failed."))
    gold = pd.DataFrame({"doc_id": ["x"], "sentence": ["Not in this article."], "label": ["favor"],
                         "speaker": ["author"], "note": [""]})
    result = helpers.evaluate_stance(details, gold, reps=10)
    assert all(table.empty for table in result.values())


# --- the fast paths give the same answers as the plain ones ----------------------------

def test_target_prefilter_finds_every_span_the_patterns_find():
    """`target_spans` skips sentences the combined pattern rejects and starts at its first hit;
    running every pattern from the start of every sentence must give the same spans."""
    sentences = helpers.corpus_sentences(helpers.load_corpus("seeds"))["sentence"].tolist()
    sentences += ["Sanctions.", "the embargo", "no-access to chips", "US-led curbs bite",
                  "Exports were banned, then the ban on chips was lifted.", ""]
    patterns = helpers.stance_patterns()["target"]
    hits = 0
    for sentence in sentences:
        text = helpers.stance_text(sentence)
        every = sorted({(m.start(), m.end(), rule) for rx, rule, _ in patterns for m in rx.finditer(text)})
        assert helpers.target_spans(sentence) == every, sentence
        hits += bool(every)
    assert 20 < hits < len(sentences)  # both kinds are exercised


def test_stance_in_batches_equals_one_batch():
    corpus = helpers.load_corpus("seeds")
    whole_details, whole_articles = helpers.stance_details(corpus), helpers.article_stance(corpus)
    # three batches of the five seeds, in this process and shared out to two worker processes
    for processes in (1, 2):
        pd.testing.assert_frame_equal(
            helpers.stance_details(corpus, batch_articles=2, processes=processes), whole_details)
        pd.testing.assert_frame_equal(
            helpers.article_stance(corpus, batch_articles=2, processes=processes), whole_articles)


def test_in_article_batches_rejects_bad_sizes():
    corpus = pd.DataFrame({"doc_id": ["a", "b"]})
    with pytest.raises(ValueError, match="processes must be a positive number"):
        helpers.in_article_batches(len, corpus, 1, processes=0)
    with pytest.raises(ValueError, match="size must be a positive number"):
        helpers.in_article_batches(len, corpus, 0)


def test_speaker_stance_weights_count_a_copied_story_once():
    details = pd.DataFrame({
        "doc_id": ["a", "b", "c"], "sent_id": [0, 0, 0], "mentions_target": [True, True, True],
        "speaker": ["Liang"] * 3, "speaker_type": ["person"] * 3, "stance": ["favor", "favor", "against"],
        "confidence": [1.0, 1.0, 1.0], "sentence": ["s1", "s1", "s2"]})
    plain = helpers.speaker_stance(details).iloc[0]
    assert (plain["n_favor"], plain["n_against"], plain["n_target"]) == (2, 1, 3)
    weights = pd.Series({"a": 0.5, "b": 0.5, "c": 1.0})  # a and b are one story told twice
    weighted = helpers.speaker_stance(details, weights).iloc[0]
    assert (weighted["n_favor"], weighted["n_against"], weighted["n_target"]) == (1.0, 1.0, 2.0)
    assert weighted["net"] == 0.0
    missing = helpers.speaker_stance(details, pd.Series({"a": 0.0})).iloc[0]
    assert missing["n_favor"] == 1.0  # b has no weight: counts 1
