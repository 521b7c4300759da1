"""The line cleaner (newsdesk.corpus.clean): repeats found in near-linear time, one definition
of a line shared with the audit, a known headline never guessed from the body."""

import random
import time

import helpers

WORDS = ("chip export control rule china nvidia model price market trade curb beijing washington "
         "lab engineer founder cost training inference memory supply").split()


def unique_lines(n: int, words: int = 12, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [f"Line {i} " + " ".join(rng.choice(WORDS) for _ in range(words)) + "." for i in range(n)]


def test_repeat_search_is_near_linear_in_unique_lines():
    # 16,000 unique lines took 8.4 s when every line was searched in every other line
    text = "\n".join(unique_lines(16_000))
    start = time.perf_counter()
    kept, dropped = helpers.clean_lines(text)
    elapsed = time.perf_counter() - start
    assert len(kept) + len(dropped) == 16_000
    assert elapsed < 3.0, f"{elapsed:.1f} s for 16,000 lines"


def test_a_dek_inside_a_longer_line_is_still_found_among_many_lines():
    lines = unique_lines(2_000)
    dek = "The new rules bar sales of advanced chips to Chinese buyers from next month"
    lines[5] = dek
    lines[1500] = f"Officials said on Monday that {dek} and analysts expect delays."
    kept, dropped = helpers.clean_lines("\n".join(lines))
    assert [(d["line_no"], d["reason"], d["detail"]) for d in dropped] == \
        [(6, "repeated text", "contained in line 1501")]
