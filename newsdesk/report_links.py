"""Links in the report's prose: the glossary (a data file and its page), the first use of each
glossary term on a page linked to its entry, and "notebook 03" linked to that notebook's page.

Links are inserted into the text nodes of a page's rendered HTML: the page is parsed once,
text is split and new ``<a>`` elements are made around it, so text (article text included)
is never read as HTML again.
"""

from __future__ import annotations

import csv
import html
import re
import warnings
from pathlib import Path

from newsdesk.paths import PROJECT_ROOT

__all__ = [
    "GLOSSARY_FILE",
    "GLOSSARY_PAGE",
    "GlossaryEntry",
    "glossary_anchor",
    "link_page_text",
    "load_glossary",
    "render_glossary",
]

GLOSSARY_FILE = PROJECT_ROOT / "report_template" / "glossary.csv"  # term, definition, aliases
GLOSSARY_PAGE = "glossary.html"  # the glossary's page in a report folder
_GLOSSARY_FIELDS = ("term", "definition", "aliases")
_ALIAS_SEPARATOR = "|"  # aliases of a term, one cell: "tf-idf|idf"
# Text inside these elements is never linked: links, code, tables and headings.
_NO_LINK_TAGS = frozenset({"a", "code", "pre", "kbd", "samp", "table", "h1", "h2", "h3", "h4",
                           "h5", "h6", "style", "script", "img", "svg"})
_NOTEBOOK_REF_RE = re.compile(r"\bnotebooks?\s+\d\d(?:(?:\s*[–,-]\s*|\s+and\s+|\s+or\s+)\d\d)*\b",
                              re.IGNORECASE)
_NUMBER_IN_REF_RE = re.compile(r"\d\d")
_PROSE_XPATH = '//*[@data-mime-type="text/markdown"]'  # markdown cells and computed findings


class GlossaryEntry(dict):
    """One glossary entry: ``term``, ``definition``, ``aliases`` (tuple) and ``anchor``."""


def glossary_anchor(term: str) -> str:
    """The id of a term's entry on the glossary page: lower case, runs of other characters as
    one dash (``"bootstrap CI"`` → ``"bootstrap-ci"``)."""
    return re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-") or "term"


def load_glossary(path: str | Path = GLOSSARY_FILE, *, strict: bool = False) -> list[GlossaryEntry]:
    """The glossary from a CSV with ``term,definition,aliases`` (aliases split on ``|``),
    sorted by term, case ignored.

    A row without a term or a definition, or a term or alias already given by an earlier
    row, is skipped with a warning naming the file and the line (``strict=True``: a
    ``ValueError``). A file without those three columns is always a ``ValueError``.
    """
    path = Path(path)
    entries: list[GlossaryEntry] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [f for f in _GLOSSARY_FIELDS if f not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: a glossary needs the columns {', '.join(_GLOSSARY_FIELDS)}; "
                             f"missing {', '.join(missing)}")
        for line, row in enumerate(reader, start=2):
            term, definition = (row["term"] or "").strip(), (row["definition"] or "").strip()
            aliases = tuple(a.strip() for a in (row["aliases"] or "").split(_ALIAS_SEPARATOR) if a.strip())
            names = [term, *aliases]
            repeated = sorted({n for n in names if n.lower() in seen})
            problem = ("no term or no definition" if not term or not definition
                       else f"{', '.join(repeated)} already in the glossary" if repeated else "")
            if problem:
                if strict:
                    raise ValueError(f"{path}, line {line}: {problem}")
                warnings.warn(f"{path}, line {line}: {problem}; row skipped", stacklevel=2)
                continue
            seen.update(n.lower() for n in names)
            entries.append(GlossaryEntry(term=term, definition=definition, aliases=aliases,
                                         anchor=glossary_anchor(term)))
    return sorted(entries, key=lambda e: (e["term"].lower(), e["term"]))


def _term_pattern(glossary: list[GlossaryEntry]) -> tuple[re.Pattern | None, dict[str, GlossaryEntry]]:
    """One regex for every term and alias (longest first, whole words, case ignored) and the
    entry of each lower-cased name."""
    by_name = {n.lower(): e for e in glossary for n in (e["term"], *e["aliases"])}
    if not by_name:
        return None, by_name
    names = sorted(by_name, key=lambda n: (-len(n), n))
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE), by_name


def _text_slots(element, skipped: bool = False) -> list[tuple[object, str]]:
    """``(element, "text" | "tail")`` for every text node under ``element`` that may take a
    link, in document order."""
    inside = skipped or (isinstance(element.tag, str) and element.tag in _NO_LINK_TAGS)
    slots = [] if inside or not isinstance(element.tag, str) else [(element, "text")]
    for child in element:
        if isinstance(child.tag, str):
            slots += _text_slots(child, inside)
        if not inside:
            slots.append((child, "tail"))
    return slots


def _link(text: str, href: str, title: str = "", css_class: str = ""):
    """A new ``<a>`` element holding ``text`` as text."""
    import lxml.html

    attributes = {"href": href}
    if title:
        attributes["title"] = title
    if css_class:
        attributes["class"] = css_class
    anchor = lxml.html.Element("a", attributes)
    anchor.text = text
    return anchor


