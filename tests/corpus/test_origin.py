"""Each article's outlet and origin, and how the origin is known, from every kind of input."""

from __future__ import annotations

import pandas as pd
from corpus_inputs import load_quietly, write

import helpers

BODY = ("Chipmakers in China face new limits on what they can buy.\n"
        "Officials said the rules would take effect next month, and analysts expect delays.\n")


def test_export_author_column_is_metadata_and_a_credit_line_fills_the_rest(tmp_path):
    rows = pd.DataFrame({
        "stories_id": ["1", "2", "3"],
        "media_name": ["Example Times", "", "Example Post"],
        "author": ["Jane Doe", "", ""],
        "text": [BODY, "(Bloomberg) — " + BODY, BODY.replace("limits", "rules")],
    })
    path = tmp_path / "mc.csv"
    rows.to_csv(path, index=False)
    corpus, messages = load_quietly(path)
    assert corpus[["outlet", "origin", "origin_basis"]].values.tolist() == [
        ["Example Times", "Jane Doe", "metadata"],
        ["unknown", "Bloomberg", "credit line: (Bloomberg) -"],
        ["Example Post", "unknown", "none found"]]
    assert messages == []


def test_metadata_csv_gives_outlet_and_origin(tmp_path):
    write(tmp_path, "a.txt", BODY)
    credit = "\nThis article originally appeared in The Fab Report.\n"
    write(tmp_path, "b.txt", BODY.replace("limits", "rules") + credit)
    write(tmp_path, "metadata.csv",
          "file,outlet,origin\na.txt,Harbour Daily,Reuters\nb.txt,Inland Post,unknown\n")
    corpus, messages = load_quietly(tmp_path)
    assert corpus["outlet"].tolist() == ["Harbour Daily", "Inland Post"]
    assert corpus["origin"].tolist() == ["Reuters", "The Fab Report"]
    assert corpus["origin_basis"].tolist() == [
        "metadata", "credit line: originally appeared in The Fab Report"]
    assert messages == []


PAGE = """<html><head><title>Curbs bite</title>
<meta property="og:site_name" content="Example Times">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2025-01-28T10:00:00Z"></head>
<body><article><h1>Curbs bite</h1>
<p>Chipmakers in China face new limits on what they can buy, officials said on Tuesday.</p>
<p>Analysts expect delays to the rollout of new chips as a result, and some firms are stockpiling.</p>
</article></body></html>"""


def test_saved_page_author_meta_is_the_origin_and_site_name_the_outlet(tmp_path):
    write(tmp_path, "page.html", PAGE)
    write(tmp_path, "bare.html", PAGE.replace('<meta name="author" content="Jane Doe">', "")
          .replace('<meta property="og:site_name" content="Example Times">', ""))
    corpus, _ = load_quietly(tmp_path)
    rows = corpus.set_index("doc_id")
    assert rows.loc["page", ["outlet", "origin", "origin_basis"]].tolist() == [
        "Example Times", "Jane Doe", "metadata"]
    assert rows.loc["bare", "origin_basis"] == "none found"
    assert rows.loc["bare", "origin"] == "unknown"


def test_provenance_table_shows_how_the_origin_is_known(tmp_path):
    write(tmp_path, "a.txt", "(Reuters) - " + BODY)
    corpus, _ = load_quietly(tmp_path)
    table = helpers.provenance_table(corpus)
    assert table.columns.tolist()[:4] == ["doc_id", "outlet", "origin", "origin_basis"]
    assert table.loc[0, "origin_basis"] == "credit line: (Reuters) -"
