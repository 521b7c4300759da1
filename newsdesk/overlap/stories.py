"""Stories, not just pairs: articles grouped by the copy and same-story relations, who published
first, and how much each article counts as an independent voice.

A story is a connected component of the graph whose edges are the pairs related as
``STORY_RELATIONS`` (copies and retellings); an article related to no other is a story of its
own. Within a story the candidate original is the earliest dated article; ties (and undated
articles) break on a credit line in another member naming its outlet, then on ``doc_id``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsdesk.corpus.credits import article_origin, credits_outlet
from newsdesk.overlap.settings import STORY_RELATIONS

__all__ = [
    "DIRECTION_COLUMNS",
    "STORY_COLUMNS",
    "article_stories",
    "copy_direction",
    "independence_weights",
    "story_counts",
    "story_table",
]

STORY_COLUMNS = ["story", "n_articles", "members", "earliest", "latest", "outlets", "original", "basis"]
DIRECTION_COLUMNS = ["doc_a", "doc_b", "relation", "earlier", "later", "basis", "later_credits_earlier"]


def _components(doc_ids: list[str], pairs: pd.DataFrame) -> list[list[str]]:
    """Connected components of the story graph, each sorted, over every article in ``doc_ids``."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    index = {doc: i for i, doc in enumerate(doc_ids)}
    edges = pairs[pairs["relation"].isin(STORY_RELATIONS)]
    rows = edges["doc_a"].astype(str).map(index)
    cols = edges["doc_b"].astype(str).map(index)
    keep = rows.notna() & cols.notna()
    graph = coo_matrix((np.ones(int(keep.sum())), (rows[keep].astype(int), cols[keep].astype(int))),
                       shape=(len(doc_ids), len(doc_ids)))
    _, labels = connected_components(graph, directed=False)
    groups: dict[int, list[str]] = {}
    for doc, label in zip(doc_ids, labels, strict=True):
        groups.setdefault(int(label), []).append(doc)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def _articles(corpus: pd.DataFrame) -> pd.DataFrame:
    """``doc_id`` (str), ``published`` (date or NaT), ``outlet`` (the outlet, else the origin a
    credit line or the metadata gives, else "") and ``text``, indexed by ``doc_id``."""
    table = pd.DataFrame({"doc_id": corpus["doc_id"].astype(str),
                          "text": corpus["text"].fillna("").astype(str)})
    table["published"] = (pd.to_datetime(corpus["published"], errors="coerce").dt.normalize()
                          if "published" in corpus else pd.NaT)
    blank = pd.Series("", index=corpus.index)
    outlets = corpus["outlet"].fillna("").astype(str) if "outlet" in corpus else blank
    origins = corpus["origin"].fillna("").astype(str) if "origin" in corpus else blank
    table["outlet"] = [o if o and o.lower() != "unknown" else article_origin(t, origin=g)
                       for o, t, g in zip(outlets, table["text"], origins, strict=True)]
    return table.set_index("doc_id", drop=False)


def _credited_by(articles: pd.DataFrame, members: list[str]) -> dict[str, int]:
    """For each member, how many other members carry a credit line naming its outlet."""
    return {doc: sum(credits_outlet(articles.at[other, "text"], articles.at[doc, "outlet"])
                     for other in members if other != doc) for doc in members}


def _order(articles: pd.DataFrame, members: list[str]) -> tuple[list[str], str]:
    """Members from the candidate original on, and the basis of the first place over the
    runner-up: ``date``, ``only one dated`` (the original is dated, the runner-up is not),
    ``credit line`` (same day or both undated, and more members credit its outlet) or
    ``doc_id`` (nothing else told them apart)."""
    credited = _credited_by(articles, members)
    dates = articles.loc[members, "published"]
    key = {doc: (pd.isna(dates[doc]), dates[doc] if not pd.isna(dates[doc]) else pd.Timestamp.max,
                 -credited[doc], doc) for doc in members}
    order = sorted(members, key=lambda d: key[d])
    if len(order) < 2:
        return order, ""
    first, second = key[order[0]], key[order[1]]
    if first[0] != second[0]:
        return order, "only one dated"
    basis = "date" if first[1] != second[1] else "credit line" if first[2] != second[2] else "doc_id"
    return order, basis


