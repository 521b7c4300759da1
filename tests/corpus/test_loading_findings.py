"""Tests for newsdesk.corpus.summary: loading findings on tiny folders checked by hand."""

import warnings
from pathlib import Path

import helpers

PARA = ("Chipmakers in China face new limits on what they can buy from abroad this year.\n"
        "Officials said the rules would take effect next month, and analysts expect delays.\n")


def load(folder: Path, files: dict[str, str]):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", helpers.CorpusWarning)
        return helpers.load_corpus(folder)


def test_findings_count_dropped_lines_and_name_the_doubled_page(tmp_path):
    corpus = load(tmp_path, {"a.txt": PARA + "Advertisement\n" + PARA,
                             "b.txt": PARA.replace("China", "Korea")})
    found = helpers.loading_findings(corpus)
    summary = found[0].evidence
    dropped, raw = int(summary["dropped_lines"].sum()), int(summary["raw_lines"].sum())
    assert found[0].text.startswith(f"The cleaner dropped {dropped} of {raw} non-blank raw lines")
    assert "every article's raw lines equal" in found[0].text
    assert found[1].text.startswith("Article a keeps the smallest share of its raw words")
    assert found[2].text.startswith("1 page carried text twice, dropped as repeats: a (2 lines)")


def test_no_dated_article_is_no_finding_and_no_repeat_is_said(tmp_path):
    corpus = load(tmp_path, {"a.txt": PARA})
    found = helpers.loading_findings(corpus)
    assert found[2].text == "No page carried any of its text twice."
    assert found[3].text.startswith("0 of 1 article has a known origin; 1 article has none found (a).")
    assert found[3].text.endswith("No article's outlet is known: each is an unknown outlet.")
    assert found[4].text == "No finding on dates: no article could be dated from its metadata or text."
    overview = helpers.corpus_findings(corpus)[0].text
    assert "The corpus holds 1 article." in overview and "No finding across articles" in overview


def test_dates_and_undated_ids(tmp_path):
    meta = ("file,doc_id,origin,published\n"
            "a.txt,x1,Reuters,2025-01-27\nb.txt,x2,,2025-02-03\nc.txt,x3,rewrite of x1,\n")
    corpus = load(tmp_path, {"metadata.csv": meta, "a.txt": PARA, "b.txt": PARA.replace("China", "Japan"),
                             "c.txt": PARA.replace("China", "India")})
    found = helpers.loading_findings(corpus)
    assert found[4].text == ("2 articles can be dated, from 2025-01-27 to 2025-02-03 (8 days); "
                             "1 article stays undated (x3).")
    assert found[3].text.startswith("2 of 3 articles have a known origin: 2 from metadata (Reuters, "
                                    "rewrite of x1); 1 article has none found (x2). 1 is an uncredited "
                                    "rewrite (x3).")


def test_origin_finding_counts_metadata_and_credit_lines(tmp_path):
    meta = "file,outlet,origin\na.txt,Harbour Daily,Reuters\nb.txt,,\nc.txt,,\n"
    corpus = load(tmp_path, {"metadata.csv": meta, "a.txt": PARA,
                             "b.txt": "(Bloomberg) - " + PARA.replace("China", "Japan"),
                             "c.txt": PARA.replace("China", "India")})
    found = helpers.loading_findings(corpus)[3]
    assert found.text == ("2 of 3 articles have a known origin: 1 from metadata (Reuters), 1 from a credit "
                          "line in the text (Bloomberg); 1 article has none found (c). Outlets: Harbour "
                          "Daily; 2 articles have an unknown outlet.")
    assert found.evidence["origin_from"].tolist() == ["metadata", "credit line", "none found"]


def test_empty_corpus_is_no_finding(tmp_path):
    empty = load(tmp_path, {"a.txt": PARA}).iloc[:0]
    assert [f.text for f in helpers.loading_findings(empty)] == ["No finding: the corpus holds no article."]
    assert [f.text for f in helpers.corpus_findings(empty)] == ["No finding: the corpus holds no article."]


def test_origin_evidence_is_a_plain_table(tmp_path):
    corpus = load(tmp_path, {"a.txt": PARA + "Advertisement\n", "b.txt": "(Reuters) - " + PARA})
    evidence = helpers.origin_findings(corpus)[0].evidence
    assert evidence.attrs == {}
    assert evidence.astype(str)["origin"].tolist() == ["unknown", "Reuters"]
