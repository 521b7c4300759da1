"""Every figure: saved as PNG with the plotted data beside it as CSV, then shown. Data shaping
stays with its analysis; these functions only draw.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from newsdesk.corpus.describe import UNDATED
from newsdesk.overlap.settings import NETWORK_RELATIONS
from newsdesk.pipeline import BENCH_STAGES
from newsdesk.terms.settings import HEATMAP_ANNOTATE_CELLS, Z_95
from newsdesk.text import spreadsheet_safe

__all__ = [
    "display_saved",
    "plot_article_network",
    "plot_contrast",
    "plot_length_before_after",
    "plot_scaling",
    "plot_speaker_matrix",
    "plot_stance_bars",
    "plot_story_timeline",
    "plot_term_heatmap",
    "plot_term_trends",
    "save_figure",
]


def _plain(text: object) -> str:
    """Untrusted text as matplotlib plain text: every ``$`` escaped, so no mathtext is parsed
    ("US$1.5bn to S$2bn" is drawn as written, "deal_$5bn_$2bn" does not raise)."""
    return str(text).replace("$", r"\$")




def _neutralise_cells(data: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would read as a formula, prefixed with ``'``.

    Only text columns change; numbers (negative ones included) are written as they are.
    """
    safe = data.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(spreadsheet_safe)
    return safe


def plot_term_heatmap(data: pd.DataFrame, title: str = "Top TF-IDF terms by article"):
    """Heatmap of :func:`term_heatmap_data`: terms down, articles across; returns the figure."""
    import textwrap

    import matplotlib.pyplot as plt

    terms = list(dict.fromkeys(data["term"]))
    docs = list(dict.fromkeys(data["doc_id"]))
    fig, ax = plt.subplots(figsize=(min(1.3 * max(len(docs), 2), 14) + 2.5,
                                    min(0.32 * max(len(terms), 3), 12) + 2))
    if not terms:
        ax.text(0.5, 0.5, "no terms to show", ha="center", va="center")
        ax.set_axis_off()
        return fig
    grid = data.pivot(index="term", columns="doc_id", values="tfidf").loc[terms, docs].to_numpy()
    image = ax.imshow(grid, cmap="Blues", vmin=0, aspect="auto")
    labels = data.drop_duplicates("doc_id").set_index("doc_id").loc[docs, "label"]
    ticks = [_plain("\n".join(textwrap.fill(part, 16) for part in lb.split(" · "))) for lb in labels]
    ax.set_xticks(range(len(docs)), ticks, fontsize=8 if len(docs) <= 10 else 6)
    ax.set_yticks(range(len(terms)), [_plain(t) for t in terms], fontsize=8 if len(terms) <= 20 else 6)
    ax.xaxis.tick_top()
    for (i, j), value in np.ndenumerate(grid):
        if value > 0 and grid.size <= HEATMAP_ANNOTATE_CELLS:
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7,
                    color="white" if value > 0.6 * grid.max() else "#222222")
    fig.colorbar(image, ax=ax, label="TF-IDF weight", shrink=0.6)
    ax.set_title(_plain(title), fontsize=10, pad=10)
    fig.tight_layout()
    return fig


