"""The relation of each pair of articles (copy, retelling, same topic) and the ranked pair table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsdesk.overlap.candidates import cosine_candidates, minhash_candidates, prune_common_terms
from newsdesk.overlap.evidence import pair_days_apart, pair_evidence
from newsdesk.overlap.passages import (
    copied_share,
    covered_words,
    maximal_runs,
    shared_passages,
    side_by_side_html,
)
from newsdesk.overlap.settings import (
    ALL_PAIRS_MAX_DOCS,
    COPY_CONTAINMENT,
    OVERLAP_COLUMNS,
    PASSAGE_MIN_WORDS,
    RELATION_THRESHOLDS,
    RELATIONS,
    RETELL_CONTAINMENT,
    RETELL_COSINE,
    RETELL_COSINE_ALONE,
    RETELL_MIN_SHARED_SPEAKERS,
    SAME_TOPIC_COSINE,
    SHINGLE_WORDS,
    STORY_COSINE,
    STORY_MAX_DAYS,
    STORY_MIN_FACTS,
)
from newsdesk.overlap.shingles import rowwise_dot, shingle_matrix_of_ids, tfidf_matrix_of_ids, word_ids
from newsdesk.overlap.sources import (
    match_quotes,
    shared_quote_counts,
    shared_speaker_counts,
    speaker_mentions,
)
from newsdesk.speakers import cited_sources, corpus_speech

__all__ = [
    "candidate_evidence",
    "classify_relation",
    "lexical_pairs",
    "overlap_pairs",
    "pair_relations",
    "rank_pairs",
    "relation_counts",
    "relation_thresholds",
    "shared_speaker_names",
    "side_by_side_pairs",
    "story_candidates",
]


def classify_relation(cosine: float, containment_ab: float, containment_ba: float,
                      n_shared_quotes: int = 0, n_shared_speakers: int = 0,
                      story_facts: int = 0, days_apart: float = float("nan")) -> str:
    """Name the relation of a pair of articles (one of ``RELATIONS``), first rule that holds.

    1. duplicate/syndicated copy: at least ``COPY_CONTAINMENT`` of either article's shingles
       are in the other (a verbatim copy, a trimmed copy, or one story inside another).
    2. retelling of the same story, unless both are dated more than ``STORY_MAX_DAYS`` apart:
       ``RETELL_CONTAINMENT`` of either side verbatim; or cosine ≥ ``RETELL_COSINE`` with a
       shared quote or ≥ ``RETELL_MIN_SHARED_SPEAKERS`` shared speakers; or cosine ≥
       ``RETELL_COSINE_ALONE``; or cosine ≥ ``STORY_COSINE`` with ``STORY_MIN_FACTS`` shared
       facts (distinctive entities, numbers, cited outlets and quotes, :func:`pair_evidence`).
    3. shares quotes only: at least one shared quote, lexically different otherwise.
    4. same topic: cosine ≥ ``SAME_TOPIC_COSINE``.
    5. unrelated.
    """
    top = max(containment_ab, containment_ba)
    shares_sources = n_shared_quotes >= 1 or n_shared_speakers >= RETELL_MIN_SHARED_SPEAKERS
    if top >= COPY_CONTAINMENT:
        return RELATIONS[0]
    in_window = not days_apart > STORY_MAX_DAYS  # NaN (undated) stays in the window
    if in_window and (top >= RETELL_CONTAINMENT or cosine >= RETELL_COSINE_ALONE
                      or (shares_sources and cosine >= RETELL_COSINE)
                      or (story_facts >= STORY_MIN_FACTS and cosine >= STORY_COSINE)):
        return RELATIONS[1]
    if n_shared_quotes >= 1:
        return RELATIONS[2]
    if cosine >= SAME_TOPIC_COSINE:
        return RELATIONS[3]
    return RELATIONS[4]


def _pair_indices(matrix_x, tfidf, hashes, n: int, max_all_pairs: int) -> tuple[np.ndarray, np.ndarray]:
    if n <= max_all_pairs:
        return np.triu_indices(n, 1)
    pairs = sorted(minhash_candidates(hashes) | cosine_candidates(prune_common_terms(tfidf)))
    if not pairs:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    left, right = zip(*pairs, strict=True)
    return np.array(left, dtype=int), np.array(right, dtype=int)


def lexical_pairs(corpus: pd.DataFrame, max_all_pairs: int = ALL_PAIRS_MAX_DOCS) -> pd.DataFrame:
    """Lexical measures of article pairs: every pair up to ``max_all_pairs`` articles, else the
    MinHash-LSH and cosine top-k candidates, each verified exactly.

    Returns ``doc_a, doc_b, cosine, jaccard, containment_ab, containment_ba, shared_words``:
    TF-IDF cosine, 5-gram shingle Jaccard, share of A's shingles in B (and of B's in A), and
    words in shared runs of ``PASSAGE_MIN_WORDS`` or more (the smaller of the two sides' counts).
    """
    columns = ["doc_a", "doc_b", "cosine", "jaccard", "containment_ab", "containment_ba", "shared_words"]
    ids = corpus["doc_id"].astype(str).tolist()
    texts = corpus["text"].fillna("").astype(str).tolist()
    n = len(ids)
    if n < 2:
        return pd.DataFrame(columns=columns)
    words = word_ids(texts)
    matrix_x, hashes = shingle_matrix_of_ids(words.ids)
    tfidf = tfidf_matrix_of_ids(words)
    left, right = _pair_indices(matrix_x, tfidf, hashes, n, max_all_pairs)
    sizes = np.array([len(h) for h in hashes], dtype=np.float64)
    if n <= max_all_pairs:
        inter = (matrix_x @ matrix_x.T).toarray()[left, right].astype(np.float64)
        cosine = (tfidf @ tfidf.T).toarray()[left, right]
    else:
        inter = rowwise_dot(matrix_x, left, right)
        cosine = rowwise_dot(tfidf, left, right)
    cosine = np.clip(cosine, 0.0, 1.0)
    union = sizes[left] + sizes[right] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        jac = np.where(union > 0, inter / union, 0.0)
        c_ab = np.where(sizes[left] > 0, inter / sizes[left], 0.0)
        c_ba = np.where(sizes[right] > 0, inter / sizes[right], 0.0)
    shared = np.zeros(len(left), dtype=int)
    need = np.nonzero(inter >= PASSAGE_MIN_WORDS - SHINGLE_WORDS + 1)[0]
    for k in need:
        i, j = int(left[k]), int(right[k])
        runs = maximal_runs(words.ids[i].tolist(), words.ids[j].tolist(), PASSAGE_MIN_WORDS)
        shared[k] = min(covered_words(runs, 0), covered_words(runs, 1))
    table = pd.DataFrame({"doc_a": [ids[i] for i in left], "doc_b": [ids[j] for j in right],
                          "cosine": cosine, "jaccard": jac, "containment_ab": c_ab,
                          "containment_ba": c_ba, "shared_words": shared}, columns=columns)
    return table.sort_values(["doc_a", "doc_b"], kind="stable").reset_index(drop=True)


def overlap_pairs(corpus: pd.DataFrame, quotes: pd.DataFrame | None = None,
                  sources: pd.DataFrame | None = None,
                  max_all_pairs: int = ALL_PAIRS_MAX_DOCS) -> pd.DataFrame:
    """Which articles copy, retell or quote one another: one row per article pair.

    Parameters
    ----------
    corpus : from :func:`load_corpus` (``doc_id``, clean ``text``).
    quotes : ``doc_id, quote, speaker, speaker_type, ...``; default ``corpus_speech(...).quotes`` of the
        articles that are in some pair (the others cannot change a row).
    sources : ``doc_id, speaker, speaker_type, n_mentions``; default :func:`cited_sources` of
        those articles.
    max_all_pairs : up to this many articles every pair is returned; above it only MinHash-LSH
        candidates (5-gram Jaccard) and each article's ``COSINE_TOP_K`` nearest by TF-IDF
        cosine, each verified exactly.

    Returns
    -------
    ``OVERLAP_COLUMNS``, ``doc_a < doc_b`` in corpus order: ``cosine`` (TF-IDF, 0-1),
    ``jaccard`` (5-gram shingles), ``containment_ab`` (share of A's shingles found in B),
    ``containment_ba``, ``shared_words`` (words in shared runs of ``PASSAGE_MIN_WORDS``+),
    ``n_shared_quotes``, ``n_shared_speakers``; ``n_shared_entities``, ``n_shared_numbers`` and
    ``n_shared_sources`` (distinctive facts both carry, :func:`pair_evidence`; gathered only for
    the story candidates, pairs that are no copy and have cosine ≥ ``STORY_COSINE``, and 0
    elsewhere); ``days_apart`` (NaN unless both are dated) and ``relation``
    (:func:`classify_relation`).
    """
    table = lexical_pairs(corpus, max_all_pairs)
    if table.empty:
        return pd.DataFrame(columns=OVERLAP_COLUMNS)
    if quotes is None or sources is None:  # only articles in some pair can change a row
        paired = corpus[corpus["doc_id"].astype(str).isin(np.union1d(table["doc_a"], table["doc_b"]))]
        paired_quotes, speakers = corpus_speech(paired)
        quotes = paired_quotes if quotes is None else quotes
        sources = cited_sources(paired, speakers) if sources is None else sources
    counts = shared_quote_counts(match_quotes(quotes, table[["doc_a", "doc_b"]]))
    table = table.merge(counts, on=["doc_a", "doc_b"], how="left")
    table["n_shared_quotes"] = table["n_shared_quotes"].fillna(0).astype(int)
    ids = corpus["doc_id"].astype(str).tolist()
    index = {d: i for i, d in enumerate(ids)}
    shared = shared_speaker_counts(speaker_mentions(sources, quotes), index, len(ids))
    left = table["doc_a"].map(index).to_numpy()
    right = table["doc_b"].map(index).to_numpy()
    table["n_shared_speakers"] = np.asarray(shared[left, right]).ravel().astype(int)
    table = _with_story_evidence(corpus, table)
    table["relation"] = pair_relations(table)
    return table[OVERLAP_COLUMNS]


def pair_relations(table: pd.DataFrame) -> list[str]:
    """:func:`classify_relation` of every row of a table of measured pairs with their
    same-story evidence counts and ``days_apart``."""
    facts = table[["n_shared_entities", "n_shared_numbers", "n_shared_sources",
                   "n_shared_quotes"]].sum(axis=1)
    return [classify_relation(*row, story_facts=int(n), days_apart=days)
            for row, n, days in zip(table[["cosine", "containment_ab", "containment_ba", "n_shared_quotes",
                                           "n_shared_speakers"]].itertuples(index=False),
                                    facts, table["days_apart"], strict=True)]


def story_candidates(pairs: pd.DataFrame) -> pd.Series:
    """Which rows of a pair table need same-story evidence: no copy, cosine ≥ ``STORY_COSINE``."""
    top = pairs[["containment_ab", "containment_ba"]].max(axis=1)
    return (top < COPY_CONTAINMENT) & (pairs["cosine"] >= STORY_COSINE)


def candidate_evidence(corpus: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """:func:`pair_evidence` of the story candidates among ``pairs`` (:func:`story_candidates`),
    judged among their articles exactly as :func:`overlap_pairs` judges them."""
    return pair_evidence(corpus, pairs.loc[story_candidates(pairs), ["doc_a", "doc_b"]])


def _with_story_evidence(corpus: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``days_apart`` for every pair and the evidence counts of the candidates."""
    table = table.assign(days_apart=pair_days_apart(corpus, table))
    counts = ["n_shared_entities", "n_shared_numbers", "n_shared_sources"]
    evidence = candidate_evidence(corpus, table)[["doc_a", "doc_b", *counts]]
    table = table.merge(evidence, on=["doc_a", "doc_b"], how="left")
    table[counts] = table[counts].fillna(0).astype(int)
    return table


def relation_thresholds() -> pd.DataFrame:
    """The thresholds behind :func:`classify_relation` and the quote matching: ``name, value``."""
    return pd.DataFrame({"name": list(RELATION_THRESHOLDS),
                         "value": pd.Series(list(RELATION_THRESHOLDS.values()), dtype=object)})


def relation_counts(pairs: pd.DataFrame) -> pd.DataFrame:
    """Number of pairs per relation, strongest relation first (zeros kept): ``relation, pairs``."""
    counts = pairs.groupby("relation").size().reindex(list(RELATIONS), fill_value=0)
    return counts.rename("pairs").rename_axis("relation").reset_index()


def rank_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """Pairs ordered from the closest relation down: by relation (copy first), then the larger
    containment, shared quotes, shared speakers and cosine, all descending; ties by ids."""
    ranked = pairs.assign(_rel=pairs["relation"].map({r: i for i, r in enumerate(RELATIONS)}),
                          _top=pairs[["containment_ab", "containment_ba"]].max(axis=1))
    ranked = ranked.sort_values(
        ["_rel", "_top", "n_shared_quotes", "n_shared_speakers", "cosine", "doc_a", "doc_b"],
        ascending=[True, False, False, False, False, True, True], kind="stable")
    return ranked.drop(columns=["_rel", "_top"]).reset_index(drop=True)


def side_by_side_pairs(corpus: pd.DataFrame, pairs: pd.DataFrame, n: int = 2,
                       min_words: int = PASSAGE_MIN_WORDS) -> str:
    """HTML for the first ``n`` rows of ``pairs`` (see :func:`rank_pairs`): each pair's clean
    texts side by side with shared runs highlighted; all article text is escaped."""
    texts = corpus.set_index("doc_id")["text"]
    blocks = []
    for row in pairs.head(n).itertuples(index=False):
        a, b = str(row.doc_a), str(row.doc_b)
        share = copied_share(texts[a], texts[b], min_words)
        caption = (f"{a} and {b}: {row.relation}; cosine {row.cosine:.3f}; "
                   f"{share['pct_a_in_b']:.1%} of {a} and {share['pct_b_in_a']:.1%} of {b} "
                   f"in {share['n_passages']} shared runs of {min_words}+ words")
        blocks.append(side_by_side_html(texts[a], texts[b], shared_passages(texts[a], texts[b], min_words),
                                        a, b, caption))
    return "\n<hr>\n".join(blocks)


def shared_speaker_names(mentions: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """The speakers each pair shares: ``doc_a, doc_b, shared_speakers`` ("; "-joined, sorted)."""
    by_doc = {doc: set(group["speaker"]) for doc, group in mentions.groupby("doc_id", sort=True)}
    rows = [{"doc_a": a, "doc_b": b,
             "shared_speakers": "; ".join(sorted(by_doc.get(str(a), set()) & by_doc.get(str(b), set())))}
            for a, b in zip(pairs["doc_a"], pairs["doc_b"], strict=True)]
    return pd.DataFrame(rows, columns=["doc_a", "doc_b", "shared_speakers"])
