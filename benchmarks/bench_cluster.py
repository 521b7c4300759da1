"""Benchmark: the pipeline on a Dask LocalCluster against the one-process path.

Run from the project root (the full run wants an idle machine, about an hour):

    .venv/bin/python benchmarks/bench_cluster.py
    .venv/bin/python benchmarks/bench_cluster.py --equality 1000 --memory 1000 2000 --spill 1000 --speed 2000

Four parts, each size in its own subprocess so its memory is its own:

- ``--equality N``: a 2-worker run on N generated articles; every table is compared with the
  one-process path (``helpers.cluster_equality``).
- ``--memory N ...``: a 2-worker run with ``--memory-limit`` per worker; the client process's and
  each worker process's resident memory are sampled every ``SAMPLE_S`` seconds (psutil), and
  the bytes the workers wrote to disk under memory pressure are read at the end.
- ``--spill N ...``: a 2-worker run in which each worker may keep only ``--spill-target`` of
  ``--memory-limit`` for stored results (Dask's ``distributed.worker.memory.target``), less
  than the corpus takes in memory, so results go to disk and back; then the equality check.
- ``--speed N ...``: wall time of ``run_pipeline_dask`` on each of ``--workers`` worker counts
  (no memory limit), step by step, with the share of worker time spent in shuffle tasks
  (``distributed.get_task_stream``); beside it ``load_corpus`` + ``run_pipeline`` without a
  cluster (its stance step on two processes) and a bare single-threaded
  ``TfidfVectorizer(ngram_range=(1, 2))`` on the same clean text.

Corpora are ``helpers.synthetic_export(seeds, n, seed=20250127 + n)``, as in bench_pipeline.py,
written as JSONL shards of ``SHARD_ROWS`` articles. Writes ``cluster_results.md`` and
``cluster_results.csv`` into ``--out`` (one folder per recorded run under ``benchmarks/cluster/``,
which notebook 05 reads). Prints one progress line per step.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

import pandas as pd
from dask.utils import parse_bytes

ROOT = Path(__file__).resolve().parents[1]
SHARD_ROWS = 1000  # articles per JSONL shard, one partition each: 2 at 2,000 articles, 50 at 50,000
SAMPLE_S = 0.2  # memory sampling interval
RESULT = "RESULT "  # prefix of the child's last line, its rows as JSON
SHUFFLE_PREFIXES = (
    "shuffle",
    "hash-join",
    "p2p",
    "split",
    "drop-duplicates",
    "drop_duplicates",
    "repartition",
    "assign-index",
    "set-index",
    "concat-shuffle",
    "shuffle-transfer",
    "shuffle_p2p",
)


def say(line: str) -> None:
    print(line, flush=True)


class MemorySampler:
    """Peak RSS (MB) of the client process and of the given worker processes, sampled in a thread."""

    def __init__(self, worker_pids: list[int]):
        import psutil

        self.client = psutil.Process(os.getpid())
        self.workers = [psutil.Process(pid) for pid in worker_pids]
        self.peak_client = 0.0
        self.peak_workers = [0.0] * len(self.workers)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_client = max(self.peak_client, self.client.memory_info().rss / 2**20)
            for i, proc in enumerate(self.workers):
                try:
                    self.peak_workers[i] = max(self.peak_workers[i], proc.memory_info().rss / 2**20)
                except Exception:  # a worker restarted; its peak so far stays
                    pass
            time.sleep(SAMPLE_S)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def write_shards(n: int, folder: Path) -> dict:
    """Generate ``n`` articles, write them as JSONL shards and as one JSONL; sizes in MB."""
    import helpers

    export = helpers.synthetic_export(helpers.load_corpus("seeds"), n, seed=20250127 + n)
    shards = folder / "shards"
    shards.mkdir()
    for i, lo in enumerate(range(0, n, SHARD_ROWS)):
        export.iloc[lo : lo + SHARD_ROWS].to_json(
            shards / f"part{i:04d}.jsonl", orient="records", lines=True, force_ascii=False
        )
    export.to_json(folder / "whole.jsonl", orient="records", lines=True, force_ascii=False)
    return {"input_mb": (folder / "whole.jsonl").stat().st_size / 2**20, "shards": i + 1}


def spilled_mb(client) -> float:
    """Bytes the workers wrote to disk under memory pressure during the run, in MB."""
    import helpers

    return helpers.worker_spilled_bytes(client) / 2**20


def shuffle_share(tasks: list[dict]) -> tuple[float, float]:
    """``(worker seconds in all tasks, share in shuffle and join tasks)`` from a task stream."""
    total = shuffled = 0.0
    for task in tasks:
        seconds = sum(s["stop"] - s["start"] for s in task.get("startstops", ()) if s["action"] == "compute")
        total += seconds
        if str(task.get("key", "")).strip("('\"").startswith(SHUFFLE_PREFIXES):
            shuffled += seconds
    return total, shuffled / total if total else float("nan")


def cluster_run(n: int, folder: Path, workers: int, memory_limit: str | None, label: str,
                spill_target: float | None = None) -> dict:
    """One ``run_pipeline_dask`` on a fresh LocalCluster; times, memory peaks and spill.

    ``spill_target``: Dask's ``distributed.worker.memory.target``, the share of the memory
    limit a worker may fill with stored results before it moves them to disk (default 0.6).
    """
    import dask
    from distributed import Client, LocalCluster, get_task_stream

    import helpers

    steps: list[tuple[str, float]] = []
    start = time.perf_counter()

    def progress(step: str) -> None:
        steps.append((step, time.perf_counter() - start))
        say(f"[{n:,} articles, {label}] {step}")

    limit = memory_limit or "auto"
    logging.getLogger("distributed").setLevel(logging.ERROR)  # the shuffle plugin's notices
    target = {"distributed.worker.memory.target": spill_target} if spill_target is not None else {}
    with (
        dask.config.set(target),  # the nanny hands this configuration to the worker processes
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            memory_limit=limit,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        pids = list(client.run(os.getpid).values())
        out = folder / f"out-{label.replace(' ', '-')}"
        with MemorySampler(pids) as memory, get_task_stream(client) as stream:
            start = time.perf_counter()
            ledger = helpers.run_pipeline_dask(
                folder / "shards", out, client, progress=progress, reuse_cache=False
            )
            wall = time.perf_counter() - start
        spill = spilled_mb(client) if memory_limit else float("nan")
        busy, share = shuffle_share(stream.data)
    step_times = {
        name: round(later - at, 3) for (name, at), (_, later) in zip(steps, steps[1:], strict=False)
    }
    return {
        "articles": n,
        "run": label,
        "workers": workers,
        "memory_limit": memory_limit or "",
        "seconds": wall,
        "client_peak_mb": memory.peak_client,
        "worker_peak_mb": max(memory.peak_workers),
        "spilled_mb": spill,
        "worker_busy_s": busy,
        "shuffle_share": share,
        "client_bytes_received": int(ledger["bytes"].sum()),
        "steps": json.dumps(step_times),
    }


def one_process(n: int, folder: Path) -> list[dict]:
    """``load_corpus`` + ``run_pipeline`` in this process, then the bare vectorizer."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    import helpers

    say(f"[{n:,} articles, no cluster] load and run_pipeline")
    start = time.perf_counter()
    corpus = helpers.load_corpus(folder / "whole.jsonl", progress=False)
    helpers.run_pipeline(corpus)
    wall = time.perf_counter() - start
    say(f"[{n:,} articles, bare TfidfVectorizer]")
    texts = corpus["text"].tolist()
    start = time.perf_counter()
    TfidfVectorizer(ngram_range=(1, 2)).fit_transform(texts)
    bare = time.perf_counter() - start
    return [
        {"articles": n, "run": "no cluster", "workers": 1, "seconds": wall},
        {"articles": n, "run": "bare TfidfVectorizer", "workers": 1, "seconds": bare},
    ]


