"""The report on three corpora: the seeds, a generated three-month Media Cloud-style CSV (a
verbatim copy, a paraphrase, an off-topic story) and a folder of saved HTML pages.

Each corpus's report is built once per module. The non-seed reports execute notebooks 00 to
04; notebook 05 generates its own corpus whatever it is given, so it is left out. The seeds'
report renders the committed notebooks, which nbval keeps equal to a
fresh run on the seeds.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import lxml.html
import pandas as pd
import pytest
import report_corpora

import helpers

ROOT = Path(__file__).resolve().parents[1]
BUILT = ("00_", "01_", "02_", "03_", "04_")  # notebooks executed for a non-seed corpus (see above)
SEED_ID_RE = re.compile(r"(?<![\w,.])00[0-4](?![\w,.])")  # the seeds' ids: 000 … 004
ABSOLUTE_PATH_RE = re.compile(r"(?<![\w.])/(?:tmp|work|home|root|usr|var)/\S+")
WARNING_RE = re.compile(r"\b\w*Warning\b|warnings\.warn")
NUMBER_RE = re.compile(r"(?<![\w.])[-−]?\d[\d,]*(?:\.\d+)?%?")
# Method settings a finding may name beside its data: the z threshold, the fewest periods
# for a trend.
METHOD_NUMBERS = {helpers.Z_95, float(helpers.TREND_MIN_PERIODS)}
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("corpora")
    return {"seeds": ROOT / "seeds",
            "csv": report_corpora.write_generated_csv(base / "csv"),
            "html": report_corpora.write_html_folder(base / "html")}


@pytest.fixture(scope="module")
def reports(corpora, tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("reports")
    built = {"seeds": helpers.write_report(base / "seeds", execute=False).parent}
    notebooks = [p for p in helpers.report_notebooks() if p.name.startswith(BUILT)]
    for name in ("csv", "html"):
        built[name] = helpers.write_report(base / name, notebooks, corpus=corpora[name]).parent
    return built


def page_text(path: Path) -> str:
    """The visible text of a page: no style or script element, no attribute."""
    root = lxml.html.parse(str(path)).getroot()
    for element in root.xpath("//style|//script"):
        element.getparent().remove(element)
    return root.text_content()


def load_quietly(path: Path) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", helpers.CorpusWarning)
        return helpers.load_corpus(path)


def supported_numbers(table: pd.DataFrame) -> set[float]:
    """Numbers a finding may state about ``table``: its cells, column sums, counts of nonzero
    cells and of each value, and its row count."""
    found = {0.0, float(len(table)), *METHOD_NUMBERS}  # a count of zero says something is absent
    for column in table.columns:
        values = table[column]
        numeric = pd.to_numeric(values, errors="coerce").dropna()
        found.update(numeric.round(4).tolist())
        if len(numeric):
            found.update({round(float(numeric.sum()), 4), float((numeric != 0).sum())})
        found.update(float(n) for n in values.astype(str).value_counts().tolist())
        found.add(float(values.astype(str).nunique()))
    return found


def unsupported(finding: helpers.Finding) -> list[str]:
    """The numbers of a finding's text that its evidence table does not hold."""
    cells = {str(v) for v in finding.evidence.astype(str).to_numpy().ravel()}
    text = finding.text
    for date in DATE_RE.findall(text):
        assert any(date in cell for cell in cells), f"{date} not in the evidence of: {text}"
    support = supported_numbers(finding.evidence)
    missing = []
    for token in NUMBER_RE.findall(DATE_RE.sub(" ", text)):
        if token in cells:
            continue
        value = float(token.rstrip("%").replace(",", "").replace("−", "-"))
        candidates = [value / 100] if token.endswith("%") else [value]
        tolerance = 0.005 if token.endswith("%") else 0.0051 if "." in token else 0.0
        if not any(abs(c - s) <= tolerance for c in candidates for s in support):
            missing.append(token)
    return missing


def computed_findings(corpus: pd.DataFrame) -> list[helpers.Finding]:
    """The findings of the loading and term analyses with their evidence tables."""
    model = helpers.fit_term_model(corpus)
    trends = helpers.term_trends(corpus, freq=helpers.suggest_freq(corpus), model=model)
    split = helpers.default_contrast(corpus)
    contrast = helpers.contrast_groups(corpus, split["ids_a"], split["ids_b"], model)
    terms = helpers.term_findings(corpus, helpers.top_terms(corpus, model=model),
                                  helpers.policy_word_counts(corpus), trends, split, contrast)
    return [*helpers.corpus_findings(corpus), *helpers.loading_findings(corpus), *terms]


@pytest.mark.parametrize("name", ["seeds", "csv", "html"])
def test_every_finding_number_is_in_the_table_it_cites(corpora, name):
    for finding in computed_findings(load_quietly(corpora[name])):
        if finding.evidence.empty:
            assert not NUMBER_RE.findall(DATE_RE.sub(" ", finding.text)), finding.text
            continue
        assert unsupported(finding) == [], finding.text


@pytest.mark.parametrize("name", ["csv", "html"])
def test_non_seed_reports_never_mention_the_seeds(reports, name):
    for page in sorted(reports[name].glob("*.html")):
        text = page_text(page)
        assert "seed" not in text.lower(), page.name
        assert not SEED_ID_RE.findall(text), page.name


@pytest.mark.parametrize("name", ["seeds", "csv", "html"])
def test_pages_show_no_warning_path_parameters_or_row_numbers(reports, name):
    for page in sorted(reports[name].glob("*.html")):
        text = page_text(page)
        assert not WARNING_RE.findall(text), page.name
        assert not ABSOLUTE_PATH_RE.findall(text), page.name
        assert "CORPUS =" not in text and "FIGURES =" not in text and "Configuration" not in text, page.name
        for table in lxml.html.parse(str(page)).getroot().iter("table"):
            labels = [row.find("th").text_content().strip() for row in table.findall("./tbody/tr")
                      if row.find("th") is not None]
            assert not (labels and labels == [str(i) for i in range(len(labels))]), page.name


@pytest.mark.parametrize("name", ["seeds", "csv", "html"])
def test_index_opens_with_key_findings_linked_to_their_pages(reports, name):
    root = lxml.html.parse(str(reports[name] / "index.html")).getroot()
    box = root.xpath("//section[@class='report-key-findings']")
    assert box, "no key-findings box"
    items = box[0].findall(".//li")
    assert 5 <= len(items) <= 8
    for item in items:
        href = item.xpath(".//a[@class='report-evidence']/@href")[0]
        assert (reports[name] / href).exists(), href


@pytest.mark.parametrize("name", ["csv", "html"])
def test_figure_data_links_resolve(reports, name):
    for page in sorted(reports[name].glob("*.html")):
        for href in lxml.html.parse(str(page)).getroot().xpath("//p[@class='report-figure-data']/a/@href"):
            assert (reports[name] / href).exists(), f"{page.name}: {href}"


def test_the_off_topic_story_is_flagged_and_the_copy_and_paraphrase_are_not(corpora):
    flagged = helpers.off_topic_articles(load_quietly(corpora["csv"]))["doc_id"].tolist()
    assert "w4" in flagged
    assert not {"w1", "w2", "w3"} & set(flagged)


def test_the_copy_and_the_paraphrase_join_their_original_in_one_story(corpora):
    pairs = helpers.overlap_pairs(load_quietly(corpora["csv"])).set_index(["doc_a", "doc_b"])["relation"]
    assert pairs[("w1", "w2")] == "duplicate/syndicated copy"
    assert pairs[("w1", "w3")] == "retelling of the same story"
    assert pairs[("w1", "w4")] == "unrelated"
