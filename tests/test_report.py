"""Tests for newsdesk.report, and the untrusted-text report build."""

import base64
import html
import io
import re
import subprocess

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from PIL import Image
from report_builds import (
    IMG_PAYLOAD,
    PAYLOADS,
    ROOT,
    SCRIPT_PAYLOAD,
    report_pages,
    untrusted_report,
)

import helpers

EXTERNAL_REF = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:|//)""", re.IGNORECASE)


def png_bytes(width: int, height: int, colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def png_b64(width: int = 20, height: int = 10, colour: str = "red") -> str:
    return base64.b64encode(png_bytes(width, height, colour)).decode("ascii")


def notebook(cells: list) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def image_cell(b64: str, tags: tuple[str, ...] = ()) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("plt.show()")
    cell.metadata["tags"] = list(tags)
    cell.outputs = [nbformat.v4.new_output(
        "display_data", data={"image/png": b64, "text/plain": "<Figure size 640x480 with 1 Axes>"})]
    return cell


def mini_corpus(published: list, headlines: list[str] | None = None) -> pd.DataFrame:
    n = len(published)
    return pd.DataFrame({
        "doc_id": [f"{i:03d}" for i in range(n)],
        "published": pd.to_datetime(pd.Series(published, dtype="object")).astype("datetime64[ns]"),
        "outlet": ["Outlet"] * n, "origin": [""] * n,
        "headline": headlines or [f"Headline {i}" for i in range(n)],
    })


# --- plain_markdown, notebook_summary ------------------------------------------------------


def test_plain_markdown_keeps_words_drops_marks():
    assert helpers.plain_markdown("See **the** [`audit`](x.html) and *why*  it\nmatters") == (
        "See the audit and why it matters")
    assert helpers.plain_markdown("snake_case_name stays") == "snake_case_name stays"


def test_summary_takes_heading_and_first_question():
    nb = notebook([nbformat.v4.new_markdown_cell(
        "# 02 · Term trends\n\nWe count words. Which words characterise **each** outlet? More.\n\n"
        "Second paragraph?")])
    assert helpers.notebook_summary(nb, "02_terms") == {
        "stem": "02_terms", "title": "02 · Term trends",
        "question": "Which words characterise each outlet?"}


def test_summary_without_question_takes_first_sentence():
    nb = notebook([nbformat.v4.new_markdown_cell("# Title\nThe corpus at a glance. Counts only.")])
    assert helpers.notebook_summary(nb, "x")["question"] == "The corpus at a glance."


@pytest.mark.parametrize("cells", [[], [nbformat.v4.new_code_cell("1")],
                                   [nbformat.v4.new_markdown_cell("## Only a heading")]])
def test_summary_falls_back_to_stem_and_empty_question(cells):
    summary = helpers.notebook_summary(notebook(cells), "05_extra")
    assert summary["question"] == ""
    assert summary["title"] in ("05_extra", "Only a heading")


# --- key_figure, thumbnail_data_uri ------------------------------------------------------------


def test_key_figure_prefers_tagged_cell_else_first_png():
    first, tagged = png_b64(colour="red"), png_b64(colour="blue")
    nb = notebook([nbformat.v4.new_markdown_cell("# T"), image_cell(first),
                   image_cell(tagged, tags=(helpers.KEY_FIGURE_TAG,))])
    assert helpers.key_figure(nb) == base64.b64decode(tagged)
    nb.cells[2].metadata["tags"] = []
    assert helpers.key_figure(nb) == base64.b64decode(first)


def test_key_figure_none_without_images_and_accepts_wrapped_base64():
    assert helpers.key_figure(notebook([nbformat.v4.new_code_cell("1")])) is None
    b64 = png_b64()
    wrapped = "\n".join(b64[i:i + 76] for i in range(0, len(b64), 76)) + "\n"
    assert helpers.key_figure(notebook([image_cell(wrapped)])) == base64.b64decode(b64)


@pytest.mark.parametrize(("size", "expected"), [((1000, 500), (480, 240)), ((300, 900), (100, 300)),
                                                ((100, 50), (100, 50))])
def test_thumbnail_fits_box_keeps_aspect_never_enlarges(size, expected):
    uri = helpers.thumbnail_data_uri(png_bytes(*size))
    assert uri.startswith("data:image/png;base64,")
    with Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))) as image:
        assert image.size == expected


