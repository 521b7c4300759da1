"""The stakeholder HTML report: executed notebooks rendered with code hidden, one template,
embedded images, an index page with a card per notebook, a glossary page and the data
folder. Pages quote untrusted article text: every script is forbidden, only inline images and
styles are allowed.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from pathlib import Path

from newsdesk.corpus.schema import CorpusWarning
from newsdesk.paths import PROJECT_ROOT
from newsdesk.report_data import join_article_stance, report_data_files
from newsdesk.report_findings import key_findings_html, source_key_findings
from newsdesk.report_index import (
    REPORT_CSP,
    REPORT_CSS,
    REPORT_TEMPLATE_DIR,
    corpus_overview,
    index_articles,
    key_figure,
    notebook_summary,
    plain_markdown,
    render_index,
    thumbnail_data_uri,
)
from newsdesk.report_links import GLOSSARY_PAGE, link_page_text, load_glossary, render_glossary
from newsdesk.report_pages import ReportPagePreprocessor, load_column_labels
from newsdesk.report_source import ReportSource, report_source, table_folder

__all__ = [
    "APPENDIX_PAGES",
    "CELL_TIMEOUT",
    "INLINE_BACKEND",
    "REPORT_DISPLAY_EXTENSION",
    "TEXT_ONLY_PAGES",
    "notebook_html",
    "notebook_page",
    "report_folder",
    "report_notebooks",
    "write_executed_notebook",
    "write_report",
]

# The report is a folder of static HTML pages that can be zipped and e-mailed: nothing is
# fetched from the network and nothing runs in the reader's browser.
_REPORT_TITLE = "Coverage of DeepSeek and US chip export controls"
_REPORT_TEMPLATE = "report"  # extends JupyterLab's template; see report_template/report/
_REPORT_NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"  # report pages, in file-name order: 00 comes first
_FINDINGS_PREFIX = "00_"  # the summary runs after the analyses, so it can read what they wrote
# Pages listed under "Appendix" after the findings' cards: how the pipeline scales is about the
# method, not a finding about the coverage.
APPENDIX_PAGES = ("05_scaling",)
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"  # figures must show in the pages
CELL_TIMEOUT = 1200  # seconds one notebook cell may run while the report is built
# Loaded in the kernel that runs a report notebook: tables show a head and carry their CSV.
REPORT_DISPLAY_EXTENSION = "newsdesk.report_display"
_DATA_PARAMETER_RE = re.compile(r"^DATA\s*=", re.MULTILINE)  # a notebook that writes data files
# Pages that need article texts whatever the corpus: the scaling page learns its generator from
# them, so for a table folder (run_pipeline_dask) it keeps its own CORPUS default, the seeds.
TEXT_ONLY_PAGES = ("05_scaling",)

_RESERVED_FOLDERS = {"notebooks", "figures", "data"}  # a report's own subfolders
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


def _figure_alt_texts(nb) -> None:
    """Give each code cell the plain text of the markdown just before it, for image alt text."""
    previous = ""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            lines = [ln for ln in "".join(cell.source).splitlines() if ln.strip()]
            previous = plain_markdown(lines[-1].lstrip("#")) if lines else previous
        elif cell.cell_type == "code":
            cell.metadata["report_alt"] = previous or "Figure"


def notebook_page(nb: dict, *, title: str, stem: str = "page", footer: str = "",
                  base_path: str | Path = "", index_label: str = "All findings",
                  prev_page: dict | None = None, next_page: dict | None = None,
                  column_labels: dict[str, str] | None = None, glossary: list | None = None,
                  pages: dict[str, str] | None = None) -> tuple[str, dict[str, str]]:
    """A notebook as a report page, and the CSV files of its long tables.

    Parameters
    ----------
    nb : an executed notebook (``NotebookNode`` or dict); it is not modified.
    title : the page title. stem : the page's file stem (``03_export_control_stance``), which
        names its table CSVs. footer : plain text at the foot of the page.
    base_path : folder that relative image paths in markdown cells are read from, so those
        images are embedded too. index_label : text of the link back to the index.
    prev_page, next_page : ``{"href", "title"}`` of the neighbouring pages for the pager, or ``None``.
    column_labels : plain-word headers (:func:`load_column_labels`); by default none.
    glossary, pages : when given, the page's prose gets links to the glossary and to the
        notebook pages it names (:func:`link_page_text`).
    Cells tagged ``parameters`` or ``report-hide``, warnings, pandas' position index and NaN
    cells are left off (:class:`ReportPagePreprocessor`).

    Returns
    -------
    ``(html, tables)``: a standalone HTML document (images are ``data:`` URIs, no script and no
    external resource, a Content-Security-Policy ``REPORT_CSP`` that forbids scripts), and
    ``{"data/tables/<stem>-NN.csv": csv text}`` for the page's long tables, which it links.
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
                            "prev": prev_page, "next": next_page, "stem": stem,
                            "glossary": GLOSSARY_PAGE, "column_labels": column_labels or {}}}
    body, resources = exporter.from_notebook_node(node, resources=resources)
    if glossary is not None or pages is not None:
        body = link_page_text(body, glossary or [], pages or {}, own_page=f"{stem}.html")
    return body, dict(sorted(resources.get("report_tables", {}).items()))


