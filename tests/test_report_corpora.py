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


# --- how the pages read: whole tables, plain headers, data files, glossary ------------------

TRUNCATION_CELLS = {"...", "…"}  # pandas' marker of a row or column it left out


@pytest.mark.parametrize("name", ["seeds", "csv", "html"])
def test_no_table_is_cut_and_long_ones_link_their_whole_data(reports, name):
    for page in sorted(reports[name].glob("[0-9][0-9]_*.html")):
        root = lxml.html.parse(str(page)).getroot()
        cells = [c.text_content().strip() for c in root.xpath("//table//td | //table//th")]
        assert not TRUNCATION_CELLS.intersection(cells), page.name
        assert "rows × " not in page_text(page), page.name
        for note in root.xpath("//p[@class='report-table-data']"):
            shown, rows = map(int, re.findall(r"\d+", note.text_content())[:2])
            table = pd.read_csv(reports[name] / note.find("a").get("href"), dtype=str)
            assert len(table) == rows > shown == helpers.TABLE_HEAD_ROWS, page.name


@pytest.mark.parametrize("name", ["seeds", "csv"])
def test_headers_are_plain_words(reports, name):
    labels = helpers.load_column_labels()
    for page in sorted(reports[name].glob("*.html")):
        root = lxml.html.parse(str(page)).getroot()
        heads = {th.text_content().strip() for th in root.xpath("//table/thead//th")}
        assert not {h for h in heads if "_" in h} - set(labels.values()), page.name
        assert "doc_id" not in heads, page.name


@pytest.mark.parametrize("name", ["csv", "html"])
def test_data_folder_holds_articles_sentences_and_pairs(corpora, reports, name):
    data = reports[name] / "data"
    read = {"dtype": str, "keep_default_na": False}
    corpus = load_quietly(corpora[name])
    articles = pd.read_csv(data / "articles.csv", **read)
    assert articles["doc_id"].tolist() == sorted(corpus["doc_id"])
    assert {"outlet", "origin", "headline", "published", "date_basis", "words", "language",
            "duplicate_of", "stance"} <= set(articles.columns)
    sentences = pd.read_csv(data / "sentences.csv", **read)
    assert set(sentences["doc_id"]) <= set(corpus["doc_id"])
    assert {"sentence", "stance", "speaker", "confidence", "reason"} <= set(sentences.columns)
    assert sentences["stance"].isin(["favor", "against", "none"]).all()
    pairs = pd.read_csv(data / "pairs.csv", **read)
    n = len(corpus)
    assert len(pairs) == n * (n - 1) // 2 and (pairs["doc_a"] < pairs["doc_b"]).all()
    assert list(pairs[["doc_a", "doc_b"]].itertuples(index=False)) == sorted(
        pairs[["doc_a", "doc_b"]].itertuples(index=False))
    assert not (data / "article_stance.csv").exists()
    for table in (articles, sentences, pairs):
        text = table.to_numpy().ravel().tolist()
        assert not [v for v in text if v[:1] in ("=", "+", "@") and not re.fullmatch(r"[-+]?[\d.]+", v)]
    links = lxml.html.parse(str(reports[name] / "index.html")).getroot().xpath(
        "//section[@class='report-data']//a/@href")
    assert links == ["data/articles.csv", "data/sentences.csv", "data/pairs.csv"]


@pytest.mark.parametrize("name", ["seeds", "csv", "html"])
def test_index_thumbnails_are_distinct_and_scaling_is_an_appendix(reports, name):
    root = lxml.html.parse(str(reports[name] / "index.html")).getroot()
    thumbs = root.xpath("//a[@class='report-thumb']/img/@src")
    assert thumbs and len(thumbs) == len(set(thumbs))
    cards = root.xpath("//li[@class='report-card']//h2/a/@href")
    assert "05_scaling.html" not in cards
    if name == "seeds":
        assert root.xpath("//section[@class='report-appendix']//a/@href") == ["05_scaling.html"]


@pytest.mark.parametrize("name", ["seeds", "csv"])
def test_pages_link_the_glossary_and_other_pages(reports, name):
    folder = reports[name]
    anchors = set(lxml.html.parse(str(folder / "glossary.html")).getroot().xpath("//div/@id"))
    stems = {p.name for p in folder.glob("[0-9][0-9]_*.html")}
    for page in sorted(folder.glob("[0-9][0-9]_*.html")):
        root = lxml.html.parse(str(page)).getroot()
        assert root.xpath("//nav//a[@href='glossary.html']"), page.name
        terms = root.xpath("//a[@class='report-term']/@href")
        assert len(terms) == len(set(terms)), f"{page.name}: a term linked twice"
        assert {t.split("#")[1] for t in terms} <= anchors, page.name
        assert set(root.xpath("//a[@class='report-xref']/@href")) <= stems - {page.name}, page.name
    overlap = lxml.html.parse(str(folder / "04_source_overlap.html")).getroot()
    assert {"glossary.html#containment", "glossary.html#jaccard"} <= set(
        overlap.xpath("//a[@class='report-term']/@href"))


def test_key_findings_say_which_articles_the_stance_shares_leave_out(corpora):
    texts = [finding.text for _, finding in helpers.key_findings(load_quietly(corpora["csv"]))]
    off_topic = [t for t in texts if " off topic: " in t]
    assert len(off_topic) == 1 and "w4" in off_topic[0] and "left out of the stance shares" in off_topic[0]
    shares = next(t for t in texts if t.startswith("Article stance"))
    assert sum(int(n) for n in re.findall(r"(\d+) articles?\b", shares)) == 16  # 17 less w4
