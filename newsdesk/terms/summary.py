"""The term notebook's findings, computed from its tables so they hold for any corpus: which
terms set articles apart, what the policy is called, whether the vocabulary moves over time,
and which terms separate two groups of articles.
"""

from __future__ import annotations

import pandas as pd

from newsdesk.corpus.describe import UNDATED
from newsdesk.findings import Finding, number_words, quoted
from newsdesk.terms.kwic import kwic
from newsdesk.terms.settings import (
    CONTRAST_MIN_DOCS,
    POLICY_WORDS,
    TREND_ALPHA,
    TREND_MIN_PERIOD_DOCS,
    Z_95,
)
from newsdesk.terms.trend_test import trend_tests

__all__ = [
    "policy_word_counts",
    "term_findings",
    "term_overview_findings",
]

_MAX_LISTED = 8  # articles and terms listed one by one; the rest are counted
_LEAD_TERMS = 3  # each article's terms named in the findings


def _term(term: str) -> str:
    """A term from the text as a code span, escaped as untrusted text."""
    return f"`{str(term).replace('`', '')}`"


def _ids(values: list[str]) -> str:
    shown = ", ".join(quoted(str(v)) for v in values[:_MAX_LISTED])
    return shown + (f" … ({len(values)} in all)" if len(values) > _MAX_LISTED else "")


def policy_word_counts(corpus: pd.DataFrame, words: tuple[str, ...] = POLICY_WORDS) -> pd.DataFrame:
    """How often each article uses each name of the measures: ``doc_id`` plus a count column per
    word (keyword-in-context matches, so phrases match as :func:`kwic` matches them)."""
    table = pd.DataFrame({"doc_id": corpus["doc_id"].astype(str).tolist()})
    for word in words:
        hits = kwic(corpus, word)["doc_id"].astype(str).value_counts()
        table[word] = table["doc_id"].map(hits).fillna(0).astype(int)
    return table


def _distinct(top: pd.DataFrame, n_docs: int) -> Finding:
    counts = top.groupby("doc_freq").size().rename("top_terms").reset_index()
    if n_docs < 2:
        return Finding("No finding on distinctive terms: with one article, TF-IDF cannot tell what "
                       "sets an article apart.", counts)
    single = int((top["doc_freq"] == 1).sum())
    everywhere = sorted(set(top.loc[top["doc_freq"] == n_docs, "term"]))
    text = (f"Of the {number_words(len(top), 'listed top term')}, {single} occur in one article only"
            + (f"; {', '.join(_term(t) for t in everywhere[:_MAX_LISTED])} occur in every article and "
               f"rank high on frequency, not distinctiveness." if everywhere else
               "; no listed term occurs in every article."))
    caveat = (f"With {number_words(n_docs, 'article')} the idf takes at most {n_docs} values, so "
              f"weights tie and one more article can reorder the lists." if n_docs < 20 else "")
    return Finding(text, counts, caveat)


def _leaders(top: pd.DataFrame) -> Finding:
    lead = top[top["rank"] <= _LEAD_TERMS]
    parts = [f"{quoted(str(doc))}: " + ", ".join(_term(t) for t in group["term"])
             for doc, group in lead.groupby("doc_id", sort=False)]
    if not parts:
        return Finding("No finding on top terms: no article has a term the model counts.", lead)
    more = f" … ({len(parts)} articles in all)" if len(parts) > _MAX_LISTED else ""
    return Finding("Each article's highest-weighted terms — " + "; ".join(parts[:_MAX_LISTED])
                   + more + ".", lead)


def _policy(mentions: pd.DataFrame) -> Finding:
    words = [c for c in mentions.columns if c != "doc_id"]
    formal = words[0]
    using = mentions[mentions[formal] > 0]
    if using.empty:
        text = f"No article uses {_term(formal)}."
    else:
        text = (f"{_term(formal)} occurs {number_words(int(using[formal].sum()), 'time')}, in "
                f"{number_words(len(using), 'article')} of {len(mentions)}: "
                + ", ".join(f"{quoted(doc)} ({n})" for doc, n in
                            zip(using["doc_id"].head(_MAX_LISTED), using[formal].head(_MAX_LISTED),
                                strict=True))
                + (f" … ({len(using)} in all)." if len(using) > _MAX_LISTED else "."))
    others = mentions[(mentions[formal] == 0)].head(_MAX_LISTED)
    named = []
    for row in others.to_dict("records"):
        used = [w for w in words[1:] if row[w] > 0]
        if used:
            named.append(f"{quoted(row['doc_id'])} writes {', '.join(_term(w) for w in used)}")
    if named:
        text += " Articles without it name the measures otherwise: " + "; ".join(named) + "."
    return Finding(text, mentions, "Counts of these words only; an article may name the measures "
                                   "in words not on the list.")


def _q(q: float) -> str:
    return "q < 0.001" if q < 0.001 else f"q = {q:.3f}"


def _trend_caveat(tests: pd.DataFrame) -> str:
    return (f"Tested only over periods holding at least {TREND_MIN_PERIOD_DOCS} articles: "
            f"Mann–Kendall (Kendall's tau of each term's share against time) with a permutation "
            f"p-value, Benjamini–Hochberg across the {number_words(len(tests), 'followed term')}, "
            f"q < {TREND_ALPHA}. Shares of copied or retold stories count once per copy.")