def notebook_html(nb: dict, *, title: str, footer: str = "", base_path: str | Path = "",
                  index_label: str = "All findings", prev_page: dict | None = None,
                  next_page: dict | None = None) -> str:
    """The HTML of :func:`notebook_page` alone (the page's long tables are not written)."""
    return notebook_page(nb, title=title, footer=footer, base_path=base_path,
                         index_label=index_label, prev_page=prev_page, next_page=next_page)[0]


def _declares_data(source: Path) -> bool:
    """Whether a notebook's parameters cell sets ``DATA`` (it writes report data files)."""
    cells = _read_notebook(source).cells
    return any(_DATA_PARAMETER_RE.search(cell.source) for cell in cells
               if "parameters" in cell.get("metadata", {}).get("tags", []))


def write_executed_notebook(source: str | Path, dest: str | Path, *, figures: str | Path,
                            corpus: str | Path | None = None, data: str | Path | None = None,
                            timeout: int = CELL_TIMEOUT) -> Path:
    """Execute a notebook top to bottom with papermill and write the executed copy to ``dest``.

    The kernel (``python3`` of this environment) starts in the notebook's own folder, so its
    default paths hold. ``figures`` replaces the ``FIGURES`` parameter, ``corpus``, when given,
    the ``CORPUS`` parameter, and ``data``, when given and the notebook has a ``DATA``
    parameter, that one (all as absolute paths). Figures are drawn with the inline
    backend whatever ``MPLBACKEND`` says, so they show in the page; the kernel loads
    ``REPORT_DISPLAY_EXTENSION`` (with no other IPython profile), so tables carry their whole
    data for the page. ``timeout`` is in seconds
    per cell. The copy carries no timestamps or random cell ids, so a rerun writes the same
    bytes. Raises ``RuntimeError`` naming the notebook, with papermill's last lines, when a
    cell fails.
    """
    import subprocess
    import sys
    import tempfile

    source, dest = Path(source).resolve(), Path(dest).resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "papermill", str(source), str(dest), "--cwd", str(source.parent),
           "--kernel", "python3", "--log-level", "WARNING", "--no-progress-bar",
           "--execution-timeout", str(int(timeout)), "-r", "FIGURES", str(Path(figures).resolve())]
    if corpus is not None:
        cmd += ["-r", "CORPUS", str(Path(corpus).resolve())]
    if data is not None and _declares_data(source):
        cmd += ["-r", "DATA", str(Path(data).resolve())]
    with tempfile.TemporaryDirectory() as ipython_dir:
        profile = Path(ipython_dir) / "profile_default"
        profile.mkdir()
        (profile / "ipython_kernel_config.py").write_text(
            f"c.InteractiveShellApp.extensions = [{REPORT_DISPLAY_EXTENSION!r}]\n", encoding="utf-8")
        env = {**os.environ, "MPLBACKEND": INLINE_BACKEND, "IPYTHONDIR": ipython_dir}
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


