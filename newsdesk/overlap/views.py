"""Tables the overlap figures draw: the similarity matrix, its long form and the network edges.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsdesk.overlap.pairs import rank_pairs
from newsdesk.overlap.settings import FIGURE_MAX_DOCS, FIGURE_MAX_STORIES, NETWORK_RELATIONS, RELATIONS
from newsdesk.overlap.stories import article_stories, story_table

__all__ = [
    "article_network",
    "figure_docs",
    "network_edges",
    "similarity_long",
    "similarity_matrix",
    "story_timeline",
]


def similarity_matrix(pairs: pd.DataFrame, doc_ids: list[str], measure: str) -> pd.DataFrame:
    """Square docs × docs table of one pair measure (NaN for pairs not measured).

    For ``containment`` the cell ``[row, col]`` is the share of the row article's shingles
    found in the column article; other measures are symmetric. The diagonal is NaN.
    """
    docs = [str(d) for d in doc_ids]
    matrix = pd.DataFrame(np.nan, index=pd.Index(docs, name="doc_id"), columns=docs)
    shown = set(docs)
    for row in pairs.itertuples(index=False):
        a, b = str(row.doc_a), str(row.doc_b)
        if a not in shown or b not in shown:
            continue
        if measure == "containment":
            matrix.loc[a, b], matrix.loc[b, a] = row.containment_ab, row.containment_ba
        else:
            matrix.loc[a, b] = matrix.loc[b, a] = getattr(row, measure)
    return matrix


def figure_docs(pairs: pd.DataFrame, doc_ids: list[str], max_docs: int = FIGURE_MAX_DOCS) -> list[str]:
    """Articles to show in the heatmap and network: all of them up to ``max_docs``; otherwise
    those of the closest related pairs (:func:`rank_pairs`, "unrelated" skipped), in that order."""
    docs = [str(d) for d in doc_ids]
    if len(docs) <= max_docs:
        return docs
    chosen: dict[str, None] = {}
    ranked = rank_pairs(pairs[pairs["relation"] != RELATIONS[-1]])
    for a, b in zip(ranked["doc_a"], ranked["doc_b"], strict=True):
        for doc in (str(a), str(b)):
            if len(chosen) < max_docs:
                chosen.setdefault(doc, None)
    return sorted(chosen)


def similarity_long(pairs: pd.DataFrame, doc_ids: list[str]) -> pd.DataFrame:
    """The heatmap data in long form: ``doc_row, doc_col, measure, value`` (rounded to 4 places)."""
    frames = []
    for measure in ("cosine", "containment"):
        matrix = similarity_matrix(pairs, doc_ids, measure)
        long = matrix.stack(future_stack=True).rename("value").reset_index()
        long.columns = ["doc_row", "doc_col", "value"]
        frames.append(long.assign(measure=measure))
    table = pd.concat(frames, ignore_index=True)[["doc_row", "doc_col", "measure", "value"]]
    table["value"] = table["value"].round(4)
    return table


def article_network(pairs: pd.DataFrame, doc_ids: list[str]):
    """``networkx.Graph`` of the articles ``doc_ids``; an edge per pair among them whose relation is
    in ``NETWORK_RELATIONS``, with ``relation`` and ``weight`` (the larger containment)."""
    import networkx as nx

    graph = nx.Graph()
    nodes = sorted(str(d) for d in doc_ids)
    graph.add_nodes_from(nodes)
    shown = set(nodes)
    for row in pairs.sort_values(["doc_a", "doc_b"], kind="stable").itertuples(index=False):
        if row.relation in NETWORK_RELATIONS and str(row.doc_a) in shown and str(row.doc_b) in shown:
            graph.add_edge(str(row.doc_a), str(row.doc_b), relation=row.relation,
                           weight=float(max(row.containment_ab, row.containment_ba)))
    return graph


def network_edges(graph) -> pd.DataFrame:
    """The plotted network: ``doc_a, doc_b, relation, weight, x_a, y_a, x_b, y_b`` (circular layout)."""
    import networkx as nx

    nodes = sorted(graph.nodes)
    positions = nx.circular_layout(nodes) if nodes else {}
    rows = [{"doc_a": a, "doc_b": b, "relation": data["relation"], "weight": round(data["weight"], 4),
             "x_a": round(float(positions[a][0]), 4), "y_a": round(float(positions[a][1]), 4),
             "x_b": round(float(positions[b][0]), 4), "y_b": round(float(positions[b][1]), 4)}
            for a, b, data in sorted(graph.edges(data=True), key=lambda e: (min(e[:2]), max(e[:2])))]
    return pd.DataFrame(rows, columns=["doc_a", "doc_b", "relation", "weight", "x_a", "y_a", "x_b", "y_b"])


def story_timeline(corpus: pd.DataFrame, pairs: pd.DataFrame, max_stories: int = FIGURE_MAX_STORIES
                   ) -> pd.DataFrame:
    """The stories figure's data: one row per article of the ``max_stories`` largest stories
    (:func:`story_table` order): ``row`` (0 = largest), ``story``, ``n_articles``, ``doc_id``,
    ``published`` (ISO date, "" when undated) and ``is_original``; members in story order."""
    columns = ["row", "story", "n_articles", "doc_id", "published", "is_original"]
    table = story_table(corpus, pairs).head(max_stories)
    members = article_stories(corpus, pairs).set_index("doc_id")
    dates = pd.to_datetime(corpus["published"], errors="coerce") if "published" in corpus \
        else pd.Series(pd.NaT, index=corpus.index)
    date_of = dict(zip(corpus["doc_id"].astype(str), dates, strict=True))
    rows = [{"row": r, "story": story, "n_articles": n, "doc_id": doc,
             "published": "" if pd.isna(date_of[doc]) else date_of[doc].strftime("%Y-%m-%d"),
             "is_original": bool(members.at[doc, "is_original"])}
            for r, (story, n, order) in enumerate(zip(table["story"], table["n_articles"], table["members"],
                                                      strict=True))
            for doc in order.split("; ")]
    return pd.DataFrame(rows, columns=columns)
