"""Benchmark: top_terms + term_trends against a bare TfidfVectorizer on a synthetic corpus.

Run from the project root:  .venv/bin/python benchmarks/bench_terms.py [n_articles] [repeats]

The synthetic corpus resamples the seed articles' sentences (25 per article, about 600 words)
and adds made-up names so the vocabulary keeps growing as it does in real coverage; dates are
spread over one year and one article in ten is undated. Every variant runs on the same texts
in the same process; the best of ``repeats`` runs is reported. Target: the project's path
within 1.5x of the bare vectorizer.
"""

from __future__ import annotations

import os
import platform
import sys
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer

import helpers

SEED = 0
SENTENCES_PER_ARTICLE = 25
NAMES_PER_ARTICLE = 5


def synthetic_corpus(n: int, seed: int = SEED) -> pd.DataFrame:
    """``n`` articles built from the seed sentences, with dates over 2024 and 10% undated."""
    rng = np.random.default_rng(seed)
    sentences = helpers.corpus_sentences(helpers.load_corpus("seeds"))["sentence"].to_numpy()
    syllables = np.array(["ka", "lo", "mi", "zu", "ren", "tao", "vik", "sha", "dor", "pel"])
    texts = []
    for _ in range(n):
        body = list(rng.choice(sentences, SENTENCES_PER_ARTICLE))
        names = ["".join(rng.choice(syllables, 3)).title() for _ in range(NAMES_PER_ARTICLE)]
        body.append(f"Analysts {', '.join(names)} disagreed.")
        texts.append("\n".join(body))
    dates = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 366, n), unit="D")
    published = pd.Series(dates).where(rng.random(n) >= 0.1)
    return pd.DataFrame({"doc_id": [f"s{i:05d}" for i in range(n)], "outlet": "synthetic",
                         "origin": "synthetic", "published": published, "text": texts})


def best_of(repeats: int, fn) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    corpus = synthetic_corpus(n)
    texts = corpus["text"].tolist()
    words = int(corpus["text"].str.split().str.len().sum())

    def bare():
        TfidfVectorizer(ngram_range=(1, 2)).fit_transform(texts)

    def shared_model():
        model = helpers.fit_term_model(corpus)
        helpers.top_terms(corpus, model=model)
        helpers.term_trends(corpus, freq="W", model=model)

    def separate_fits():
        helpers.top_terms(corpus)
        helpers.term_trends(corpus, freq="W")

    t_bare = best_of(repeats, bare)
    t_shared = best_of(repeats, shared_model)
    t_separate = best_of(repeats, separate_fits)
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"- corpus: {n} synthetic articles, {words} words; best of {repeats} runs")
    print(f"- machine: {affinity} cores available ({os.cpu_count()} reported), {platform.machine()}")
    print(f"- Python {platform.python_version()}, scikit-learn {sklearn.__version__}, "
          f"pandas {pd.__version__}, numpy {np.__version__}")
    print()
    print("| variant | seconds | × bare |")
    print("|---|---:|---:|")
    for name, t in (("bare `TfidfVectorizer(ngram_range=(1, 2))`", t_bare),
                    ("`fit_term_model` + `top_terms` + `term_trends` (one shared model)", t_shared),
                    ("`top_terms(corpus)` + `term_trends(corpus)` (each fits its own model)",
                     t_separate)):
        print(f"| {name} | {t:.2f} | {t / t_bare:.2f} |")


if __name__ == "__main__":
    main()
