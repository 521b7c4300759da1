"""The report index: each notebook's card (title, question, key-figure thumbnail), the
corpus's facts and articles, the appendix, the data files and the glossary link. Every string
that goes in is escaped.
"""

from __future__ import annotations

import html
import io
import re

import pandas as pd

from newsdesk.corpus.audit import load_problems
from newsdesk.paths import PROJECT_ROOT
from newsdesk.report_links import GLOSSARY_PAGE
from newsdesk.text import collapse_spaces, split_sentences

__all__ = [
    "KEY_FIGURE_TAG",
    "REPORT_CSP",
    "REPORT_CSS",
    "REPORT_TEMPLATE_DIR",
    "corpus_overview",
    "index_articles",
    "key_figure",
    "notebook_summary",
    "plain_markdown",
    "render_index",
    "thumbnail_data_uri",
]

REPORT_TEMPLATE_DIR = PROJECT_ROOT / "report_template"  # the nbconvert template, labels, glossary
REPORT_CSS = REPORT_TEMPLATE_DIR / "report" / "static" / "report.css"  # index, pages and glossary
# Pages quote untrusted article text: forbid every script, allow only inline images and styles.
REPORT_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
              "base-uri 'none'; form-action 'none'")
KEY_FIGURE_TAG = "key-figure"  # a code cell tagged so gives its notebook's index thumbnail
_THUMBNAIL_BOX = (480, 300)  # pixels; cards show thumbnails at about half size, sharp on HiDPI
_INDEX_MAX_ARTICLES = 50  # the index lists at most this many articles; 01 · Loading lists all

_MD_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARK_RE = re.compile(r"\*\*|__|`|(?<!\w)[*_]|[*_](?!\w)")


def plain_markdown(text: str) -> str:
    """Inline markdown as plain text: links and images keep their words, emphasis and code
    marks are dropped, runs of whitespace become one space."""
    text = _MD_MARK_RE.sub("", _MD_LINK_RE.sub(r"\1", text))
    return collapse_spaces(text)


def notebook_summary(nb: dict, stem: str) -> dict:
    """Title and one-line question of a notebook, for its card on the index.

    Parameters
    ----------
    nb : a notebook (``NotebookNode`` or the dict of its JSON).
    stem : the notebook's file name without ``.ipynb``; the title when there is no heading.

    Returns
    -------
    dict with ``stem``; ``title``, the first heading of the first markdown cell as plain text;
    ``question``, the first sentence ending in "?" of the first paragraph after that heading,
    else that paragraph's first sentence ("" when the cell has no paragraph).
    """
    first_md = next((c for c in nb["cells"] if c["cell_type"] == "markdown"), None)
    source = "".join(first_md["source"]) if first_md is not None else ""
    title, paragraph = "", ""
    for block in re.split(r"\n\s*\n", source):
        lines = [ln.strip() for ln in block.splitlines() if ln.strip()]
        headings = [ln for ln in lines if ln.startswith("#")]
        if headings and not title:
            title = plain_markdown(headings[0].lstrip("#"))
        body = " ".join(ln for ln in lines if not ln.startswith("#"))
        if body and not paragraph:
            paragraph = plain_markdown(body)
    sentences = split_sentences(paragraph) if paragraph else []
    question = next((s for s in sentences if s.endswith("?")), sentences[0] if sentences else "")
    return {"stem": stem, "title": title or stem, "question": question}


def key_figure(nb: dict) -> bytes | None:
    """PNG bytes of a notebook's key figure, ``None`` when it shows no PNG.

    The key figure is the first PNG output of a code cell tagged ``key-figure``
    (``KEY_FIGURE_TAG``), else the notebook's first PNG output.
    """
    import base64

    first = None
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        tagged = KEY_FIGURE_TAG in cell.get("metadata", {}).get("tags", [])
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if not png:
                continue
            if tagged:
                return base64.b64decode(png)
            first = first or png
    return base64.b64decode(first) if first else None