# --- corpus_overview, index_articles -----------------------------------------------------------


def test_overview_counts_and_date_range():
    overview = helpers.corpus_overview(mini_corpus(["2025-01-28", None, "2025-01-27"]))
    assert overview == {"articles": 3, "dated": 2, "first": pd.Timestamp("2025-01-27"),
                        "last": pd.Timestamp("2025-01-28"), "problems": 0}


def test_overview_of_undated_and_empty_corpora():
    assert helpers.corpus_overview(mini_corpus([None]))["first"] is None
    empty = helpers.corpus_overview(mini_corpus([]))
    assert (empty["articles"], empty["dated"], empty["last"]) == (0, 0, None)


def test_overview_counts_loading_problems():
    corpus = mini_corpus(["2025-01-28"])
    corpus.attrs["problems"] = pd.DataFrame([{"file": "a.txt", "problem": "empty", "action": "skipped"}])
    assert helpers.corpus_overview(corpus)["problems"] == 1


def test_index_articles_sorted_by_date_undated_last_and_limited():
    corpus = mini_corpus([None, "2025-01-30", "2025-01-27", None])
    table = helpers.index_articles(corpus)
    assert table["doc_id"].tolist() == ["002", "001", "000", "003"]
    assert table["published"].tolist() == ["2025-01-27", "2025-01-30", "undated", "undated"]
    assert helpers.index_articles(corpus, limit=2)["doc_id"].tolist() == ["002", "001"]


# --- render_index ----------------------------------------------------------------------------


def test_render_index_escapes_every_string_and_runs_no_script():
    corpus = mini_corpus(["2025-01-27", "2025-01-29"], headlines=[SCRIPT_PAYLOAD, IMG_PAYLOAD])
    pages = [{"stem": "01_a", "title": f"T {SCRIPT_PAYLOAD}", "question": f"Q {IMG_PAYLOAD}?",
              "thumbnail": helpers.thumbnail_data_uri(png_bytes(40, 20))},
             {"stem": "02_b", "title": "No figure here", "question": "", "thumbnail": ""}]
    page = helpers.render_index(pages, helpers.corpus_overview(corpus), helpers.index_articles(corpus),
                                title=f"Title {SCRIPT_PAYLOAD}", subtitle=IMG_PAYLOAD, footer=IMG_PAYLOAD)
    for payload in PAYLOADS:
        assert payload not in page
        assert html.escape(payload) in page
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("script") is None
    assert not soup.select("[onerror]")
    assert soup.select_one('meta[http-equiv="Content-Security-Policy"]')["content"] == helpers.REPORT_CSP
    assert [a["href"] for a in soup.select(".report-card-body a")] == ["01_a.html", "02_b.html"]
    assert len(soup.select(".report-thumb img")) == 1 and soup.select(".report-nofigure")
    text = soup.get_text(" ")
    assert SCRIPT_PAYLOAD in text and IMG_PAYLOAD in text
    assert "27 January 2025 – 29 January 2025" in text and "2 of 2" in text
    assert not EXTERNAL_REF.search(page)


def test_render_index_says_how_many_articles_are_not_listed():
    corpus = mini_corpus(["2025-01-27"] * 3)
    page = helpers.render_index([], helpers.corpus_overview(corpus), helpers.index_articles(corpus, 1))
    assert "and 2 more" in page
    assert "27 January 2025" in page and "27 January 2025 –" not in page


# --- notebook_html ---------------------------------------------------------------------------


