"""The loading notebook's findings, computed from the load's own tables so they hold for any
corpus: what the cleaner dropped, which article lost most, who wrote the articles, their dates.
"""

from __future__ import annotations

import pandas as pd

from newsdesk.corpus.audit import audit_by_reason, audit_summary, length_before_after, provenance_table
from newsdesk.corpus.describe import corpus_span
from newsdesk.findings import Finding, number_words, quoted

__all__ = [
    "REPEAT_REASONS",
    "cleaning_findings",
    "corpus_findings",
    "loading_findings",
    "origin_findings",
]

REPEAT_REASONS = ("repeated copy", "repeated text")  # audit reasons for text a page carried twice
_MAX_LISTED = 8  # ids and names listed one by one; the rest are counted
_TOP_REASONS = 3  # reasons named for the article that lost most


def _ids(values: list[str]) -> str:
    """Up to ``_MAX_LISTED`` untrusted ids or names, comma-separated, then "… (N in all)"."""
    shown = ", ".join(quoted(str(v)) for v in values[:_MAX_LISTED])
    return shown + (f" … ({len(values)} in all)" if len(values) > _MAX_LISTED else "")


def _balance(corpus: pd.DataFrame) -> Finding:
    summary = audit_summary(corpus)
    raw, dropped = int(summary["raw_lines"].sum()), int(summary["dropped_lines"].sum())
    unbalanced = summary[summary["raw_lines"] != summary["kept_lines"] + summary["dropped_lines"]]
    books = ("every article's raw lines equal its kept plus dropped lines" if unbalanced.empty else
             f"{number_words(len(unbalanced), 'article')} do not balance: "
             f"{_ids(unbalanced['doc_id'].tolist())}")
    text = (f"The cleaner dropped {dropped} of {raw} non-blank raw lines, each listed with its reason; "
            f"{books}.")
    return Finding(text, summary)


def _most_cleaned(corpus: pd.DataFrame) -> Finding:
    lengths = length_before_after(corpus)
    lengths["kept_share"] = (lengths["clean_words"] / lengths["raw_words"].where(lengths["raw_words"] > 0)
                             ).round(3)
    ranked = lengths.dropna(subset=["kept_share"]).sort_values(["kept_share", "doc_id"])
    if ranked.empty:
        return Finding("No finding on cleaning: no article has raw words.", lengths)
    row = ranked.iloc[0]
    by_reason = audit_by_reason(corpus)
    lengths = lengths.merge(by_reason.reset_index(), on="doc_id", how="left")
    reasons = by_reason.loc[row["doc_id"]]
    reasons = reasons[reasons > 0].sort_values(ascending=False, kind="stable").head(_TOP_REASONS)
    why = ", ".join(f"{quoted(str(r))} ({int(n)})" for r, n in reasons.items())
    text = (f"Article {quoted(str(row['doc_id']))} keeps the smallest share of its raw words, "
            f"{row['kept_share']:.0%} ({row['clean_words']} of {row['raw_words']})"
            + (f"; its most frequent dropped lines: {why}." if why
               else "; the cleaner dropped none of its lines."))
    return Finding(text, lengths)  # lengths and dropped lines by reason, one row per article


def _repeats(corpus: pd.DataFrame) -> Finding:
    reasons = audit_by_reason(corpus)
    columns = [c for c in reasons.columns if c in REPEAT_REASONS]
    repeated = reasons[columns].sum(axis=1) if columns else pd.Series(0, index=reasons.index)
    table = repeated.rename("repeated_lines").rename_axis("doc_id").reset_index()
    hits = table[table["repeated_lines"] > 0]
    if hits.empty:
        return Finding("No page carried any of its text twice.", table)
    parts = [f"{quoted(str(r.doc_id))} ({number_words(int(r.repeated_lines), 'line')})"
             for r in hits.itertuples(index=False)][:_MAX_LISTED]
    return Finding(f"{number_words(len(hits), 'page')} carried text twice, dropped as repeats: "
                   f"{', '.join(parts)}{' …' if len(hits) > _MAX_LISTED else ''}.", table)


def _origin_source(basis: str) -> str:
    """How an origin is known, in one word group: ``metadata``, ``credit line`` or ``none found``."""
    basis = str(basis)
    if basis.startswith("credit line"):
        return "credit line"
    return "metadata" if basis == "metadata" else "none found"


