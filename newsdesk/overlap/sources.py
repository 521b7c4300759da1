"""Shared quotes and shared speakers between articles.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsdesk.overlap.settings import (
    QUOTE_BLOCK_SHARE,
    QUOTE_MATCH_MIN_SCORE,
    QUOTE_MIN_CHARS,
    QUOTE_PARTIAL_MIN_CHARS,
    SPEAKER_TYPES_COUNTED,
)
from newsdesk.overlap.shingles import overlap_keys, rowwise_dot
from newsdesk.speakers import speaker_vocab
from newsdesk.text import collapse_spaces

__all__ = [
    "match_quotes",
    "quote_similarity",
    "shared_quote_counts",
    "shared_speaker_counts",
    "speaker_article_matrix",
    "speaker_mentions",
]


def _quote_key(quote: str) -> str:
    """A quote reduced for matching: normalised words (:func:`overlap_keys`) joined by spaces."""
    return " ".join(overlap_keys(quote))


def quote_similarity(a: str, b: str) -> float:
    """Similarity of two quotes, 0-100, robust to light edits and to partial quoting.

    ``rapidfuzz.fuzz.ratio`` of the normalised quotes; when the shorter one has at least
    ``QUOTE_PARTIAL_MIN_CHARS`` characters, ``fuzz.partial_ratio`` (best alignment of the
    shorter quote inside the longer) is used if higher.
    """
    return _quote_keys_similarity(_quote_key(a), _quote_key(b))


def _quote_keys_similarity(key_a: str, key_b: str) -> float:
    from rapidfuzz import fuzz

    score = fuzz.ratio(key_a, key_b)
    if min(len(key_a), len(key_b)) >= QUOTE_PARTIAL_MIN_CHARS:
        score = max(score, fuzz.partial_ratio(key_a, key_b))
    return float(score)


def _quote_block_pairs(keys: list[str], docs: np.ndarray, wanted: set[tuple[str, str]] | None = None
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of quotes from different articles that share at least ``QUOTE_BLOCK_SHARE`` of the
    shorter quote's distinct content words (English stop words ignored); only these are scored.

    With ``wanted`` (article pairs), only quotes of those pairs are compared, pair by pair,
    instead of every quote with every other (whose product grows with the square of the
    number of quotes sharing a common word)."""
    from scipy import sparse
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    vectorizer = CountVectorizer(token_pattern=r"[^ ]+", lowercase=False, binary=True,
                                 stop_words=sorted(ENGLISH_STOP_WORDS))
    try:
        words = vectorizer.fit_transform(keys).tocsr()
    except ValueError:  # only stop words
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    sizes = np.diff(words.indptr)
    if wanted is None:
        shared = sparse.triu(words @ words.T, k=1).tocoo()
        rows, cols, data = shared.row, shared.col, shared.data
    else:
        by_doc: dict[str, list[int]] = {}
        for q, doc in enumerate(docs):
            by_doc.setdefault(doc, []).append(q)
        found = sorted((min(qa, qb), max(qa, qb)) for a, b in wanted if a < b
                       for qa in by_doc.get(a, ()) for qb in by_doc.get(b, ()))
        rows = np.array([r for r, _ in found], dtype=np.int64)
        cols = np.array([c for _, c in found], dtype=np.int64)
        data = rowwise_dot(words.astype(np.float64), rows, cols)
    smaller = np.minimum(sizes[rows], sizes[cols])
    keep = (data > 0) & (data >= QUOTE_BLOCK_SHARE * smaller) & (docs[rows] != docs[cols])
    return rows[keep], cols[keep]


def _eligible_quotes(quotes: pd.DataFrame) -> pd.DataFrame:
    table = quotes.loc[:, ["doc_id", "quote", "speaker"]].copy()
    table["doc_id"] = table["doc_id"].astype(str)
    table["key"] = table["quote"].map(_quote_key)
    table = table[table["key"].str.len() >= QUOTE_MIN_CHARS]
    return table.drop_duplicates(["doc_id", "key"]).sort_values(["doc_id", "key"], kind="stable")