def _pieces(text: str, matchers, state: dict) -> list:
    """``text`` cut into plain strings and new ``<a>`` elements (see :func:`link_page_text`)."""
    found = []
    for pattern, make in matchers:
        if pattern is not None:
            found += [(m.start(), m.end(), make) for m in pattern.finditer(text)]
    found.sort(key=lambda f: (f[0], -f[1]))
    pieces, position = [], 0
    for start, end, make in found:
        if start < position:
            continue
        made = make(text[start:end], state)
        if not made:
            continue
        pieces.append(text[position:start])
        pieces += made
        position = end
    pieces.append(text[position:])
    return pieces


def _put(element, slot: str, pieces: list) -> None:
    """Write ``pieces`` (strings and elements) in place of the element's text or tail."""
    strings_before, rest = pieces[0], pieces[1:]
    if slot == "text":
        element.text = strings_before
        at, parent = 0, element
    else:
        element.tail = strings_before
        parent = element.getparent()
        at = parent.index(element) + 1
    last = None
    for piece in rest:
        if isinstance(piece, str):
            last.tail = (last.tail or "") + piece
        else:
            parent.insert(at, piece)
            at += 1
            last = piece


def link_page_text(page_html: str, glossary: list[GlossaryEntry], pages: dict[str, str], *,
                   own_page: str = "", glossary_href: str = GLOSSARY_PAGE) -> str:
    """A report page with links added to the text of its markdown cells and computed findings
    (never inside tables, code, headings or existing links).

    Parameters
    ----------
    page_html : the rendered page.
    glossary : :func:`load_glossary`; the first use of each entry (its term or an alias, case
        ignored, whole words) links to ``<glossary_href>#<anchor>``, titled with its definition.
    pages : two-digit notebook number → page file (``{"03": "03_export_control_stance.html"}``);
        each "notebook 03" (also "notebooks 03 and 04") links to its page, except ``own_page``.

    Returns
    -------
    The page's HTML, otherwise as it was parsed and written back.
    """
    import lxml.html

    root = lxml.html.document_fromstring(page_html)
    term_re, by_name = _term_pattern(glossary)

    def term_link(text: str, state: dict) -> list:
        entry = by_name[text.lower()]
        if entry["anchor"] in state["linked"]:
            return []
        state["linked"].add(entry["anchor"])
        return [_link(text, f"{glossary_href}#{entry['anchor']}", entry["definition"], "report-term")]

    def notebook_link(text: str, state: dict) -> list:
        pieces, position, made = [], 0, False
        for match in _NUMBER_IN_REF_RE.finditer(text):
            href = pages.get(match.group())
            if not href or href == own_page:
                continue
            start = 0 if not made else match.start()
            pieces += [text[position:start], _link(text[start:match.end()], href, css_class="report-xref")]
            position, made = match.end(), True
        return [p for p in [*pieces, text[position:]] if not isinstance(p, str) or p] if made else []

    matchers = [(_NOTEBOOK_REF_RE, notebook_link), (term_re, term_link)]
    state = {"linked": set()}
    for container in root.xpath(_PROSE_XPATH):
        for element, slot in _text_slots(container):
            text = element.text if slot == "text" else element.tail
            if not text or not text.strip():
                continue
            pieces = _pieces(text, matchers, state)
            if len(pieces) > 1:
                _put(element, slot, _merge_strings(pieces))
    return "<!DOCTYPE html>\n" + lxml.html.tostring(root, encoding="unicode")


def _merge_strings(pieces: list) -> list:
    """Pieces with neighbouring strings joined, starting with a string (maybe empty)."""
    merged: list = [""]
    for piece in pieces:
        if isinstance(piece, str):
            if isinstance(merged[-1], str):
                merged[-1] += piece
            else:
                merged.append(piece)
        else:
            merged.append(piece)
    return merged


def render_glossary(glossary: list[GlossaryEntry], *, title: str, css: str, csp: str,
                    footer: str = "", index_label: str = "All findings") -> str:
    """HTML of the glossary page: one entry per term, with its id (:func:`glossary_anchor`)
    so pages can link to it, and a link back to the index. Every string is escaped."""
    esc = html.escape
    items = []
    for entry in glossary:
        also = (f'<p class="report-aliases">Also written: {esc(", ".join(entry["aliases"]))}</p>'
                if entry["aliases"] else "")
        items.append(f'<div class="report-glossary-entry" id="{esc(entry["anchor"])}">'
                     f'<dt>{esc(entry["term"])}</dt><dd><p>{esc(entry["definition"])}</p>{also}</dd></div>')
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">\n'
        f"<title>Glossary · {esc(title)}</title>\n<style>\n{css}\n</style>\n</head>\n"
        '<body class="report-index report-glossary">\n'
        f'<nav class="report-nav"><a href="index.html">&larr; {esc(index_label)}</a></nav>\n<main>\n'
        f'<header><h1>Glossary</h1><p class="report-lede">{esc(title)}: the technical terms '
        "the pages use, in plain words.</p></header>\n"
        f'<dl class="report-glossary-list">{"".join(items)}</dl>\n</main>\n'
        f'<footer class="report-footer">{esc(footer)}</footer>\n</body>\n</html>\n'
    )
