"""Word tokens, shingles, Jaccard and containment, and the TF-IDF rows for cosine.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from newsdesk.overlap.settings import SHINGLE_SEED, SHINGLE_WORDS
from newsdesk.text import unify_quotes

__all__ = [
    "Token",
    "WordIds",
    "containment",
    "cosine_terms",
    "jaccard",
    "overlap_keys",
    "overlap_tokens",
    "rowwise_dot",
    "shingle_hashes_of_ids",
    "shingle_matrix",
    "shingle_matrix_of_ids",
    "shingles",
    "tfidf_matrix",
    "tfidf_matrix_of_ids",
    "word_ids",
]

# Initials such as U.S. / U.S / U.K. are one token; otherwise words with inner apostrophes.
_OVERLAP_TOKEN_RE = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]\b\.?|[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class Token:
    """One word of a text: its normalised ``key`` and character offsets ``[start, end)``."""

    key: str
    start: int
    end: int


def overlap_tokens(text: str) -> list[Token]:
    """Words of ``text`` with the normalisation used for shingles and shared passages.

    Case is folded, curly quotes become straight, dashes and hyphens split words (so "US-China"
    and "US–China" agree), and initials lose their dots (``U.S.``, ``U.S`` and ``US`` all give
    ``us``). Offsets index into ``text`` unchanged.

    >>> [t.key for t in overlap_tokens("The U.S. — and China’s “AI”")]
    ['the', 'us', 'and', "china's", 'ai']
    """
    tokens = []
    for match in _OVERLAP_TOKEN_RE.finditer(text):
        key = unify_quotes(unicodedata.normalize("NFKC", match.group(0)))
        tokens.append(Token(key.replace(".", "").lower(), match.start(), match.end()))
    return tokens


def overlap_keys(text: str) -> list[str]:
    """Just the normalised keys of :func:`overlap_tokens` (faster when offsets are not needed).

    When mapping quotes and dashes and lower-casing keep the text's length and NFKC leaves it
    unchanged, the whole text is normalised at once; otherwise word by word, as
    :func:`overlap_tokens` does.
    """
    mapped = unify_quotes(text)
    lowered = mapped.lower()
    if len(lowered) == len(text) and unicodedata.is_normalized("NFKC", mapped):
        return [w.replace(".", "") if "." in w else w for w in _OVERLAP_TOKEN_RE.findall(lowered)]
    return [w.replace(".", "").lower() if w.isascii()  # NFKC and the quote map leave ASCII alone
            else unify_quotes(unicodedata.normalize("NFKC", w)).replace(".", "").lower()
            for w in _OVERLAP_TOKEN_RE.findall(text)]


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[str]:
    """The set of word ``k``-grams of ``text`` (normalised keys joined by spaces).

    A text shorter than ``k`` words gives one shingle of all its words (none if it is empty).
    """
    keys = overlap_keys(text)
    if len(keys) < k:
        return {" ".join(keys)} if keys else set()
    return {" ".join(keys[i:i + k]) for i in range(len(keys) - k + 1)}


def jaccard(a: set, b: set) -> float:
    """|A ∩ B| / |A ∪ B|; 0.0 when both sets are empty."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def containment(a: set, b: set) -> float:
    """Share of ``a`` found in ``b``: |A ∩ B| / |A|; 0.0 when ``a`` is empty."""
    return len(a & b) / len(a) if a else 0.0


def shingle_hashes_of_ids(ids: np.ndarray, k: int = SHINGLE_WORDS) -> np.ndarray:
    """Unique 64-bit hashes of the k-grams of one text's word ids (uint64; a text shorter
    than ``k`` words gives one).

    Word ids are combined by a polynomial in uint64 arithmetic; two different shingles
    collide with probability about 2^-64 per pair.
    """
    if len(ids) == 0:
        return np.zeros(0, dtype=np.uint64)
    width = min(k, len(ids))
    h = np.zeros(len(ids) - width + 1, dtype=np.uint64)
    mult = np.uint64(SHINGLE_SEED)
    with np.errstate(over="ignore"):
        for offset in range(width):
            h = h * mult + ids[offset:offset + len(h)]
        h ^= h >> np.uint64(29)
        h *= mult
        h ^= h >> np.uint64(32)
    return np.unique(h)


@dataclass(frozen=True)
class WordIds:
    """Texts as :func:`overlap_keys` numbered in one vocabulary.

    ``ids[i]`` is text ``i``'s words as a uint64 array; id ``n`` (from 1, in order of first
    use) stands for ``vocabulary[n - 1]``. Eight bytes a word, where a list of word strings
    takes about sixty.
    """

    ids: list[np.ndarray]
    vocabulary: list[str]


def word_ids(texts: list[str] | list[list[str]]) -> WordIds:
    """Number the words of ``texts`` (strings, or :func:`overlap_keys` lists) in one vocabulary."""
    index: dict[str, int] = {}
    ids = []
    for text in texts:
        keys = overlap_keys(text) if isinstance(text, str) else text
        ids.append(np.array([index.setdefault(key, len(index) + 1) for key in keys], dtype=np.uint64))
    return WordIds(ids, list(index))