def _write_report_index(report_dir: str | Path, pages: list[dict], source: ReportSource, *,
                       title: str = _REPORT_TITLE, subtitle: str = "", footer: str = "",
                       column_labels: dict[str, str] | None = None) -> Path:
    """Write ``index.html`` into ``report_dir``: the key findings, then one card per page (see
    :func:`render_index`), the appendix, the data files, with the corpus's date range, article
    count and article list (for a table folder, from its article metadata). Returns its path."""
    from newsdesk.report_pages import column_label

    out = Path(report_dir) / "index.html"
    corpus = source.corpus
    titles = {page["stem"]: page["title"] for page in pages}
    found = [(stem, finding) for stem, finding in source_key_findings(source) if stem in titles]
    articles = index_articles(corpus)
    articles.columns = [column_label(c, column_labels or {}) for c in articles.columns]
    html_text = render_index(pages, corpus_overview(corpus), articles,
                             title=title, subtitle=subtitle, footer=footer,
                             findings_html=key_findings_html(found, titles),
                             data_files=report_data_files(report_dir))
    out.write_text(html_text, encoding="utf-8")
    return out


def _thumbnails(pages: list[dict], notebooks: list) -> None:
    """Set each page's ``thumbnail``: its key figure, scaled; none for the findings summary
    (its charts repeat the analyses'), and none that repeats an earlier card's image."""
    seen: set[str] = set()
    for page, nb in zip(pages, notebooks, strict=True):
        png = None if page["stem"].startswith(_FINDINGS_PREFIX) else key_figure(nb)
        thumbnail = thumbnail_data_uri(png) if png else ""
        page["thumbnail"] = "" if thumbnail in seen else thumbnail
        seen.add(thumbnail)


def _write_pages(out: Path, pages: list[dict], notebooks: list, rendered: list[Path],
                 footer: str) -> None:
    """Write every notebook page, its long tables' CSVs and the glossary page into ``out``;
    remove stale ``NN_*.html`` pages and table CSVs."""
    import shutil

    labels, glossary = load_column_labels(), load_glossary()
    shown = [page for page in pages if not page.get("appendix")] + [p for p in pages if p.get("appendix")]
    links = [{"href": f"{page['stem']}.html", "title": page["title"]} for page in shown]
    numbers = {page["stem"][:2]: f"{page['stem']}.html" for page in pages}
    shutil.rmtree(out / "data" / "tables", ignore_errors=True)
    by_stem = {page["stem"]: (nb, path) for page, nb, path in zip(pages, notebooks, rendered, strict=True)}
    for i, page in enumerate(shown):
        nb, path = by_stem[page["stem"]]
        page_html, tables = notebook_page(
            nb, title=page["title"], stem=page["stem"], footer=footer, base_path=path.parent,
            prev_page=links[i - 1] if i else None,
            next_page=links[i + 1] if i + 1 < len(links) else None,
            column_labels=labels, glossary=glossary, pages=numbers)
        (out / f"{page['stem']}.html").write_text(page_html, encoding="utf-8")
        for href, text in tables.items():
            (out / href).parent.mkdir(parents=True, exist_ok=True)
            (out / href).write_text(text, encoding="utf-8")
    current = {f"{p['stem']}.html" for p in pages}
    for stale in out.glob("[0-9][0-9]_*.html"):
        if stale.name not in current:
            stale.unlink()
    (out / GLOSSARY_PAGE).write_text(render_glossary(
        glossary, title=_REPORT_TITLE, css=REPORT_CSS.read_text(encoding="utf-8"), csp=REPORT_CSP,
        footer=footer), encoding="utf-8")


def _copy_linked_figures(notebooks: list, source: Path, dest: Path) -> None:
    """Copy into ``dest`` each figure CSV (and its PNG) that the notebooks' figures link to
    (``figure_csv`` output metadata) and ``source`` holds."""
    import shutil

    names = sorted({output.get("metadata", {}).get("image/png", {}).get("figure_csv", "")
                    for nb in notebooks for cell in nb.cells for output in cell.get("outputs", [])})
    for name in filter(None, names):
        for path in (source / name, (source / name).with_suffix(".png")):
            if path.is_file() and path.resolve() != (dest / path.name).resolve():
                dest.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, dest / path.name)


