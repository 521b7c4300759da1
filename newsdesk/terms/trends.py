"""Term shares per period on the model's vocabulary: the period that fits the span, and the
distinctive terms worth following over time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsdesk.corpus.describe import UNDATED
from newsdesk.paths import lexicon_cache, read_word_list
from newsdesk.terms.model import TermModel, fit_term_model, term_tokens
from newsdesk.terms.settings import (
    PERIOD_ALIASES,
    TERM_NGRAMS,
    TOPIC_WORDS_FILE,
    TREND_DAILY_MAX_DAYS,
    TREND_TERM_MIN_DOCS,
    TREND_TERMS_N,
    TREND_WEEKLY_MAX_DAYS,
)
from newsdesk.text import collapse_spaces

__all__ = [
    "checked_freq",
    "rank_trend_terms",
    "suggest_freq",
    "term_trends",
    "topic_words",
    "trend_term_table",
    "trend_terms",
]


def suggest_freq(corpus: pd.DataFrame, daily_max_days: int = TREND_DAILY_MAX_DAYS,
                 weekly_max_days: int = TREND_WEEKLY_MAX_DAYS) -> str:
    """A period for :func:`term_trends` that fits the span of the dated articles.

    The span counts the days from the first to the last dated article, both included (one
    dated article spans one day). ``"D"`` (days) up to ``daily_max_days``, ``"W"`` (weeks)
    up to ``weekly_max_days``, ``"M"`` (months) beyond; ``"D"`` when nothing is dated.
    """
    dates = pd.to_datetime(corpus["published"]).dropna()
    days = (dates.max() - dates.min()).days + 1 if len(dates) else 0
    return "D" if days <= daily_max_days else "W" if days <= weekly_max_days else "M"


@lexicon_cache
def topic_words() -> frozenset[str]:
    """The topic's own query words (``lexicons/topic_words.txt``), never chosen to be followed."""
    return frozenset(collapse_spaces(word.lower()) for word in read_word_list(TOPIC_WORDS_FILE))


def _rows(corpus: pd.DataFrame, model: TermModel | None) -> tuple[TermModel, np.ndarray]:
    """The model (fitted here when ``None``) and the row of each article of ``corpus`` in it.

    ``corpus`` may be a subset of the corpus the model was fitted on (e.g. the articles kept
    on topic), so shares use the whole corpus's vocabulary; ``ValueError`` names the articles
    the model does not know.
    """
    if model is None:
        model = fit_term_model(corpus)
    index = {doc: i for i, doc in enumerate(model.doc_ids)}
    ids = corpus["doc_id"].astype(str).tolist()
    unknown = sorted(set(ids) - set(index))
    if unknown:
        raise ValueError("the term model was fitted on a different corpus: it has no article "
                         + ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else ""))
    return model, np.array([index[d] for d in ids], dtype=int)


def _article_counts(model: TermModel, rows: np.ndarray):
    """The model's count matrix restricted to ``rows`` (the matrix itself for the whole corpus,
    so a large corpus is not copied)."""
    if len(rows) == model.counts.shape[0] and np.array_equal(rows, np.arange(len(rows))):
        return model.counts
    return model.counts[rows]


def trend_term_table(corpus: pd.DataFrame, model: TermModel | None = None,
                     min_docs: int = TREND_TERM_MIN_DOCS,
                     exclude: frozenset[str] | None = None) -> pd.DataFrame:
    """Every candidate term for the trend chart, most distinctive first.

    A candidate occurs in at least ``min_docs`` articles of ``corpus`` (all of them when it
    holds fewer) and is not made only of the topic's own words (``exclude``, by default
    :func:`topic_words`: "china", "us export" and "chinese ai" are left out, "export rules"
    is kept). Its ``score`` is its share of the corpus's unigram tokens times its idf, so a
    frequent term that every article uses ranks below one that a part of the coverage uses.

    Returns
    -------
    DataFrame ``term, n_docs, count, share, idf, score``, by ``score`` (ties alphabetical).
    """
    model, rows = _rows(corpus, model)
    if model.vectorizer is None or len(rows) == 0:
        return rank_trend_terms([], [], [], [], 0, 0)
    counts = _article_counts(model, rows)
    total = np.asarray(counts.sum(axis=0)).ravel()
    unigram = np.array([" " not in t for t in model.terms], dtype=bool)
    return rank_trend_terms(model.terms, total, np.bincount(counts.indices, minlength=len(model.terms)),
                            model.transformer.idf_, int(total[unigram].sum()), len(rows), min_docs, exclude)


