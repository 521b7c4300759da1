"""The loading figure (notebook 01): words per article before and after cleaning.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsdesk.plots.common import plain_text
from newsdesk.plots.settings import FONT_PT

__all__ = [
    "plot_length_before_after",
]


def plot_length_before_after(lengths: pd.DataFrame, labels: pd.Series | None = None):
    """Grouped horizontal bars of raw vs clean words per article; returns the figure."""
    import matplotlib.pyplot as plt

    names = [plain_text(n) for n in (labels if labels is not None else lengths["doc_id"])]
    y = np.arange(len(lengths))
    fig, ax = plt.subplots(figsize=(7, 0.6 * len(lengths) + 1.2))
    ax.barh(y - 0.2, lengths["raw_words"], height=0.4, label="raw file", color="#bbbbbb")
    ax.barh(y + 0.2, lengths["clean_words"], height=0.4, label="clean text", color="#1f5f8b")
    ax.set_yticks(y, names, fontsize=FONT_PT)
    ax.invert_yaxis()
    ax.set_xlabel("words")
    ax.legend(loc="lower right", frameon=False, fontsize=FONT_PT)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
