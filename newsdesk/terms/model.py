"""The TF-IDF term model: tokens that never cross clause breaks, unigrams and bigrams,
distinctive terms per article or group, and the heatmap's data.
"""

from __future__ import annotations

import numbers
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from newsdesk.corpus.describe import date_order, doc_labels
from newsdesk.parallel import map_partitions_dask
from newsdesk.paths import lexicon_cache, read_word_list
from newsdesk.terms.settings import (
    CLAUSE_BREAK,
    HEATMAP_MAX_DOCS,
    HEATMAP_MAX_TERMS,
    HEATMAP_TERMS_PER_DOC,
    STOPWORD_FILES,
    TERM_TOKEN,
    TERM_TOKEN_RE,
    TOP_TERMS_N,
    TREND_TERMS_N,
)
from newsdesk.text import US_RE

__all__ = [
    "TermModel",
    "corpus_top_terms",
    "fit_term_model",
    "fit_term_model_dask",
    "group_top_terms",
    "term_counts",
    "term_heatmap_data",
    "term_model_for",
    "term_ngrams",
    "term_stopwords",
    "term_tokens",
    "top_terms",
]

_TOKEN_OR_BREAK_RE = re.compile(f"{TERM_TOKEN}|{CLAUSE_BREAK}")


@lexicon_cache
def term_stopwords() -> frozenset[str]:
    """Lowercase stopwords from ``lexicons/stopwords_en.txt`` and ``stopwords_news.txt``.

    Lines are one word each; anything after ``#`` is a comment.
    """
    words: set[str] = set()
    for name in STOPWORD_FILES:
        words.update(word.lower() for word in read_word_list(name))
    return frozenset(words)


@lexicon_cache
def _cased_stopwords() -> frozenset[str]:
    """Stopwords as written in running text: lowercase and capitalised, never all capitals,
    so that ``US`` and ``IT`` (acronyms) pass while ``us``, ``Us``, ``it``, ``It`` do not."""
    words = term_stopwords()
    return words | frozenset(w.capitalize() for w in words)


def _term_preprocess(text: str) -> str:
    """:func:`normalize_text` as far as tokens can tell: NFKC, then ``U.S.`` → ``US``.

    ``normalize_text`` also maps curly quotes, dashes and no-break spaces to ASCII; those are
    separators before and after, so the tokens are the same (the tests check it), and
    skipping that step makes the model about twice as fast on text full of curly quotes.
    """
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return US_RE.sub("US", text) if "U." in text else text


def _tokens_from_normalized(text: str) -> list[str]:
    """Tokens of text already passed through :func:`_term_preprocess` (see :func:`term_tokens`)."""
    stop = _cased_stopwords()
    return [token.lower() for token in TERM_TOKEN_RE.findall(text) if token not in stop]


def term_tokens(text: str) -> list[str]:
    """The tokens the term model counts, in order.

    ``U.S.`` becomes ``us``; text is lowercased; hyphens and apostrophes split words
    (``DeepSeek-R1`` gives ``deepseek``, ``r1``; ``DeepSeek's`` gives ``deepseek``);
    one-letter pieces, number-only tokens (``2025``) and stopwords are dropped, while
    tokens mixing letters and digits (``h800``, ``r1``, ``7nm``) are kept. A stopword counts
    as one in lowercase or capitalised; in all capitals it is an acronym and is kept
    (``US``, ``IT``; not ``us``, ``It``).

    >>> term_tokens("The U.S. curbs on Nvidia's H800 chips in 2023, he said")
    ['us', 'curbs', 'nvidia', 'h800', 'chips']
    """
    return _tokens_from_normalized(_term_preprocess(text))