def write_report(report_dir: str | Path, notebooks: list[str | Path] | None = None, *,
                 corpus: str | Path | None = None, title: str = _REPORT_TITLE,
                 execute: bool = True, jobs: int = 2,
                 figures_dir: str | Path | None = None,
                 appendix: tuple[str, ...] = APPENDIX_PAGES) -> Path:
    """Build the HTML report: one page per notebook, ``glossary.html`` and ``index.html``, in
    ``report_dir``.

    Parameters
    ----------
    report_dir : output folder, created if needed. It ends up holding ``index.html``, one
        ``NN_name.html`` per notebook (stale ``NN_*.html`` pages are removed), the glossary,
        ``data/tables/`` (each page's long tables as CSV) and, when executing, ``data/``
        (``articles.csv``, ``sentences.csv``, ``pairs.csv``, written by the notebooks),
        ``notebooks/`` (the executed copies) and ``figures/`` (PNG + CSV).
    notebooks : the notebooks, shown in file-name order; default :func:`report_notebooks`.
    corpus : a corpus for :func:`load_corpus`, or a folder :func:`run_pipeline_dask` wrote
        (checked first: :func:`check_table_folder`), given to every notebook as ``CORPUS``
        (but ``TEXT_ONLY_PAGES`` for a table folder); ``None`` keeps the notebooks' own
        default (the seeds).
    title : the index heading.
    figures_dir : where the notebooks write their figures; default ``report_dir/figures``.
        ``make report`` on the seeds passes the project's ``figures/`` (rewritten with the same
        bytes when nothing changed), which is then copied into ``report_dir/figures``. Not
        executing, the figures the pages link to are copied from it, by default from the
        ``figures/`` folder beside the notebooks' folder (their own ``FIGURES`` default).
    execute : run the notebooks first (papermill; the analyses in parallel, ``jobs`` at a time,
        then the ``00_`` findings notebook). ``False`` renders them as they are, e.g. the
        committed notebooks, which nbval keeps equal to a fresh run on the seeds.
    appendix : stems of the pages listed under "Appendix", after the cards and last in the
        pager (``APPENDIX_PAGES``).

    Returns
    -------
    Path of ``index.html``. The committed notebooks are never written.
    """
    import shutil
    from concurrent.futures import ThreadPoolExecutor

    tables = table_folder(corpus) if corpus is not None else None  # raises on a broken folder
    out = Path(report_dir)
    out.mkdir(parents=True, exist_ok=True)
    sources = sorted((Path(p) for p in (notebooks or report_notebooks())), key=lambda p: p.name)
    corpus_path = Path(corpus) if corpus is not None else PROJECT_ROOT / "seeds"
    rendered = sources
    figures = Path(figures_dir) if figures_dir is not None else out / "figures"
    if execute:
        shutil.rmtree(out / "data", ignore_errors=True)

        def run(source: Path) -> Path:
            given = None if tables is not None and source.stem in TEXT_ONLY_PAGES else corpus
            return write_executed_notebook(source, out / "notebooks" / source.name,
                                           figures=figures, corpus=given, data=out / "data")

        analyses = [p for p in sources if not p.name.startswith(_FINDINGS_PREFIX)]
        findings = [p for p in sources if p.name.startswith(_FINDINGS_PREFIX)]
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            done = dict(zip(analyses, pool.map(run, analyses), strict=True))
        done.update({p: run(p) for p in findings})
        rendered = [done[p] for p in sources]
        join_article_stance(out / "data")
        if figures.resolve() != (out / "figures").resolve():
            shutil.copytree(figures, out / "figures", dirs_exist_ok=True)
        footer = ("Code is hidden. The executed notebooks are in notebooks/; every figure, "
                  "with the data it plots as CSV, is in figures/; the tables are in data/.")
    else:
        footer = "Code is hidden; the notebooks in the project's notebooks/ folder hold it."
    footer = f"{title} · corpus: {corpus_path.name} · {footer}"

    notebooks_read = [_read_notebook(path) for path in rendered]
    if not execute and sources:
        # The notebooks' own FIGURES default, "../figures", holds what their figures link to.
        _copy_linked_figures(notebooks_read, Path(figures_dir) if figures_dir is not None
                             else sources[0].resolve().parent.parent / "figures", out / "figures")
    pages = [notebook_summary(nb, source.stem) for source, nb in zip(sources, notebooks_read, strict=True)]
    for page in pages:
        page["appendix"] = page["stem"] in appendix
    _thumbnails(pages, notebooks_read)
    _write_pages(out, pages, notebooks_read, rendered, footer)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)  # the loading page reports them
        loaded = report_source(corpus_path)
    return _write_report_index(out, pages, loaded, title=title, footer=footer,
                               column_labels=load_column_labels(),
                               subtitle=f"Corpus: {corpus_path.name}. One page per notebook; "
                                        "each states its question, its evidence and its limits.")
