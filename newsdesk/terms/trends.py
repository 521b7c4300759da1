"""Term shares per period, on the model's vocabulary, and their slopes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsdesk.corpus.describe import UNDATED
from newsdesk.terms.model import TermModel, corpus_top_terms, term_model_for, term_tokens
from newsdesk.terms.settings import PERIOD_ALIASES, TERM_NGRAMS, TREND_TERMS_N
from newsdesk.text import collapse_spaces

__all__ = [
    "suggest_freq",
    "term_trends",
    "trend_slopes",
]


def suggest_freq(corpus: pd.DataFrame) -> str:
    """A period for :func:`term_trends` that fits the span of the dated articles.

    ``"D"`` up to 31 days, ``"W"`` up to 26 weeks, ``"M"`` up to 5 years, else ``"Y"``;
    ``"W"`` when fewer than two articles are dated.
    """
    dates = corpus["published"].dropna()
    if len(dates) < 2:
        return "W"
    days = (dates.max() - dates.min()).days
    return "D" if days <= 31 else "W" if days <= 26 * 7 else "M" if days <= 5 * 366 else "Y"


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


def _checked_freq(freq: object) -> str:
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
    corpus : from :func:`load_corpus`.
    terms : words or two-word phrases, analysed as the model analyses text (``"U.S."`` →
        ``us``); ``None`` means the corpus's :func:`corpus_top_terms` (``n_terms`` of them).
        A term absent from the corpus gets zero counts.
    freq : a pandas period alias: ``"D"``, ``"W"`` (weeks ending Sunday), ``"W-MON"``,
        ``"M"``, ``"Q"``, ``"Y"`` (``"ME"``, ``"QS"`` … are accepted as ``"M"``, ``"Q"``).
    model : the corpus's :func:`fit_term_model`; fitted here when not given.

    Returns
    -------
    DataFrame ``period, term, share, n_docs, n_docs_with_term, count, n_tokens``, one row per
    period × term. ``count`` is the term's occurrences, ``n_tokens`` the unigram tokens the
    model counts in that period (stopwords excluded) and ``share = count / n_tokens`` (NaN for
    a period with no text), as Media Cloud normalises attention by how much was written.
    Periods run from the first to the last dated article with empty periods included
    (``n_docs`` 0), in time order; the last period is ``undated``, holding the articles
    without a date (``n_docs`` 0 when there are none). Terms keep the order given.
    Raises ``ValueError`` naming ``freq`` when it is not a period alias.
    """
    from scipy import sparse

    freq = _checked_freq(freq)
    model = term_model_for(corpus, model)
    terms = corpus_top_terms(model, n_terms) if terms is None else [str(t) for t in terms]
    columns = ["period", "term", "share", "n_docs", "n_docs_with_term", "count", "n_tokens"]
    cols = [_term_column(model, t) for t in terms]
    published = pd.to_datetime(corpus["published"])
    dated = published.notna().to_numpy()
    periods: list[str] = []
    codes = np.full(len(corpus), -1)
    if dated.any():
        stamps = published[dated].dt.to_period(freq)
        full = pd.period_range(stamps.min(), stamps.max(), freq=stamps.dt.freq)
        periods = [str(p) for p in full]
        codes[dated] = full.get_indexer(stamps)
    codes[~dated] = len(periods)
    periods.append(UNDATED)
    member = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))),
                               shape=(len(periods), len(codes)))
    unigram = np.array([" " not in t for t in model.terms], dtype=bool)
    doc_tokens = np.asarray(model.counts[:, unigram].sum(axis=1)).ravel()
    n_tokens = member @ doc_tokens
    n_docs = np.bincount(codes, minlength=len(periods))
    present = [c for c in cols if c >= 0]
    sub = model.counts[:, present]
    counts = np.zeros((len(periods), len(cols)))
    with_term = np.zeros((len(periods), len(cols)))
    where = [i for i, c in enumerate(cols) if c >= 0]
    counts[:, where] = (member @ sub).toarray()
    with_term[:, where] = (member @ (sub > 0).astype(float)).toarray()
    share = np.divide(counts, n_tokens[:, None], out=np.full(counts.shape, np.nan),
                      where=n_tokens[:, None] > 0)
    return pd.DataFrame({
        "period": np.repeat(periods, len(terms)),
        "term": np.tile(np.array(terms, dtype=object), len(periods)),
        "share": share.ravel(),
        "n_docs": np.repeat(n_docs, len(terms)).astype(int),
        "n_docs_with_term": with_term.ravel().astype(int),
        "count": counts.ravel().astype(int),
        "n_tokens": np.repeat(n_tokens, len(terms)).astype(int),
    }, columns=columns)


def trend_slopes(trends: pd.DataFrame) -> pd.DataFrame:
    """Least-squares slope of each term's share across the dated periods of :func:`term_trends`.

    Periods are numbered 0, 1, 2 … in time order (empty periods keep their place but add
    no point); the ``undated`` bucket is left out. The slope is in share per period and is
    NaN with fewer than three periods that have text.

    Returns
    -------
    DataFrame ``term, n_periods, first_share, last_share, slope``, steepest rise first.
    """
    columns = ["term", "n_periods", "first_share", "last_share", "slope"]
    dated = trends[trends["period"] != UNDATED]
    order = {p: i for i, p in enumerate(dict.fromkeys(dated["period"]))}
    rows = []
    for term in dict.fromkeys(dated["term"]):
        part = dated[(dated["term"] == term) & dated["share"].notna()]
        x = part["period"].map(order).to_numpy(dtype=float)
        y = part["share"].to_numpy(dtype=float)
        slope = float(np.polyfit(x, y, 1)[0]) if len(part) >= 3 else np.nan
        rows.append({"term": term, "n_periods": len(part),
                     "first_share": y[0] if len(y) else np.nan,
                     "last_share": y[-1] if len(y) else np.nan, "slope": slope})
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(["slope", "term"], ascending=[False, True], kind="stable",
                             na_position="last").reset_index(drop=True)
