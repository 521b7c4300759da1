"""Named entities and numbers with units, on hand-made sentences."""

from __future__ import annotations

from newsdesk.overlap.entities import article_entities, article_numbers
from newsdesk.text import entity_key


def test_entity_runs_keep_of_and_split_and_and_possessives():
    text = ("The Commerce Department's Bureau of Industry and Security said on Tuesday. "
            "Shares of Nvidia and AMD fell.")
    found = article_entities(text)
    assert "bureau of industry and security" in found
    assert "commerce department" in found
    assert "nvidia" in found and "amd" in found
    assert "tuesday" not in found and "nvidia and amd" not in found


def test_sentence_start_words_need_a_second_capitalised_use():
    assert article_entities("Companies said so. Shares rose.") == []
    assert "deepseek" in article_entities("DeepSeek released R1.")  # internal capital marks a name
    assert "nvidia" in article_entities("Nvidia fell. Buyers shunned Nvidia.")


def test_codes_inside_a_run_and_surnames_merge_into_full_names():
    found = article_entities("Buyers want the Nvidia H20. Howard Lutnick spoke. Later Lutnick left.")
    assert "h20" in found and "nvidia h20" in found
    assert "howard lutnick" in found and "lutnick" not in found


def test_entity_key_folds_case_possessive_and_hyphen_tails():
    assert entity_key("Nvidia's") == "nvidia"
    assert entity_key("China-based") == "china"
    assert entity_key("US-China") == "us-china"


def test_numbers_agree_across_writings():
    assert article_numbers("It paid $2 billion.") == article_numbers("It paid US$2bn.") == ["2000000000 USD"]
    assert article_numbers("It paid 2 billion dollars.") == ["2000000000 USD"]
    assert article_numbers("Sales fell 25% and 25 per cent.") == ["25 %"]
    assert article_numbers("a 7nm chip, a 5-nanometre one") == ["5 nm", "7 nm"]
    assert article_numbers("It bought 10,000 GPUs and 2,048 more.") == ["10000", "2048"]


def test_years_days_and_small_bare_numbers_are_dropped():
    assert article_numbers("In 2024, on March 27, three firms and 4 labs.") == []
    assert article_numbers("") == []
    assert article_numbers("4.1 billion yuan") == ["4100000000 CNY"]  # no float noise in the key


def test_bad_input_gives_nothing():
    assert article_entities("") == []
    assert article_entities("lower case only, no names at all.") == []


def test_currency_prefixes_are_not_entities():
    text = "TSMC said revenue rose to NT$868 billion, about US$27 billion, as Reuters reported."
    assert article_entities(text) == ["reuters", "tsmc"]
    assert article_numbers(text) == ["27000000000 USD", "868000000000 TWD"]
