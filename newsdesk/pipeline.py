"""The whole pipeline on one corpus, timed stage by stage, and the recorded benchmark's readers.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from newsdesk.overlap.pairs import overlap_pairs
from newsdesk.stance.aggregate import article_stance
from newsdesk.terms.model import fit_term_model, top_terms
from newsdesk.terms.trends import term_trends

__all__ = [
    "BENCH_STAGES",
    "pipeline_shapes",
    "read_benchmark",
    "run_pipeline",
    "scaling_table",
]

BENCH_STAGES = ("load_clean", "terms_top_terms", "term_trends", "article_stance", "overlap_pairs",
                "pipeline_total", "pipeline_without_overlap", "bare_tfidf")  # in pipeline order


def run_pipeline(corpus: pd.DataFrame, freq: str = "M") -> dict[str, pd.DataFrame]:
    """Every analysis the benchmark times, on one loaded corpus, with one term model.

    Returns ``{"top_terms", "term_trends", "article_stance", "overlap_pairs"}``, each the
    table its function returns.
    """
    model = fit_term_model(corpus)
    return {"top_terms": top_terms(corpus, model=model),
            "term_trends": term_trends(corpus, freq=freq, model=model),
            "article_stance": article_stance(corpus),
            "overlap_pairs": overlap_pairs(corpus)}


def pipeline_shapes(results: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows and columns of each table :func:`run_pipeline` returned, in its order."""
    return pd.DataFrame([{"table": name, "rows": len(table), "columns": table.shape[1]}
                         for name, table in results.items()], columns=["table", "rows", "columns"])


def read_benchmark(path: str | Path) -> pd.DataFrame:
    """The recorded benchmark (``benchmarks/results.csv``); empty when the file is missing."""
    columns = ["articles", "stage", "seconds", "docs_per_s", "mb_per_s", "peak_rss_mb", "x_bare_tfidf",
               "s_per_1k_docs", "scaling_vs_smallest"]
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=columns)
    table = pd.read_csv(path)
    return table[table["stage"].isin(BENCH_STAGES)].reindex(columns=columns).reset_index(drop=True)


def scaling_table(bench: pd.DataFrame, value: str = "seconds") -> pd.DataFrame:
    """One benchmark measure as stages × corpus sizes, stages in pipeline order."""
    wide = bench.pivot_table(index="stage", columns="articles", values=value, aggfunc="first")
    order = [s for s in BENCH_STAGES if s in wide.index]
    return wide.reindex(order).round(3)