def corpus_memory_mb(corpus: pd.DataFrame) -> float:
    """The loaded corpus's size in memory (texts included), in MB."""
    return float(corpus.memory_usage(deep=True).sum()) / 2**20


def child(mode: str, n: int, args) -> list[dict]:
    """One size of one part, in this (child) process."""
    warnings.simplefilter("ignore")
    import helpers

    if mode == "generate":
        say(f"[{n:,} articles] generate and write shards")
        return [write_shards(n, args.folder)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder or Path(tmp)
        sizes = json.loads((folder / "sizes.json").read_text()) if args.folder else write_shards(n, folder)
        if mode == "equality":
            row = cluster_run(n, folder, 2, None, "equality 2 workers")
            say(f"[{n:,} articles, equality] one-process tables")
            corpus = helpers.load_corpus(folder / "whole.jsonl", progress=False)
            table = helpers.cluster_equality(folder / "out-equality-2-workers", corpus)
            return [{**row, **sizes, "mode": mode, "equality": table.to_json(orient="records")}]
        if mode == "spill":
            row = cluster_run(n, folder, 2, args.memory_limit, "spill 2 workers", args.spill_target)
            say(f"[{n:,} articles, spill] one-process tables")
            corpus = helpers.load_corpus(folder / "whole.jsonl", progress=False)
            table = helpers.cluster_equality(folder / "out-spill-2-workers", corpus)
            budget = parse_bytes(args.memory_limit) * args.spill_target / 2**20
            return [{**row, **sizes, "mode": mode, "spill_target": args.spill_target,
                     "result_budget_mb": budget, "corpus_mb": corpus_memory_mb(corpus),
                     "equal": bool(table["equal"].all()), "equality": table.to_json(orient="records")}]
        if mode == "memory":
            return [
                {**cluster_run(n, folder, 2, args.memory_limit, "memory 2 workers"), **sizes, "mode": mode}
            ]
        rows = [
            {**cluster_run(n, folder, w, None, f"speed {w} workers"), **sizes, "mode": mode}
            for w in args.workers
        ]
        return rows + [{**r, **sizes, "mode": mode} for r in one_process(n, folder)]


def run_child(mode: str, n: int, args, folder: Path) -> list[dict]:
    """One part at one size in a fresh process (its memory its own), on shards in ``folder``."""
    command = [
        sys.executable,
        __file__,
        "--child",
        mode,
        str(n),
        "--folder",
        str(folder),
        "--memory-limit",
        args.memory_limit,
        "--spill-target",
        str(args.spill_target),
        "--workers",
        *map(str, args.workers),
    ]
    result = None
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}
    ) as proc:
        for line in proc.stdout:
            if line.startswith(RESULT):
                result = json.loads(line[len(RESULT) :])
            else:
                say(line.rstrip("\n"))
    if proc.returncode or result is None:
        raise RuntimeError(f"{mode} at {n} articles failed (exit code {proc.returncode})")
    return result


