"""The stance figure (notebooks 00 and 03): favor and against sentences per article or speaker.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from newsdesk.plots.common import plain_text
from newsdesk.plots.settings import FONT_PT, MIN_FONT_PT

__all__ = [
    "plot_stance_bars",
]


def _row_names(table: pd.DataFrame, labels: Mapping | Sequence | pd.Series | None) -> list[str]:
    """One name per row: ``labels`` looked up by ``doc_id`` when it is a mapping (e.g.
    ``doc_labels(corpus).to_dict()``), taken in row order when it is a list or Series, else
    the ``doc_id``."""
    if labels is None:
        return [str(d) for d in table["doc_id"]]
    if isinstance(labels, Mapping):
        return [str(labels.get(str(d), d)) for d in table["doc_id"]]
    return [str(n) for n in labels]


def plot_stance_bars(table: pd.DataFrame, labels: Mapping | Sequence | pd.Series | None = None):
    """Diverging bars per row (article or speaker): against to the left, favor to the right.

    ``table`` needs ``n_favor, n_against, net``; ``labels`` name the rows: a mapping from
    ``doc_id`` (e.g. ``doc_labels(corpus).to_dict()``), or one name per row in order
    (default: ``doc_id``). Returns the figure.
    """
    import matplotlib.pyplot as plt

    names = [plain_text(n) for n in _row_names(table, labels)]
    y = np.arange(len(table))
    fig, ax = plt.subplots(figsize=(8, 0.45 * max(len(table), 1) + 1.6), layout="constrained")
    ax.barh(y, -table["n_against"].to_numpy(), color="#b2182b", label="against: controls fail")
    ax.barh(y, table["n_favor"].to_numpy(), color="#2166ac", label="favor: controls bite")
    for i, net in enumerate(table["net"]):
        ax.text(1.02, i, f"net {net:+.2f}", transform=ax.get_yaxis_transform(), va="center",
                fontsize=MIN_FONT_PT)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(y, names, fontsize=FONT_PT)
    ax.invert_yaxis()
    limit = max(1, int(table[["n_favor", "n_against"]].to_numpy().max(initial=0)))
    ax.set_xlim(-limit - 0.5, limit + 0.5)
    right = list(range(0, limit + 1, max(1, limit // 5)))
    ticks = [-t for t in reversed(right[1:])] + right
    ax.set_xticks(ticks, [str(abs(t)) for t in ticks])
    ax.set_xlabel("sentences")
    fig.legend(loc="outside lower center", ncol=2, frameon=False, fontsize=FONT_PT)
    ax.spines[["top", "right"]].set_visible(False)
    return fig