def rank_trend_terms(terms, count, n_docs, idf, n_tokens: int, n_articles: int,
                     min_docs: int = TREND_TERM_MIN_DOCS,
                     exclude: frozenset[str] | None = None) -> pd.DataFrame:
    """:func:`trend_term_table` from per-term totals counted elsewhere (e.g. summed over the
    partitions of a cluster), with the same rows, order and values.

    ``terms`` with their ``count`` (occurrences in the corpus), ``n_docs`` (articles holding
    them) and ``idf`` (the model's); ``n_tokens`` is the corpus's unigram tokens and
    ``n_articles`` its articles. Candidates and ``score`` as :func:`trend_term_table`.
    """
    columns = ["term", "n_docs", "count", "share", "idf", "score"]
    terms = np.asarray(terms, dtype=object)
    if n_articles == 0 or len(terms) == 0:
        return pd.DataFrame(columns=columns)
    exclude = topic_words() if exclude is None else exclude
    total = np.asarray(count, dtype=np.int64)
    docs = np.asarray(n_docs, dtype=np.int64)
    idf = np.asarray(idf, dtype=np.float64)
    keep = (docs >= min(min_docs, n_articles)) & (total > 0)
    for i in np.flatnonzero(keep):  # the topic's words, checked on the candidates only
        keep[i] = not all(word in exclude for word in str(terms[i]).split())
    share = total / max(int(n_tokens), 1)
    table = pd.DataFrame({"term": terms[keep], "n_docs": docs[keep], "count": total[keep],
                          "share": share[keep], "idf": idf[keep], "score": (share * idf)[keep]},
                         columns=columns)
    table["term"] = table["term"].astype(str)
    return table.sort_values(["score", "term"], ascending=[False, True], kind="stable"
                             ).reset_index(drop=True)


def trend_terms(corpus: pd.DataFrame, model: TermModel | None = None, n: int = TREND_TERMS_N,
                min_docs: int = TREND_TERM_MIN_DOCS) -> list[str]:
    """The ``n`` most distinctive terms of :func:`trend_term_table`: the terms followed over time.

    A term counted exactly as often as one already chosen in every article is the same phrase
    again ("tariff", "regime", "tariff regime" from one repeated sentence) and is skipped, so
    the panels show different words.
    """
    model, rows = _rows(corpus, model)
    terms = trend_term_table(corpus, model, min_docs)["term"].tolist()
    column = model.vectorizer.vocabulary_ if terms else {}
    counts = _article_counts(model, rows)
    chosen: list[tuple[str, np.ndarray]] = []
    step = max(10 * n, 50)  # candidates read from the matrix at a time
    for first in range(0, len(terms), step):
        block = terms[first:first + step]
        values = counts[:, [column[t] for t in block]].toarray()
        for term, per_article in zip(block, values.T, strict=True):
            if len(chosen) < n and not any(np.array_equal(per_article, seen) for _, seen in chosen):
                chosen.append((term, per_article))
        if len(chosen) == n:
            break
    return [term for term, _ in chosen]


def _term_column(model: TermModel, term: str) -> int:
    """Column of a term in the model (``-1`` if absent); raises if it cannot be a term.

    A term already in the vocabulary (as :func:`top_terms` gives it, e.g. ``us``) is used
    as it is; anything else is analysed as the model analyses text (``"U.S."`` → ``us``).
    """
    as_given = collapse_spaces(term.lower())
    if model.vectorizer is not None and as_given in model.vectorizer.vocabulary_:
        return int(model.vectorizer.vocabulary_[as_given])
    analyzed = " ".join(term_tokens(term))
    if not analyzed or len(analyzed.split()) > TERM_NGRAMS[1]:
        raise ValueError(f"{term!r} is not a term the model can count (stopwords only, or "
                         f"longer than {TERM_NGRAMS[1]} words after stopwords are removed)")
    if model.vectorizer is None:
        return -1
    return int(model.vectorizer.vocabulary_.get(analyzed, -1))


def checked_freq(freq: object) -> str:
    """``freq`` as a pandas period alias (``PERIOD_ALIASES`` applied); ``ValueError`` naming it
    when pandas has no such period."""
    alias = PERIOD_ALIASES.get(freq, freq) if isinstance(freq, str) else freq
    try:
        pd.Period("2025-01-01", freq=alias)
    except (ValueError, TypeError, AttributeError):
        raise ValueError(f"freq {freq!r} is not a period pandas knows; use 'D', 'W', 'W-MON', "
                         "'M', 'Q' or 'Y'") from None
    return alias