@dataclass(frozen=True)
class TermModel:
    """One TF-IDF model fitted on a whole corpus, with its matrices.

    ``counts`` (int) and ``tfidf`` (float, rows L2-normalised) are sparse CSR matrices,
    articles × terms, rows in ``doc_ids`` order; ``terms`` holds the vocabulary in column
    order (alphabetical). ``vectorizer`` is ``None`` when the corpus has no terms at all.
    """

    vectorizer: object
    transformer: object
    doc_ids: np.ndarray
    terms: np.ndarray
    counts: object
    tfidf: object


def term_ngrams(text: str) -> list[str]:
    """The features the term model counts in a text: :func:`term_tokens` and their bigrams.

    Bigrams join neighbouring tokens after stopwords are dropped (as scikit-learn does), but
    only within a clause: never across sentence punctuation, line breaks, brackets or dashes.

    >>> term_ngrams("US export controls. Nvidia (H800) chips")
    ['us', 'export', 'controls', 'nvidia', 'h800', 'chips', 'us export', 'export controls']
    """
    stop = _cased_stopwords()
    # tokens in order, with "" where a clause breaks (break matches start with punctuation)
    tokens = [t.lower() if t[0].isalnum() else ""
              for t in _TOKEN_OR_BREAK_RE.findall(_term_preprocess(text)) if t not in stop]
    features = [t for t in tokens if t]
    features.extend([a + " " + b for a, b in zip(tokens, tokens[1:], strict=False) if a and b])
    return features


def _new_vectorizer():
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(analyzer=term_ngrams)


def fit_term_model(corpus: pd.DataFrame) -> TermModel:
    """Fit the one TF-IDF model on the whole clean corpus (``corpus["text"]``).

    Counting uses :func:`term_ngrams`: unigrams and bigrams, bigrams formed after stopwords
    are removed (as in scikit-learn) and never across clause breaks. Weights are
    scikit-learn's sublinear tf × smoothed idf, rows L2-normalised: exactly what
    ``TfidfVectorizer(analyzer=term_ngrams, sublinear_tf=True)`` gives, kept as count +
    transform so the raw counts are at hand.
    Fit once and pass the model on; fitting per time slice makes scores incomparable.

    Returns
    -------
    TermModel; with an empty corpus, or one with nothing but stopwords, a model with no
    terms (every function below then returns empty tables).
    """
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfTransformer

    doc_ids = corpus["doc_id"].astype(str).to_numpy()
    texts = corpus["text"].fillna("").astype(str).tolist()
    vectorizer = _new_vectorizer()
    transformer = TfidfTransformer(sublinear_tf=True)
    try:
        counts = vectorizer.fit_transform(texts).tocsr()
    except ValueError as exc:  # no documents, or no tokens left after stopwords
        if "empty vocabulary" not in str(exc):
            raise
        empty = sparse.csr_matrix((len(texts), 0), dtype=np.int64)
        return TermModel(None, None, doc_ids, np.array([], dtype=object), empty,
                         empty.astype(float))
    tfidf = transformer.fit_transform(counts).tocsr()
    terms = vectorizer.get_feature_names_out().astype(object)
    return TermModel(vectorizer, transformer, doc_ids, terms, counts, tfidf)


def term_model_for(corpus: pd.DataFrame, model: TermModel | None) -> TermModel:
    """The given model after checking it was fitted on this corpus, or a new one."""
    if model is None:
        return fit_term_model(corpus)
    if list(model.doc_ids) != corpus["doc_id"].astype(str).tolist():
        raise ValueError("the term model was fitted on a different corpus (doc_ids differ)")
    return model


def term_counts(model: TermModel, texts: list[str]):
    """Count the model's terms in other texts (e.g. sentences): sparse CSR, texts × terms."""
    from scipy import sparse

    if model.vectorizer is None:
        return sparse.csr_matrix((len(texts), 0), dtype=np.int64)
    return model.vectorizer.transform(list(texts)).tocsr()


def _doc_freq(model: TermModel) -> np.ndarray:
    return np.bincount(model.counts.indices, minlength=len(model.terms))