def _origins(corpus: pd.DataFrame) -> Finding:
    table = provenance_table(corpus)[["doc_id", "outlet", "origin"]].copy()
    table.attrs = {}  # the evidence is this table alone, not the load's audit and problems
    table["origin"] = table["origin"].fillna("unknown").astype(str)
    if "origin_basis" in corpus.columns:
        table["origin_basis"] = corpus["origin_basis"].fillna("none found").astype(str).to_numpy()
    else:  # a corpus built by hand: a named origin is taken as metadata
        table["origin_basis"] = ["none found" if o.lower() in ("", "unknown") else "metadata"
                                 for o in table["origin"]]
    table["origin_from"] = table["origin_basis"].map(_origin_source)
    table["origin_known"] = table["origin_from"] != "none found"
    outlets = table["outlet"].fillna("unknown").astype(str)
    table["outlet_known"] = ~outlets.str.lower().isin(["", "unknown"])
    n_known = int(table["origin_known"].sum())
    parts = []
    for source, words in (("metadata", "from metadata"), ("credit line", "from a credit line in the text")):
        names = sorted(set(table.loc[table["origin_from"] == source, "origin"]))
        count = int((table["origin_from"] == source).sum())
        if count:
            parts.append(f"{count} {words} ({_ids(names)})")
    none = table.loc[~table["origin_known"], "doc_id"].astype(str).tolist()
    verb = "has" if n_known <= 1 else "have"
    text = (f"{n_known} of {number_words(len(table), 'article')} {verb} a known origin"
            + (f": {', '.join(parts)}" if parts else "")
            + (f"; {number_words(len(none), 'article has', 'articles have')} none found ({_ids(none)})"
               if none else "") + ".")
    rewrite = table["origin"].str.lower().str.startswith("rewrite")
    if rewrite.any():
        text += (f" {number_words(int(rewrite.sum()), 'is an uncredited rewrite', 'are uncredited rewrites')}"
                 f" ({_ids(table.loc[rewrite, 'doc_id'].tolist())}).")
    known = sorted(set(outlets[table["outlet_known"]]))
    unknown = int((~table["outlet_known"]).sum())
    if not known:
        text += " No article's outlet is known: each is an unknown outlet."
    else:
        text += (f" Outlets: {_ids(known)}"
                 + (f"; {number_words(unknown, 'article has', 'articles have')} an unknown outlet." if unknown
                    else "."))
    return Finding(text, table, "The origin is who first wrote the story (a wire, a paper, an author); "
                                "the outlet is the site that published this copy.")


def _dates(corpus: pd.DataFrame) -> Finding:
    span = corpus_span(corpus)
    row = span.iloc[0]
    undated = corpus.loc[corpus["published"].isna(), "doc_id"].astype(str).tolist()
    if row["n_dated"] == 0:
        return Finding("No finding on dates: no article could be dated from its metadata or text.", span)
    text = (f"{number_words(int(row['n_dated']), 'article')} can be dated, from {row['first']} to "
            f"{row['last']} ({number_words(int(row['days']), 'day')}); "
            + (f"{number_words(len(undated), 'article stays', 'articles stay')} undated ({_ids(undated)})."
               if undated
               else "none is undated."))
    return Finding(text, span, "Dates are the earliest the metadata or text allows; "
                               "undated articles are counted but cannot be placed in time.")


def cleaning_findings(corpus: pd.DataFrame) -> list[Finding]:
    """What the cleaner did, in order: lines dropped and balanced, the article that kept the
    smallest share of its words, and pages that carried text twice."""
    if corpus.empty:
        return [Finding("No finding: the corpus holds no article.")]
    return [_balance(corpus), _most_cleaned(corpus), _repeats(corpus)]


def origin_findings(corpus: pd.DataFrame) -> list[Finding]:
    """Who wrote the articles: how many have a known origin, from metadata or a credit line,
    which have none, and which outlets are known (said once for the unknown ones)."""
    if corpus.empty:
        return [Finding("No finding: the corpus holds no article.")]
    return [_origins(corpus)]


def loading_findings(corpus: pd.DataFrame) -> list[Finding]:
    """The findings of the loading notebook: :func:`cleaning_findings`, then who wrote the
    articles and their dates. "No finding" when the corpus is empty."""
    if corpus.empty:
        return [Finding("No finding: the corpus holds no article.")]
    return [*cleaning_findings(corpus), _origins(corpus), _dates(corpus)]


def corpus_findings(corpus: pd.DataFrame) -> list[Finding]:
    """What the corpus is, for the summary page: its size and dates, with the caveat that a
    corpus is a snapshot of coverage, not a sample of it."""
    if corpus.empty:
        return [Finding("No finding: the corpus holds no article.")]
    caveat = ("A corpus is what someone collected, not a sample of the press: it shows how these "
              "articles frame the question, not how common a view is.")
    found = _dates(corpus)
    text = f"The corpus holds {number_words(len(corpus), 'article')}. {found.text}"
    if len(corpus) == 1:
        text += " No finding across articles: with one article there is nothing to compare."
    return [Finding(text, found.evidence, f"{caveat} {found.caveat}")]
