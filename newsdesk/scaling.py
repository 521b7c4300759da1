"""The scaling notebook's findings, computed from the generated corpus, its planted copies, the
pipeline's tables and the recorded benchmark, so they state what the run showed.
"""

from __future__ import annotations

import pandas as pd

from newsdesk.findings import Finding, number_words

__all__ = [
    "BENCH_TARGETS",
    "scaling_findings",
]

# The budget the pipeline is held to at the largest benchmarked size: wall seconds, peak MB,
# and the multiple of a bare TfidfVectorizer on the same text.
BENCH_TARGETS = {"seconds": 300.0, "peak_rss_mb": 4096.0, "x_bare_tfidf": 6.0}
_TOTAL, _BARE = "pipeline_total", "bare_tfidf"  # benchmark rows that are not one stage
_COPY = "duplicate/syndicated copy"  # the relation a planted copy should get


def _run(corpus: pd.DataFrame, results: dict[str, pd.DataFrame]) -> Finding:
    shapes = pd.DataFrame([{"table": k, "rows": len(v)} for k, v in results.items()])
    text = (f"The generated corpus of {len(corpus):,} {'article' if len(corpus) == 1 else 'articles'} "
            f"({int(corpus['n_words'].sum()):,} words, {int(corpus['n_sentences'].sum()):,} sentences) ran "
            f"through every stage: " + ", ".join(f"`{r.table}` {r.rows:,} rows" for r in shapes.itertuples())
            + ".")
    return Finding(text, shapes)


def _loader(corpus: pd.DataFrame, planted: pd.DataFrame) -> Finding:
    dup = corpus[corpus["duplicate_of"].astype(str) != ""]
    flagged = set(zip(dup["duplicate_of"].astype(str), dup["doc_id"].astype(str), strict=True))
    exact_rows = planted[planted["kind"] == "exact"]
    exact = set(zip(exact_rows["doc_a"].astype(str), exact_rows["doc_b"].astype(str), strict=True))
    table = pd.DataFrame([{"planted_exact": len(exact), "flagged": len(flagged),
                           "flagged_and_planted": len(flagged & exact)}])
    if not exact:
        return Finding("No finding on exact copies: none was planted.", table)
    extra = len(flagged - exact)
    text = (f"The loader flags {len(flagged & exact)} of the {len(exact)} planted exact copies in "
            f"`duplicate_of`, and {number_words(extra, 'other article')}.")
    return Finding(text, table)


def _overlap(planted: pd.DataFrame, pairs: pd.DataFrame | None) -> Finding:
    if pairs is None:
        return Finding("No finding on overlap: `overlap_pairs` did not run.")
    found = planted.merge(pairs[["doc_a", "doc_b", "relation"]], on=["doc_a", "doc_b"], how="left")
    found["relation"] = found["relation"].fillna("not a candidate")
    table = pd.crosstab(found["kind"], found["relation"]).reset_index()
    if found.empty:
        return Finding("No finding on overlap: no copy was planted.", table)
    hit = found["relation"] == _COPY
    parts = ", ".join(f"{int(hit[found['kind'] == k].sum())} of {int((found['kind'] == k).sum())} {k}"
                      for k in sorted(found["kind"].unique()))
    text = (f"`overlap_pairs` classes {int(hit.sum())} of the {len(found)} planted copies as "
            f"duplicate/syndicated copies ({parts}).")
    return Finding(text, table)


def _stance(stance: pd.DataFrame) -> Finding:
    with_target = int((stance["n_target"] > 0).sum())
    table = pd.DataFrame([{"articles": len(stance), "with_target": with_target,
                           "net_favor": int((stance["net"] > 0).sum()),
                           "net_against": int((stance["net"] < 0).sum())}])
    return Finding(f"{with_target:,} of the {len(stance):,} generated articles contain a sentence about "
                   f"the export controls.", table,
                   "The generator recombines real phrases, so these counts show that the stage runs, "
                   "not what coverage says.")


def _benchmark(bench: pd.DataFrame) -> list[Finding]:
    if bench.empty:
        return [Finding("No finding on scaling: no recorded benchmark was found.")]
    largest = int(bench["articles"].max())
    at = bench[bench["articles"] == largest].set_index("stage")
    stages = at.drop(index=[s for s in at.index if s.startswith("pipeline") or s == _BARE])
    ratio = bench[(bench["articles"] == largest) & ~bench["stage"].isin([_BARE])]["scaling_vs_smallest"]
    smallest = int(bench["articles"].min())
    growth = Finding(f"From {smallest:,} to {largest:,} articles, seconds per article at the largest size "
                     f"are {ratio.min():.2f}–{ratio.max():.2f}× those at the smallest "
                     f"(1.00 is linear growth).",
                     bench[bench["articles"] == largest][["stage", "seconds", "scaling_vs_smallest"]]
                     .reset_index(drop=True),
                     "One recorded run on a shared machine; timings vary between runs.")
    if _TOTAL not in at.index:
        return [growth]
    total = at.loc[_TOTAL]
    met = all(total[k] <= v for k, v in BENCH_TARGETS.items())
    slowest = stages["seconds"].idxmax() if len(stages) else ""
    text = (f"At {largest:,} articles the whole pipeline took {total['seconds']:.0f} s, peaked at "
            f"{total['peak_rss_mb'] / 1024:.1f} GB and was {total['x_bare_tfidf']:.1f}× a bare TF-IDF "
            f"vectorizer: {'inside' if met else 'outside'} the targets of "
            f"{BENCH_TARGETS['seconds']:.0f} s, {BENCH_TARGETS['peak_rss_mb'] / 1024:.0f} GB and "
            f"{BENCH_TARGETS['x_bare_tfidf']:.0f}×. The slowest stage is `{slowest}` "
            f"({stages.loc[slowest, 'seconds']:.0f} s).")
    return [growth, Finding(text, at.reset_index()[["stage", "seconds", "peak_rss_mb", "x_bare_tfidf"]])]


def scaling_findings(corpus: pd.DataFrame, planted: pd.DataFrame, results: dict[str, pd.DataFrame],
                     bench: pd.DataFrame) -> list[Finding]:
    """The findings of the scaling notebook, in order: the run, exact copies flagged by the
    loader, planted copies found by overlap, stance coverage, and the recorded benchmark.

    ``corpus`` is the loaded generated corpus, ``planted`` from :func:`planted_copies`,
    ``results`` from :func:`run_pipeline` and ``bench`` from :func:`read_benchmark`.
    """
    if corpus.empty:
        return [Finding("No finding: the generated corpus holds no article.")]
    found = [_run(corpus, results), _loader(corpus, planted),
             _overlap(planted, results.get("overlap_pairs"))]
    if "article_stance" in results:
        found.append(_stance(results["article_stance"]))
    return found + _benchmark(bench)