def test_notebook_html_hides_code_embeds_images_and_loads_nothing():
    table = pd.DataFrame({"headline": [SCRIPT_PAYLOAD], "n": [1]})
    code = nbformat.v4.new_code_cell("SECRET_SOURCE_LINE = table")
    code.outputs = [nbformat.v4.new_output("execute_result", execution_count=1, data={
        "text/html": table.to_html(), "text/plain": repr(table)})]
    printed = nbformat.v4.new_code_cell("print(text)")
    printed.outputs = [nbformat.v4.new_output("stream", name="stdout", text=IMG_PAYLOAD + "\n")]
    nb = notebook([nbformat.v4.new_markdown_cell("# Page title\n\nWhy ask?"),
                   nbformat.v4.new_markdown_cell("Words per article, before and after."),
                   image_cell(png_b64()), code, printed])
    page = helpers.notebook_html(nb, title="Page title", footer="Foot note")
    soup = BeautifulSoup(page, "html.parser")
    assert "SECRET_SOURCE_LINE" not in page and "plt.show()" not in page
    assert soup.find("script") is None and not soup.select("[onerror]")
    assert not EXTERNAL_REF.search(page)
    assert soup.title.get_text() == "Page title"
    assert soup.select_one('meta[http-equiv="Content-Security-Policy"]')["content"] == helpers.REPORT_CSP
    image = soup.select_one(".jp-RenderedImage img")
    assert image["src"].startswith("data:image/png;base64,")
    assert image["alt"] == "Words per article, before and after."
    assert soup.select_one(".report-nav a")["href"] == "index.html"
    assert "Foot note" in soup.select_one(".report-footer").get_text()
    text = soup.get_text(" ")
    assert SCRIPT_PAYLOAD in text and IMG_PAYLOAD in text
    assert not soup.select(".jp-InputPrompt, .jp-OutputPrompt, .jp-CodeCell .jp-InputArea")
    assert nb.cells[2].metadata.get("report_alt") is None  # the input notebook is untouched


def test_notebook_html_keeps_inline_html_views():
    view = ('<div class="side-by-side"><style>.side-by-side{display:grid}</style>'
            '<div><mark>shared passage</mark></div><div>other</div></div>')
    cell = nbformat.v4.new_code_cell("helpers.side_by_side(a, b)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": view, "text/plain": "x"})]
    soup = BeautifulSoup(helpers.notebook_html(notebook([cell]), title="t"), "html.parser")
    assert soup.select_one(".side-by-side mark").get_text() == "shared passage"


# --- write_executed_notebook ------------------------------------------------------------------


def parameters_notebook(tmp_path, last_cell: str):
    params = nbformat.v4.new_code_cell('CORPUS = "../seeds"\nFIGURES = "../figures"')
    params.metadata["tags"] = ["parameters"]
    nb = notebook([nbformat.v4.new_markdown_cell("# T"), params, nbformat.v4.new_code_cell(last_cell)])
    path = tmp_path / "src" / "09_params.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, path)
    return path


