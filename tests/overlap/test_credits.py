"""Credit lines, cited outlets and unnamed sources, on hand-made lines."""

from __future__ import annotations

from newsdesk.overlap.credits import article_credits, article_origin, credits_outlet, source_key


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