def article_stories(corpus: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Each article's story: ``doc_id, story, story_size, is_original``, sorted by ``doc_id``.

    ``story`` is named by its candidate original's ``doc_id`` (see the module notes).
    """
    articles = _articles(corpus)
    rows = []
    for members in _components(articles["doc_id"].tolist(), pairs):
        order, _ = _order(articles, members)
        rows.extend({"doc_id": doc, "story": order[0], "story_size": len(members),
                     "is_original": doc == order[0]} for doc in members)
    table = pd.DataFrame(rows, columns=["doc_id", "story", "story_size", "is_original"])
    return table.sort_values("doc_id", kind="stable").reset_index(drop=True)


def story_table(corpus: pd.DataFrame, pairs: pd.DataFrame, min_articles: int = 1) -> pd.DataFrame:
    """One row per story with at least ``min_articles`` articles: ``STORY_COLUMNS``.

    ``members`` from the candidate original on ("; "-joined); ``earliest``/``latest`` the first and
    last dates (NaT when no member is dated); ``outlets`` the members' distinct outlets (from
    metadata or credit lines; "; "-joined, sorted); ``basis`` how the original was chosen
    (see :func:`copy_direction`; "" for a story of one). Largest stories first, then
    by earliest date and name.
    """
    articles = _articles(corpus)
    rows = []
    for members in _components(articles["doc_id"].tolist(), pairs):
        if len(members) < min_articles:
            continue
        order, basis = _order(articles, members)
        dates = articles.loc[members, "published"].dropna()
        outlets = sorted({o for o in articles.loc[members, "outlet"] if o})
        rows.append({"story": order[0], "n_articles": len(members), "members": "; ".join(order),
                     "earliest": dates.min() if len(dates) else pd.NaT,
                     "latest": dates.max() if len(dates) else pd.NaT,
                     "outlets": "; ".join(outlets), "original": order[0], "basis": basis})
    table = pd.DataFrame(rows, columns=STORY_COLUMNS)
    table["earliest"] = pd.to_datetime(table["earliest"])
    table["latest"] = pd.to_datetime(table["latest"])
    return table.sort_values(["n_articles", "earliest", "story"], ascending=[False, True, True],
                             kind="stable", na_position="last").reset_index(drop=True)


def story_counts(corpus: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """``n_articles`` and ``n_stories`` side by side, with the stories of more than one article
    (``n_retold_stories``) and the articles in them (``n_articles_in_retold``)."""
    stories = article_stories(corpus, pairs)
    retold = stories[stories["story_size"] > 1]
    return pd.DataFrame([{"n_articles": len(stories), "n_stories": stories["story"].nunique(),
                          "n_retold_stories": retold["story"].nunique(),
                          "n_articles_in_retold": len(retold)}])


def copy_direction(corpus: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Who came first in each copy or retelling pair: ``DIRECTION_COLUMNS``.

    ``earlier``/``later`` by date (a dated article before an undated one), else by a credit line
    in one naming the other's outlet, else by ``doc_id``; ``basis`` says which decided (``date``,
    ``only one dated``, ``credit line``, ``doc_id``); ``later_credits_earlier`` whether the later
    article names the earlier one's outlet in a credit line or citation.
    """
    articles = _articles(corpus)
    related = pairs[pairs["relation"].isin(STORY_RELATIONS)].sort_values(["doc_a", "doc_b"], kind="stable")
    rows = []
    for a, b, relation in zip(related["doc_a"].astype(str), related["doc_b"].astype(str),
                              related["relation"], strict=True):
        (earlier, later), basis = _order(articles, [a, b])
        rows.append({"doc_a": a, "doc_b": b, "relation": relation, "earlier": earlier, "later": later,
                     "basis": basis, "later_credits_earlier":
                     credits_outlet(articles.at[later, "text"], articles.at[earlier, "outlet"])})
    return pd.DataFrame(rows, columns=DIRECTION_COLUMNS)


def independence_weights(corpus: pd.DataFrame, pairs: pd.DataFrame, counting: str = "weight") -> pd.Series:
    """How much each article counts as an independent voice, by ``doc_id``.

    ``counting`` is ``"article"`` (every article 1: copies count again), ``"weight"`` (1 / the
    size of its story, so each story sums to 1) or ``"story"`` (1 for the story's candidate
    original, 0 for the rest). Pass the result to the stance and term counts that accept weights.
    """
    if counting not in {"article", "weight", "story"}:
        raise ValueError(f"counting must be 'article', 'weight' or 'story', not {counting!r}")
    stories = article_stories(corpus, pairs).set_index("doc_id")
    if counting == "article":
        values = np.ones(len(stories))
    elif counting == "weight":
        values = 1.0 / stories["story_size"].to_numpy()
    else:
        values = stories["is_original"].astype(float).to_numpy()
    return pd.Series(values, index=stories.index, name="weight")