def markdown(table: pd.DataFrame) -> str:
    head = "| " + " | ".join(table.columns) + " |"
    rule = (
        "|"
        + "|".join("---:" if pd.api.types.is_numeric_dtype(table[c]) else "---" for c in table.columns)
        + "|"
    )
    body = [
        "| " + " | ".join("" if pd.isna(v) else str(v) for v in row) + " |"
        for row in table.itertuples(index=False)
    ]
    return "\n".join([head, rule, *body])


def write_results(rows: list[dict], args, out: Path) -> None:
    table = pd.DataFrame(rows)
    speed = table[table["mode"] == "speed"].copy()
    if len(speed):
        bare = speed[speed["run"] == "bare TfidfVectorizer"].set_index("articles")["seconds"]
        speed["x_bare_tfidf"] = speed["seconds"] / speed["articles"].map(bare)
        table.loc[speed.index, "x_bare_tfidf"] = speed["x_bare_tfidf"]
    numeric = table.select_dtypes("number").columns
    table[numeric] = table[numeric].round(3)
    table.drop(columns=["equality"], errors="ignore").to_csv(out / "cluster_results.csv", index=False)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    lines = [
        "# Cluster benchmark",
        "",
        f"Written by `benchmarks/bench_cluster.py`; the data is in `cluster_results.csv`. {cores} cores; "
        f"load average {os.getloadavg()[0]:.2f} at the end of the run (other jobs share the machine).",
        f"Arguments: equality {args.equality}, memory {args.memory}, spill {args.spill} (target "
        f"{args.spill_target}), speed {args.speed}, workers {args.workers}, memory limit per worker "
        f"{args.memory_limit}.",
        *([args.note] if args.note else []),
        "",
    ]
    for row in table[table["mode"] == "equality"].itertuples():
        lines += [
            f"## Equality on {row.articles:,} articles (2 workers)",
            "",
            markdown(pd.DataFrame(json.loads(row.equality))),
            "",
        ]
    memory = table[table["mode"] == "memory"]
    if len(memory):
        lines += [
            "## Memory (2 workers, memory limit per worker)",
            "",
            "`client_peak_mb` should stay flat as the corpus grows; `input_mb` is the export's size.",
            "",
            markdown(
                memory[
                    [
                        "articles",
                        "input_mb",
                        "memory_limit",
                        "seconds",
                        "client_peak_mb",
                        "worker_peak_mb",
                        "spilled_mb",
                        "client_bytes_received",
                    ]
                ]
            ),
            "",
        ]
    for row in table[table["mode"] == "spill"].itertuples():
        lines += [
            f"## Spill on {row.articles:,} articles (2 workers)",
            "",
            f"Each worker may keep {row.result_budget_mb:.1f} MB of stored results in memory "
            f"(`distributed.worker.memory.target` {row.spill_target} of {row.memory_limit}); the corpus "
            f"takes {row.corpus_mb:.1f} MB in memory. Workers spilled {row.spilled_mb:.1f} MB to disk in "
            f"{row.seconds:.1f} s. The tables against the one-process path:",
            "",
            markdown(pd.DataFrame(json.loads(row.equality))),
            "",
        ]
    if len(speed):
        lines += [
            "## Speed",
            "",
            "`x_bare_tfidf` is the run's wall time over a bare single-threaded "
            "`TfidfVectorizer(ngram_range=(1, 2))` on the same clean text; `shuffle_share` is the share of "
            "worker compute time in shuffle and join tasks.",
            "",
            markdown(
                table.loc[
                    speed.index,
                    [
                        "articles",
                        "run",
                        "workers",
                        "seconds",
                        "x_bare_tfidf",
                        "shuffle_share",
                        "client_peak_mb",
                        "worker_peak_mb",
                    ],
                ]
            ),
            "",
            "Seconds per step of each cluster run:",
            "",
        ]
        for row in speed[speed["steps"].notna()].itertuples():
            steps = ", ".join(f"{k} {v:.1f} s" for k, v in json.loads(row.steps).items())
            lines.append(f"- {row.articles:,} articles, {row.workers} workers: {steps}")
    (out / "cluster_results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--equality", type=int, default=2000, help="articles for the equality check (0: skip)"
    )
    parser.add_argument(
        "--memory", type=int, nargs="*", default=[5000, 20000, 50000], help="sizes for memory"
    )
    parser.add_argument("--speed", type=int, nargs="*", default=[20000, 50000], help="sizes for wall time")
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2], help="worker counts for wall time")
    parser.add_argument("--spill", type=int, nargs="*", default=[5000],
                        help="sizes for the spill check: 2 workers that may keep only --spill-target of "
                             "--memory-limit for results, then the equality check")
    parser.add_argument("--spill-target", type=float, default=0.01,
                        help="distributed.worker.memory.target of the spill runs (Dask's default: 0.6)")
    parser.add_argument("--memory-limit", default="1GiB",
                        help="per-worker memory limit of the memory and spill runs")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "cluster" / "latest",
                        help="folder for the results (notebook 05 reads every benchmarks/cluster/*/)")
    parser.add_argument("--note", default="", help="a line written under the title (e.g. why this run)")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        rows = child(args.child[0], int(args.child[1]), args)
        print(RESULT + json.dumps(rows), flush=True)
        return
    rows = []
    jobs = (
        ([("equality", args.equality)] if args.equality else [])
        + [("memory", n) for n in args.memory]
        + [("spill", n) for n in args.spill]
        + [("speed", n) for n in args.speed]
    )
    for mode, n in jobs:
        say(f"== {mode} at {n:,} articles")
        with tempfile.TemporaryDirectory() as tmp:  # generated apart, so the client's memory is its own
            folder = Path(tmp)
            sizes = run_child("generate", n, args, folder)[0]
            (folder / "sizes.json").write_text(json.dumps(sizes))
            rows += run_child(mode, n, args, folder)
    args.out.mkdir(parents=True, exist_ok=True)
    write_results(rows, args, args.out)
    say(f"wrote {args.out / 'cluster_results.md'}")


if __name__ == "__main__":
    main()
