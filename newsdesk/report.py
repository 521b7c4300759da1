"""The stakeholder HTML report: executed notebooks rendered with code hidden, one template,
embedded images, and an index page with a card per notebook. Pages quote untrusted article
text: every script is forbidden, only inline images and styles are allowed.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import warnings
from pathlib import Path

import pandas as pd

from newsdesk.corpus.audit import load_problems
from newsdesk.corpus.load import load_corpus
from newsdesk.corpus.schema import CorpusWarning
from newsdesk.paths import PROJECT_ROOT
from newsdesk.report_findings import key_findings, key_findings_html
from newsdesk.report_pages import ReportPagePreprocessor
from newsdesk.text import collapse_spaces, split_sentences

__all__ = [
    "CELL_TIMEOUT",
    "INLINE_BACKEND",
    "KEY_FIGURE_TAG",
    "REPORT_CSP",
    "REPORT_TEMPLATE_DIR",
    "corpus_overview",
    "index_articles",
    "key_figure",
    "notebook_html",
    "notebook_summary",
    "plain_markdown",
    "render_index",
    "report_folder",
    "report_notebooks",
    "thumbnail_data_uri",
    "write_executed_notebook",
    "write_report",
]

# The report is a folder of static HTML pages that can be zipped and e-mailed: nothing is
# fetched from the network and nothing runs in the reader's browser.
_REPORT_TITLE = "Coverage of DeepSeek and US chip export controls"
REPORT_TEMPLATE_DIR = PROJECT_ROOT / "report_template"  # holds the nbconvert template below
_REPORT_TEMPLATE = "report"  # extends JupyterLab's template; see report_template/report/
_REPORT_CSS = REPORT_TEMPLATE_DIR / _REPORT_TEMPLATE / "static" / "report.css"  # index and pages


# Pages quote untrusted article text: forbid every script, allow only inline images and styles.
REPORT_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
              "base-uri 'none'; form-action 'none'")
_REPORT_NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"  # report pages, in file-name order: 00 comes first
_FINDINGS_PREFIX = "00_"  # the summary runs after the analyses, so it can read what they wrote
KEY_FIGURE_TAG = "key-figure"  # a code cell tagged so gives its notebook's index thumbnail
_THUMBNAIL_BOX = (480, 300)  # pixels; cards show thumbnails at about half size, sharp on HiDPI
_INDEX_MAX_ARTICLES = 50  # the index lists at most this many articles; 01 · Loading lists all
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"  # figures must show in the pages
CELL_TIMEOUT = 1200  # seconds one notebook cell may run while the report is built

_MD_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARK_RE = re.compile(r"\*\*|__|`|(?<!\w)[*_]|[*_](?!\w)")


_RESERVED_FOLDERS = {"notebooks", "figures", "screenshots", "data"}  # a report's own subfolders
_FOLDER_NAME_RE = re.compile(r"[^A-Za-z0-9._-]+")  # anything else in a corpus name becomes "_"


def report_folder(corpus: str | Path | None, reports: str | Path = "reports") -> Path:
    """The folder ``make report`` writes for a corpus: ``reports`` itself for the seeds
    (``None`` or ""), else ``reports/<name>``, always one level below ``reports``.

    ``<name>`` is the folder's name, or a file's name with its suffix after a dash
    (``x.csv`` → ``x-csv``, ``x.jsonl`` → ``x-jsonl``), with every character outside
    ``A-Z a-z 0-9 . _ -`` written ``_``. A name that would be empty (``/``) becomes ``corpus``;
    one that is a report subfolder (``figures``) or starts with a dot or dash gets ``corpus-``
    in front. The path is only named, never read.
    """
    if corpus is None or str(corpus) == "":
        return Path(reports)
    path = Path(str(corpus)).expanduser()
    path = Path(os.path.abspath(path))
    name = f"{path.stem}-{path.suffix.lstrip('.').lower()}" if path.suffix else path.name
    name = _FOLDER_NAME_RE.sub("_", name).strip("_")
    if not name:
        name = "corpus"
    elif name in _RESERVED_FOLDERS or name.startswith((".", "-")):
        name = f"corpus-{name.lstrip('.-') or 'dots'}"
    return Path(reports) / name


def report_notebooks(folder: str | Path = PROJECT_ROOT / "notebooks") -> list[Path]:
    """The notebooks that become report pages: ``NN_name.ipynb`` in ``folder``, sorted by name."""
    return sorted(Path(folder).glob(_REPORT_NOTEBOOK_GLOB), key=lambda p: p.name)


def _read_notebook(path: str | Path):
    """Read a notebook file (nbformat v4) as a ``NotebookNode``."""
    import nbformat

    return nbformat.read(Path(path), as_version=4)


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


def render_index(pages: list[dict], overview: dict, articles: pd.DataFrame, *,
                 title: str = _REPORT_TITLE, subtitle: str = "", footer: str = "",
                 css: str | None = None, findings_html: str = "") -> str:
    """HTML of the report index. Every string that goes in is escaped.

    Parameters
    ----------
    pages : one dict per page, in display order, with ``stem`` (the page is ``<stem>.html``),
        ``title``, ``question`` and ``thumbnail`` (a ``data:`` URI, or "" for none).
    overview : :func:`corpus_overview` of the corpus.
    articles : :func:`index_articles` of the corpus.
    title, subtitle, footer : plain text for the heading, the line under it and the footer.
    css : the stylesheet; by default ``_REPORT_CSS``, the one the notebook pages use.
    findings_html : the key-findings box (:func:`key_findings_html`), shown first; trusted HTML.
    """
    from urllib.parse import quote

    esc = html.escape
    css = _REPORT_CSS.read_text(encoding="utf-8") if css is None else css
    cards = []
    for page in pages:
        href = esc(quote(f"{page['stem']}.html"))
        if page.get("thumbnail"):
            figure = f'<img src="{esc(page["thumbnail"])}" alt="{esc("Key figure: " + page["title"])}">'
        else:
            figure = '<span class="report-nofigure">No figure</span>'
        cards.append(
            f'<li class="report-card"><a class="report-thumb" href="{href}" tabindex="-1">{figure}</a>'
            f'<div class="report-card-body"><h2><a href="{href}">{esc(page["title"])}</a></h2>'
            f'<p>{esc(page["question"])}</p></div></li>')
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
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(REPORT_CSP)}">\n'
        f"<title>{esc(title)}</title>\n<style>\n{css}\n</style>\n</head>\n"
        '<body class="report-index">\n<main>\n'
        f'<header><h1>{esc(title)}</h1><p class="report-lede">{esc(subtitle)}</p></header>\n'
        f'{findings_html}\n<dl class="report-facts">{fact_html}</dl>\n'
        f'<ul class="report-cards">\n' + "\n".join(cards) + "\n</ul>\n"
        '<section><h2>Articles in this corpus</h2><div class="report-table-wrap">'
        f'<table class="report-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
        f"</div>{more_html}</section>\n</main>\n"
        f'<footer class="report-footer">{esc(footer)}</footer>\n</body>\n</html>\n'
    )


def _figure_alt_texts(nb) -> None:
    """Give each code cell the plain text of the markdown just before it, for image alt text."""
    previous = ""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            lines = [ln for ln in "".join(cell.source).splitlines() if ln.strip()]
            previous = plain_markdown(lines[-1].lstrip("#")) if lines else previous
        elif cell.cell_type == "code":
            cell.metadata["report_alt"] = previous or "Figure"


def notebook_html(nb: dict, *, title: str, footer: str = "", base_path: str | Path = "",
                  index_label: str = "All findings", prev_page: dict | None = None,
                  next_page: dict | None = None) -> str:
    """A notebook as a report page (HTML text): code and prompts hidden, the shared look.

    Parameters
    ----------
    nb : an executed notebook (``NotebookNode`` or dict); it is not modified.
    title : the page title. footer : plain text at the foot of the page.
    base_path : folder that relative image paths in markdown cells are read from, so those
        images are embedded too. index_label : text of the link back to the index.
    prev_page, next_page : ``{"href", "title"}`` of the neighbouring pages for the pager, or ``None``.
    Cells tagged ``parameters`` or ``report-hide``, warnings, pandas' position index and NaN
    cells are left off (:class:`ReportPagePreprocessor`).

    Returns
    -------
    A standalone HTML document: images are ``data:`` URIs, no script and no external resource,
    and a Content-Security-Policy (``REPORT_CSP``) that forbids scripts.
    """
    import nbformat
    from nbconvert import HTMLExporter

    node = nbformat.from_dict(json.loads(json.dumps(nb)))
    node.metadata["title"] = title
    _figure_alt_texts(node)
    exporter = HTMLExporter(
        template_name=_REPORT_TEMPLATE, extra_template_basedirs=[str(REPORT_TEMPLATE_DIR)],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
        embed_images=True)
    exporter.register_preprocessor(ReportPagePreprocessor(), enabled=True)
    resources = {"metadata": {"name": title, "path": str(base_path)},
                 "report": {"csp": REPORT_CSP, "footer": footer, "index_label": index_label,
                            "prev": prev_page, "next": next_page}}
    body, _ = exporter.from_notebook_node(node, resources=resources)
    return body


def write_executed_notebook(source: str | Path, dest: str | Path, *, figures: str | Path,
                            corpus: str | Path | None = None, timeout: int = CELL_TIMEOUT) -> Path:
    """Execute a notebook top to bottom with papermill and write the executed copy to ``dest``.

    The kernel (``python3`` of this environment) starts in the notebook's own folder, so its
    default paths hold. ``figures`` replaces the ``FIGURES`` parameter and ``corpus``, when
    given, the ``CORPUS`` parameter (both as absolute paths). Figures are drawn with the inline
    backend whatever ``MPLBACKEND`` says, so they show in the page. ``timeout`` is in seconds
    per cell. The copy carries no timestamps or random cell ids, so a rerun writes the same
    bytes. Raises ``RuntimeError`` naming the notebook, with papermill's last lines, when a
    cell fails.
    """
    import os
    import subprocess
    import sys

    source, dest = Path(source).resolve(), Path(dest).resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "papermill", str(source), str(dest), "--cwd", str(source.parent),
           "--kernel", "python3", "--log-level", "WARNING", "--no-progress-bar",
           "--execution-timeout", str(int(timeout)), "-r", "FIGURES", str(Path(figures).resolve())]
    if corpus is not None:
        cmd += ["-r", "CORPUS", str(Path(corpus).resolve())]
    env = {**os.environ, "MPLBACKEND": INLINE_BACKEND}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        lines = [ln for ln in (done.stderr or done.stdout).splitlines() if ln.strip()]
        where = [ln for ln in lines if ln.startswith(("Exception encountered at", "Cell In[", "---->"))]
        detail = "\n".join([*where[:1], *where[-2:], *lines[-1:]])
        raise RuntimeError(f"{source.name} failed while building the report; the copy executed up "
                           f"to the error is {dest}\n{detail}")
    _make_reproducible(dest)
    return dest


_RUN_KEYS = ("start_time", "end_time", "duration")  # papermill's clock readings, run to run


def _make_reproducible(path: Path) -> None:
    """Rewrite an executed notebook without what changes from run to run: papermill's start,
    end and duration (notebook and cells), the kernel's execution timestamps, and random
    cell ids (papermill's injected cell gets ``injected-parameters``; a cell without an id
    gets ``cell-NNN``). The same inputs then give the same bytes."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for key in _RUN_KEYS:
        nb.metadata.get("papermill", {}).pop(key, None)
    seen: set[str] = set()
    for number, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        for key in _RUN_KEYS:
            cell.metadata.get("papermill", {}).pop(key, None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
        elif not cell.get("id") or cell.id in seen:
            cell.id = f"cell-{number:03d}"
        seen.add(cell.id)
    nbformat.write(nb, path)


def _write_report_index(report_dir: str | Path, pages: list[dict], corpus: pd.DataFrame, *,
                       title: str = _REPORT_TITLE, subtitle: str = "", footer: str = "") -> Path:
    """Write ``index.html`` into ``report_dir``: the key findings, then one card per page (see
    :func:`render_index`) with the corpus's date range, article count and article list.
    Returns its path."""
    out = Path(report_dir) / "index.html"
    titles = {page["stem"]: page["title"] for page in pages}
    found = [(stem, finding) for stem, finding in key_findings(corpus) if stem in titles]
    html_text = render_index(pages, corpus_overview(corpus), index_articles(corpus),
                             title=title, subtitle=subtitle, footer=footer,
                             findings_html=key_findings_html(found, titles))
    out.write_text(html_text, encoding="utf-8")
    return out


def write_report(report_dir: str | Path, notebooks: list[str | Path] | None = None, *,
                 corpus: str | Path | None = None, title: str = _REPORT_TITLE,
                 execute: bool = True, jobs: int = 2,
                 figures_dir: str | Path | None = None) -> Path:
    """Build the HTML report: one page per notebook plus ``index.html``, in ``report_dir``.

    Parameters
    ----------
    report_dir : output folder, created if needed. It ends up holding ``index.html``, one
        ``NN_name.html`` per notebook (stale ``NN_*.html`` pages are removed) and, when
        executing, ``notebooks/`` (the executed copies) and ``figures/`` (PNG + CSV).
    notebooks : the notebooks, shown in file-name order; default :func:`report_notebooks`.
    corpus : a corpus for :func:`load_corpus`, given to every notebook as ``CORPUS``; ``None``
        keeps the notebooks' own default (the seeds).
    title : the index heading.
    figures_dir : where the notebooks write their figures; default ``report_dir/figures``.
        ``make report`` on the seeds passes the project's ``figures/`` (rewritten with the same
        bytes when nothing changed), which is then copied into ``report_dir/figures``.
    execute : run the notebooks first (papermill; the analyses in parallel, ``jobs`` at a time,
        then the ``00_`` findings notebook). ``False`` renders them as they are, e.g. the
        committed notebooks, which nbval keeps equal to a fresh run on the seeds.

    Returns
    -------
    Path of ``index.html``. The committed notebooks are never written.
    """
    import shutil
    from concurrent.futures import ThreadPoolExecutor

    out = Path(report_dir)
    out.mkdir(parents=True, exist_ok=True)
    sources = sorted((Path(p) for p in (notebooks or report_notebooks())), key=lambda p: p.name)
    corpus_path = Path(corpus) if corpus is not None else PROJECT_ROOT / "seeds"
    rendered = sources
    figures = Path(figures_dir) if figures_dir is not None else out / "figures"
    if execute:
        def run(source: Path) -> Path:
            return write_executed_notebook(source, out / "notebooks" / source.name,
                                           figures=figures, corpus=corpus)

        analyses = [p for p in sources if not p.name.startswith(_FINDINGS_PREFIX)]
        findings = [p for p in sources if p.name.startswith(_FINDINGS_PREFIX)]
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            done = dict(zip(analyses, pool.map(run, analyses), strict=True))
        done.update({p: run(p) for p in findings})
        rendered = [done[p] for p in sources]
        if figures.resolve() != (out / "figures").resolve():
            shutil.copytree(figures, out / "figures", dirs_exist_ok=True)
        footer = ("Code is hidden. The executed notebooks are in notebooks/; every figure, "
                  "with the data it plots as CSV, is in figures/.")
    else:
        footer = "Code is hidden; the notebooks in the project's notebooks/ folder hold it."
    footer = f"{title} · corpus: {corpus_path.name} · {footer}"

    notebooks_read = [_read_notebook(path) for path in rendered]
    pages = [notebook_summary(nb, source.stem) for source, nb in zip(sources, notebooks_read, strict=True)]
    links = [{"href": f"{page['stem']}.html", "title": page["title"]} for page in pages]
    for i, (page, nb, path) in enumerate(zip(pages, notebooks_read, rendered, strict=True)):
        png = key_figure(nb)
        page["thumbnail"] = thumbnail_data_uri(png) if png else ""
        page_html = notebook_html(nb, title=page["title"], footer=footer, base_path=path.parent,
                                  prev_page=links[i - 1] if i else None,
                                  next_page=links[i + 1] if i + 1 < len(links) else None)
        (out / f"{page['stem']}.html").write_text(page_html, encoding="utf-8")
    current = {f"{p['stem']}.html" for p in pages}
    for stale in out.glob("[0-9][0-9]_*.html"):
        if stale.name not in current:
            stale.unlink()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)  # the loading page reports them
        loaded = load_corpus(corpus_path)
    return _write_report_index(out, pages, loaded, title=title, footer=footer,
                              subtitle=f"Corpus: {corpus_path.name}. One page per notebook; "
                                       "each states its question, its evidence and its limits.")
