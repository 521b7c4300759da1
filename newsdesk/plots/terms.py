"""The term figures (notebook 02): top terms by article, term shares over time with the
articles behind each period, and the two-group contrast.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from newsdesk.corpus.describe import UNDATED
from newsdesk.plots.common import plain_text
from newsdesk.plots.settings import FONT_PT, MAX_FIGURE_WIDTH_IN, MIN_FONT_PT
from newsdesk.terms.settings import HEATMAP_ANNOTATE_CELLS, TREND_MIN_PERIOD_DOCS, Z_95

__all__ = [
    "plot_contrast",
    "plot_term_heatmap",
    "plot_term_trends",
]

_ANNOTATE_CELL_IN = 0.5  # a heatmap cell narrower than this has no room for "0.00" at 9 pt
_LINE = "#1f5f8b"


def plot_term_heatmap(data: pd.DataFrame, title: str = "Top TF-IDF terms by article"):
    """Heatmap of :func:`term_heatmap_data`: terms down, articles across; returns the figure.

    The figure never passes ``MAX_FIGURE_WIDTH_IN``: columns narrow as articles are added,
    article labels turn upright beyond six articles, and values are written in the cells only
    while a cell is at least ``_ANNOTATE_CELL_IN`` wide (and ``HEATMAP_ANNOTATE_CELLS`` at most).
    """
    import matplotlib.pyplot as plt

    terms = list(dict.fromkeys(data["term"]))
    docs = list(dict.fromkeys(data["doc_id"]))
    upright = len(docs) > 6
    term_in = min(0.075 * max((len(t) for t in terms), default=4) + 0.3, 2.5)
    cell = min(1.1, (MAX_FIGURE_WIDTH_IN - term_in - 1.3) / max(len(docs), 1))
    fig, ax = plt.subplots(figsize=(min(term_in + 1.3 + cell * max(len(docs), 2), MAX_FIGURE_WIDTH_IN),
                                    0.3 * max(len(terms), 3) + (2.8 if upright else 1.8)))
    if not terms:
        ax.text(0.5, 0.5, "no terms to show", ha="center", va="center")
        ax.set_axis_off()
        return fig
    grid = data.pivot(index="term", columns="doc_id", values="tfidf").loc[terms, docs].to_numpy()
    image = ax.imshow(grid, cmap="Blues", vmin=0, aspect="auto")
    labels = data.drop_duplicates("doc_id").set_index("doc_id").loc[docs, "label"]
    ticks = [plain_text(label if upright else "\n".join(textwrap.fill(part, 14)
                                                        for part in str(label).split(" · ")))
             for label in labels]
    ax.set_xticks(range(len(docs)), ticks, fontsize=MIN_FONT_PT, rotation=90 if upright else 0)
    ax.set_yticks(range(len(terms)), [plain_text(t) for t in terms], fontsize=MIN_FONT_PT)
    ax.xaxis.tick_top()
    if cell >= _ANNOTATE_CELL_IN and grid.size <= HEATMAP_ANNOTATE_CELLS:
        for (i, j), value in np.ndenumerate(grid):
            if value > 0:
                ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=MIN_FONT_PT,
                        color="white" if value > 0.6 * grid.max() else "#222222")
    bar = fig.colorbar(image, ax=ax, shrink=0.6)
    bar.set_label("TF-IDF weight", fontsize=MIN_FONT_PT)
    bar.ax.tick_params(labelsize=MIN_FONT_PT)
    ax.set_title(plain_text(title), fontsize=FONT_PT + 1, pad=10)
    fig.tight_layout()
    return fig


def _trend_title(term: str, tests: pd.DataFrame | None) -> str:
    """A panel's title: the term, and its verdict with q when it was tested."""
    if tests is None or term not in set(tests["term"]):
        return plain_text(term)
    row = tests[tests["term"] == term].iloc[0]
    tested = "" if pd.isna(row["q"]) else ", q < 0.001" if row["q"] < 0.001 else f", q = {row['q']:.3f}"
    return plain_text(f"{term}: {row['verdict']}{tested}")


