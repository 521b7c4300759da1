"""The scaling figure (notebook 05): seconds per stage against corpus size.
"""

from __future__ import annotations

import pandas as pd

from newsdesk.pipeline import BENCH_STAGES
from newsdesk.plots.settings import MIN_FONT_PT

__all__ = [
    "plot_cluster_memory",
    "plot_scaling",
]


def plot_scaling(bench: pd.DataFrame):
    """Seconds against articles on log–log axes, one line per stage; the dotted grey line is
    linear scaling from the smallest corpus's pipeline without overlap (run at every size)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4.8))
    for stage in [s for s in BENCH_STAGES if s in set(bench["stage"])]:
        part = bench[bench["stage"] == stage].sort_values("articles")
        style = {"pipeline_without_overlap": dict(color="black", lw=2.5),
                 "pipeline_total": dict(color="black", lw=1, ls="-."),
                 "bare_tfidf": dict(color="grey", ls="--")}
        ax.plot(part["articles"], part["seconds"], marker="o", label=stage, **style.get(stage, {}))
    total = bench[bench["stage"] == "pipeline_without_overlap"].sort_values("articles")
    if len(total):
        n0, t0 = total["articles"].iloc[0], total["seconds"].iloc[0]
        sizes = total["articles"].to_numpy(dtype=float)
        ax.plot(sizes, t0 * sizes / n0, ls=":", color="lightgrey", label="linear from smallest")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("articles in the synthetic corpus")
    ax.set_ylabel("wall time (s)")
    ax.set_title("Pipeline stages by corpus size (recorded benchmark)")
    ax.legend(fontsize=MIN_FONT_PT, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_cluster_memory(memory: pd.DataFrame):
    """Peak resident memory (MB) of the client and of the largest worker against the corpus
    size, from :func:`cluster_memory_table`; the input's size on disk for scale."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    part = memory.sort_values("articles", kind="stable")
    ax.plot(part["articles"], part["client_peak_mb"], marker="o", color="black", lw=2, label="client")
    ax.plot(part["articles"], part["worker_peak_mb"], marker="s", color="tab:blue", label="largest worker")
    ax.plot(part["articles"], part["input_mb"], marker="^", color="grey", ls="--", label="input on disk")
    ax.set_xscale("log")
    ax.set_xlabel("articles in the synthetic corpus")
    ax.set_ylabel("peak memory (MB)")
    ax.set_title("Dask cluster, two workers: peak memory by corpus size")
    ax.legend(fontsize=MIN_FONT_PT, loc="upper left")
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    return fig
