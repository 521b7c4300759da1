"""The report's data folder: the tables behind the pages as spreadsheet-safe CSV files, written
by the notebooks as they compute them (``articles.csv`` by 01, ``sentences.csv`` and the
article stance by 03, ``pairs.csv`` by 04) and listed on the index.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from newsdesk.paths import PROJECT_ROOT
from newsdesk.report_display import table_csv

__all__ = [
    "DATA_FILES_LIST",
    "article_stance_table",
    "article_table",
    "join_article_stance",
    "pair_table",
    "report_data_files",
    "save_report_table",
    "sentence_table",
]

DATA_FILES_LIST = PROJECT_ROOT / "report_template" / "data_files.csv"  # file, about: the index's list
_TABLE_NAME_RE = re.compile(r"[a-z0-9_-]+")  # a data file's name, without .csv
_STANCE_FILE = "article_stance"  # 03 writes it beside 01's articles; joined after both ran
_DECIMALS = 4  # measures and probabilities in the data files


def save_report_table(table: pd.DataFrame, name: str, data_dir: str | Path) -> None:
    """Write ``table`` to ``<data_dir>/<name>.csv`` (spreadsheet-safe, no row numbers, ``\\n``
    line ends); nothing when ``data_dir`` is "" (a notebook run outside the report).

    ``name`` is lower-case letters, digits, ``_`` and ``-`` only, else a ``ValueError``.
    """
    if not _TABLE_NAME_RE.fullmatch(name):
        raise ValueError(f"report table name {name!r}: use lower-case letters, digits, _ and - only")
    if not str(data_dir):
        return
    folder = Path(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.csv").write_text(table_csv(table.reset_index(drop=True)), encoding="utf-8")


def article_table(corpus: pd.DataFrame) -> pd.DataFrame:
    """One row per article of a loaded corpus, by ``doc_id``: ``doc_id, outlet, origin, headline,
    published`` (``YYYY-MM-DD``, "" when undated), ``date_basis, words, sentences, language,
    duplicate_of, url``."""
    table = pd.DataFrame({
        "doc_id": corpus["doc_id"], "outlet": corpus["outlet"], "origin": corpus["origin"],
        "headline": corpus["headline"],
        "published": corpus["published"].dt.strftime("%Y-%m-%d").fillna(""),
        "date_basis": corpus["date_basis"], "words": corpus["n_words"],
        "sentences": corpus["n_sentences"], "language": corpus["language"],
        "duplicate_of": corpus["duplicate_of"], "url": corpus["url"]})
    return table.sort_values("doc_id", kind="stable").reset_index(drop=True)


def article_stance_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Each article's stance (``article_stance``) for ``articles.csv``: ``doc_id``, ``stance``,
    ``basis`` and the sentence counts, by ``doc_id``; ``net`` rounded."""
    columns = ["doc_id", "stance", "basis", "n_target", "n_favor", "n_against", "net",
               "author_favor", "author_against", "quoted_favor", "quoted_against"]
    table = articles[[c for c in columns if c in articles.columns]].copy()
    if "net" in table:
        table["net"] = table["net"].round(_DECIMALS)
    return table.sort_values("doc_id", kind="stable").reset_index(drop=True)


def sentence_table(details: pd.DataFrame) -> pd.DataFrame:
    """Every sentence that refers to the export controls (``stance_details`` rows with
    ``mentions_target``): ``doc_id, sent_id, sentence, speaker, speaker_type, stance,
    confidence, reason, rule_stance, target_rule, target_match``, by article and position."""
    columns = ["doc_id", "sent_id", "sentence", "speaker", "speaker_type", "stance", "confidence",
               "reason", "rule_stance", "target_rule", "target_match"]
    table = details.loc[details["mentions_target"].astype(bool), columns].copy()
    table["confidence"] = table["confidence"].round(_DECIMALS)
    return table.sort_values(["doc_id", "sent_id"], kind="stable").reset_index(drop=True)


def pair_table(pairs: pd.DataFrame) -> pd.DataFrame:
    """Every compared pair (``overlap_pairs``): ``doc_a, doc_b, relation``, then the measures,
    rounded, by pair."""
    first = ["doc_a", "doc_b", "relation"]
    table = pairs[first + [c for c in pairs.columns if c not in first]].copy()
    decimals = table.select_dtypes("float").columns
    table[decimals] = table[decimals].round(_DECIMALS)
    return table.sort_values(["doc_a", "doc_b"], kind="stable").reset_index(drop=True)


def join_article_stance(data_dir: str | Path) -> None:
    """Add the article stance (``article_stance.csv``, from 03) to ``articles.csv`` (from 01)
    by ``doc_id`` and remove the stance file; nothing when either is missing.

    The two notebooks run side by side, so neither can read the other's table; the cells are
    copied as text, unchanged."""
    folder = Path(data_dir)
    articles, stance = folder / "articles.csv", folder / f"{_STANCE_FILE}.csv"
    if not (articles.exists() and stance.exists()):
        return
    read = {"dtype": str, "keep_default_na": False, "encoding": "utf-8"}
    left, right = pd.read_csv(articles, **read), pd.read_csv(stance, **read)
    joined = left.merge(right, on="doc_id", how="left", validate="one_to_one").fillna("")
    articles.write_text(joined.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    stance.unlink()


def report_data_files(report_dir: str | Path, listing: str | Path = DATA_FILES_LIST) -> list[dict]:
    """The data files a report folder holds, in the order of ``listing`` (a CSV with
    ``file,about``): ``href`` (``data/<file>``), ``name`` and ``about`` of each that exists."""
    with Path(listing).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [{"href": f"data/{row['file']}", "name": row["file"], "about": row["about"]}
            for row in rows if (Path(report_dir) / "data" / row["file"]).is_file()]