def _time(trends: pd.DataFrame, tests: pd.DataFrame) -> Finding:
    dated = trends[trends["period"] != UNDATED].drop_duplicates("period")
    periods = dated.loc[dated["n_docs"] > 0, ["period", "n_docs"]].reset_index(drop=True)
    n_dated = int(periods["n_docs"].sum())
    if n_dated == 0:
        return Finding("No trend: no article is dated.", periods)
    evidence = tests.round(4)
    caveat = _trend_caveat(tests)
    if tests.empty:
        return Finding("No trend: no term was followed over time.", periods)
    row = tests.iloc[0]
    if row["verdict"] == "too few articles":
        text = (f"No trend: {number_words(n_dated, 'article is', 'articles are')} dated, too few "
                f"for a trend test (it needs at least {int(row['min_articles'])}).")
        return Finding(text, evidence, caveat)
    if row["verdict"] == "too few periods":
        text = (f"No trend: {number_words(int(row['n_periods']), 'period holds', 'periods hold')} "
                f"enough of the {n_dated} dated articles to compare, and a trend test needs at "
                f"least {int(row['min_periods'])}.")
        return Finding(text, evidence, caveat)
    moving = tests[tests["verdict"].isin(["rising", "falling"])]
    over = f"over {number_words(int(row['n_periods']), 'period')}"
    if moving.empty:
        best = tests.sort_values(["q", "p", "term"], kind="stable").iloc[0]
        text = (f"No trend: none of the {number_words(len(tests), 'followed term')} rises or falls "
                f"clearly {over} of {n_dated} dated articles; the closest is {_term(best['term'])} "
                f"(tau = {best['tau']:.2f}, {_q(best['q'])}).")
        return Finding(text, evidence, caveat)
    named = "; ".join(f"{_term(r.term)} {'rises' if r.verdict == 'rising' else 'falls'} "
                      f"(share {r.first_share:.4f} → {r.last_share:.4f}, tau = {r.tau:.2f}, "
                      f"{_q(r.q)})" for r in moving.itertuples())
    rest = len(tests) - len(moving)
    text = (f"{over.capitalize()} of {n_dated} dated articles: {named}"
            + (f"; the other {number_words(rest, 'followed term shows', 'followed terms show')} "
               f"no trend." if rest else "."))
    return Finding(text, evidence, caveat)


def _contrast(split: dict, contrast: pd.DataFrame) -> Finding:
    n_credited, n_docs = split.get("n_credited", 0), split.get("n_docs", 0)
    credit = {"n_credited": n_credited, "n_docs": n_docs}
    no_credit = (f"No credited/uncredited split: {n_credited} of {n_docs} articles credit a named "
                 f"origin.")
    if split["basis"] == "none" or contrast.empty:
        text = ("No finding on a contrast: no split of the articles leaves enough on each side."
                if split["basis"] == "origin" else
                no_credit + " Nor do the dated articles split in two groups large enough to contrast.")
        return Finding(text, pd.DataFrame([credit]))
    n_a, n_b = len(split["ids_a"]), len(split["ids_b"])
    clear = contrast[contrast["z"].abs() > Z_95].sort_values(["z", "term"])
    head = ("Split by who they credit: " if split["basis"] == "origin" else
            no_credit + " Split by date instead: ")
    head += (f"{quoted(split['label_a'])} ({number_words(n_a, 'article')}) against "
             f"{quoted(split['label_b'])} ({number_words(n_b, 'article')}); ")
    if clear.empty:
        text = head + f"no term passes |z| > {Z_95}."
    else:
        listed = ", ".join(f"{_term(r.term)} (z = {r.z:.2f})" for r in clear.head(_MAX_LISTED).itertuples())
        text = head + f"{number_words(len(clear), 'term passes', 'terms pass')} |z| > {Z_95}: {listed}."
    caveat = (f"With {min(n_a, n_b)} articles on the smaller side, this contrast is illustrative, "
              f"not evidence." if min(n_a, n_b) < CONTRAST_MIN_DOCS else "")
    groups = {"split": split.get("title", split["basis"]), "n_docs_a": n_a, "n_docs_b": n_b,
              "label_a": split["label_a"], "label_b": split["label_b"], **credit}
    evidence = (clear[["term", "count_a", "count_b", "z"]].round(4).reset_index(drop=True).assign(**groups)
                if len(clear) else pd.DataFrame([groups]))
    return Finding(text, evidence, caveat)


def term_overview_findings(top: pd.DataFrame, mentions: pd.DataFrame | None, n_docs: int) -> list[Finding]:
    """The term findings the summary page shows: what sets articles apart and what the
    measures are called. ``top`` from :func:`top_terms`, ``mentions`` from
    :func:`policy_word_counts` (``None``: that finding is left out)."""
    if n_docs == 0:
        return [Finding("No finding: the corpus holds no article.")]
    return [_distinct(top, n_docs), _leaders(top), *([] if mentions is None else [_policy(mentions)])]


def term_findings(corpus: pd.DataFrame, top: pd.DataFrame, mentions: pd.DataFrame | None,
                  trends: pd.DataFrame, split: dict, contrast: pd.DataFrame | None,
                  tests: pd.DataFrame | None = None) -> list[Finding]:
    """The findings of the term notebook, in order: distinctive terms, each article's lead
    terms, names of the measures, movement over time, and the two-group contrast.

    ``top`` from :func:`top_terms`, ``mentions`` from :func:`policy_word_counts`, ``trends``
    from :func:`term_trends`, ``split`` from :func:`default_contrast`, ``contrast`` from
    :func:`contrast_groups` and ``tests`` from :func:`trend_tests` (run on ``trends`` when not
    given). ``trends`` may cover a subset of ``corpus`` (e.g. the articles kept on topic).
    Each says "no finding" or "no trend" when its data are thin, and why; a finding whose table
    is ``None`` (``mentions``, ``contrast``: not computed) is left out.
    """
    if corpus.empty:
        return [Finding("No finding: the corpus holds no article.")]
    tests = trend_tests(trends) if tests is None else tests
    return [*term_overview_findings(top, mentions, len(corpus)), _time(trends, tests),
            *([] if contrast is None else [_contrast(split, contrast)])]