def _ranked_rows(matrix, n: int) -> list[tuple[int, int, int, float]]:
    """``(row, rank, column, value)`` of each row's ``n`` largest non-zero values.

    Ties go to the lower column, i.e. the alphabetically first term.
    """
    out = []
    for row in range(matrix.shape[0]):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        values, cols = matrix.data[start:end], matrix.indices[start:end]
        keep = values > 0
        values, cols = values[keep], cols[keep]
        order = np.lexsort((cols, -values))[:n]
        out.extend((row, rank, int(cols[i]), float(values[i])) for rank, i in enumerate(order, 1))
    return out


def top_terms(corpus: pd.DataFrame, n: int = TOP_TERMS_N, model: TermModel | None = None
              ) -> pd.DataFrame:
    """The ``n`` highest-weighted terms of each article.

    Parameters
    ----------
    corpus : from :func:`load_corpus`.
    n : terms per article (fewer when an article has fewer terms).
    model : the corpus's :func:`fit_term_model`; fitted here when not given.

    Returns
    -------
    DataFrame ``doc_id, rank, term, tfidf, doc_freq``: ``rank`` from 1, ``tfidf`` the
    article's L2-normalised TF-IDF weight (0–1, unitless), ``doc_freq`` the number of
    articles containing the term, so a "distinctive" term shared by every article shows.
    Rows in corpus order, then rank; ties broken alphabetically. Raises ``ValueError``
    naming ``n`` when it is not a whole number of 1 or more.
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"n must be a whole number of terms, 1 or more, not {n!r}")
    model = term_model_for(corpus, model)
    df = _doc_freq(model)
    rows = [
        {"doc_id": model.doc_ids[row], "rank": rank, "term": model.terms[col], "tfidf": value,
         "doc_freq": int(df[col])}
        for row, rank, col, value in _ranked_rows(model.tfidf, n)
    ]
    return pd.DataFrame(rows, columns=["doc_id", "rank", "term", "tfidf", "doc_freq"])


def group_top_terms(corpus: pd.DataFrame, by: str = "outlet", n: int = TOP_TERMS_N,
                    model: TermModel | None = None) -> pd.DataFrame:
    """Top terms of each group of articles (e.g. each outlet), with the corpus's one model.

    A group's counts are summed over its articles and weighted with the model's own idf
    (fitted on articles), so groups are compared on the same scale as articles.

    Returns
    -------
    DataFrame ``<by>, n_docs, rank, term, tfidf, doc_freq`` (``doc_freq`` counts articles
    in the whole corpus), groups sorted by name.
    """
    from scipy import sparse

    model = term_model_for(corpus, model)
    columns = [by, "n_docs", "rank", "term", "tfidf", "doc_freq"]
    if model.vectorizer is None or corpus.empty:
        return pd.DataFrame(columns=columns)
    groups = corpus[by].fillna("unknown").astype(str)
    names = sorted(groups.unique())
    codes = groups.map({name: i for i, name in enumerate(names)}).to_numpy()
    member = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))),
                               shape=(len(names), len(codes)))
    weights = model.transformer.transform(sparse.csr_matrix(member @ model.counts)).tocsr()
    df = _doc_freq(model)
    sizes = np.bincount(codes, minlength=len(names))
    rows = [
        {by: names[row], "n_docs": int(sizes[row]), "rank": rank, "term": model.terms[col],
         "tfidf": value, "doc_freq": int(df[col])}
        for row, rank, col, value in _ranked_rows(weights, n)
    ]
    return pd.DataFrame(rows, columns=columns)


def corpus_top_terms(model: TermModel, n: int = TREND_TERMS_N) -> list[str]:
    """The ``n`` terms with the largest TF-IDF weight summed over all articles.

    Ties are broken alphabetically. Summed weight still favours frequent terms, the topic's
    own words included; :func:`term_trends` follows :func:`trend_terms` by default instead.
    """
    if len(model.terms) == 0:
        return []
    total = np.asarray(model.tfidf.sum(axis=0)).ravel()
    order = np.lexsort((np.arange(len(total)), -total))
    return [str(model.terms[i]) for i in order[:n] if total[i] > 0]


def term_heatmap_data(corpus: pd.DataFrame, model: TermModel | None = None,
                      per_doc: int = HEATMAP_TERMS_PER_DOC, max_docs: int = HEATMAP_MAX_DOCS
                      ) -> pd.DataFrame:
    """Long table behind the top-terms heatmap: ``term, doc_id, label, tfidf``.

    Articles are in date order (undated last), at most ``max_docs`` of them (the earliest).
    Rows are the union of each shown article's ``per_doc`` top terms (fewer per article when
    that would pass ``HEATMAP_MAX_TERMS`` rows), in the order the articles first contribute
    them; every term × article cell is present (0 when absent).
    """
    model = term_model_for(corpus, model)
    columns = ["term", "doc_id", "label", "tfidf"]
    docs = date_order(corpus)[:max_docs]
    per_doc = max(1, min(per_doc, HEATMAP_MAX_TERMS // max(len(docs), 1)))
    top = top_terms(corpus, per_doc, model)
    with_terms = set(top["doc_id"])
    top = top.set_index("doc_id").loc[[d for d in docs if d in with_terms]]
    terms = list(dict.fromkeys(top["term"]))[:HEATMAP_MAX_TERMS]
    if not terms:
        return pd.DataFrame(columns=columns)
    col = {t: i for i, t in enumerate(model.terms)}
    row = {d: i for i, d in enumerate(model.doc_ids)}
    block = model.tfidf[[row[d] for d in docs]][:, [col[t] for t in terms]].toarray()
    labels = doc_labels(corpus)
    return pd.DataFrame({
        "term": np.repeat(terms, len(docs)),
        "doc_id": np.tile(docs, len(terms)),
        "label": np.tile(labels.loc[docs].to_numpy(), len(terms)),
        "tfidf": block.T.ravel(),
    }, columns=columns)


def _ngram_counts(texts: list[str]) -> list[Counter]:
    """:func:`term_ngrams` of each text, counted: the term model's per-article step."""
    return [Counter(term_ngrams(text)) for text in texts]


