"""Text primitives (newsdesk.text): the fast word count equals the regex count on any text."""

import random

import pytest

import helpers


@pytest.mark.parametrize(("text", "n"), [
    ("", 0), ("word", 1), ("U.S. curbs", 2), ("state-of-the-art chips", 2), ("don’t stop", 2),
    ("a.b.c", 1), ("a..b", 2), ("-a-", 1), ("end.", 1), ("“Nothing,” he said — twice…", 4),
    ("café naïve", 2), ("中国 exports", 2), ("x\u00a0y\u2028z", 3), ("snake_case 42", 2),
])
def test_word_count_on_hand_checked_texts(text, n):
    assert helpers.word_count(text) == n == len(helpers.WORD_RE.findall(text))


def test_word_count_equals_the_regex_count_on_random_texts():
    rng = random.Random(0)
    alphabet = [*"ab_Z09 '’.-\n\t,;?", "é", "ß", "“", "”", "—", "\u00a0", "\u0301", "中", "٣",
                "\ud800", "😀", "ǅ", "ⅷ", "\u200d", "…", "\u2028"]
    for _ in range(5_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert helpers.word_count(text) == len(helpers.WORD_RE.findall(text)), repr(text)


def test_word_count_falls_back_to_the_regex_with_many_distinct_letters():
    text = " ".join(chr(0x4E00 + i) * 2 + "’s" for i in range(40))  # 40 distinct CJK letters
    assert helpers.word_count(text) == len(helpers.WORD_RE.findall(text)) == 40