def term_trends(corpus: pd.DataFrame, terms: list[str] | None = None, freq: str = "W",
                model: TermModel | None = None, n_terms: int = TREND_TERMS_N) -> pd.DataFrame:
    """Each term's share of the words written in each period.

    Parameters
    ----------
    corpus : from :func:`load_corpus`, or a subset of it (e.g. the articles kept on topic)
        when ``model`` was fitted on the whole corpus.
    terms : words or two-word phrases, analysed as the model analyses text (``"U.S."`` →
        ``us``); ``None`` means :func:`trend_terms` (``n_terms`` distinctive terms of
        ``corpus``). A term absent from the corpus gets zero counts.
    freq : a pandas period alias: ``"D"``, ``"W"`` (weeks ending Sunday), ``"W-MON"``,
        ``"M"``, ``"Q"``, ``"Y"`` (``"ME"``, ``"QS"`` … are accepted as ``"M"``, ``"Q"``);
        :func:`suggest_freq` chooses one from the span.
    model : :func:`fit_term_model` of the corpus (or of a larger one holding it); fitted
        here when not given.

    Returns
    -------
    DataFrame ``period, start, end, term, share, n_docs, n_docs_with_term, count, n_tokens``,
    one row per period × term. ``start`` and ``end`` are the period's first and last day
    (``NaT`` for ``undated``); ``count`` is the term's occurrences, ``n_tokens`` the unigram
    tokens the model counts in that period (stopwords excluded) and
    ``share = count / n_tokens`` (NaN for a period with no text), as Media Cloud normalises
    attention by how much was written. Periods run from the first to the last dated article
    with empty periods included (``n_docs`` 0), in time order; the last period is
    ``undated``, holding the articles without a date (``n_docs`` 0 when there are none).
    Terms keep the order given. Raises ``ValueError`` naming ``freq`` when it is not a
    period alias.
    """
    from scipy import sparse

    freq = checked_freq(freq)
    model, rows = _rows(corpus, model)
    terms = trend_terms(corpus, model, n_terms) if terms is None else [str(t) for t in terms]
    columns = ["period", "start", "end", "term", "share", "n_docs", "n_docs_with_term", "count",
               "n_tokens"]
    cols = [_term_column(model, t) for t in terms]
    published = pd.to_datetime(corpus["published"])
    dated = published.notna().to_numpy()
    periods: list[str] = []
    starts, ends = [], []
    codes = np.full(len(corpus), -1)
    if dated.any():
        stamps = published[dated].dt.to_period(freq)
        full = pd.period_range(stamps.min(), stamps.max(), freq=stamps.dt.freq)
        periods = [str(p) for p in full]
        starts = list(full.start_time.normalize())
        ends = list(full.end_time.normalize())
        codes[dated] = full.get_indexer(stamps)
    codes[~dated] = len(periods)
    periods.append(UNDATED)
    starts.append(pd.NaT)
    ends.append(pd.NaT)
    member = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))),
                               shape=(len(periods), len(codes)))
    doc_counts = _article_counts(model, rows)
    unigram = np.array([" " not in t for t in model.terms], dtype=bool)
    n_tokens = member @ np.asarray(doc_counts[:, unigram].sum(axis=1)).ravel()
    n_docs = np.bincount(codes, minlength=len(periods))
    where = [i for i, c in enumerate(cols) if c >= 0]
    sub = doc_counts[:, [cols[i] for i in where]]
    counts = np.zeros((len(periods), len(cols)))
    with_term = np.zeros((len(periods), len(cols)))
    counts[:, where] = (member @ sub).toarray()
    with_term[:, where] = (member @ (sub > 0).astype(float)).toarray()
    share = np.divide(counts, n_tokens[:, None], out=np.full(counts.shape, np.nan),
                      where=n_tokens[:, None] > 0)
    return pd.DataFrame({
        "period": np.repeat(periods, len(terms)),
        "start": pd.DatetimeIndex(starts, dtype="datetime64[ns]").repeat(len(terms)),
        "end": pd.DatetimeIndex(ends, dtype="datetime64[ns]").repeat(len(terms)),
        "term": np.tile(np.array(terms, dtype=object), len(periods)),
        "share": share.ravel(),
        "n_docs": np.repeat(n_docs, len(terms)).astype(int),
        "n_docs_with_term": with_term.ravel().astype(int),
        "count": counts.ravel().astype(int),
        "n_tokens": np.repeat(n_tokens, len(terms)).astype(int),
    }, columns=columns)
