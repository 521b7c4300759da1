"""The line cleaner (newsdesk.corpus.clean): repeats found in near-linear time, one definition
of a line shared with the audit, a known headline never guessed from the body."""

import random

import pytest

import helpers

WORDS = ("chip export control rule china nvidia model price market trade curb beijing washington "
         "lab engineer founder cost training inference memory supply").split()


def unique_lines(n: int, words: int = 12, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [f"Line {i} " + " ".join(rng.choice(WORDS) for _ in range(words)) + "." for i in range(n)]


def test_many_unique_lines_are_all_kept():
    # Its speed on large inputs is measured by benchmarks/bench_clean_large.py, not here.
    text = "\n".join(unique_lines(16_000))
    kept, dropped = helpers.clean_lines(text)
    assert len(kept) == 16_000 and dropped == []


def test_a_dek_inside_a_longer_line_is_still_found_among_many_lines():
    lines = unique_lines(2_000)
    dek = "The new rules bar sales of advanced chips to Chinese buyers from next month"
    lines[5] = dek
    lines[1500] = f"Officials said on Monday that {dek} and analysts expect delays."
    kept, dropped = helpers.clean_lines("\n".join(lines))
    assert [(d["line_no"], d["reason"], d["detail"]) for d in dropped] == \
        [(6, "repeated text", "contained in line 1501")]


@pytest.mark.parametrize("brk", ["\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x85"])
def test_audit_balances_on_unicode_line_breaks(tmp_path, brk):
    raw = (f"Chipmakers in China face new limits on what they can buy.{brk}Advertisement{brk}"
           "Officials said the rules would take effect next month.\nAdvertisement\n")
    (tmp_path / "a.txt").write_text(raw, encoding="utf-8")
    corpus = helpers.load_corpus(tmp_path)
    summary = helpers.audit_summary(corpus).iloc[0]
    assert (summary["raw_lines"], summary["kept_lines"], summary["dropped_lines"]) == (4, 2, 2)
    raw_lines = helpers.split_lines(corpus.loc[0, "raw_text"])
    for row in helpers.cleaning_audit(corpus).itertuples():
        assert raw_lines[row.line_no - 1].strip() == row.text


@pytest.mark.parametrize("host", [
    'He wrote: "{dek}," and left.',
    "({dek}) was the headline.",
    "Officials said {dek}. Analysts expect delays.",
])
def test_a_dek_is_found_after_a_quote_mark_or_before_punctuation(host):
    dek = "The new rules bar sales of advanced chips to Chinese buyers from next month"
    lines = [*unique_lines(5), dek, *unique_lines(50, seed=1), host.format(dek=dek)]
    kept, dropped = helpers.clean_lines("\n".join(lines))
    assert [(d["line_no"], d["reason"]) for d in dropped] == [(6, "repeated text")]
