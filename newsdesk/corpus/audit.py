"""Views of what the loader did: the line audit, the problems table, provenance and lengths.
"""

from __future__ import annotations

import pandas as pd

from newsdesk.corpus.schema import AUDIT_COLUMNS, PROBLEM_COLUMNS
from newsdesk.text import split_lines, word_count

__all__ = [
    "audit_by_reason",
    "audit_summary",
    "cleaning_audit",
    "length_before_after",
    "load_problems",
    "most_cleaned_article",
    "provenance_table",
]


def cleaning_audit(corpus: pd.DataFrame) -> pd.DataFrame:
    """Every line the cleaner dropped: ``doc_id, line_no, text, reason, detail``.

    ``line_no`` counts raw lines from 1; ``detail`` names the line a repeat copies.
    """
    return corpus.attrs.get("audit", pd.DataFrame(columns=AUDIT_COLUMNS))


def load_problems(corpus: pd.DataFrame) -> pd.DataFrame:
    """Every problem reported while loading: ``file, problem, action``."""
    return corpus.attrs.get("problems", pd.DataFrame(columns=PROBLEM_COLUMNS))


def provenance_table(corpus: pd.DataFrame) -> pd.DataFrame:
    """Who wrote each article, where the copy came from, and how its origin and date are known:
    ``doc_id, outlet, origin, origin_basis, headline, published, date_basis``."""
    columns = ["doc_id", "outlet", "origin", "origin_basis", "headline", "published", "date_basis"]
    table = corpus[[c for c in columns if c in corpus.columns]].copy()
    table["published"] = table["published"].dt.strftime("%Y-%m-%d").fillna("")
    return table


def audit_summary(corpus: pd.DataFrame) -> pd.DataFrame:
    """Lines kept and dropped per article, with the raw non-blank line count they add up to."""
    audit = cleaning_audit(corpus)
    dropped = audit.groupby("doc_id").size()
    raw = corpus.set_index("doc_id")["raw_text"].map(
        lambda t: sum(1 for ln in split_lines(t) if ln.strip()))
    kept = corpus.set_index("doc_id")["text"].map(lambda t: len(t.split("\n")))
    summary = pd.DataFrame({"raw_lines": raw, "kept_lines": kept,
                            "dropped_lines": dropped.reindex(raw.index, fill_value=0)})
    return summary.reset_index()


def audit_by_reason(corpus: pd.DataFrame) -> pd.DataFrame:
    """Dropped-line counts, articles × reasons (reasons sorted, repeats grouped)."""
    audit = cleaning_audit(corpus)
    table = pd.crosstab(audit["doc_id"], audit["reason"]).sort_index(axis=1)
    return table.reindex(corpus["doc_id"], fill_value=0)


def most_cleaned_article(corpus: pd.DataFrame) -> str:
    """``doc_id`` of the article that lost the most lines to cleaning (first by id on ties)."""
    summary = audit_summary(corpus).sort_values(["dropped_lines", "doc_id"], ascending=[False, True])
    return str(summary["doc_id"].iloc[0])


def length_before_after(corpus: pd.DataFrame) -> pd.DataFrame:
    """Words per article in the raw file and in the clean text."""
    return pd.DataFrame({
        "doc_id": corpus["doc_id"],
        "raw_words": corpus["raw_text"].map(word_count),
        "clean_words": corpus["n_words"],
    })