def match_quotes(quotes: pd.DataFrame, pairs: pd.DataFrame | None = None,
                 min_score: float = QUOTE_MATCH_MIN_SCORE) -> pd.DataFrame:
    """The same quotation found in two articles, even when lightly edited.

    Parameters
    ----------
    quotes : at least ``doc_id, quote, speaker`` (the shape of ``corpus_speech(...).quotes``). Quotes shorter
        than ``QUOTE_MIN_CHARS`` once normalised are ignored; repeats within an article count once.
    pairs : ``doc_a, doc_b`` to compare; default every pair of articles that have quotes.
    min_score : :func:`quote_similarity` at or above which two quotes match.

    Returns
    -------
    ``doc_a, doc_b, quote_a, quote_b, speaker_a, speaker_b, score`` (0-100), sorted.
    Only quotes sharing ``QUOTE_BLOCK_SHARE`` of their content words are scored.
    """
    columns = ["doc_a", "doc_b", "quote_a", "quote_b", "speaker_a", "speaker_b", "score"]
    table = _eligible_quotes(quotes).reset_index(drop=True)
    docs = table["doc_id"].to_numpy()
    if pairs is None:
        wanted = None
    else:
        wanted = {(str(a), str(b)) for a, b in zip(pairs["doc_a"], pairs["doc_b"], strict=True)}
        wanted |= {(b, a) for a, b in wanted}
    keys = table["key"].tolist()
    hits: list[tuple[int, int, float]] = []
    for i, j in zip(*_quote_block_pairs(keys, docs, wanted), strict=True):
        if docs[i] > docs[j]:
            i, j = j, i
        if wanted is not None and (docs[i], docs[j]) not in wanted:
            continue
        score = _quote_keys_similarity(keys[i], keys[j])
        if score >= min_score:
            hits.append((int(i), int(j), score))
    rows = [{"doc_a": docs[i], "doc_b": docs[j], "quote_a": table.at[i, "quote"],
             "quote_b": table.at[j, "quote"], "speaker_a": table.at[i, "speaker"],
             "speaker_b": table.at[j, "speaker"], "score": score} for i, j, score in hits]
    return pd.DataFrame(rows, columns=columns).sort_values(
        ["doc_a", "doc_b", "quote_a", "quote_b"], kind="stable").reset_index(drop=True)


def shared_quote_counts(matches: pd.DataFrame) -> pd.DataFrame:
    """Shared quotes per pair from :func:`match_quotes`: ``doc_a, doc_b, n_shared_quotes``.

    Counts the smaller of the distinct quotes matched on each side, so a quote one article
    repeats is not counted twice.
    """
    if matches.empty:
        return pd.DataFrame(columns=["doc_a", "doc_b", "n_shared_quotes"])
    grouped = matches.groupby(["doc_a", "doc_b"], sort=True).agg(
        left=("quote_a", "nunique"), right=("quote_b", "nunique"))
    grouped["n_shared_quotes"] = grouped[["left", "right"]].min(axis=1)
    return grouped[["n_shared_quotes"]].reset_index()


def _speaker_key(name: str) -> str:
    """A speaker name reduced for matching across articles (case, quotes, punctuation folded)."""
    return " ".join(overlap_keys(name))


def _unnamed_groups() -> set[str]:
    """Keys of unnamed speaker groups ("analysts", "US officials") from the text section's
    lexicon: two articles both citing "analysts" do not share a source."""
    return {_speaker_key(group) for group in speaker_vocab()["groups"]}


