"""Benchmark of the overlap candidate search against exact all-pairs measurement.

Builds synthetic corpora (``helpers.planted_corpus``: Zipf word sampling over a 20,000-word
made-up vocabulary, topic and story words mixed in) with planted near-duplicates and
retellings, then records for 1k, 5k and 20k articles:

* the time of ``helpers.lexical_pairs`` in candidate mode (MinHash LSH + sparse cosine top-k,
  each candidate verified exactly) and the number of candidates;
* recall of every pair with exact 5-gram Jaccard >= 0.7 (and >= 0.5), found by an exact sparse
  all-pairs product of the shingle matrix;
* recall of the planted copies and retellings;
* the time of exact all-pairs measurement (``lexical_pairs`` with every pair) at 1k and 5k,
  extrapolated to 20k by the number of pairs, and of a plain Python set-by-set loop,
  timed on a sample of pairs and extrapolated;
* at 1k, the distribution of each measure by planted kind and the relation the classifier
  gives to each planted kind (thresholds were set before this run; nothing here tunes them).

Run: ``.venv/bin/python benchmarks/bench_overlap.py`` (about 4 minutes on 2 cores); it
rewrites ``benchmarks/overlap_results.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

import helpers

SEED = 20250127
EXACT_ALL_PAIRS_MAX = 5000  # above this, exact all-pairs is extrapolated, not run
NAIVE_SAMPLE_PAIRS = 20000
REPEATS = 2  # each timed step runs this often; the fastest run is recorded


def exact_jaccard_pairs(corpus: pd.DataFrame, threshold: float) -> set[tuple[str, str]]:
    """Every pair with 5-gram Jaccard >= threshold, exactly, from the sparse product X @ X.T."""
    from scipy import sparse

    keys = [helpers.overlap_keys(t) for t in corpus["text"]]
    matrix, hashes = helpers.shingle_matrix(keys)
    sizes = np.array([len(h) for h in hashes], dtype=float)
    inter = sparse.triu(matrix @ matrix.T, k=1).tocoo()
    jac = inter.data / (sizes[inter.row] + sizes[inter.col] - inter.data)
    ids = corpus["doc_id"].to_numpy()
    keep = jac >= threshold
    return set(zip(ids[inter.row[keep]], ids[inter.col[keep]], strict=True))


def naive_seconds_per_pair(corpus: pd.DataFrame, rng: np.random.Generator) -> float:
    """Seconds per pair of a plain loop computing Jaccard and both containments from Python sets."""
    sets = [helpers.shingles(t) for t in corpus["text"]]
    n = len(sets)
    left = rng.integers(n, size=NAIVE_SAMPLE_PAIRS)
    right = rng.integers(n, size=NAIVE_SAMPLE_PAIRS)
    start = time.perf_counter()
    for i, j in zip(left, right, strict=True):
        a, b = sets[i], sets[j]
        inter = len(a & b)
        _ = (inter / len(a | b), inter / len(a), inter / len(b))
    return (time.perf_counter() - start) / NAIVE_SAMPLE_PAIRS


def best_of(repeats: int, func, *args, **kwargs):
    """Run ``func`` ``repeats`` times; return (its last result, the fastest wall time in seconds).

    The minimum damps noise from other processes on a shared machine."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return result, min(times)


def recall(found: set, wanted: set) -> float:
    return len(found & wanted) / len(wanted) if wanted else float("nan")


def run_size(n: int, rng: np.random.Generator, keep_exact: bool) -> tuple[dict, pd.DataFrame | None, dict]:
    planted = helpers.planted_corpus(n, seed=SEED + n)
    corpus, truth = planted["corpus"], planted["truth"]
    candidates, t_candidates = best_of(REPEATS, helpers.lexical_pairs, corpus)
    found = set(zip(candidates["doc_a"], candidates["doc_b"], strict=True))
    start = time.perf_counter()
    j70 = exact_jaccard_pairs(corpus, 0.7)
    t_sparse_exact = time.perf_counter() - start
    j50 = exact_jaccard_pairs(corpus, 0.5)
    kinds = {k: set(zip(g["doc_a"], g["doc_b"], strict=True)) for k, g in truth.groupby("kind")}
    row = {"articles": n, "pairs": n * (n - 1) // 2, "candidates": len(candidates),
           "candidate_s": t_candidates, "pairs_J>=0.7": len(j70), "recall_J>=0.7": recall(found, j70),
           "pairs_J>=0.5": len(j50), "recall_J>=0.5": recall(found, j50),
           "planted_copies": len(kinds.get("copy", ())),
           "recall_copies": recall(found, kinds.get("copy", set())),
           "planted_retellings": len(kinds.get("retelling", ())),
           "recall_retellings": recall(found, kinds.get("retelling", set())),
           "sparse_exact_jaccard_s": t_sparse_exact,
           "naive_s_per_pair": naive_seconds_per_pair(corpus, rng)}
    exact = None
    if n <= EXACT_ALL_PAIRS_MAX:
        exact, row["exact_all_pairs_s"] = best_of(REPEATS, helpers.lexical_pairs, corpus, max_all_pairs=n)
        merged = candidates.merge(exact, on=["doc_a", "doc_b"], suffixes=("", "_x"))
        row["verified_equal_exact"] = bool(all(
            np.allclose(merged[c], merged[f"{c}_x"])
            for c in ("cosine", "jaccard", "containment_ab", "containment_ba", "shared_words")))
    return row, (exact if keep_exact else None), planted


