"""Whether a followed term rises or falls: Mann–Kendall (Kendall's tau of share against time)
over the periods that hold enough articles, with a permutation p-value and Benjamini–Hochberg
across the terms tested.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsdesk.corpus.describe import UNDATED
from newsdesk.terms.settings import (
    TREND_ALPHA,
    TREND_MIN_DOCS,
    TREND_MIN_PERIOD_DOCS,
    TREND_MIN_PERIODS,
    TREND_PERMUTATIONS,
    TREND_SEED,
)

__all__ = [
    "TREND_VERDICTS",
    "trend_periods",
    "trend_tests",
]

TREND_VERDICTS = ("rising", "falling", "no trend", "too few articles", "too few periods")

_BATCH = 500  # permutations scored at once: bounds memory to batch × periods² numbers

_COLUMNS = ["term", "verdict", "tau", "p", "q", "n_articles", "n_periods", "first_share",
            "last_share", "min_articles", "min_periods"]


def trend_periods(trends: pd.DataFrame, min_period_docs: int = TREND_MIN_PERIOD_DOCS
                  ) -> pd.DataFrame:
    """The dated periods of :func:`term_trends` a trend test uses: those holding at least
    ``min_period_docs`` articles and some text. ``period, start, n_docs, n_tokens`` in time
    order (one row per period)."""
    periods = trends[trends["period"] != UNDATED].drop_duplicates("period")
    used = periods[(periods["n_docs"] >= min_period_docs) & (periods["n_tokens"] > 0)]
    return used[["period", "start", "n_docs", "n_tokens"]].reset_index(drop=True)


def _mann_kendall_s(values: np.ndarray, axis: int = -1) -> np.ndarray:
    """Mann–Kendall S of each series along ``axis``: later-higher minus later-lower pairs.

    With time as the other variable (no ties), S is Kendall's tau-b times a constant that no
    reordering of the shares changes, so a permutation test on S is one on tau.
    """
    values = np.moveaxis(np.asarray(values, dtype=float), axis, -1)
    upper = np.triu_indices(values.shape[-1], k=1)
    differences = values[..., None, :] - values[..., :, None]
    return np.sign(differences[..., upper[0], upper[1]]).sum(axis=-1)


def _kendall_test(shares: np.ndarray, n_resamples: int, seed: int) -> tuple[float, float]:
    """Kendall's tau-b of ``shares`` against their order in time (scipy), and its two-sided
    permutation p-value (every order when there are at most ``n_resamples`` of them)."""
    from scipy import stats

    if np.ptp(shares) == 0:  # the same share in every period: nothing moves
        return 0.0, 1.0
    tau = float(stats.kendalltau(np.arange(len(shares)), shares).statistic)
    result = stats.permutation_test((shares,), _mann_kendall_s, permutation_type="pairings",
                                    vectorized=True, n_resamples=n_resamples, batch=_BATCH,
                                    rng=np.random.default_rng(seed))
    return tau, float(result.pvalue)


def trend_tests(trends: pd.DataFrame, min_docs: int = TREND_MIN_DOCS,
                min_periods: int = TREND_MIN_PERIODS,
                min_period_docs: int = TREND_MIN_PERIOD_DOCS, alpha: float = TREND_ALPHA,
                n_resamples: int = TREND_PERMUTATIONS, seed: int = TREND_SEED) -> pd.DataFrame:
    """Which followed terms of :func:`term_trends` rise or fall over time, tested.

    Only dated periods holding at least ``min_period_docs`` articles count (the ``undated``
    bucket never does). With fewer than ``min_docs`` dated articles every term is
    ``too few articles``; with fewer than ``min_periods`` such periods, ``too few periods``.
    Otherwise each term's share per period is tested for a monotone trend (Mann–Kendall:
    Kendall's tau-b against time, two-sided permutation p-value with seed ``seed``), the
    p-values are adjusted across the terms by Benjamini–Hochberg (``q``), and a term is
    ``rising`` or ``falling`` when ``q < alpha``, else ``no trend``.

    Returns
    -------
    DataFrame ``term, verdict, tau, p, q, n_articles, n_periods, first_share, last_share,
    min_articles, min_periods``, one row per term in the order of ``trends``: ``n_articles``
    the dated articles, ``n_periods`` the periods tested, ``first_share``/``last_share`` the
    share in the first and last of them; ``tau``, ``p``, ``q`` are NaN when untested.
    """
    from scipy import stats

    terms = list(dict.fromkeys(trends["term"]))
    dated = trends[trends["period"] != UNDATED]
    n_articles = int(dated.drop_duplicates("period")["n_docs"].sum())
    used = trend_periods(trends, min_period_docs)["period"].tolist()
    table = pd.DataFrame({"term": terms, "verdict": "", "tau": np.nan, "p": np.nan, "q": np.nan,
                          "n_articles": n_articles, "n_periods": len(used),
                          "first_share": np.nan, "last_share": np.nan,
                          "min_articles": min_docs, "min_periods": min_periods}, columns=_COLUMNS)
    for i, term in enumerate(terms):
        part = dated[dated["term"] == term].set_index("period").loc[used, "share"].to_numpy(float)
        if len(part):
            table.loc[i, ["first_share", "last_share"]] = part[0], part[-1]
        if n_articles >= min_docs and len(used) >= min_periods:
            table.loc[i, ["tau", "p"]] = _kendall_test(part, n_resamples, seed)
    if n_articles < min_docs:
        table["verdict"] = "too few articles"
    elif len(used) < min_periods:
        table["verdict"] = "too few periods"
    elif len(table):
        table["q"] = stats.false_discovery_control(table["p"].to_numpy(float), method="bh")
        clear = table["q"] < alpha
        table["verdict"] = np.where(clear & (table["tau"] > 0), "rising",
                                    np.where(clear & (table["tau"] < 0), "falling", "no trend"))
    return table