def speaker_mentions(sources: pd.DataFrame, quotes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Who is quoted or cited where: ``doc_id, speaker, speaker_type, n_mentions, n_quotes``.

    ``n_mentions`` is the larger of the sentences ``sources`` attributes to the speaker and the
    speaker's direct quotes (a quote spread over two sentences counts as two mentions).

    ``sources`` has ``doc_id, speaker, speaker_type, n_mentions`` (``cited_sources``); ``quotes``
    (``corpus_speech(...).quotes``) adds the count of direct quotes. Speakers are merged across articles by
    :func:`_speaker_key`; the most frequent spelling names the row. Only ``SPEAKER_TYPES_COUNTED``
    are kept, so the article's own voice is not a source, and unnamed groups ("analysts",
    ``lexicons/speaker_groups.txt``) are dropped.
    """
    columns = ["doc_id", "speaker", "speaker_type", "n_mentions", "n_quotes"]
    frames = [sources.loc[:, ["doc_id", "speaker", "speaker_type", "n_mentions"]].assign(n_quotes=0)]
    if quotes is not None and len(quotes):
        frames.append(quotes.loc[:, ["doc_id", "speaker", "speaker_type"]].assign(n_mentions=0, n_quotes=1))
    table = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) \
        else pd.DataFrame(columns=columns)
    table = table[table["speaker_type"].isin(SPEAKER_TYPES_COUNTED)].copy()
    table["speaker"] = table["speaker"].fillna("").astype(str).map(collapse_spaces)
    table["doc_id"] = table["doc_id"].astype(str)
    table["key"] = table["speaker"].map(_speaker_key)
    table = table[(table["key"] != "") & ~table["key"].isin(_unnamed_groups())]
    if table.empty:
        return pd.DataFrame(columns=columns)
    names = (table.groupby(["key", "speaker"], sort=True).size().rename("n").reset_index()
             .sort_values(["key", "n", "speaker"], ascending=[True, False, True], kind="stable")
             .drop_duplicates("key").set_index("key")["speaker"])
    kinds = (table.groupby(["key", "speaker_type"], sort=True).size().rename("n").reset_index()
             .sort_values(["key", "n", "speaker_type"], ascending=[True, False, True], kind="stable")
             .drop_duplicates("key").set_index("key")["speaker_type"])
    merged = table.groupby(["doc_id", "key"], sort=True).agg(
        n_mentions=("n_mentions", "sum"), n_quotes=("n_quotes", "sum")).reset_index()
    merged["speaker"] = merged["key"].map(names)
    merged["speaker_type"] = merged["key"].map(kinds)
    merged["n_mentions"] = merged[["n_mentions", "n_quotes"]].max(axis=1).astype(int)
    merged["n_quotes"] = merged["n_quotes"].astype(int)
    return merged[columns].sort_values(["speaker", "doc_id"], kind="stable").reset_index(drop=True)


def speaker_article_matrix(mentions: pd.DataFrame, doc_ids: list[str] | None = None,
                           top: int | None = None) -> pd.DataFrame:
    """Speakers × articles table of mentions (from :func:`speaker_mentions`).

    Rows are speakers, sorted by the number of articles citing them (most first), then name;
    columns are ``doc_ids`` (default: those in ``mentions``), cells are mention counts (0 = not
    cited). ``top`` keeps the first ``top`` speakers.
    """
    docs = sorted(map(str, doc_ids)) if doc_ids is not None else sorted(mentions["doc_id"].unique())
    if mentions.empty:
        return pd.DataFrame(index=pd.Index([], name="speaker"), columns=docs, dtype=int)
    matrix = mentions.pivot_table(index="speaker", columns="doc_id", values="n_mentions",
                                  aggfunc="sum", fill_value=0).reindex(columns=docs, fill_value=0)
    order = pd.DataFrame({"n_articles": (matrix > 0).sum(axis=1).to_numpy(),
                          "name": matrix.index.to_numpy()})
    order = order.sort_values(["n_articles", "name"], ascending=[False, True], kind="stable")
    matrix = matrix.loc[order["name"].tolist()].astype(int)
    matrix.columns.name = "doc_id"
    return matrix.head(top) if top else matrix


def shared_speaker_counts(mentions: pd.DataFrame, doc_index: dict[str, int], n_docs: int):
    """Sparse docs × docs matrix of the number of speakers two articles share."""
    from scipy import sparse

    if mentions.empty:
        return sparse.csr_matrix((n_docs, n_docs), dtype=np.int32)
    keys = mentions["speaker"].map(_speaker_key)
    cols = pd.factorize(keys, sort=True)[0]
    rows = mentions["doc_id"].map(doc_index)
    keep = rows.notna().to_numpy()
    matrix = sparse.csr_matrix((np.ones(keep.sum(), dtype=np.int32),
                                (rows[keep].astype(int).to_numpy(), cols[keep])),
                               shape=(n_docs, max(cols.max() + 1, 1)))
    matrix.data[:] = 1
    return (matrix @ matrix.T).tocsr()
