"""The HTML report opened in real headless Chromium (Debian's ``chromium``, driven by playwright).

Checks every page of the seeds report and of a report built for a corpus with hostile text:
no broken image, no visible code, no traceback or error text, no horizontal overflow, nothing
fetched from the network, every index link resolves, every figure's and table's CSV link
resolves, and no script runs (no dialog, no page error). A full-page screenshot of each page
goes to ``build/screenshots/`` (ignored by git), so ``reports/`` holds only reports.

Overflow, at 1280 and 400 px: no element reaches past either edge of the window, except inside
a box that scrolls sideways on its own. Tables sit in such a box (``.report-table-wrap``,
``overflow-x: auto``): at 400 px any table may scroll inside it; at 1280 px a table with a
long-text column (evidence sentences) must fit its box, while a table of many short columns
(a term per article, say) may still scroll inside it.
"""

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from report_builds import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PAYLOADS,
    SCREENSHOTS,
    report_pages,
    seeds_report,
    untrusted_report,
)

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"browser tests need Debian's chromium at {CHROMIUM}; install it with "
           "`apt-get install chromium` (CI does this in .ci/run)")

ERROR_TEXT = re.compile(r"Traceback|\b[A-Z]\w*(?:Error|Exception|Warning)\b")
CODE_SELECTOR = ".jp-CodeCell .jp-InputArea, .jp-InputPrompt, .jp-OutputPrompt, .jp-CodeMirrorEditor"
WIDTHS = (1280, 400)  # a laptop and a phone

VISIBLE_JS = """sel => Array.from(document.querySelectorAll(sel))
  .filter(el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden').length"""
IMAGES_JS = """() => Array.from(document.images).map(img => ({
  src: img.getAttribute('src').slice(0, 40), ok: img.complete && img.naturalWidth > 0}))"""
OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# Elements past the window's left or right edge that no sideways-scrolling box holds.
OUTSIDE_JS = """() => { const W = document.documentElement.clientWidth; const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if ((r.width === 0 && r.height === 0) || (r.right <= W + 1 && r.left >= -1)) continue;
    let held = false;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') { held = true; break; } }
    if (!held) out.push(`${el.tagName.toLowerCase()}.${el.className} `
                        + `${Math.round(r.left)}–${Math.round(r.right)}`); }
  return out.slice(0, 5); }"""
# Tables with a long-text column that scroll inside their box.
LONG_TABLES_SCROLLING_JS = """() => Array.from(document.querySelectorAll('.report-table-wrap'))
  .filter(w => w.querySelector('.report-long') && w.scrollWidth > w.clientWidth + 1)
  .map(w => w.querySelector('thead') ? w.querySelector('thead').innerText.slice(0, 80) : '?')"""


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                             timeout=60_000)
        yield browser
        browser.close()


