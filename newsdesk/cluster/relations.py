"""From verified pairs to relations on a Dask cluster: same-story evidence for the story
candidates (distinctive facts judged among their articles, as :func:`pair_evidence` judges
them), :func:`classify_relation` per partition, and stories as connected components on the
client from the pair list alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsdesk.cluster.gather import gather_small
from newsdesk.overlap.evidence import FACT_COLUMNS, article_facts, beat_entities
from newsdesk.overlap.pairs import pair_relations
from newsdesk.overlap.settings import (
    COPY_CONTAINMENT,
    FACT_MAX_DOC_SHARE,
    FACT_MAX_DOCS_FLOOR,
    OVERLAP_COLUMNS,
    STORY_COSINE,
    STORY_RELATIONS,
)

__all__ = [
    "EVIDENCE_COUNTS",
    "classify_part",
    "cluster_relations",
    "pair_stories",
]

EVIDENCE_COUNTS = ["n_shared_entities", "n_shared_numbers", "n_shared_sources"]
_KIND_COUNT = {"entity": "n_shared_entities", "number": "n_shared_numbers", "source": "n_shared_sources"}


def _story_candidates(part: pd.DataFrame) -> pd.DataFrame:
    top = part[["containment_ab", "containment_ba"]].max(axis=1)
    return part.loc[(top < COPY_CONTAINMENT) & (part["cosine"] >= STORY_COSINE), ["doc_a", "doc_b"]]


def _facts_part(part: pd.DataFrame) -> pd.DataFrame:
    return article_facts(part)[FACT_COLUMNS]


def _distinctive(facts: pd.DataFrame, doc_freq: pd.Series, limit: float) -> pd.DataFrame:
    """Facts kept by :func:`distinctive_facts`, with the document frequencies given."""
    counted = facts["kind"].isin(["entity", "number"])
    freq = pd.Series(list(zip(facts["kind"], facts["key"], strict=True)), index=facts.index,
                     dtype=object).map(doc_freq).fillna(0)
    keep = (~counted | (freq <= limit)) & ~((facts["kind"] == "entity") & facts["key"].isin(beat_entities()))
    return facts[keep & facts["kind"].isin(list(_KIND_COUNT))]


def _evidence(pairs, corpus, work_dir, ledger: list):
    """``doc_a, doc_b`` + ``EVIDENCE_COUNTS`` of the story candidates among ``pairs``."""
    import dask.dataframe as dd

    story = pairs.map_partitions(_story_candidates, meta=pairs._meta[["doc_a", "doc_b"]])
    members = dd.concat([story["doc_a"].rename("doc_id"), story["doc_b"].rename("doc_id")]).drop_duplicates()
    n_members = int(gather_small(members.count(), "story candidate articles", ledger))
    fact_meta = pd.DataFrame({c: pd.Series(dtype="string") for c in FACT_COLUMNS})
    member_docs = corpus[["doc_id", "text"]].merge(members.to_frame(), on="doc_id", how="inner")
    facts = member_docs.map_partitions(_facts_part, meta=fact_meta)
    written = facts.to_parquet(f"{work_dir}/facts", write_index=False, overwrite=True, compute=False)
    counted = facts[facts["kind"].isin(["entity", "number"])]
    limit = max(FACT_MAX_DOCS_FLOOR, FACT_MAX_DOC_SHARE * n_members)
    common = gather_small(counted.groupby(["kind", "key"])["doc_id"].count(), "fact document counts", ledger,
                          where=lambda s: s[s > limit], also=[written])
    facts = dd.read_parquet(f"{work_dir}/facts")
    doc_freq = {k: float(v) for k, v in common.items()}
    kept = facts.map_partitions(_distinctive, doc_freq, limit, meta=fact_meta)
    left = story.merge(kept.rename(columns={"doc_id": "doc_a"}), on="doc_a")
    both = left.merge(kept.rename(columns={"doc_id": "doc_b"}), on=["doc_b", "kind", "key"])
    counts = both.groupby(["doc_a", "doc_b", "kind"])["key"].count().reset_index()
    return counts.map_partitions(_wide_counts, meta=pd.DataFrame(
        {"doc_a": pd.Series(dtype="string"), "doc_b": pd.Series(dtype="string"),
         **{c: pd.Series(dtype="int64") for c in EVIDENCE_COUNTS}}))


def _wide_counts(part: pd.DataFrame) -> pd.DataFrame:
    wide = part.assign(column=part["kind"].map(_KIND_COUNT)).pivot_table(
        index=["doc_a", "doc_b"], columns="column", values="key", aggfunc="sum", fill_value=0)
    return wide.reindex(columns=EVIDENCE_COUNTS, fill_value=0).astype("int64").reset_index()


def classify_part(part: pd.DataFrame) -> pd.DataFrame:
    """:func:`classify_relation` of every pair of one partition: ``OVERLAP_COLUMNS``."""
    part = part.copy()
    part[EVIDENCE_COUNTS] = part[EVIDENCE_COUNTS].fillna(0).astype("int64")
    part["relation"] = pair_relations(part)
    return part[OVERLAP_COLUMNS]


def cluster_relations(verified, corpus, work_dir, ledger: list):
    """The overlap table of verified pairs (``VERIFIED_COLUMNS``) as a Dask frame
    ``OVERLAP_COLUMNS``: evidence counts joined for the story candidates, 0 elsewhere.
    The story candidates' facts are kept in ``work_dir/facts`` (Parquet) between passes."""
    evidence = _evidence(verified, corpus, work_dir, ledger)
    joined = verified.merge(evidence, on=["doc_a", "doc_b"], how="left")
    meta = pd.DataFrame({c: pd.Series(dtype="string" if c in ("doc_a", "doc_b", "relation") else
                                      "int64" if c.startswith(("n_", "shared")) else "float64")
                         for c in OVERLAP_COLUMNS})
    return joined.map_partitions(classify_part, meta=meta)


def pair_stories(pairs: pd.DataFrame) -> pd.DataFrame:
    """Stories as connected components of the copy and retelling pairs (``doc_a, doc_b,
    relation``; no text): ``doc_id, story`` for every article in a story of two or more,
    ``story`` named by its first member, sorted by story then doc_id."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    edges = pairs[pairs["relation"].isin(STORY_RELATIONS)]
    docs = sorted(set(edges["doc_a"].astype(str)) | set(edges["doc_b"].astype(str)))
    if not docs:
        return pd.DataFrame(columns=["doc_id", "story"])
    index = {d: i for i, d in enumerate(docs)}
    graph = coo_matrix((np.ones(len(edges)), (edges["doc_a"].astype(str).map(index).to_numpy(),
                                              edges["doc_b"].astype(str).map(index).to_numpy())),
                       shape=(len(docs), len(docs)))
    _, labels = connected_components(graph, directed=False)
    table = pd.DataFrame({"doc_id": docs, "label": labels})
    table["story"] = table.groupby("label")["doc_id"].transform("min")
    return table[["doc_id", "story"]].sort_values(["story", "doc_id"], kind="stable").reset_index(drop=True)
