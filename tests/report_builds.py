"""Report builds shared by test_report.py and test_browser.py (not a test module).

Each build lives in pytest's session temp folder under a fixed name, so a build made by one
test module is reused by the other instead of running the notebooks twice.
"""

import csv
import subprocess
from pathlib import Path

import helpers

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
SCREENSHOTS = ROOT / "build" / "screenshots"  # ignored by git; reports/ holds only reports

SCRIPT_PAYLOAD = "<script>alert(1)</script>"
IMG_PAYLOAD = "<img src=x onerror=alert(1)>"
PAYLOADS = (SCRIPT_PAYLOAD, IMG_PAYLOAD)
UNTRUSTED_HEADLINE = f"Chip curbs {SCRIPT_PAYLOAD} and {IMG_PAYLOAD} in one headline"
UNTRUSTED_BODY = (
    f"Officials said on Jan. 28, 2025 that the export controls {SCRIPT_PAYLOAD} would stay. "
    f"Analysts disagreed {IMG_PAYLOAD} about whether DeepSeek changed anything.\n"
    "\n"
    f"Related: {SCRIPT_PAYLOAD}\n"
    "\n"
    "The Commerce Department said the rules on advanced chips sold to China were working. "
    "Nvidia said it would comply with the rules.\n"
)
# Two articles, the second a retelling of the first, so that views comparing articles
# (shared passages, side-by-side) also carry the payloads. The second is undated.
UNTRUSTED_ARTICLES = {
    "a_untrusted.txt": ("u1", UNTRUSTED_HEADLINE, "2025-01-28", f"{UNTRUSTED_HEADLINE}\n\n{UNTRUSTED_BODY}"),
    "b_retelling.txt": ("u2", f"Retold: {IMG_PAYLOAD}", "",
                        UNTRUSTED_BODY + "\nA second outlet added one sentence of its own here.\n"),
}


def write_untrusted_corpus(folder: Path) -> Path:
    """A two-article corpus whose headlines, bodies, a dropped line and metadata (outlet,
    origin) carry the payloads."""
    folder.mkdir(parents=True, exist_ok=True)
    fields = ["file", "doc_id", "outlet", "origin", "headline", "published", "date_basis",
              "language", "notes"]
    with (folder / "metadata.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for name, (doc_id, headline, published, text) in UNTRUSTED_ARTICLES.items():
            writer.writerow({"file": name, "doc_id": doc_id, "outlet": SCRIPT_PAYLOAD,
                             "origin": IMG_PAYLOAD, "headline": headline, "published": published,
                             "date_basis": "test fixture" if published else "", "language": "en",
                             "notes": ""})
            (folder / name).write_text(text, encoding="utf-8")
    return folder


def git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout


def untrusted_report(tmp_path_factory) -> Path:
    """The report built (notebooks executed) for the untrusted corpus; its folder.

    Building it must leave the git tree as it was (the committed notebooks, figures/...)."""
    base = tmp_path_factory.getbasetemp()
    out = base / "report-untrusted"
    if not (out / "index.html").exists():
        corpus = write_untrusted_corpus(base / "corpus-untrusted")
        before = git_status()
        helpers.write_report(out, corpus=corpus)
        assert git_status() == before, "building the report changed files in the project"
    return out


def _newest_input() -> float:
    inputs = [*helpers.report_notebooks(), ROOT / "helpers.py", *(ROOT / "newsdesk").rglob("*.py"),
              *helpers.REPORT_TEMPLATE_DIR.rglob("*"), *SEEDS.iterdir()]
    return max(p.stat().st_mtime for p in inputs if p.is_file())


def seeds_report(tmp_path_factory) -> Path:
    """The seeds report: ``reports/`` when ``make report`` left a fresh one (newer than every
    notebook, helpers.py and its package, the template and the seeds, one page per notebook), else the
    committed notebooks rendered into a temp folder (nbval keeps them equal to a fresh run)."""
    existing = ROOT / "reports"
    index = existing / "index.html"
    pages = [existing / f"{p.stem}.html" for p in helpers.report_notebooks()]
    if index.exists() and all(p.exists() for p in pages) and index.stat().st_mtime > _newest_input():
        return existing
    out = tmp_path_factory.getbasetemp() / "report-seeds"
    if not (out / "index.html").exists():
        helpers.write_report(out, execute=False)
    return out


def report_pages(folder: Path) -> list[Path]:
    """index.html first, then every notebook page of a report folder."""
    return [folder / "index.html", *sorted(folder.glob("[0-9][0-9]_*.html"))]