def calibration(exact: pd.DataFrame, planted: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Measure quantiles by planted kind, and relation given to each planted kind."""
    corpus, truth = planted["corpus"], planted["truth"]
    topic = dict(zip(corpus["doc_id"], corpus["topic"], strict=True))
    table = exact.merge(truth, on=["doc_a", "doc_b"], how="left")
    same_topic = table["doc_a"].map(topic) == table["doc_b"].map(topic)
    table["kind"] = table["kind"].fillna(pd.Series(np.where(same_topic, "same topic", "unrelated"),
                                                   index=table.index))
    table["containment_max"] = table[["containment_ab", "containment_ba"]].max(axis=1)
    quantiles = (table.groupby("kind")[["cosine", "jaccard", "containment_max", "shared_words"]]
                 .quantile([0.01, 0.5, 0.99]).round(3))
    pairs = helpers.overlap_pairs(corpus, planted["quotes"], planted["sources"], max_all_pairs=len(corpus))
    pairs = pairs.merge(table[["doc_a", "doc_b", "kind"]], on=["doc_a", "doc_b"])
    confusion = pd.crosstab(pairs["kind"], pairs["relation"]).reindex(
        columns=list(helpers.RELATIONS), fill_value=0)
    return quantiles, confusion


def to_markdown(table: pd.DataFrame) -> str:
    head = "| " + " | ".join(map(str, table.columns)) + " |"
    rule = "|" + "---|" * len(table.columns)
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([head, rule, *body])


SIZES = (1000, 5000, 20000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--out", default=str(Path(__file__).with_name("overlap_results.md")))
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    rows, calib = [], None
    total = time.perf_counter()
    for n in args.sizes:
        row, exact, planted = run_size(n, rng, keep_exact=calib is None)
        rows.append(row)
        if exact is not None and calib is None:
            calib = calibration(exact, planted)
        print({k: (round(v, 4) if isinstance(v, float) else v) for k, v in row.items()}, flush=True)
    results = pd.DataFrame(rows)
    measured = (results.dropna(subset=["exact_all_pairs_s"]) if "exact_all_pairs_s" in results
                else results.iloc[0:0])
    if len(measured):
        base = measured.iloc[-1]
        per_pair = base["exact_all_pairs_s"] / base["pairs"]
        results["exact_all_pairs_s_extrapolated"] = results["pairs"] * per_pair
    results["naive_loop_s_extrapolated"] = results["pairs"] * results["naive_s_per_pair"]
    write_report(args.out, results, calib, time.perf_counter() - total)


def reading(speed: pd.DataFrame) -> list[str]:
    """Plain statements of the largest run's speed-ups, computed from the table."""
    last = speed.iloc[-1]
    exact = last["exact_all_pairs_s"] if pd.notna(last["exact_all_pairs_s"]) \
        else last["exact_all_pairs_s_extrapolated"]
    how = "measured" if pd.notna(last["exact_all_pairs_s"]) else "extrapolated from the largest measured size"
    return [
        f"At {int(last['articles']):,} articles the candidate search took {last['candidate_s']:.1f} s: "
        f"{exact / last['candidate_s']:.1f}x faster than exact all-pairs measurement ({how}, "
        f"{exact:.0f} s) and {last['naive_loop_s_extrapolated'] / last['candidate_s']:.0f}x faster than "
        "a plain Python loop over pairs. Against the vectorised all-pairs baseline the 10x target is "
        + ("met." if exact / last["candidate_s"] >= 10 else "not met."),
        "",
        f"The exact sparse shingle product alone ({last['sparse_exact_jaccard_s']:.1f} s) is faster than "
        "the candidate search on this synthetic text, because random articles share few 5-grams; it "
        "gives Jaccard and containment but no cosine, and its output grows with every pair that shares "
        "a single shingle (shared boilerplate in real pages would make it denser). Exact all-pairs at 20k "
        "would also need a table of 200 million rows, which is why above 500 articles only "
        "candidates are returned.",
    ]


def write_report(path: str, results: pd.DataFrame, calib, total_s: float) -> None:
    libs = ", ".join(f"{name} {version(name)}" for name in
                     ("numpy", "scipy", "scikit-learn", "pandas", "datasketch", "rapidfuzz"))
    speed = results[["articles", "pairs", "candidates", "candidate_s", "exact_all_pairs_s",
                     "exact_all_pairs_s_extrapolated", "sparse_exact_jaccard_s",
                     "naive_loop_s_extrapolated"]].copy() if "exact_all_pairs_s" in results else results
    speed["speed-up vs exact all-pairs"] = (speed["exact_all_pairs_s"].fillna(
        speed["exact_all_pairs_s_extrapolated"]) / speed["candidate_s"])
    speed["speed-up vs naive loop"] = speed["naive_loop_s_extrapolated"] / speed["candidate_s"]
    rec = results[["articles", "pairs_J>=0.7", "recall_J>=0.7", "pairs_J>=0.5", "recall_J>=0.5",
                   "planted_copies", "recall_copies", "planted_retellings", "recall_retellings"]
                  + (["verified_equal_exact"] if "verified_equal_exact" in results else [])]
    lines = [
        "# Overlap benchmark: candidate search vs exact all-pairs",
        "",
        "Written by `benchmarks/bench_overlap.py`. Synthetic corpora from `helpers.planted_corpus`",
        f"(seed {SEED} + size): Zipf-sampled text over a 20,000-word made-up vocabulary with topic and",
        "story words mixed in; about 10% planted near-duplicates (each word replaced with probability",
        "0-10%, paragraphs sometimes cut or added) and 10% planted retellings (same speakers and quotes,",
        "new prose).",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}; {libs}.",
        f"Whole run: {total_s:.0f} s.",
        "",
        "## Time (seconds)",
        "",
        f"Times are the fastest of {REPEATS} runs. `candidate_s`: `lexical_pairs` in candidate mode",
        "(tokenising, shingling, TF-IDF, MinHash LSH, cosine top-k, exact verification of every",
        "candidate, shared runs). `exact_all_pairs_s`: the same function measuring every pair exactly",
        "with sparse products (run at sizes up to",
        f"{EXACT_ALL_PAIRS_MAX}); `_extrapolated` scales the largest measured run by the number of pairs.",
        "`sparse_exact_jaccard_s`: only the exact all-pairs shingle product `X @ X.T` (Jaccard and",
        "containment, no cosine, no table of pairs). `naive_loop_s_extrapolated`: a Python loop over",
        f"pairs of shingle sets, timed on {NAIVE_SAMPLE_PAIRS:,} random pairs and scaled to all pairs.",
        "",
        to_markdown(speed.round(3)),
        "",
        *reading(speed),
        "",
        "## Recall of the candidate search",
        "",
        "Recall against the exact sparse all-pairs Jaccard (every pair computed), and of the planted",
        "pairs. `verified_equal_exact`: every candidate's verified measures equal the all-pairs values.",
        "",
        to_markdown(rec.round(4)),
        "",
    ]
    if calib is not None:
        quantiles, confusion = calib
        q = quantiles.reset_index().rename(columns={"level_1": "quantile"})
        lines += [
            "## Measures by planted kind (smallest corpus, all pairs exact)",
            "",
            "Quantiles 1%, 50%, 99%. `containment_max` is the larger direction.",
            "",
            to_markdown(q),
            "",
            "## Relation given to each planted kind (smallest corpus, all pairs)",
            "",
            "Rows: planted kind; columns: `classify_relation` output with the constants in",
            "`helpers.py`, which were fixed before this run. Same-topic pairs share a topic's",
            "400 words only; the generator's topic signal is weak, so their cosine sits near",
            "`SAME_TOPIC_COSINE` and many fall to \"unrelated\". This shows how the rules behave on",
            "the generator, not how well they do on real articles.",
            "",
            to_markdown(confusion.reset_index()),
            "",
        ]
    Path(path).write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
