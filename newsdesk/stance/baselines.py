"""Baselines beside the rule model: majority class, the SemEval SVM on n-grams, and a
WordLlama prototype scorer, each evaluated leave-one-article-out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsdesk.paths import read_lexicon_table
from newsdesk.stance.metrics import stance_metrics
from newsdesk.stance.settings import EMBED_MARGINS
from newsdesk.stance.targets import stance_text
from newsdesk.stance.vectors import sentence_vectors

__all__ = [
    "svm_pipeline",
    "predict_embedding",
    "predict_majority",
    "predict_svm",
]


def svm_pipeline():
    """SemEval-2016's SVM-ngrams baseline: word 1–3-grams + character 2–5-grams, linear SVM."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.svm import LinearSVC

    features = make_union(
        CountVectorizer(analyzer="word", ngram_range=(1, 3), binary=True, lowercase=True),
        CountVectorizer(analyzer="char", ngram_range=(2, 5), binary=True, lowercase=True))
    return make_pipeline(features, LinearSVC(C=1.0, random_state=0))


def _leave_one_article_out(frame: pd.DataFrame, fit_predict) -> list[str]:
    """Run ``fit_predict(train, test) -> labels`` once per held-out article."""
    predicted = pd.Series("none", index=frame.index, dtype=object)
    for doc_id in sorted(frame["doc_id"].unique()):
        test = frame["doc_id"] == doc_id
        predicted[test] = fit_predict(frame[~test], frame[test])
    return predicted.tolist()


def predict_majority(frame: pd.DataFrame) -> list[str]:
    """Majority baseline, leave one article out: the commonest training label (ties → none)."""
    def fit_predict(train: pd.DataFrame, test: pd.DataFrame) -> list[str]:
        counts = train["gold_stance"].value_counts()
        top = sorted(counts[counts == counts.max()].index) if len(counts) else ["none"]
        return ["none" if "none" in top else top[0]] * len(test)
    return _leave_one_article_out(frame, fit_predict)


def predict_svm(frame: pd.DataFrame) -> list[str]:
    """SVM-ngrams over every sentence, leave one article out; input needs ``gold_stance``."""
    def fit_predict(train: pd.DataFrame, test: pd.DataFrame) -> list[str]:
        if train["gold_stance"].nunique() < 2:
            return [train["gold_stance"].iloc[0] if len(train) else "none"] * len(test)
        model = svm_pipeline().fit(train["sentence"].map(stance_text), train["gold_stance"])
        return list(model.predict(test["sentence"].map(stance_text)))
    return _leave_one_article_out(frame, fit_predict)


def _embedding_margins(sentences: list[str]) -> np.ndarray:
    """Mean cosine similarity to the favor prototypes minus that to the against ones.

    Prototypes are the generic statements in ``lexicons/stance_prototypes.csv``.
    Rounded to 4 decimals so CPU-level float noise cannot move a threshold decision.
    """
    if not sentences:
        return np.zeros(0)
    protos = read_lexicon_table("stance_prototypes")
    emb = sentence_vectors([stance_text(s) for s in sentences])
    proto = sentence_vectors([stance_text(s) for s in protos["statement"]])
    sims = emb @ proto.T
    favor = protos["label"].eq("favor").to_numpy()
    return np.round(sims[:, favor].mean(axis=1) - sims[:, ~favor].mean(axis=1), 4)


def _margin_labels(margins: np.ndarray, threshold: float, mentions: np.ndarray) -> list[str]:
    labels = np.where(margins > threshold, "favor", np.where(margins < -threshold, "against", "none"))
    return [lab if hit else "none" for lab, hit in zip(labels, mentions, strict=True)]


def predict_embedding(frame: pd.DataFrame) -> list[str]:
    """Prototype-similarity scorer on detected target sentences, leave one article out.

    The only learned number is the margin threshold, chosen from :data:`EMBED_MARGINS`
    to maximise F_avg on the four training articles (smallest threshold on ties).
    """
    margins = pd.Series(_embedding_margins(frame["sentence"].tolist()), index=frame.index)

    def fit_predict(train: pd.DataFrame, test: pd.DataFrame) -> list[str]:
        if train.empty:
            return _margin_labels(margins[test.index].to_numpy(), EMBED_MARGINS[-1],
                                  test["mentions_target"].to_numpy())
        scores = [stance_metrics(train["gold_stance"], _margin_labels(
            margins[train.index].to_numpy(), t, train["mentions_target"].to_numpy()))["F_avg"]
                  for t in EMBED_MARGINS]
        best = EMBED_MARGINS[int(np.argmax(scores))]
        return _margin_labels(margins[test.index].to_numpy(), best, test["mentions_target"].to_numpy())
    return _leave_one_article_out(frame, fit_predict)
