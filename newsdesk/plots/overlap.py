"""The overlap figures (notebook 04): similarity heatmaps, the article network, speakers by
article and the stories' timeline. Articles are named by their labels (outlet and date,
:func:`doc_labels`) when the caller passes them, by ``doc_id`` otherwise.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from newsdesk.overlap.settings import NETWORK_RELATIONS
from newsdesk.plots.common import plain_text
from newsdesk.plots.settings import FONT_PT, MAX_FIGURE_WIDTH_IN, MIN_FONT_PT

__all__ = [
    "plot_article_network",
    "plot_similarity_heatmaps",
    "plot_speaker_matrix",
    "plot_story_timeline",
]

_RELATION_COLOURS = {  # one colour per relation, strongest first
    "duplicate/syndicated copy": "#b2182b", "retelling of the same story": "#ef8a62",
    "shares quotes only": "#7b3294", "same topic": "#999999", "unrelated": "#dddddd",
}
_ANNOTATE_CELL_IN = 0.45  # a heatmap cell narrower than this has no room for "0.00" at 9 pt
_LABEL_WIDTH = 26  # characters per line of an article's label beside a node


def _names(docs: list[str], labels: dict[str, str] | None) -> list[str]:
    return [plain_text((labels or {}).get(d, d)) for d in docs]


def plot_similarity_heatmaps(long: pd.DataFrame, labels: dict[str, str] | None = None):
    """Two heatmaps, one above the other: TF-IDF cosine and 5-gram containment (row in
    column), from :func:`similarity_long`; ``labels`` name the articles by ``doc_id``.

    The figure keeps ``MAX_FIGURE_WIDTH_IN``: cells shrink with the number of articles, and
    values are written in them only while a cell is at least ``_ANNOTATE_CELL_IN`` wide.
    """
    import matplotlib.pyplot as plt

    docs = list(dict.fromkeys(long["doc_row"]))
    names = _names(docs, labels)
    longest = max((len(n) for n in names), default=4)
    label_in = min(0.075 * longest + 0.3, 3.2)  # room the tick labels take at MIN_FONT_PT
    cell = min(0.6, (MAX_FIGURE_WIDTH_IN - label_in - 1.2) / max(len(docs), 1))
    side = cell * max(len(docs), 1)
    fig, axes = plt.subplots(2, 1, figsize=(min(side + label_in + 1.2, MAX_FIGURE_WIDTH_IN),
                                            2 * (side + label_in + 0.6)))
    titles = {"cosine": "TF-IDF cosine", "containment": "share of the row's 5-grams in the column"}
    for ax, measure in zip(axes, ("cosine", "containment"), strict=True):
        matrix = (long[long["measure"] == measure].pivot(index="doc_row", columns="doc_col", values="value")
                  .reindex(index=docs, columns=docs)).to_numpy(dtype=float)
        image = ax.imshow(matrix, vmin=0, vmax=1, cmap="Blues")
        ax.set_xticks(range(len(docs)), names, rotation=90, fontsize=MIN_FONT_PT)
        ax.set_yticks(range(len(docs)), names, fontsize=MIN_FONT_PT)
        if cell >= _ANNOTATE_CELL_IN:
            for (r, c), value in np.ndenumerate(matrix):
                if not np.isnan(value):
                    ax.text(c, r, f"{value:.2f}", ha="center", va="center", fontsize=MIN_FONT_PT,
                            color="white" if value > 0.6 else "black")
        ax.set_title(titles[measure], fontsize=FONT_PT + 1)
        fig.colorbar(image, ax=ax, shrink=0.8).ax.tick_params(labelsize=MIN_FONT_PT)
    fig.tight_layout()
    return fig


def plot_article_network(graph, labels: dict[str, str] | None = None):
    """The article network on a circle: edge width grows with containment, colour = relation.

    Each node is named beside it, outside the circle, in dark text: its label from
    ``labels`` (by ``doc_id``, e.g. ``doc_labels(corpus).to_dict()``) or its ``doc_id``.
    Beyond a dozen nodes the names run outwards along the radius so they do not overlap.
    """
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.lines import Line2D

    nodes = sorted(graph.nodes)
    positions = nx.circular_layout(nodes) if nodes else {}
    radial = len(nodes) > 12
    fig, ax = plt.subplots(figsize=(MAX_FIGURE_WIDTH_IN, MAX_FIGURE_WIDTH_IN * (1.0 if radial else 0.75)))
    for relation in NETWORK_RELATIONS:
        edges = sorted((a, b) for a, b, d in graph.edges(data=True) if d["relation"] == relation)
        widths = [1 + 8 * graph.edges[e]["weight"] for e in edges]
        nx.draw_networkx_edges(graph, positions, edgelist=edges, width=widths, ax=ax,
                               edge_color=_RELATION_COLOURS[relation])
    nx.draw_networkx_nodes(graph, positions, nodelist=nodes, node_color="#1f5f8b", node_size=120, ax=ax)
    for node, name in zip(nodes, _names(nodes, labels), strict=True):
        x, y = positions[node]
        angle = float(np.degrees(np.arctan2(y, x)))
        right = x >= -1e-9
        text = name if radial else "\n".join(textwrap.wrap(name, _LABEL_WIDTH)) or name
        ax.text(1.08 * x, 1.08 * y, text, fontsize=MIN_FONT_PT, color="#222222",
                ha="left" if right else "right", va="center", rotation_mode="anchor",
                rotation=(angle if right else angle - 180) if radial else 0)
    handles = [Line2D([0], [0], color=_RELATION_COLOURS[r], lw=3, label=r) for r in NETWORK_RELATIONS]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), frameon=False,
              fontsize=MIN_FONT_PT, ncol=2)
    reach = 2.45 if radial else 2.1  # the circle has radius 1; names take the rest
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-reach if radial else -1.5, reach if radial else 1.5)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout()
    return fig


def plot_speaker_matrix(matrix: pd.DataFrame, labels: dict[str, str] | None = None):
    """Heatmap of a speakers × articles table (cells = mentions; blank = not cited); ``labels``
    name the article columns by ``doc_id``."""
    import matplotlib.pyplot as plt

    values = matrix.to_numpy(dtype=float)
    width = min(3.0 + 0.45 * max(len(matrix.columns), 1), MAX_FIGURE_WIDTH_IN)
    fig, ax = plt.subplots(figsize=(width, 1.6 + 0.3 * max(len(matrix), 1)))
    if values.size == 0:
        ax.text(0.5, 0.5, "no quoted or cited speakers found", ha="center", va="center")
        ax.axis("off")
        return fig
    shown = np.where(values > 0, values, np.nan)
    image = ax.imshow(shown, cmap="Oranges", vmin=0, aspect="auto")
    ax.set_xticks(range(len(matrix.columns)), _names([str(c) for c in matrix.columns], labels),
                  rotation=90, fontsize=MIN_FONT_PT)
    ax.set_yticks(range(len(matrix)), [plain_text(i) for i in matrix.index], fontsize=MIN_FONT_PT)
    cell_in = (width - 3.0) / max(len(matrix.columns), 1)
    if cell_in >= 0.25 and values.size <= 600:
        for (r, c), value in np.ndenumerate(values):
            if value > 0:
                ax.text(c, r, f"{int(value)}", ha="center", va="center", fontsize=MIN_FONT_PT,
                        color="white" if value > 0.6 * values.max() else "black")
    ax.set_xlabel("article")
    fig.colorbar(image, ax=ax, shrink=0.6, label="mentions").ax.tick_params(labelsize=MIN_FONT_PT)
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
    ax.set_yticks(range(n_rows), labels, fontsize=MIN_FONT_PT)
    ax.invert_yaxis()
    ticks = sorted(set(dated.dropna())) if dated.notna().any() else []
    shown = ticks if len(ticks) <= 8 else list(pd.date_range(first, last, periods=6).normalize())
    ax.set_xticks([*shown, undated_x], [*(t.strftime("%Y-%m-%d") for t in shown), "undated"],
                  rotation=45, ha="right", fontsize=MIN_FONT_PT)
    if len(ticks) <= 8:
        ax.xaxis.set_minor_locator(mdates.DayLocator())
    ax.axvline(undated_x - (undated_x - last) / 2, color="#cccccc", lw=1)
    ax.set_ylabel("story (articles)")
    ax.set_title("Stories: each row one story, each dot one article")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=MIN_FONT_PT)
    fig.tight_layout()
    return fig
