"""Benchmark: the whole pipeline on synthetic corpora of 1k, 10k and 50k articles.

Run from the project root:  make bench   (or .venv/bin/python benchmarks/bench_pipeline.py [sizes...])

Each size runs in its own subprocess, so its peak memory is its own. Inside it, a synthetic
export (``helpers.synthetic_export``: a word-level Markov chain over the seeds plus made-up
tokens, with planted exact and near copies) is written as JSONL, then each stage is timed:
load+clean, term model + ``top_terms``, ``term_trends``, ``article_stance``, ``overlap_pairs``,
and a bare ``TfidfVectorizer(ngram_range=(1, 2))`` on the same clean text. Before each stage
the process's peak-RSS mark is reset (``/proc/self/clear_refs``), so each stage's peak RSS is
the highest resident memory of the process while that stage ran, data already loaded included.
Writes ``benchmarks/results.md`` and ``benchmarks/results.csv``.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from importlib import metadata
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SIZES = (1000, 10000, 50000)
OVERLAP_BUDGET_S = 300  # overlap_pairs is skipped at a size where linear growth from the last would pass this
LIBRARIES = ("numpy", "pandas", "scipy", "scikit-learn", "sentencex", "datasketch", "rapidfuzz",
             "pyarrow", "dask", "distributed")
GENERATE = "generate (not pipeline)"
STAGES = ("load_clean", "terms_top_terms", "term_trends", "article_stance", "overlap_pairs")


def _rss_mb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass  # the peak then covers everything before the stage too


def run_one(n: int, overlap: bool = True) -> list[dict]:
    """Time every stage on ``n`` synthetic articles in this process."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    import helpers

    warnings.simplefilter("ignore")
    results = []

    def stage(name: str, fn, n_bytes: int):
        _reset_peak()
        start = time.perf_counter()
        out = fn()
        seconds = time.perf_counter() - start
        results.append({"articles": n, "stage": name, "seconds": seconds,
                        "docs_per_s": n / seconds, "mb_per_s": n_bytes / 1e6 / seconds,
                        "peak_rss_mb": _rss_mb("VmHWM")})
        return out

    seeds = helpers.load_corpus("seeds")
    export = stage(GENERATE,
                   lambda: helpers.synthetic_export(seeds, n, seed=20250127 + n), 0)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.jsonl"
        export.to_json(path, orient="records", lines=True, force_ascii=False)
        raw_bytes = path.stat().st_size
        del export
        corpus = stage("load_clean", lambda: helpers.load_corpus(path, progress=False), raw_bytes)
    text_bytes = int(corpus["text"].str.len().sum())
    def terms():
        model = helpers.fit_term_model(corpus)
        helpers.top_terms(corpus, model=model)
        return model

    fitted = stage("terms_top_terms", terms, text_bytes)
    stage("term_trends", lambda: helpers.term_trends(corpus, model=fitted), text_bytes)
    fitted = None
    stage("article_stance", lambda: helpers.article_stance(corpus), text_bytes)
    if overlap:
        pairs = stage("overlap_pairs", lambda: helpers.overlap_pairs(corpus), text_bytes)
        planted = corpus[["doc_id", "duplicate_of"]]
        results[-1]["pairs_found"] = int(len(pairs))
        results[-1]["exact_copies_flagged"] = int((planted["duplicate_of"] != "").sum())
    texts = corpus["text"].tolist()
    stage("bare_tfidf", lambda: TfidfVectorizer(ngram_range=(1, 2)).fit_transform(texts), text_bytes)
    words = int(corpus["n_words"].sum())
    for row in results:
        row.update(words=words, input_mb=raw_bytes / 1e6, text_mb=text_bytes / 1e6)
    return results


