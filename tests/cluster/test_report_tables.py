"""The report of a corpus the notebooks never hold: run_pipeline_dask writes a generated corpus's
tables, and notebooks 00 to 04 render them. The pages show the tables' numbers, never an
article's text, and never fall back to the seeds."""

import re
import warnings

import lxml.html
import pandas as pd
import pytest

import helpers

N_ARTICLES = 40  # small: two workers and five notebooks on a shared two-core machine
BUILT = ("00_", "01_", "02_", "03_", "04_")  # notebook 05 generates its own corpus from texts
SEED_ID_RE = re.compile(r"(?<![\w,.])00[0-4](?![\w,.])")  # the seeds' ids: 000 … 004
MIN_WORDS = 8  # a run of this many words of an article is its text, not a term or a name


@pytest.fixture(scope="module")
def built(tmp_path_factory, client, write_export):
    """The generated export, the table folder and the report rendered from it."""
    warnings.simplefilter("ignore")
    root = tmp_path_factory.mktemp("report_tables")
    export = write_export(root, N_ARTICLES, seed=7)
    helpers.run_pipeline_dask(root / "shards", root / "tables", client)
    notebooks = [p for p in helpers.report_notebooks() if p.name.startswith(BUILT)]
    index = helpers.write_report(root / "report", notebooks, corpus=root / "tables")
    return {"export": export, "tables": root / "tables", "report": index.parent}


def page_text(path) -> str:
    """The visible text of a page, white space collapsed."""
    root = lxml.html.parse(str(path)).getroot()
    for element in root.xpath("//style|//script"):
        element.getparent().remove(element)
    return " ".join(root.text_content().split())


def pages(built) -> dict[str, str]:
    return {p.name: page_text(p) for p in sorted(built["report"].glob("*.html"))}


def test_the_folder_carries_its_manifest(built):
    manifest = helpers.check_table_folder(built["tables"])
    assert sorted(manifest["tables"]) == sorted(helpers.CLUSTER_TABLES)
    assert manifest["settings"]["freq"] == "M"


def test_every_page_is_rendered_and_none_names_the_seeds(built):
    shown = pages(built)
    assert sorted(shown) == ["00_findings.html", "01_loading.html", "02_term_trends.html",
                             "03_export_control_stance.html", "04_source_overlap.html",
                             "glossary.html", "index.html"]
    for name, text in shown.items():
        assert not SEED_ID_RE.findall(text), name
        assert "seed" not in text.lower(), name
        assert "Traceback" not in text, name


def test_the_pages_show_the_tables_numbers(built):
    shown = pages(built)
    articles = helpers.read_folder_table(built["tables"], "corpus", ["doc_id"])
    n = len(articles)
    assert n == built["export"]["stories_id"].nunique() == N_ARTICLES
    assert f"Articles{n}" in shown["index.html"].replace(" ", "")
    assert f"{n} articles, " in shown["01_loading.html"]
    pairs = helpers.read_cluster_table(built["tables"], "overlap_pairs")
    said = f"{helpers.number_words(len(pairs), 'candidate pair was', 'candidate pairs were')} measured"
    for name in ("index.html", "00_findings.html", "04_source_overlap.html"):
        assert said in shown[name], name
    stance = helpers.read_cluster_table(built["tables"], "article_stance")["stance"].value_counts()
    assert stance.sum() == n
    for side in ("favor", "against"):
        if side in stance:
            for name in ("index.html", "00_findings.html", "03_export_control_stance.html"):
                assert f"{side}: {helpers.number_words(int(stance[side]), 'article')}" in shown[name], name


def test_no_page_shows_article_text(built):
    export = built["export"]
    headlines = " ".join(export["title"].astype(str))
    runs = set()
    for text in export["text"].astype(str):
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            words = sentence.split()
            if len(words) >= MIN_WORDS and " ".join(words) not in headlines:
                runs.add(" ".join(words[:MIN_WORDS]))
    assert len(runs) > N_ARTICLES  # the check has text to look for
    evidence = pd.read_parquet(built["tables"] / "speaker_stance.parquet")["evidence"].astype(str)
    evidence = " ".join(" ".join(sentence.split()) for sentence in evidence)
    assert any(run in evidence for run in runs)  # a page showing the evidence sentences would fail
    for name, text in pages(built).items():
        found = sorted(run for run in runs if run in text)
        assert not found, (name, found[:3])


def test_what_needs_the_texts_is_said_not_shown(built):
    shown = pages(built)
    assert "Not in this report: every dropped line with its text" in shown["01_loading.html"]
    ledger = helpers.read_cluster_table(built["tables"], "ledger")
    assert all(what in shown["01_loading.html"] for what in ledger["what"])  # what reached the client
    assert "No gold labels are matched in this report" in shown["03_export_control_stance.html"]
    assert "Not in this report: the passages two articles share" in shown["04_source_overlap.html"]
    data = pd.read_csv(built["report"] / "data" / "articles.csv", dtype=str, keep_default_na=False)
    assert "stance" in data.columns and "text" not in data.columns
    assert not (built["report"] / "data" / "sentences.csv").exists()
