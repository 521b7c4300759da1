"""Quick word tests before costly cleaning rules (newsdesk.corpus.prefilter): they never skip a
line a rule would match, and the cleaner gives every line the same reason with them."""

import re
import sys

import pytest

import helpers


def test_required_words_reads_a_leading_group_of_plain_words():
    assert helpers.required_words(r"^.{0,300}\b(photo|Image)\s*:\s*[^.]{1,60}$") == ("photo", "image")
    assert helpers.required_words(r"^.{0,40}(?:ap photo|epa-efe)$") == ("ap photo", "epa-efe")
    assert helpers.required_words(r"^.{0,3}(a|b)+c") == ("a", "b")


@pytest.mark.parametrize("pattern", [
    r"^advertisement$",                    # no ^.{0,N} scan
    r"^.{0,300}\b(photo|image)?:",         # the group is optional
    r"^.{0,300}\b(photo|image)*:",         # ... or may repeat zero times
    r"^.{0,300}\b(photo|image):|^share$",  # a match of the second part holds neither word
    r"^.{0,300}\b(photo.|image)",          # not plain words
    r"^.{0,30}(photo)[]|]x",               # a class opening on "]" is not read
])
def test_required_words_knows_nothing_of_other_patterns(pattern):
    assert helpers.required_words(pattern) is None


def test_may_hold_any_is_case_insensitive_and_cheap_to_say_no():
    assert helpers.may_hold_any("Crowds in Beijing. PHOTO: Reuters", ("photo",))
    assert helpers.may_hold_any("“Crowds” — Getty Images", ("afp", "getty images"))
    assert not helpers.may_hold_any("Crowds in Beijing on Monday.", ("photo", "afp"))
    assert not helpers.may_hold_any("“Crowds” — no credit", ("photo",))


def test_may_hold_any_says_maybe_for_letters_ignorecase_matches_to_ascii():
    # re.IGNORECASE matches "İMAGE" to "image" and "ſhutterstock" to "shutterstock"
    assert re.search("image", "İMAGE", re.IGNORECASE)
    assert helpers.may_hold_any("İMAGE: Reuters", ("image",))
    assert helpers.may_hold_any("ſhutterstock", ("shutterstock",))


def test_the_lookalikes_are_every_non_ascii_letter_ignorecase_matches_to_ascii():
    letter = re.compile("[a-z]", re.IGNORECASE)
    found = {chr(c) for c in range(128, sys.maxunicode + 1) if letter.fullmatch(chr(c))}
    assert found == set(helpers.IGNORECASE_ASCII_LOOKALIKES)


CAPTION_LINES = [
    "Protesters outside the ministry. Photo: Reuters", "A man walks by. PHOTOGRAPH : AP",
    "Crowds gather in Beijing İMAGE: Xinhua", "Traders watch screens Getty Images",
    "A worker (Photo: EPA)", "Soldiers march AFP/Jane Doe", "Chips on a board ſhutterstock",
    "Illustration: Kim", "A factory floor Bloomberg", "The photo was taken: on Monday.",
    "Officials said the rule changes nothing.", "“Nothing,” he said — Reuters reported it.",
]


@pytest.mark.parametrize("line", CAPTION_LINES)
def test_no_line_a_word_rule_matches_is_skipped(line):
    for rule in helpers.cleaning_rules():
        words = helpers.required_words(rule.pattern.pattern)
        if words is not None and rule.pattern.match(line):
            assert helpers.may_hold_any(line, words)


def test_cleaner_gives_the_first_matching_rule_as_when_tried_one_by_one():
    rules = helpers.cleaning_rules()
    body = "Officials said the rule on chip exports changes nothing, and traders agreed."
    kept, dropped = helpers.clean_lines("\n".join([body, *CAPTION_LINES]))
    reasons = {row["text"]: row["reason"] for row in dropped}
    for line in CAPTION_LINES:
        expected = next((rule.reason for rule in rules if rule.pattern.match(line)), None)
        if expected is not None:
            assert reasons[line] == expected, line