def plot_term_trends(trends: pd.DataFrame, ncols: int = 3, max_ticks: int = 8):
    """Small multiples of :func:`term_trends`: one panel per term, share per 1,000 tokens.

    Dated periods are joined by a line (gaps where a period has no text); the ``undated``
    bucket is a separate hollow marker at the right. Each panel has its own y scale.
    Returns the figure.
    """
    import matplotlib.pyplot as plt

    terms = list(dict.fromkeys(trends["term"]))
    periods = list(dict.fromkeys(trends["period"]))
    dated = [p for p in periods if p != UNDATED]
    nrows = max(1, -(-len(terms) // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.4 * ncols, 2.4 * nrows + 0.6),
                             squeeze=False)
    x = {p: i for i, p in enumerate(dated)}
    x[UNDATED] = len(dated) + 0.5
    step = max(1, -(-len(dated) // max_ticks))
    for ax, term in zip(axes.ravel(), terms, strict=False):
        part = trends[trends["term"] == term].set_index("period")
        per_1000 = part["share"] * 1000
        ax.plot([x[p] for p in dated], per_1000.loc[dated].to_numpy(), marker="o",
                color="#1f5f8b", markersize=4)
        if UNDATED in part.index and part.loc[UNDATED, "n_docs"] > 0:
            ax.plot([x[UNDATED]], [per_1000.loc[UNDATED]], marker="o", markersize=5,
                    markerfacecolor="white", color="#888888", linestyle="none")
        ax.set_title(_plain(term), fontsize=10)
        ticks = dated[::step] + ([UNDATED] if UNDATED in part.index else [])
        ax.set_xticks([x[p] for p in ticks], ticks, rotation=45, ha="right", fontsize=7)
        ax.set_ylim(bottom=0)
        ax.tick_params(axis="y", labelsize=7)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in axes.ravel()[len(terms):]:
        ax.set_axis_off()
    if not terms:
        axes[0, 0].text(0.5, 0.5, "no terms to show", ha="center", va="center")
    fig.supylabel("per 1,000 tokens", fontsize=9)
    fig.tight_layout()
    return fig


def plot_contrast(data: pd.DataFrame, label_a: str, label_b: str):
    """Frequency against z-score, scattertext style, from :func:`contrast_plot_data`.

    x is the term's count in both groups (log scale), y its z-score; dashed lines mark
    |z| = 1.96; terms marked in ``labelled`` are named. Returns the figure.
    """
    import textwrap

    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5.5))
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
            ax.annotate(_plain(textwrap.fill(terms, 28)), (total, z), xytext=(5, 6 * (i % 2) - 3),
                        textcoords="offset points", fontsize=7, color=color, va=va)
    for level in (Z_95, -Z_95):
        ax.axhline(level, color="#888888", linewidth=0.7, linestyle="--")
    ax.axhline(0, color="#444444", linewidth=0.6)
    ax.set_xscale("log")
    ax.set_xlabel("count in both groups (log scale)")
    ax.set_ylabel(_plain(f"z-score  (+ {label_a} · − {label_b})"))
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def plot_stance_bars(table: pd.DataFrame, labels: pd.Series | list | None = None):
    """Diverging bars per row (article or speaker): against to the left, favor to the right.

    ``table`` needs ``n_favor, n_against, net``; ``labels`` name the rows (default
    ``doc_id``). Returns the figure.
    """
    articles = table
    import matplotlib.pyplot as plt

    names = [_plain(n) for n in (labels if labels is not None else articles["doc_id"])]
    y = np.arange(len(articles))
    fig, ax = plt.subplots(figsize=(8, 0.45 * max(len(articles), 1) + 1.6), layout="constrained")
    ax.barh(y, -articles["n_against"].to_numpy(), color="#b2182b", label="against: controls fail")
    ax.barh(y, articles["n_favor"].to_numpy(), color="#2166ac", label="favor: controls bite")
    for i, net in enumerate(articles["net"]):
        ax.text(1.02, i, f"net {net:+.2f}", transform=ax.get_yaxis_transform(), va="center", fontsize=8)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    limit = max(1, int(articles[["n_favor", "n_against"]].to_numpy().max(initial=0)))
    ax.set_xlim(-limit - 0.5, limit + 0.5)
    right = list(range(0, limit + 1, max(1, limit // 5)))
    ticks = [-t for t in reversed(right[1:])] + right
    ax.set_xticks(ticks, [str(abs(t)) for t in ticks])
    ax.set_xlabel("sentences")
    fig.legend(loc="outside lower center", ncol=2, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


_RELATION_COLOURS = {  # one colour per relation, strongest first
    "duplicate/syndicated copy": "#b2182b", "retelling of the same story": "#ef8a62",
    "shares quotes only": "#7b3294", "same topic": "#999999", "unrelated": "#dddddd",
}


def plot_article_network(graph, labels: dict[str, str] | None = None):
    """Draw the article network on a circle: edge width grows with containment, colour = relation."""
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.lines import Line2D

    nodes = sorted(graph.nodes)
    positions = nx.circular_layout(nodes) if nodes else {}
    fig, ax = plt.subplots(figsize=(7, 6))
    for relation in NETWORK_RELATIONS:
        edges = sorted((a, b) for a, b, d in graph.edges(data=True) if d["relation"] == relation)
        widths = [1 + 8 * graph.edges[e]["weight"] for e in edges]
        nx.draw_networkx_edges(graph, positions, edgelist=edges, width=widths, ax=ax,
                               edge_color=_RELATION_COLOURS[relation])
    nx.draw_networkx_nodes(graph, positions, nodelist=nodes, node_color="#1f5f8b", node_size=500, ax=ax)
    nx.draw_networkx_labels(graph, positions, labels={n: _plain((labels or {}).get(n, n)) for n in nodes},
                            font_size=8, font_color="white", ax=ax)
    handles = [Line2D([0], [0], color=_RELATION_COLOURS[r], lw=3, label=r) for r in NETWORK_RELATIONS]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, 0), frameon=False, fontsize=8, ncol=2)
    ax.margins(0.12)
    ax.axis("off")
    fig.tight_layout()
    return fig


def plot_speaker_matrix(matrix: pd.DataFrame):
    """Heatmap of a speakers × articles table (cells = mentions; blank = not cited)."""
    import matplotlib.pyplot as plt

    values = matrix.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(1.5 + 0.6 * max(len(matrix.columns), 1),
                                    1.2 + 0.3 * max(len(matrix), 1)))
    if values.size == 0:
        ax.text(0.5, 0.5, "no quoted or cited speakers found", ha="center", va="center")
        ax.axis("off")
        return fig
    shown = np.where(values > 0, values, np.nan)
    image = ax.imshow(shown, cmap="Oranges", vmin=0, aspect="auto")
    ax.set_xticks(range(len(matrix.columns)), [_plain(c) for c in matrix.columns],
                  rotation=90 if len(matrix.columns) > 12 else 0)
    ax.set_yticks(range(len(matrix)), [_plain(i) for i in matrix.index], fontsize=8)
    if values.size and values.size <= 600:
        for (r, c), value in np.ndenumerate(values):
            if value > 0:
                ax.text(c, r, f"{int(value)}", ha="center", va="center", fontsize=7)
    ax.set_xlabel("article")
    if len(matrix):
        fig.colorbar(image, ax=ax, shrink=0.6, label="mentions")
    fig.tight_layout()
    return fig


def plot_story_timeline(timeline: pd.DataFrame):
    """One row per story (largest on top), one dot per article at its publication date; the
    candidate original is filled, undated articles sit in an "undated" column on the right."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    n_rows = int(timeline["row"].max()) + 1 if len(timeline) else 0
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.35 * max(n_rows, 1)))
    if not n_rows:
        ax.text(0.5, 0.5, "no articles", ha="center", va="center")
        ax.axis("off")
        return fig
    dated = pd.to_datetime(timeline["published"].replace("", None), errors="coerce")
    first, last = (dated.min(), dated.max()) if dated.notna().any() else (pd.Timestamp("2000-01-01"),) * 2
    undated_x = last + pd.Timedelta(days=max(2, (last - first).days // 6 + 1))
    x = dated.fillna(undated_x)
    for original in (True, False):  # later members as rings around or beside the original
        part = timeline["is_original"] == original
        ax.scatter(x[part], timeline.loc[part, "row"], s=60 if original else 130, zorder=3,
                   facecolors="#1f5f8b" if original else "none", edgecolors="#1f5f8b",
                   label="candidate original" if original else "later or undated member")
    labels = (timeline.drop_duplicates("row").sort_values("row")
              .apply(lambda r: f"{r['story']} ({r['n_articles']})", axis=1).tolist())
    ax.set_yticks(range(n_rows), labels, fontsize=8)
    ax.invert_yaxis()
    ticks = sorted(set(dated.dropna())) if dated.notna().any() else []
    shown = ticks if len(ticks) <= 8 else list(pd.date_range(first, last, periods=6).normalize())
    ax.set_xticks([*shown, undated_x], [*(t.strftime("%Y-%m-%d") for t in shown), "undated"],
                  rotation=45, ha="right", fontsize=8)
    if len(ticks) <= 8:
        ax.xaxis.set_minor_locator(mdates.DayLocator())
    ax.axvline(undated_x - (undated_x - last) / 2, color="#cccccc", lw=1)
    ax.set_ylabel("story (articles)")
    ax.set_title("Stories: each row one story, each dot one article")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


_FIGURE_DPI = 120


def save_figure(fig, data: pd.DataFrame, stem: str, figures_dir: str | Path) -> Path:
    """Write ``<stem>.png`` and ``<stem>.csv`` (the plotted data) into ``figures_dir``.

    Returns the PNG path. The PNG carries no timestamp or software metadata, so the same
    figure writes the same bytes. Text cells starting with ``= + - @`` (or a tab or carriage
    return) get a leading ``'`` so that a spreadsheet shows them instead of running them.
    """
    folder = Path(figures_dir)
    folder.mkdir(parents=True, exist_ok=True)
    png = folder / f"{stem}.png"
    fig.savefig(png, dpi=_FIGURE_DPI, bbox_inches="tight", metadata={"Software": None})
    _neutralise_cells(data).to_csv(folder / f"{stem}.csv", index=False, lineterminator="\n")
    return png


def display_saved(png: str | Path) -> None:
    """Show a saved PNG inline, the exact file beside its CSV, and close open figures.

    Displaying the file rather than the live figure keeps ``<Figure size …>`` text out of
    notebook outputs and shows readers the same bytes that are in ``figures/``. The output's
    metadata names the CSV beside it (``figure_csv``), so a report page can link to the data.
    """
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    plt.close("all")
    display(Image(filename=str(png), metadata={"figure_csv": Path(png).with_suffix(".csv").name}))


def plot_length_before_after(lengths: pd.DataFrame, labels: pd.Series | None = None):
    """Grouped horizontal bars of raw vs clean words per article; returns the figure."""
    import matplotlib.pyplot as plt

    names = [_plain(n) for n in (labels if labels is not None else lengths["doc_id"])]
    y = np.arange(len(lengths))
    fig, ax = plt.subplots(figsize=(7, 0.6 * len(lengths) + 1.2))
    ax.barh(y - 0.2, lengths["raw_words"], height=0.4, label="raw file", color="#bbbbbb")
    ax.barh(y + 0.2, lengths["clean_words"], height=0.4, label="clean text", color="#1f5f8b")
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel("words")
    ax.legend(loc="lower right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


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
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    return fig