def shingle_matrix(texts: list[str] | list[list[str]], k: int = SHINGLE_WORDS):
    """Binary documents × shingles matrix (``scipy.sparse.csr_matrix``, int32).

    ``texts`` are strings or already-made :func:`overlap_keys` lists. Row ``i`` marks the
    distinct word ``k``-grams of text ``i``; ``X @ X.T`` gives the shared-shingle counts of
    every pair and the row sums give each text's shingle count.
    Returns ``(matrix, hashes)`` where ``hashes[i]`` is the uint64 array of row ``i``.
    """
    return shingle_matrix_of_ids(word_ids(texts).ids, k)


def shingle_matrix_of_ids(ids: list[np.ndarray], k: int = SHINGLE_WORDS):
    """:func:`shingle_matrix` of texts already numbered by :func:`word_ids`."""
    from scipy import sparse

    hashes = [shingle_hashes_of_ids(doc, k) for doc in ids]
    lengths = np.array([len(h) for h in hashes], dtype=np.int64)
    if lengths.sum() == 0:
        return sparse.csr_matrix((len(ids), 0), dtype=np.int32), hashes
    # columns numbered by a hash table, in order of first use: half the memory of sorting them
    columns, distinct = pd.factorize(np.concatenate(hashes))
    index_type = np.int32 if lengths.sum() < np.iinfo(np.int32).max else np.int64
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(index_type)
    matrix = sparse.csr_matrix((np.ones(len(columns), dtype=np.int32), columns.astype(index_type), indptr),
                               shape=(len(ids), len(distinct)))
    return matrix, hashes


_COSINE_DROP_RE = re.compile(r"'s(?= |$)|(?<![^ ])(?:\d+|[^ ])(?= |$)")
_COSINE_TERM_RE = re.compile(r"[^ ]{2,}")


@cache
def _cosine_stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def _cosine_terms(key: str) -> list[str]:
    """The TF-IDF terms of one word key, usually one or none: possessive 's dropped; numbers,
    one-letter words and English stop words removed."""
    stop = _cosine_stop_words()
    return [t for t in _COSINE_TERM_RE.findall(_COSINE_DROP_RE.sub("", key)) if t not in stop]


def cosine_terms(key: str) -> list[str]:
    """The TF-IDF terms the cosine of :func:`tfidf_matrix` counts for one :func:`overlap_keys`
    word (usually one term or none), so a step that sees one article at a time counts the same."""
    return _cosine_terms(key)


def tfidf_matrix(texts: list[str] | list[list[str]]):
    """L2-normalised TF-IDF rows (sublinear tf, English stop words dropped) for cosine.

    ``texts`` are strings or :func:`overlap_keys` lists. Returns a ``scipy.sparse`` matrix;
    ``T @ T.T`` is the cosine of every pair. IDF is fitted on ``texts`` themselves, so cosine
    depends somewhat on what else is in the corpus.
    """
    return tfidf_matrix_of_ids(word_ids(texts))


def tfidf_matrix_of_ids(words: WordIds):
    """:func:`tfidf_matrix` of texts numbered by :func:`word_ids`.

    Each distinct word is mapped to its terms once (:func:`_cosine_terms`), then documents ×
    words counts times words × terms give the documents × terms counts, terms in alphabetical
    order as scikit-learn's ``TfidfVectorizer`` orders them, weighted by its ``TfidfTransformer``.
    """
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfTransformer

    n_docs, n_words = len(words.ids), len(words.vocabulary) + 1  # id 0 is unused
    per_word = [_cosine_terms(key) for key in words.vocabulary]
    terms = sorted({term for found in per_word for term in found})
    if not terms:
        return sparse.csr_matrix((n_docs, 1))
    column = {term: i for i, term in enumerate(terms)}
    word_rows = np.repeat(np.arange(1, n_words), [len(found) for found in per_word])
    word_cols = np.array([column[term] for found in per_word for term in found], dtype=np.int64)
    word_terms = sparse.csr_matrix((np.ones(len(word_cols), dtype=np.int64), (word_rows, word_cols)),
                                   shape=(n_words, len(terms)))
    lengths = np.array([len(doc) for doc in words.ids], dtype=np.int64)
    doc_words = sparse.csr_matrix(
        (np.ones(lengths.sum(), dtype=np.int32),
         np.concatenate(words.ids).astype(np.int32), np.concatenate([[0], np.cumsum(lengths)])),
        shape=(n_docs, n_words))
    doc_words.sum_duplicates()
    counts = (doc_words @ word_terms).tocsr()
    counts.sort_indices()
    return TfidfTransformer(sublinear_tf=True).fit_transform(counts)


def rowwise_dot(matrix, left: np.ndarray, right: np.ndarray, chunk: int = 50000) -> np.ndarray:
    """``matrix[left[k]] · matrix[right[k]]`` for every k, exactly, in chunks."""
    out = np.zeros(len(left), dtype=np.float64)
    for lo in range(0, len(left), chunk):
        sl = slice(lo, lo + chunk)
        out[sl] = np.asarray(matrix[left[sl]].multiply(matrix[right[sl]]).sum(axis=1)).ravel()
    return out