def fit_term_model_dask(corpus: pd.DataFrame, client, npartitions: int | None = None) -> TermModel:
    """:func:`fit_term_model` with the per-article n-gram counting done on a Dask cluster.

    Workers count each article's :func:`term_ngrams`; the client builds the vocabulary
    (alphabetical, as scikit-learn orders it) and the sparse count matrix, then weights it
    with the same ``TfidfTransformer``. The model's matrices and terms equal those of
    ``fit_term_model(corpus)``; its vectorizer has the vocabulary fixed, so
    :func:`term_counts` and :func:`term_trends` work on it unchanged.
    """
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    texts = corpus["text"].fillna("").astype(str).tolist()
    counted = map_partitions_dask(_ngram_counts, texts, client, npartitions)
    terms = sorted(set().union(*counted)) if counted else []
    if not terms:
        return fit_term_model(corpus)
    index = {term: i for i, term in enumerate(terms)}
    indptr = np.cumsum([0] + [len(c) for c in counted])
    indices = np.fromiter((index[t] for c in counted for t in c), dtype=np.int64, count=indptr[-1])
    values = np.fromiter((v for c in counted for v in c.values()), dtype=np.int64, count=indptr[-1])
    counts = sparse.csr_matrix((values, indices, indptr), shape=(len(texts), len(terms)))
    counts.sort_indices()
    vectorizer = CountVectorizer(analyzer=term_ngrams, vocabulary=index)
    vectorizer._validate_vocabulary()
    transformer = TfidfTransformer(sublinear_tf=True)
    tfidf = transformer.fit_transform(counts).tocsr()
    return TermModel(vectorizer, transformer, corpus["doc_id"].astype(str).to_numpy(),
                     np.array(terms, dtype=object), counts, tfidf)
