"""The key findings that open the report index: a few computed findings from the analyses,
each with the page that holds its evidence, and their HTML.
"""

from __future__ import annotations

import html

import pandas as pd

from newsdesk.corpus.summary import cleaning_findings, corpus_findings
from newsdesk.findings import Finding
from newsdesk.overlap.findings import overlap_findings
from newsdesk.overlap.pairs import overlap_pairs
from newsdesk.report_source import (
    ReportSource,
    source_article_stance,
    source_off_topic_findings,
    source_overlap_findings,
    source_pairs,
    source_speaker_stance,
    source_top_terms,
)
from newsdesk.stance.aggregate import article_stance, speaker_stance, stance_details
from newsdesk.stance.relevance import off_topic_articles, off_topic_findings, on_topic
from newsdesk.stance.summary import stance_overview_findings
from newsdesk.terms.model import top_terms
from newsdesk.terms.summary import policy_word_counts, term_overview_findings

__all__ = [
    "KEY_FINDING_PAGES",
    "key_findings",
    "key_findings_html",
    "source_key_findings",
]

# The page whose tables are the evidence of each analysis's findings.
KEY_FINDING_PAGES = {"corpus": "01_loading", "terms": "02_term_trends",
                     "stance": "03_export_control_stance", "overlap": "04_source_overlap"}


def key_findings(corpus: pd.DataFrame) -> list[tuple[str, Finding]]:
    """Five to eight findings for the index, each with the stem of its evidence page: the
    corpus and its cleaning, what the measures are called, the off-topic articles (when any),
    article sides and quoted voices, and verbatim copying and stories."""
    if corpus.empty:
        return [(KEY_FINDING_PAGES["corpus"], Finding("No finding: the corpus holds no article."))]
    found = [(KEY_FINDING_PAGES["corpus"], corpus_findings(corpus)[0]),
             (KEY_FINDING_PAGES["corpus"], cleaning_findings(corpus)[1])]
    terms = term_overview_findings(top_terms(corpus, n=3), policy_word_counts(corpus), len(corpus))
    found.append((KEY_FINDING_PAGES["terms"], terms[-1]))
    details = stance_details(corpus)
    off_topic = off_topic_articles(corpus)  # left out of the stance shares, as on pages 00 and 03
    stance = stance_overview_findings(article_stance(on_topic(corpus, off_topic), details),
                                      speaker_stance(on_topic(details, off_topic)))
    if not off_topic.empty:  # said beside the shares that leave them out
        found += [(KEY_FINDING_PAGES["stance"], f) for f in off_topic_findings(
            off_topic, len(corpus), left_out_of="the stance shares")]
    found += [(KEY_FINDING_PAGES["stance"], f) for f in stance[:2]]
    overlap = overlap_findings(corpus, overlap_pairs(corpus))
    found += [(KEY_FINDING_PAGES["overlap"], finding) for finding in overlap[:2]]
    return found


def source_key_findings(source: ReportSource) -> list[tuple[str, Finding]]:
    """:func:`key_findings` of a loaded corpus; for a table folder (:func:`report_source`), those
    its tables hold: the corpus and its dates, what sets articles apart, article sides and quoted
    voices (every article counted: off-topic articles need the texts), the pairs and stories."""
    corpus = source.corpus
    if source.has_texts or corpus.empty:
        return key_findings(corpus)
    found = [(KEY_FINDING_PAGES["corpus"], corpus_findings(corpus)[0])]
    terms = term_overview_findings(source_top_terms(source, n=3), None, len(corpus))
    found.append((KEY_FINDING_PAGES["terms"], terms[0]))
    stance = stance_overview_findings(source_article_stance(source, None, None),
                                      source_speaker_stance(source, None, None))
    found += [(KEY_FINDING_PAGES["stance"], f) for f in source_off_topic_findings(
        source, None, len(corpus), left_out_of="the stance shares")]
    found += [(KEY_FINDING_PAGES["stance"], f) for f in stance[:2]]
    overlap = source_overlap_findings(source, source_pairs(source))
    found += [(KEY_FINDING_PAGES["overlap"], f) for f in overlap[:2]]
    return found


def _markdown_inline(text: str) -> str:
    """A finding's Markdown as inline HTML: raw HTML in it is shown as text, never run."""
    import mistune

    render = mistune.create_markdown(escape=True)
    out = render(html.unescape(text)).strip()
    return out.removeprefix("<p>").removesuffix("</p>")


def key_findings_html(items: list[tuple[str, Finding]], titles: dict[str, str]) -> str:
    """The index's key-findings box: one list item per finding, then a link to its evidence
    page (``titles`` maps a page stem to its title)."""
    from urllib.parse import quote

    rows = []
    for stem, finding in items:
        caveat = f' <em>{_markdown_inline(finding.caveat)}</em>' if finding.caveat else ""
        link = (f' <a class="report-evidence" href="{html.escape(quote(stem + ".html"))}">'
                f'Evidence: {html.escape(titles.get(stem, stem))}</a>')
        rows.append(f"<li>{_markdown_inline(finding.text)}{caveat}{link}</li>")
    return ('<section class="report-key-findings"><h2>Key findings</h2><ul>'
            + "".join(rows) + "</ul></section>")
