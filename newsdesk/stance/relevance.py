"""Off-topic articles: those with no reference to the topic at all.

An article is off topic when no sentence of it refers to US chip export controls (the target
rules R1–R3 of :func:`target_spans`, ``lexicons/stance_target.csv``) **and** it is unlike the
rest of the corpus: its TF-IDF cosine to the centroid of the other articles (the sum of their
unit vectors) is below ``OFF_TOPIC_MAX_SIMILARITY``. The centroid, not the nearest article,
because one close neighbour can be chance in a small corpus while the centroid is what the
corpus is about; it also costs one pass over the matrix. Both conditions must hold, so a
DeepSeek story that never names the controls stays in (it resembles the rest), and so does an
article on the controls written in words no other article uses (it has target sentences).
Flagged articles are listed, and the stance shares leave them out (:func:`on_topic`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsdesk.corpus.describe import corpus_sentences
from newsdesk.findings import Finding, number_words, quoted
from newsdesk.paths import read_word_list
from newsdesk.stance.settings import OFF_TOPIC_MAX_SIMILARITY
from newsdesk.stance.targets import target_spans
from newsdesk.terms.settings import STOPWORD_FILES

__all__ = [
    "OFF_TOPIC_COLUMNS",
    "centroid_similarity",
    "off_topic_articles",
    "off_topic_findings",
    "on_topic",
]

OFF_TOPIC_COLUMNS = ["doc_id", "reason", "target_sentences", "topic_similarity"]
_MAX_LISTED = 8  # off-topic articles named one by one in a finding; the rest are counted


def _target_counts(corpus: pd.DataFrame) -> pd.Series:
    """Sentences per article that name the export controls (rules R1–R3), indexed by doc_id."""
    sentences = corpus_sentences(corpus)
    hits = sentences["sentence"].map(lambda s: bool(target_spans(s))) if len(sentences) else pd.Series(
        dtype=bool)
    counts = sentences.assign(hit=hits).groupby("doc_id")["hit"].sum() if len(sentences) else pd.Series(
        dtype=int)
    return counts.reindex(corpus["doc_id"], fill_value=0).astype(int)


def centroid_similarity(corpus: pd.DataFrame) -> pd.Series:
    """Each article's TF-IDF cosine to the centroid of the other articles, indexed by doc_id
    (4 places; 0 for an article with no word the vectorizer keeps, or when no other has any).

    Words of two or more letters, the project's stop words removed (``STOPWORD_FILES``),
    sublinear term frequency; rows are unit vectors, and the other articles' centroid is the
    sum of theirs less the article's own.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    ids = corpus["doc_id"].astype(str).to_numpy()
    stop = sorted({w.lower() for name in STOPWORD_FILES for w in read_word_list(name)})
    vectorizer = TfidfVectorizer(stop_words=stop, sublinear_tf=True, token_pattern=r"(?u)\b[^\W\d_]{2,}\b")
    try:
        matrix = vectorizer.fit_transform(corpus["text"].fillna("").astype(str).tolist())
    except ValueError:  # no word left in any article: nothing resembles anything
        return pd.Series(0.0, index=ids, name="topic_similarity")
    total = np.asarray(matrix.sum(axis=0)).ravel()
    dots = matrix @ total
    own = np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel()
    others = np.sqrt(np.clip(total @ total - 2 * dots + own, 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        cosine = np.where(others > 0, (dots - own) / others, 0.0)
    return pd.Series(np.round(cosine, 4), index=ids, name="topic_similarity")


def off_topic_articles(corpus: pd.DataFrame, *,
                       max_similarity: float = OFF_TOPIC_MAX_SIMILARITY) -> pd.DataFrame:
    """The articles with no reference to the topic (see the module notes).

    Parameters
    ----------
    corpus : :func:`load_corpus` output (``doc_id``, ``text``).
    max_similarity : an article without target sentences is flagged when its TF-IDF cosine to
        the centroid of the other articles (:func:`centroid_similarity`) is below this.

    Returns
    -------
    DataFrame ``OFF_TOPIC_COLUMNS``, one row per flagged article, sorted by ``doc_id``:
    ``target_sentences`` (0), ``topic_similarity`` (cosine to the other articles' centroid,
    4 places) and ``reason`` in words. Empty when nothing is flagged; a corpus of
    one article has nothing to compare, so nothing is flagged.
    """
    if len(corpus) < 2:
        return pd.DataFrame(columns=OFF_TOPIC_COLUMNS)
    corpus = corpus.sort_values("doc_id", kind="stable").reset_index(drop=True)
    counts = _target_counts(corpus)
    similarity = centroid_similarity(corpus)
    records = [{"doc_id": doc, "target_sentences": 0, "topic_similarity": float(similarity[doc]),
                "reason": (f"no sentence refers to the export controls, and its cosine to the other "
                           f"articles is {similarity[doc]:.3f} (below {max_similarity})")}
               for doc, n in zip(similarity.index, counts.to_numpy(), strict=True)
               if n == 0 and similarity[doc] < max_similarity]
    return pd.DataFrame(records, columns=OFF_TOPIC_COLUMNS)


def on_topic(table: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    """``table`` (a corpus, or any table with a ``doc_id`` column) without the articles in
    ``flags`` (:func:`off_topic_articles`); order and index kept."""
    flagged = set(flags["doc_id"].astype(str)) if len(flags) else set()
    return table[~table["doc_id"].astype(str).isin(flagged)]


def off_topic_findings(flags: pd.DataFrame, n_articles: int, *, left_out_of: str = "") -> list[Finding]:
    """One finding: which articles are off topic, or that none is. ``left_out_of`` names the
    tables that exclude them ("the article stance shares"), said when any is flagged."""
    if flags.empty:
        return [Finding(f"No article is off topic: each of the {number_words(n_articles, 'article')} "
                        f"has a sentence on the export controls or resembles the rest of the corpus.", flags)]
    ids = flags["doc_id"].astype(str).tolist()
    shown = ", ".join(quoted(i) for i in ids[:_MAX_LISTED]) + (" …" if len(ids) > _MAX_LISTED else "")
    text = (f"{number_words(len(ids), 'article is', 'articles are')} off topic: {shown} (no sentence refers "
            f"to the export controls, and the TF-IDF cosine to the other articles is "
            f"{flags['topic_similarity'].max():.3f} at most).")
    if left_out_of:
        text += f" {'It is' if len(ids) == 1 else 'They are'} left out of {left_out_of}."
    return [Finding(text, flags.reset_index(drop=True),
                    "Flagged by its words alone: an article on the topic written in words no other "
                    "article uses, with no sentence that names the controls, would be flagged too.")]
