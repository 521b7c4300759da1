"""Tests for newsdesk.report_links: the glossary, links to its entries, and cross-references."""

import lxml.html
import pytest

import helpers
from helpers import glossary_anchor, link_page_text, load_glossary, render_glossary

# The terms a reader of these pages meets; each must have an entry (its term or an alias).
REQUIRED_TERMS = ["F_avg", "macro-F1", "log-odds", "z-score", "Fightin' Words", "containment",
                  "Jaccard", "cosine", "MinHash", "LSH", "idf", "TF-IDF", "bootstrap CI",
                  "abstention", "LOAO"]
PAGES = {"03": "03_export_control_stance.html", "04": "04_source_overlap.html"}


def page(markdown_html: str, table_html: str = "") -> str:
    return ("<!DOCTYPE html><html><head><title>t</title></head><body><main>"
            f'<div class="jp-RenderedMarkdown" data-mime-type="text/markdown">{markdown_html}</div>'
            f'<div data-mime-type="text/html">{table_html}</div></main></body></html>')


def links(html_text: str) -> list[tuple[str, str]]:
    root = lxml.html.document_fromstring(html_text)
    return [(a.text_content(), a.get("href")) for a in root.iter("a")]


def test_the_glossary_covers_every_term_the_pages_use():
    glossary = load_glossary(strict=True)
    names = {n.lower() for e in glossary for n in (e["term"], *e["aliases"])}
    assert [t for t in REQUIRED_TERMS if t.lower() not in names] == []
    assert all(len(e["definition"]) > 40 for e in glossary)
    assert [e["term"].lower() for e in glossary] == sorted(e["term"].lower() for e in glossary)


def test_bad_glossary_rows_are_named_and_strict_raises(tmp_path):
    path = tmp_path / "glossary.csv"
    path.write_text("term,definition,aliases\nJaccard,Shared over all.,jaccard index\n"
                    "Cosine,,\nJaccard index,Again.,\n", encoding="utf-8")
    with pytest.warns(UserWarning) as caught:
        assert [e["term"] for e in load_glossary(path)] == ["Jaccard"]
    assert [str(w.message).split("glossary.csv, ")[1] for w in caught] == [
        "line 3: no term or no definition; row skipped",
        "line 4: Jaccard index already in the glossary; row skipped"]
    with pytest.raises(ValueError, match=r"glossary\.csv, line 3"):
        load_glossary(path, strict=True)
    path.write_text("term,meaning\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing definition, aliases"):
        load_glossary(path)


def test_anchors_are_plain_ids():
    assert glossary_anchor("bootstrap CI") == "bootstrap-ci"
    assert glossary_anchor("F_avg") == "f-avg"
    assert glossary_anchor("+++") == "term"


def test_first_use_of_each_term_links_to_its_entry_and_later_uses_do_not():
    glossary = load_glossary()
    out = page("<p>The Jaccard score and the <em>TF-IDF</em> cosine; Jaccard again, and idf.</p>")
    found = links(link_page_text(out, glossary, {}))
    assert found == [("Jaccard", "glossary.html#jaccard"), ("TF-IDF", "glossary.html#tf-idf"),
                     ("cosine", "glossary.html#cosine")]


def test_no_link_inside_tables_code_headings_or_links():
    glossary = load_glossary()
    out = page("<h2>Jaccard</h2><p><code>cosine</code> <a href='x.html'>containment</a></p>",
               "<table><tr><td>Jaccard cosine containment</td></tr></table>")
    assert links(link_page_text(out, glossary, {})) == [("containment", "x.html")]


def test_text_is_never_read_as_html():
    glossary = load_glossary()
    out = page("<p>Jaccard &lt;script&gt;alert(1)&lt;/script&gt; and &lt;b&gt;cosine&lt;/b&gt;</p>")
    linked = link_page_text(out, glossary, {})
    root = lxml.html.document_fromstring(linked)
    assert root.xpath("//script") == [] and root.xpath("//b") == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in linked
    assert [text for text, _ in links(linked)] == ["Jaccard", "cosine"]


def test_notebook_references_link_to_their_pages_but_not_to_the_page_itself():
    out = page("<p>See notebook 03, and notebooks 03 and 04; notebook 09 does not exist.</p>")
    found = links(link_page_text(out, [], PAGES, own_page="04_source_overlap.html"))
    assert found == [("notebook 03", PAGES["03"]), ("notebooks 03", PAGES["03"])]
    found = links(link_page_text(out, [], PAGES))
    assert found[-1] == ("04", PAGES["04"]) and len(found) == 3


def test_the_glossary_page_escapes_and_anchors_every_entry():
    glossary = [helpers.GlossaryEntry(term="<b>x</b>", definition="a & b", aliases=("y",),
                                      anchor="b-x-b")]
    out = render_glossary(glossary, title="T", css="", csp=helpers.REPORT_CSP)
    assert "&lt;b&gt;x&lt;/b&gt;" in out and "a &amp; b" in out and "<b>" not in out
    assert 'id="b-x-b"' in out and 'href="index.html"' in out