def environment() -> dict:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    versions = {}
    for lib in LIBRARIES:
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            versions[lib] = "not installed"
    return {"cores": cores, "cpu": cpu, "python": platform.python_version(), "versions": versions,
            "load_before": os.getloadavg()[0]}


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Pipeline total per size, with the ratio to the bare vectorizer and the total peak RSS."""
    rows = []
    for n, part in table.groupby("articles"):
        bare = float(part.loc[part["stage"] == "bare_tfidf", "seconds"].iloc[0])
        for name, included in (("pipeline_total", STAGES), ("pipeline_without_overlap", STAGES[:-1])):
            stages = part[part["stage"].isin(included)]
            total = float(stages["seconds"].sum())
            rows.append({"articles": n, "stage": name, "seconds": total,
                         "docs_per_s": n / total, "mb_per_s": float(part["text_mb"].iloc[0]) / total,
                         "peak_rss_mb": float(stages["peak_rss_mb"].max()), "x_bare_tfidf": total / bare,
                         "words": part["words"].iloc[0], "input_mb": part["input_mb"].iloc[0],
                         "text_mb": part["text_mb"].iloc[0]})
    return pd.DataFrame(rows)


def verdict(full: pd.DataFrame) -> list[str]:
    """The targets, read off the largest corpus: met or missed, with the numbers."""
    n = int(full["articles"].max())
    big = full[full["articles"] == n].set_index("stage")
    lines = ["## Targets", ""]
    for name in ("pipeline_total", "pipeline_without_overlap"):
        if name not in big.index:
            continue
        row = big.loc[name]
        lines.append(
            f"- `{name}` at {n:,} articles: {row['seconds']:.0f} s "
            f"({'met' if row['seconds'] <= 300 else 'missed'}: target 300 s), peak RSS "
            f"{row['peak_rss_mb']:.0f} MB "
            f"({'met' if row['peak_rss_mb'] <= 4096 else 'missed'}: target 4096 MB), "
            f"{row['x_bare_tfidf']:.1f}x the bare vectorizer "
            f"({'met' if row['x_bare_tfidf'] <= 6 else 'missed'}: target 6x).")
    stages = full[full["stage"].isin(STAGES) & (full["articles"] == n)]
    worst = stages.sort_values("scaling_vs_smallest").iloc[-1]
    lines.append(f"- Scaling: seconds per article at {n:,} are {stages['scaling_vs_smallest'].min():.2f}-"
                 f"{worst['scaling_vs_smallest']:.2f}x those at the smallest size (worst: "
                 f"`{worst['stage']}`); 1.0 is linear.")
    return lines


def markdown_table(table: pd.DataFrame) -> str:
    head = "| " + " | ".join(table.columns) + " |"
    rule = "|" + "|".join("---:" if pd.api.types.is_numeric_dtype(table[c]) else "---"
                          for c in table.columns) + "|"
    body = ["| " + " | ".join("" if pd.isna(v) else f"{v:,}" if isinstance(v, int) else str(v)
                              for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def write_results(table: pd.DataFrame, env: dict, wall: float) -> None:
    bare = table[table["stage"] == "bare_tfidf"].set_index("articles")["seconds"]
    table = table.copy()
    table["x_bare_tfidf"] = table["seconds"] / table["articles"].map(bare)
    table.loc[table["stage"] == GENERATE, ["x_bare_tfidf", "mb_per_s"]] = float("nan")
    full = pd.concat([table, summarise(table)], ignore_index=True)
    per_1k = full["seconds"] / full["articles"] * 1000
    first = full["articles"].min()
    base = dict(zip(full.loc[full["articles"] == first, "stage"], per_1k[full["articles"] == first],
                    strict=True))
    full["s_per_1k_docs"] = per_1k
    full["scaling_vs_smallest"] = per_1k / full["stage"].map(base)
    columns = ["articles", "stage", "seconds", "docs_per_s", "mb_per_s", "peak_rss_mb", "x_bare_tfidf",
               "s_per_1k_docs", "scaling_vs_smallest", "words", "input_mb", "text_mb"]
    out = full.reindex(columns=columns).round(3)
    out.to_csv(ROOT / "benchmarks" / "results.csv", index=False)
    shown = out[["articles", "stage", "seconds", "docs_per_s", "mb_per_s", "peak_rss_mb", "x_bare_tfidf",
                 "scaling_vs_smallest"]]
    lines = [
        "# Pipeline benchmark",
        "",
        "Written by `benchmarks/bench_pipeline.py` (`make bench`); the data is in `results.csv`.",
        "",
        f"- machine: {env['cores']} cores available, {env['cpu']}; load average "
        f"{env['load_before']:.2f} when the run started (other jobs share the machine)",
        f"- Python {env['python']}; " + ", ".join(f"{k} {v}" for k, v in env["versions"].items()),
        f"- whole benchmark run: {wall / 60:.1f} min",
        "",
        "Corpora: `helpers.synthetic_export(seeds, n, seed=20250127 + n)`, written as JSONL. "
        "Sizes: " + ", ".join(f"{n:,} articles ({w / 1e6:.1f} M words, {mb:.0f} MB JSONL)"
                              for n, w, mb in out.groupby("articles")[["words", "input_mb"]].first()
                              .itertuples()) + ".",
        "",
        "`seconds` is wall time; `docs_per_s` and `mb_per_s` divide the articles and the clean "
        "text's characters (the raw JSONL's bytes for load_clean) by it; `peak_rss_mb` is the "
        "process's peak resident memory while the stage ran (the loaded corpus included); "
        "`x_bare_tfidf` divides by a bare `TfidfVectorizer(ngram_range=(1, 2))` fitted on the same "
        "clean text in the same process; `scaling_vs_smallest` is seconds per article relative to "
        "the smallest corpus (1.0 = linear). `pipeline_total` sums the five pipeline stages "
        "(four where `overlap_pairs` was skipped because linear growth from the previous size "
        f"would take it past {OVERLAP_BUDGET_S} s); "
        "`pipeline_without_overlap` sums the other four at every size, so it compares across sizes.",
        "",
        markdown_table(shown),
        "",
        *verdict(out),
        "",
    ]
    notes = ROOT / "benchmarks" / "results_notes.md"  # profiling and Dask notes, written by hand
    if notes.exists():
        lines.append(notes.read_text())
    (ROOT / "benchmarks" / "results.md").write_text("\n".join(lines))


def main() -> None:
    if len(sys.argv) >= 3 and sys.argv[1] == "--one":
        print(json.dumps(run_one(int(sys.argv[2]), overlap="--no-overlap" not in sys.argv)))
        return
    sizes = [int(a) for a in sys.argv[1:]] or list(SIZES)
    env = environment()
    start = time.perf_counter()
    rows = []
    overlap_rate = 0.0  # seconds per article of overlap_pairs at the last size
    for n in sizes:
        flags = ["--no-overlap"] if overlap_rate * n > OVERLAP_BUDGET_S else []
        done = subprocess.run([sys.executable, __file__, "--one", str(n), *flags], cwd=ROOT, check=True,
                              capture_output=True, text=True)
        found = json.loads(done.stdout.strip().splitlines()[-1])
        for row in found:
            print(f"{n:>6} {row['stage']:<24} {row['seconds']:8.2f} s  {row['peak_rss_mb']:8.0f} MB",
                  flush=True)
        rows.extend(found)
        overlap_rate = next((r["seconds"] / n for r in found if r["stage"] == "overlap_pairs"), overlap_rate)
    write_results(pd.DataFrame(rows), env, time.perf_counter() - start)


if __name__ == "__main__":
    main()
