"""Exact verification of candidate pairs on the workers: both texts joined to each pair by
doc_id, then the measures :func:`overlap_pairs` takes (TF-IDF cosine with the corpus's idf,
5-gram Jaccard and containment, words in shared runs, shared quotes and speakers, days apart).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from newsdesk.overlap.evidence import pair_days_apart
from newsdesk.overlap.passages import covered_words, maximal_runs
from newsdesk.overlap.settings import PASSAGE_MIN_WORDS, SHINGLE_WORDS
from newsdesk.overlap.shingles import containment, cosine_terms, jaccard, overlap_keys
from newsdesk.overlap.sources import (
    match_quotes,
    shared_quote_counts,
    shared_speaker_counts,
    speaker_mentions,
)
from newsdesk.speakers import cited_sources, corpus_speech

__all__ = [
    "VERIFIED_COLUMNS",
    "VERIFIED_TYPES",
    "cosine_weights",
    "join_texts",
    "verify_pairs",
]

VERIFIED_COLUMNS = ["doc_a", "doc_b", "cosine", "jaccard", "containment_ab", "containment_ba", "shared_words",
                    "n_shared_quotes", "n_shared_speakers", "days_apart"]
# Their types, as a Dask frame's metadata.
VERIFIED_TYPES = {c: "string" if c.startswith("doc") else "int64" if c.startswith(("n_", "shared"))
                  else "float64" for c in VERIFIED_COLUMNS}
_KEPT = ["doc_id", "text", "published"]  # what a pair needs of each article


def cosine_weights(keys: list[str], idf: dict[str, float]) -> dict[str, float]:
    """One article's L2-normalised TF-IDF weights for the cosine (sublinear tf, the given idf),
    as :func:`tfidf_matrix` gives its row."""
    counts = Counter(t for key in keys for t in cosine_terms(key))
    if not counts:
        return {}
    terms = sorted(counts)
    weights = np.array([(np.log(counts[t]) + 1) * idf[t] for t in terms])
    weights /= np.sqrt(np.sum(weights * weights))
    return dict(zip(terms, weights.tolist(), strict=True))


def _shingle_set(keys: list[str], k: int = SHINGLE_WORDS) -> set[tuple[str, ...]]:
    if len(keys) < k:
        return {tuple(keys)} if keys else set()
    return {tuple(keys[i:i + k]) for i in range(len(keys) - k + 1)}


def _lexical(keys_a: list[str], keys_b: list[str], weights_a: dict, weights_b: dict) -> tuple:
    """``(cosine, jaccard, containment_ab, containment_ba, shared_words)`` of one pair."""
    sa, sb = _shingle_set(keys_a), _shingle_set(keys_b)
    inter = len(sa & sb)
    shared = 0
    if inter >= PASSAGE_MIN_WORDS - SHINGLE_WORDS + 1:
        runs = maximal_runs(keys_a, keys_b, PASSAGE_MIN_WORDS)
        shared = min(covered_words(runs, 0), covered_words(runs, 1))
    small, large = (weights_a, weights_b) if len(weights_a) <= len(weights_b) else (weights_b, weights_a)
    cosine = sum(w * large[t] for t, w in small.items() if t in large)
    return float(np.clip(cosine, 0.0, 1.0)), jaccard(sa, sb), containment(sa, sb), containment(sb, sa), shared


def _articles(part: pd.DataFrame) -> pd.DataFrame:
    """The distinct articles of a partition of joined pairs: ``doc_id, text, published``."""
    sides = [part[[f"{c}_{side}" if c != "doc_id" else f"doc_{side}" for c in _KEPT]].set_axis(_KEPT, axis=1)
             for side in ("a", "b")]
    return pd.concat(sides, ignore_index=True).drop_duplicates("doc_id").sort_values(
        "doc_id", kind="stable").reset_index(drop=True)


def verify_pairs(part: pd.DataFrame, idf: dict[str, float]) -> pd.DataFrame:
    """The measures of every pair in one partition of :func:`join_texts`: ``VERIFIED_COLUMNS``.

    Quotes and speakers are extracted from the partition's own articles
    (:func:`corpus_speech`, :func:`cited_sources`), each looked at alone, as the one-process
    path does for the articles in some pair.
    """
    pairs = part[["doc_a", "doc_b"]].astype(str).reset_index(drop=True)
    if pairs.empty:
        return pd.DataFrame({c: pd.Series(dtype="string" if c.startswith("doc") else "float64")
                             for c in VERIFIED_COLUMNS})
    articles = _articles(part)
    keys = {d: overlap_keys(t) for d, t in zip(articles["doc_id"], articles["text"].fillna(""), strict=True)}
    weights = {d: cosine_weights(k, idf) for d, k in keys.items()}
    lexical = [_lexical(keys[a], keys[b], weights[a], weights[b]) for a, b in pairs.itertuples(index=False)]
    table = pd.concat([pairs, pd.DataFrame(lexical, columns=VERIFIED_COLUMNS[2:7])], axis=1)
    quotes, speakers = corpus_speech(articles)
    counts = shared_quote_counts(match_quotes(quotes, pairs))
    table = table.merge(counts, on=["doc_a", "doc_b"], how="left")
    table["n_shared_quotes"] = table["n_shared_quotes"].fillna(0).astype(int)
    index = {d: i for i, d in enumerate(articles["doc_id"])}
    mentions = speaker_mentions(cited_sources(articles, speakers), quotes)
    shared = shared_speaker_counts(mentions, index, len(index))
    left, right = table["doc_a"].map(index).to_numpy(), table["doc_b"].map(index).to_numpy()
    table["n_shared_speakers"] = np.asarray(shared[left, right]).ravel().astype(int)
    table["days_apart"] = pair_days_apart(articles, table)
    return table[VERIFIED_COLUMNS]


def join_texts(pairs, corpus):
    """Candidate pairs with both articles' ``text`` and ``published`` joined by doc_id
    (two shuffle joins on the workers): columns ``doc_a, doc_b, text_a, published_a, text_b,
    published_b``."""
    kept = corpus[_KEPT]
    for side in ("a", "b"):
        renamed = kept.rename(columns={"doc_id": f"doc_{side}", "text": f"text_{side}",
                                       "published": f"published_{side}"})
        pairs = pairs.merge(renamed, on=f"doc_{side}", how="inner")
    return pairs