def visit(browser, page_path: Path, screenshot: Path) -> dict:
    """Open one page at each width in ``WIDTHS``; return what a reader would run into."""
    found = {"dialogs": [], "errors": [], "external": [], "broken": [], "code": 0, "overflow": [],
             "outside": [], "scrolling": [], "text": ""}
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    context.set_default_timeout(30_000)

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            found["external"].append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("dialog", lambda d: (found["dialogs"].append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: found["errors"].append(str(e)))
    page.on("console", lambda m: m.type == "error" and found["errors"].append(m.text))
    try:
        page.goto(page_path.resolve().as_uri(), wait_until="load")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(50)
            if page.evaluate(OVERFLOW_JS) > 1:
                found["overflow"].append(width)
            found["outside"] += [f"{width}px: {e}" for e in page.evaluate(OUTSIDE_JS)]
            if width >= 1280:
                found["scrolling"] += page.evaluate(LONG_TABLES_SCROLLING_JS)
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        found["broken"] = [img["src"] for img in page.evaluate(IMAGES_JS) if not img["ok"]]
        found["code"] = page.evaluate(VISIBLE_JS, CODE_SELECTOR)
        found["text"] = page.inner_text("body")
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
    finally:
        context.close()
    return found


def assert_clean(found: dict, name: str) -> None:
    assert found["dialogs"] == [], f"{name}: a script ran and opened a dialog"
    assert found["errors"] == [], f"{name}: page errors {found['errors']}"
    assert found["external"] == [], f"{name}: fetched from the network {found['external']}"
    assert found["broken"] == [], f"{name}: broken images {found['broken']}"
    assert found["code"] == 0, f"{name}: {found['code']} code cells visible"
    assert found["overflow"] == [], f"{name}: wider than the window at {found['overflow']} px"
    assert found["outside"] == [], f"{name}: past the window's edge: {found['outside']}"
    assert found["scrolling"] == [], f"{name}: evidence tables scroll at 1280 px: {found['scrolling']}"
    errors = sorted(set(ERROR_TEXT.findall(found["text"])))
    assert errors == [], f"{name}: error text on the page: {errors}"
    assert found["text"].strip(), f"{name}: blank page"


def index_links(index: Path, selector: str = "a[href]") -> list[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
    return [a["href"] for a in soup.select(selector)]


def assert_data_links_resolve(folder: Path) -> int:
    """Every figure's, table's and data file's CSV link on every page points to a file in the
    report folder, by a relative path; returns how many links there are."""
    count = 0
    for page in report_pages(folder):
        for href in index_links(page, ".report-figure-data a, .report-table-data a, .report-data a"):
            parsed = urlparse(href)
            assert not parsed.scheme and not parsed.netloc and not href.startswith("/"), href
            assert href.endswith(".csv"), f"{page.name}: {href} is not a CSV"
            assert (folder / unquote(parsed.path)).is_file(), f"{page.name}: {href} resolves to no file"
            count += 1
    return count


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    return seeds_report(tmp_path_factory)


def test_every_index_link_resolves_to_a_page(seeds):
    links = index_links(seeds / "index.html")
    pages = {p.name for p in report_pages(seeds)} - {"index.html"}
    assert links, "the index links to nothing"
    for href in links:
        parsed = urlparse(href)
        assert not parsed.scheme and not parsed.netloc, f"index links outside the report: {href}"
        assert (seeds / unquote(parsed.path)).is_file(), f"index link {href} resolves to no file"
    linked = {unquote(urlparse(h).path) for h in links}
    assert pages | {"glossary.html"} <= linked
    assert all(h in pages | {"glossary.html"} or h.startswith("data/") for h in linked)


def test_every_csv_link_resolves(seeds, tmp_path_factory):
    assert assert_data_links_resolve(seeds) >= 1  # the seeds' figures
    assert assert_data_links_resolve(untrusted_report(tmp_path_factory)) >= 1


@needs_chromium
def test_seeds_report_pages_in_chromium(browser, seeds):
    pages = [*report_pages(seeds), seeds / "glossary.html"]
    assert len(pages) >= 3
    for page in pages:
        found = visit(browser, page, SCREENSHOTS / f"{page.stem}.png")
        assert_clean(found, page.name)
        if page.name != "index.html":
            assert "All findings" in found["text"], f"{page.name}: no link back to the index"
    assert {f"{p.stem}.png" for p in pages} <= {p.name for p in SCREENSHOTS.glob("*.png")}


@needs_chromium
def test_untrusted_report_runs_no_script_in_chromium(browser, tmp_path_factory):
    folder = untrusted_report(tmp_path_factory)
    for page in [*report_pages(folder), folder / "glossary.html"]:
        found = visit(browser, page, SCREENSHOTS / "untrusted" / f"{page.stem}.png")
        assert_clean(found, f"untrusted/{page.name}")
        if page.name in ("index.html", "01_loading.html"):
            for payload in PAYLOADS:
                assert payload in found["text"], f"{page.name}: {payload} is not shown as text"