def test_executed_notebook_gets_parameters_cwd_and_inline_figures(tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")  # overridden: the pages need inline figures
    source = parameters_notebook(tmp_path, "import os, matplotlib\n"
                                 "print(CORPUS, FIGURES, os.getcwd(), matplotlib.get_backend(), sep='|')")
    dest = helpers.write_executed_notebook(source, tmp_path / "out" / "run.ipynb",
                                           figures=tmp_path / "figs", corpus=tmp_path / "c")
    printed = nbformat.read(dest, as_version=4).cells[-1].outputs[0].text.strip().split("|")
    assert printed[:3] == [str(tmp_path / "c"), str(tmp_path / "figs"), str(source.parent)]
    assert printed[3] in ("inline", helpers.INLINE_BACKEND)
    assert nbformat.read(source, as_version=4).cells[-1].outputs == []  # the source is untouched


def test_executed_notebook_failure_names_notebook_cell_and_error(tmp_path):
    source = parameters_notebook(tmp_path, 'raise ValueError("no article 002 here")')
    with pytest.raises(RuntimeError) as failure:
        helpers.write_executed_notebook(source, tmp_path / "run.ipynb", figures=tmp_path / "figs")
    message = str(failure.value)
    assert message.startswith("09_params.ipynb failed")
    assert 'raise ValueError("no article 002 here")' in message
    assert message.rstrip().endswith("ValueError: no article 002 here")


def test_write_report_runs_findings_last_shows_it_first_and_drops_stale_pages(tmp_path):
    def write(name: str, title: str, code: str):
        params = nbformat.v4.new_code_cell('CORPUS = "../seeds"\nFIGURES = "../figures"')
        params.metadata["tags"] = ["parameters"]
        path = tmp_path / "nbs" / name
        path.parent.mkdir(exist_ok=True)
        nbformat.write(notebook([nbformat.v4.new_markdown_cell(f"# {title}\n\nWhat ran first?"),
                                 params, nbformat.v4.new_code_cell(code)]), path)
        return path

    analysis = write("01_analysis.ipynb", "Analysis", "from pathlib import Path\n"
                     "Path(FIGURES).mkdir(parents=True, exist_ok=True)\n"
                     "Path(FIGURES, 'note.txt').write_text('written by the analysis')")
    findings = write("00_findings.ipynb", "Findings", "from pathlib import Path\n"
                     "print(Path(FIGURES, 'note.txt').read_text())")
    out = tmp_path / "report"
    out.mkdir()
    (out / "07_gone.html").write_text("stale page")
    index = helpers.write_report(out, [analysis, findings], title="Test report")
    assert sorted(p.name for p in out.glob("*.html")) == ["00_findings.html", "01_analysis.html",
                                                          "glossary.html", "index.html"]
    soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
    assert [a.get_text() for a in soup.select(".report-card-body a")] == ["Findings", "Analysis"]
    assert [p.get_text() for p in soup.select(".report-card-body p")] == ["What ran first?"] * 2
    assert "written by the analysis" in (out / "00_findings.html").read_text(encoding="utf-8")
    assert soup.select_one("dd").get_text() == "5"  # the seeds, the notebooks' default corpus


def test_executed_notebook_gets_its_data_folder_and_shows_long_tables_with_their_data(tmp_path):
    source = parameters_notebook(tmp_path, "import pandas as pd\nprint(DATA)\n"
                                 f"pd.DataFrame({{'n': range({helpers.TABLE_HEAD_ROWS + 5})}})")
    cells = nbformat.read(source, as_version=4)
    cells.cells[1].source += '\nDATA = ""'
    nbformat.write(cells, source)
    dest = helpers.write_executed_notebook(source, tmp_path / "run.ipynb", figures=tmp_path / "figs",
                                           data=tmp_path / "data")
    printed, table = nbformat.read(dest, as_version=4).cells[-1].outputs
    assert printed.text.strip() == str(tmp_path / "data")
    assert table["data"][helpers.TABLE_CSV_MIME].splitlines()[-1] == str(helpers.TABLE_HEAD_ROWS + 4)
    assert table["data"]["text/html"].count("<tr") == helpers.TABLE_HEAD_ROWS + 1


def test_index_lists_the_appendix_after_the_cards_and_never_repeats_a_thumbnail(tmp_path):
    same, other = png_b64(40, 20, "red"), png_b64(40, 20, "blue")

    def write(name: str, title: str, b64: str):
        path = tmp_path / "nbs" / name
        path.parent.mkdir(exist_ok=True)
        nbformat.write(notebook([nbformat.v4.new_markdown_cell(f"# {title}\n\nWhat is it?"),
                                 image_cell(b64, ("key-figure",))]), path)
        return path

    paths = [write("00_findings.ipynb", "Findings", same), write("03_stance.ipynb", "Stance", same),
             write("04_overlap.ipynb", "Overlap", same), write("05_scaling.ipynb", "Scaling", other)]
    index = helpers.write_report(tmp_path / "report", paths, execute=False,
                                 appendix=("05_scaling",))
    soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
    assert [a.get_text() for a in soup.select(".report-card-body a")] == ["Findings", "Stance", "Overlap"]
    assert [a["href"] for a in soup.select(".report-appendix a")] == ["05_scaling.html"]
    thumbs = [img["src"] for img in soup.select(".report-thumb img")]
    assert len(thumbs) == 1 and len(soup.select(".report-nofigure")) == 2
    assert soup.select_one('.report-nav a[href="glossary.html"]')
    last = BeautifulSoup((tmp_path / "report" / "04_overlap.html").read_text(encoding="utf-8"), "html.parser")
    assert last.select_one('a[rel="next"]')["href"] == "05_scaling.html"
    assert last.select_one('a[rel="prev"]')["href"] == "03_stance.html"
    assert (tmp_path / "report" / "glossary.html").exists()


# --- the Makefile --------------------------------------------------------------------------


def test_make_report_passes_the_corpus_as_data_not_as_command_text(tmp_path):
    corpus = tmp_path / "my_articles"
    corpus.mkdir()
    dry = subprocess.run(["make", "-n", "report", f"CORPUS={corpus}"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert "helpers.report_folder(corpus)" in dry and "write_report" in dry
    assert str(corpus) not in dry  # it travels in the environment (REPORT_CORPUS)


# --- a whole report for a corpus with hostile text ------------------------------------------


@pytest.fixture(scope="module")
def untrusted(tmp_path_factory):
    return untrusted_report(tmp_path_factory)


def test_untrusted_report_has_a_page_per_notebook(untrusted):
    folder = untrusted
    notebooks = helpers.report_notebooks()
    assert [p.name for p in report_pages(folder)] == ["index.html", *(f"{p.stem}.html" for p in notebooks)]
    assert sorted(p.name for p in (folder / "notebooks").glob("*.ipynb")) == [p.name for p in notebooks]
    pngs = sorted((folder / "figures").glob("*.png"))
    assert pngs and all(p.with_suffix(".csv").exists() for p in pngs)


def test_untrusted_text_shows_as_text_on_every_page(untrusted):
    folder = untrusted
    shown = {}
    for page in report_pages(folder):
        raw = page.read_text(encoding="utf-8")
        for payload in PAYLOADS:
            assert payload not in raw, page.name
        assert not re.search(r"<script|<img[^>]*src=[\"']?x", raw, re.IGNORECASE), page.name
        soup = BeautifulSoup(raw, "html.parser")
        assert soup.find("script") is None, page.name
        handlers = [el.name for el in soup.find_all(True)
                    if any(attr.lower().startswith("on") for attr in el.attrs)]
        assert handlers == [], f"{page.name}: elements with event handlers {handlers}"
        assert all(img["src"].startswith("data:image/") for img in soup.find_all("img")), page.name
        assert not EXTERNAL_REF.search(raw), page.name
        text = soup.get_text(" ")
        shown[page.name] = [p for p in PAYLOADS if p in text]
    # The article list and the loading page's tables show both payloads whole, as text; other
    # pages may show them cut up (keyword in context, terms), still as text.
    assert shown["index.html"] == list(PAYLOADS)
    assert shown["01_loading.html"] == list(PAYLOADS)


def test_untrusted_index_states_span_and_count(untrusted):
    soup = BeautifulSoup((untrusted / "index.html").read_text(encoding="utf-8"), "html.parser")
    facts = {dt.get_text(): dd.get_text() for dt, dd in zip(soup.select("dt"), soup.select("dd"),
                                                             strict=True)}
    assert facts["Articles"] == "2"
    assert facts["Published"] == "28 January 2025"
    assert facts["Dated"] == "1 of 2"
    assert [td.get_text() for td in soup.select(".report-table tbody td:nth-child(2)")] == [
        "2025-01-28", "undated"]
    cards = soup.select(".report-card")
    appendix = soup.select(".report-appendix li")
    assert len(cards) + len(appendix) == len(helpers.report_notebooks())
    assert len(appendix) == len(helpers.APPENDIX_PAGES)
    assert all(card.select_one(".report-thumb img, .report-nofigure") for card in cards)


# --- reproducible builds ---------------------------------------------------------------------


def folder_digests(folder) -> dict[str, str]:
    import hashlib

    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_report_builds_are_byte_identical(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Chipmakers in China face new limits on what they can buy.\n"
                                  "Officials said the rules take effect next month.\n", encoding="utf-8")
    (corpus / "b.txt").write_text("Nvidia said it would comply with the new export rules.\n",
                                  encoding="utf-8")
    params = nbformat.v4.new_code_cell('CORPUS = "../seeds"\nFIGURES = "../figures"')
    params.metadata["tags"] = ["parameters"]
    code = nbformat.v4.new_code_cell(
        "import helpers\n"
        "corpus = helpers.load_corpus(CORPUS)\n"
        "lengths = helpers.length_before_after(corpus)\n"
        "fig = helpers.plot_length_before_after(lengths)\n"
        "png = helpers.save_figure(fig, lengths, '01-lengths', FIGURES)\n"
        "helpers.display_saved(png)\n"
        "lengths")
    source = tmp_path / "nbs" / "01_lengths.ipynb"
    source.parent.mkdir()
    nbformat.write(notebook([nbformat.v4.new_markdown_cell("# Lengths\n\nHow long is each?"),
                             params, code]), source)
    out = tmp_path / "report"
    helpers.write_report(out, [source], corpus=corpus)
    first = folder_digests(out)
    helpers.write_report(out, [source], corpus=corpus)
    assert "notebooks/01_lengths.ipynb" in first and "figures/01-lengths.png" in first
    assert folder_digests(out) == first
    executed = nbformat.read(out / "notebooks" / "01_lengths.ipynb", as_version=4)
    assert "start_time" not in executed.metadata["papermill"]
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert [c.id for c in injected] == ["injected-parameters"]
