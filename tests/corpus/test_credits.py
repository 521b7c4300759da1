"""Credit lines, cited outlets and unnamed sources, on hand-made lines."""

from __future__ import annotations

from newsdesk.corpus.credits import (
    NO_ORIGIN_BASIS,
    article_credits,
    article_origin,
    credit_line,
    credits_outlet,
    origin_with_basis,
    source_key,
)


def test_credit_lines_of_republished_copies():
    found = article_credits("(Bloomberg) — Chips fell.")
    assert found[["kind", "key"]].values.tolist() == [["credit", "bloomberg"]]
    assert article_credits("WASHINGTON (Reuters) - Chips fell.")["key"].tolist() == ["reuters"]
    text = "Body.\n\nThis article originally appeared in The Fab Report."
    assert article_credits(text)["key"].tolist() == ["fab report"]
    assert article_credits("Body.\nSource: Lion City Ledger")["key"].tolist() == ["lion city ledger"]


def test_reporting_cited_and_unnamed_sources():
    found = article_credits("The Wall Street Journal reported on Monday that a US official said so.")
    assert found[["kind", "key"]].values.tolist() == [["anonymous", "us official"],
                                                     ["report", "wall street journal"]]
    assert article_credits("Nvidia reported revenue of $3 billion.").empty  # results, not a citation


def test_credits_outlet_and_origin():
    copy = "(Capitol Trade Report) — The department acted."
    assert credits_outlet(copy, "Capitol Trade Report")
    assert not credits_outlet(copy, "Northbridge Post")
    assert not credits_outlet(copy, "unknown") and not credits_outlet(copy, "")
    assert article_origin(copy, outlet="Northbridge Post") == "Capitol Trade Report"
    assert article_origin("No credit.", outlet="Northbridge Post") == "Northbridge Post"
    assert article_origin("No credit.", outlet="unknown", origin="Reuters") == "Reuters"
    assert article_origin("No credit.", outlet="unknown") == ""


def test_source_key_drops_determiners_and_plurals():
    assert source_key("The Fab Report.") == "fab report"
    assert source_key("two US officials") == "us official"
    assert article_credits("").empty


def test_credit_line_is_the_first_credit_in_text_order():
    text = ("WASHINGTON (Reuters) - Chips fell.\n\nReuters reported more.\n\n"
            "This article originally appeared in The Fab Report.")
    assert credit_line(text) == ("Reuters", "WASHINGTON (Reuters) -")
    assert credit_line("Body.\n\nThis article originally appeared in the South China Morning Post (SCMP).") \
        == ("South China Morning Post", "originally appeared in the South China Morning Post")
    assert credit_line("Body.\n\nThis article first appeared on Lion City Ledger.")[0] == "Lion City Ledger"
    assert credit_line("By Jane Doe, Associated Press\nChips fell.") == (
        "Associated Press", "By Jane Doe, Associated Press")
    assert credit_line("(Bloomberg) — Chips fell.") == ("Bloomberg", "(Bloomberg) -")


def test_credit_line_ignores_cited_reporting_and_plain_text():
    assert credit_line("The Wall Street Journal reported on Monday that chips fell.") == ("", "")
    assert credit_line("by the end of the year, prices fell") == ("", "")  # no byline
    assert credit_line("") == ("", "")


def test_origin_with_basis_prefers_metadata_then_credit_line():
    copy = "(Bloomberg) — Chips fell."
    assert origin_with_basis(copy, "Jane Doe") == ("Jane Doe", "metadata")
    assert origin_with_basis(copy, "unknown") == ("Bloomberg", "credit line: (Bloomberg) -")
    assert origin_with_basis(copy) == ("Bloomberg", "credit line: (Bloomberg) -")
    assert origin_with_basis("No credit here.", " ") == ("unknown", NO_ORIGIN_BASIS)
    assert NO_ORIGIN_BASIS == "none found"


def test_credit_line_looks_only_near_either_end_of_a_long_text():
    middle = "Filler sentence about chips.\n" * 40
    assert credit_line(middle + "(Reuters) - Mid text.\n" + middle, window=200) == ("", "")
    assert credit_line("(Reuters) - Top.\n" + middle, window=200)[0] == "Reuters"
    foot = middle + "This article originally appeared in The Fab Report.\n"
    assert credit_line(foot, window=200)[0] == "The Fab Report"
    assert credit_line(middle + "(Reuters) - Mid text.\n" + middle, window=10_000)[0] == "Reuters"