def thumbnail_data_uri(png: bytes, box: tuple[int, int] = _THUMBNAIL_BOX) -> str:
    """A PNG scaled down to fit ``box`` (width, height in pixels; aspect kept, never enlarged),
    returned as a ``data:image/png;base64,…`` URI."""
    import base64

    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        thumb = image.convert("RGBA")
    thumb.thumbnail(box, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    thumb.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def corpus_overview(corpus: pd.DataFrame) -> dict:
    """The facts the report index gives about a corpus from :func:`load_corpus`.

    Returns
    -------
    dict with ``articles`` (rows), ``dated`` (articles with a publication date), ``first`` and
    ``last`` (earliest and latest publication date as ``Timestamp``, ``None`` when no article is
    dated) and ``problems`` (loading problems, see :func:`load_problems`).
    """
    dates = corpus["published"].dropna()
    return {
        "articles": int(len(corpus)),
        "dated": int(len(dates)),
        "first": dates.min() if len(dates) else None,
        "last": dates.max() if len(dates) else None,
        "problems": int(len(load_problems(corpus))),
    }


def index_articles(corpus: pd.DataFrame, limit: int = _INDEX_MAX_ARTICLES) -> pd.DataFrame:
    """The articles listed on the report index, oldest first, undated last, then by ``doc_id``.

    Returns at most ``limit`` rows with columns ``doc_id``, ``published`` (``YYYY-MM-DD`` or
    "undated"), ``outlet``, ``origin`` and ``headline`` (untrusted text, still to be escaped).
    """
    table = corpus[["doc_id", "published", "outlet", "origin", "headline"]].sort_values(
        ["published", "doc_id"], na_position="last", kind="stable")
    table = table.head(limit).reset_index(drop=True)
    table["published"] = table["published"].dt.strftime("%Y-%m-%d").fillna("undated")
    text_columns = ["outlet", "origin", "headline"]
    table[text_columns] = table[text_columns].fillna("").astype(str)
    return table


def _long_date(day: pd.Timestamp) -> str:
    return f"{day.day} {day:%B %Y}"


def _date_range(overview: dict) -> str:
    if overview["first"] is None:
        return "no dated article"
    first, last = _long_date(overview["first"]), _long_date(overview["last"])
    return first if first == last else f"{first} – {last}"


def _card(page: dict) -> str:
    """One page's card: its thumbnail (or "No figure"), linked title and question."""
    from urllib.parse import quote

    esc = html.escape
    href = esc(quote(f"{page['stem']}.html"))
    if page.get("thumbnail"):
        figure = f'<img src="{esc(page["thumbnail"])}" alt="{esc("Key figure: " + page["title"])}">'
    else:
        figure = '<span class="report-nofigure">No figure</span>'
    return (f'<li class="report-card"><a class="report-thumb" href="{href}" tabindex="-1">{figure}</a>'
            f'<div class="report-card-body"><h2><a href="{href}">{esc(page["title"])}</a></h2>'
            f'<p>{esc(page["question"])}</p></div></li>')


def _appendix(pages: list[dict]) -> str:
    """The appendix after the cards: one line per page, its linked title and question."""
    from urllib.parse import quote

    if not pages:
        return ""
    esc = html.escape
    items = "".join(f'<li><a href="{esc(quote(page["stem"] + ".html"))}">{esc(page["title"])}</a>'
                    f' — {esc(page["question"])}</li>' for page in pages)
    return f'<section class="report-appendix"><h2>Appendix</h2><ul>{items}</ul></section>\n'


def _data_section(data_files: list[dict]) -> str:
    """The "Data" list: each file's link (``href``, relative), ``name`` and ``about``."""
    from urllib.parse import quote

    if not data_files:
        return ""
    esc = html.escape
    items = "".join(f'<li><a href="{esc(quote(item["href"]))}">{esc(item["name"])}</a>'
                    f' — {esc(item["about"])}</li>' for item in data_files)
    return (f'<section class="report-data"><h2>Data</h2><p>The tables behind the pages, as CSV '
            f"files a spreadsheet opens safely.</p><ul>{items}</ul></section>\n")


def render_index(pages: list[dict], overview: dict, articles: pd.DataFrame, *,
                 title: str = "", subtitle: str = "", footer: str = "",
                 css: str | None = None, findings_html: str = "",
                 data_files: list[dict] | None = None, glossary_href: str = GLOSSARY_PAGE) -> str:
    """HTML of the report index. Every string that goes in is escaped.

    Parameters
    ----------
    pages : one dict per page, in display order, with ``stem`` (the page is ``<stem>.html``),
        ``title``, ``question``, ``thumbnail`` (a ``data:`` URI, or "" for none) and optionally
        ``appendix`` (true: listed under "Appendix" after the cards, not as a card).
    overview : :func:`corpus_overview` of the corpus.
    articles : :func:`index_articles` of the corpus.
    title, subtitle, footer : plain text for the heading, the line under it and the footer.
    css : the stylesheet; by default ``REPORT_CSS``, the one the notebook pages use.
    findings_html : the key-findings box (:func:`key_findings_html`), shown first; trusted HTML.
    data_files : the report's data files for the "Data" list (``href``, ``name``, ``about``).
    glossary_href : the glossary page, linked from the header ("" for none).
    """
    esc = html.escape
    css = REPORT_CSS.read_text(encoding="utf-8") if css is None else css
    cards = [_card(page) for page in pages if not page.get("appendix")]
    appendix = _appendix([page for page in pages if page.get("appendix")])
    facts = [("Articles", str(overview["articles"])), ("Published", _date_range(overview)),
             ("Dated", f"{overview['dated']} of {overview['articles']}"),
             ("Loading problems", str(overview["problems"]))]
    fact_html = "".join(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in facts)
    rows = "".join(
        "<tr>" + "".join(f"<td>{esc(str(row[c]))}</td>" for c in articles.columns) + "</tr>"
        for row in articles.to_dict("records"))
    head = "".join(f"<th>{esc(c)}</th>" for c in articles.columns)
    more = overview["articles"] - len(articles)
    more_html = f"<p>… and {more} more; the loading page lists every article.</p>" if more > 0 else ""
    nav = (f'<nav class="report-nav"><a href="{esc(glossary_href)}">Glossary</a></nav>\n'
           if glossary_href else "")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(REPORT_CSP)}">\n'
        f"<title>{esc(title)}</title>\n<style>\n{css}\n</style>\n</head>\n"
        f'<body class="report-index">\n{nav}<main>\n'
        f'<header><h1>{esc(title)}</h1><p class="report-lede">{esc(subtitle)}</p></header>\n'
        f'{findings_html}\n<dl class="report-facts">{fact_html}</dl>\n'
        f'<ul class="report-cards">\n' + "\n".join(cards) + "\n</ul>\n" + appendix
        + _data_section(data_files or [])
        + '<section><h2>Articles in this corpus</h2><div class="report-table-wrap">'
        f'<table class="report-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
        f"</div>{more_html}</section>\n</main>\n"
        f'<footer class="report-footer">{esc(footer)}</footer>\n</body>\n</html>\n'
    )