def plot_term_trends(trends: pd.DataFrame, tests: pd.DataFrame | None = None, ncols: int = 2,
                     min_period_docs: int = TREND_MIN_PERIOD_DOCS):
    """Each term's share per 1,000 tokens over time, above the articles behind each period.

    ``trends`` from :func:`term_trends` (its ``start``/``end`` dates place each period on a
    true date axis); ``tests`` from :func:`trend_tests` adds each term's verdict and q to its
    panel's title. One small panel per term (own y scale), points at the middle of their
    period, hollow where the period holds fewer than ``min_period_docs`` articles (the test
    leaves those out); the bottom panel shows the number of articles per period. Undated
    articles are not placed on the axis: the bottom panel's title counts them.
    Returns the figure.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    terms = list(dict.fromkeys(trends["term"]))
    dated = trends[trends["period"] != UNDATED]
    periods = dated.drop_duplicates("period")
    undated = int(trends.loc[trends["period"] == UNDATED, "n_docs"].head(1).sum())
    nrows = max(1, -(-len(terms) // ncols))
    fig = plt.figure(figsize=(MAX_FIGURE_WIDTH_IN, 2.1 * nrows + 2.2))
    grid = fig.add_gridspec(nrows + 1, ncols, height_ratios=[1.0] * nrows + [0.8])
    bars = fig.add_subplot(grid[nrows, :])
    for i, term in enumerate(terms):
        ax = fig.add_subplot(grid[i // ncols, i % ncols], sharex=bars)
        part = dated[dated["term"] == term]
        share = part["share"].to_numpy(float) * 1000
        thick = part["n_docs"].to_numpy() >= min_period_docs
        when = (part["start"] + (part["end"] - part["start"] + pd.Timedelta(days=1)) / 2).to_numpy()
        ax.plot(when, share, color=_LINE, linewidth=1.2)
        ax.plot(when[thick], share[thick], "o", color=_LINE, markersize=5)
        ax.plot(when[~thick], share[~thick], "o", color=_LINE, markersize=5, markerfacecolor="white")
        ax.set_title(_trend_title(term, tests), fontsize=FONT_PT)
        ax.set_ylim(bottom=0)
        ax.tick_params(labelsize=MIN_FONT_PT, labelbottom=False)
        ax.spines[["top", "right"]].set_visible(False)
    length = periods["end"] - periods["start"] + pd.Timedelta(days=1)
    bars.bar((periods["start"] + length / 2).to_numpy(), periods["n_docs"].to_numpy(),
             width=length.dt.days.to_numpy() * 0.9, color="#9ab3c8")
    bars.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    if len(periods):
        bars.set_xlim(periods["start"].min(), periods["end"].max() + pd.Timedelta(days=1))
        monthly = (periods["end"] - periods["start"]).dt.days.max() > 7
        bars.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=8))
        bars.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m" if monthly else "%Y-%m-%d"))
        plt.setp(bars.get_xticklabels(), rotation=30, ha="right")
    else:
        bars.text(0.5, 0.5, "no dated article", ha="center", va="center", transform=bars.transAxes)
        bars.set_xticks([])
    note = (f"{undated} undated article{'s' if undated != 1 else ''}, not on the time axis"
            if undated else "every article dated")
    bars.set_title(f"articles per period ({note})", fontsize=FONT_PT)
    bars.tick_params(labelsize=MIN_FONT_PT)
    bars.spines[["top", "right"]].set_visible(False)
    if not terms:
        fig.text(0.5, 0.6, "no terms to show", ha="center", va="center")
    fig.supylabel("share per 1,000 tokens (top) · articles (bottom)", fontsize=MIN_FONT_PT)
    fig.tight_layout()
    return fig


def plot_contrast(data: pd.DataFrame, label_a: str, label_b: str, title: str = ""):
    """Frequency against z-score, scattertext style, from :func:`contrast_plot_data`.

    x is the term's count in both groups (log scale), y its z-score; dashed lines mark
    |z| = 1.96; terms marked in ``labelled`` are named; ``title`` is wrapped to the figure's
    width. Returns the figure.
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5.5))
    if title:
        ax.set_title(plain_text(textwrap.fill(title, 80)), fontsize=FONT_PT + 1)
    if data.empty:
        ax.text(0.5, 0.5, "no terms to compare", ha="center", va="center")
        ax.set_axis_off()
        return fig
    ax.scatter(data["total"], data["z"], s=8, color="#bbbbbb", linewidths=0)
    top_a = data[data["labelled"] == "a"]
    top_b = data[data["labelled"] == "b"]
    for part, color, va in ((top_a, "#1f5f8b", "bottom"), (top_b, "#b5562b", "top")):
        ax.scatter(part["total"], part["z"], s=14, color=color)
        # terms with the same count and z sit on one point: name them together
        same = part.groupby(["total", "z"], sort=True)["term"].agg(", ".join).reset_index()
        for i, (total, z, terms) in enumerate(zip(same["total"], same["z"], same["term"],
                                                  strict=True)):
            ax.annotate(plain_text(textwrap.fill(terms, 28)), (total, z), xytext=(5, 6 * (i % 2) - 3),
                        textcoords="offset points", fontsize=MIN_FONT_PT, color=color, va=va)
    for level in (Z_95, -Z_95):
        ax.axhline(level, color="#888888", linewidth=0.7, linestyle="--")
    ax.axhline(0, color="#444444", linewidth=0.6)
    ax.set_xscale("log")
    ax.set_xlabel("count in both groups (log scale)")
    ax.set_ylabel(plain_text(f"z-score  (+ {label_a} · − {label_b})"))
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
