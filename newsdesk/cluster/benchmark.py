"""The recorded cluster benchmark (``benchmarks/bench_cluster.py``) as tables and findings for
notebook 05: client and worker memory as the corpus grows, wall time on one and two workers
beside the pipeline without a cluster, and how the work splits between client and workers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from newsdesk.findings import Finding

__all__ = [
    "CLUSTER_BENCH_FILE",
    "cluster_findings",
    "cluster_memory_table",
    "cluster_speed_table",
    "cluster_spill_table",
    "cluster_step_table",
    "read_cluster_benchmark",
    "worker_spilled_bytes",
]

CLUSTER_BENCH_FILE = "cluster_results.csv"  # what bench_cluster.py writes into its --out folder
_NO_CLUSTER = "no cluster"  # the pipeline without Dask
_OLD_RUN_NAMES = {"one process": _NO_CLUSTER}  # as older runs recorded it
_BARE = "bare TfidfVectorizer"
_COLUMNS = ["articles", "run", "workers", "memory_limit", "seconds", "client_peak_mb", "worker_peak_mb",
            "spilled_mb", "worker_busy_s", "shuffle_share", "client_bytes_received", "steps", "input_mb",
            "mode", "x_bare_tfidf", "spill_target", "result_budget_mb", "corpus_mb", "equal",
            "recorded_in"]


def _disk_writes(dask_worker) -> float:
    """One worker's bytes written to disk by its spill buffer; NaN when it keeps no such count."""
    metrics = getattr(dask_worker.data, "cumulative_metrics", None)
    return float(metrics.get(("disk-write", "bytes"), 0.0)) if metrics is not None else float("nan")


def worker_spilled_bytes(client) -> float:
    """Bytes every worker has written to disk under memory pressure since it started, summed;
    NaN when a worker keeps no count (no spill buffer), since zero would claim no spill.

    Read from each worker's spill buffer's running total of disk writes: what is on disk now
    (``spilled_total``) drops back to zero as results are released, so it misses a run's spill.
    A result spilled twice counts twice; a worker that restarted counts from its restart."""
    return float(sum(client.run(_disk_writes).values()))


def read_cluster_benchmark(folder: str | Path) -> pd.DataFrame:
    """Every ``cluster_results.csv`` under ``folder`` (each run's own ``--out`` folder), one row
    per run, sorted by size, mode and run (older runs' "one process" named "no cluster", as
    later runs name it); ``recorded_in`` names the sub-folder. Empty when none
    is found. A file without the ``articles``, ``run`` and ``seconds`` columns raises
    ``ValueError`` naming it."""
    folder = Path(folder)
    frames = []
    for path in sorted(folder.glob(f"*/{CLUSTER_BENCH_FILE}")):
        table = pd.read_csv(path)
        missing = [c for c in ("articles", "run", "seconds") if c not in table.columns]
        if missing:
            raise ValueError(f"{path.parent.name}/{path.name}: missing columns {missing}")
        frames.append(table.assign(recorded_in=path.parent.name))
    if not frames:
        return pd.DataFrame(columns=_COLUMNS)
    table = pd.concat(frames, ignore_index=True).reindex(columns=_COLUMNS)
    table["run"] = table["run"].replace(_OLD_RUN_NAMES)
    return table.sort_values(["articles", "mode", "run", "recorded_in"], kind="stable").reset_index(drop=True)


def cluster_memory_table(bench: pd.DataFrame) -> pd.DataFrame:
    """The memory runs (two workers under a per-worker memory limit): input size, wall time,
    the client's and the largest worker's peak resident memory, what the workers spilled to
    disk (blank: not recorded) and how many bytes reached the client, by corpus size, with the
    folder each run is recorded in."""
    runs = bench[bench["mode"] == "memory"]
    table = runs[["articles", "input_mb", "memory_limit", "seconds", "client_peak_mb", "worker_peak_mb",
                  "spilled_mb", "client_bytes_received", "recorded_in"]].copy()
    table["client_kb_received"] = (table.pop("client_bytes_received") / 1024).round(1)
    return table.round(3).reset_index(drop=True)


def cluster_spill_table(bench: pd.DataFrame) -> pd.DataFrame:
    """The spill runs: two workers that may keep only ``result_budget_mb`` of stored results
    each (Dask's ``distributed.worker.memory.target`` times the memory limit), beside the
    corpus's size in memory, what they spilled to disk, the wall time and whether every table
    equals the one-process path."""
    runs = bench[bench["mode"] == "spill"]
    columns = ["articles", "memory_limit", "spill_target", "result_budget_mb", "corpus_mb", "spilled_mb",
               "seconds", "equal"]
    return runs[columns].round(3).reset_index(drop=True)


def cluster_speed_table(bench: pd.DataFrame) -> pd.DataFrame:
    """The speed runs by corpus size: one and two workers, the pipeline without a cluster and a
    bare single-threaded ``TfidfVectorizer``, with each run's multiple of the bare vectorizer
    and the share of worker time spent shuffling."""
    runs = bench[bench["mode"] == "speed"].copy()
    bare = runs[runs["run"] == _BARE].set_index("articles")["seconds"]
    runs["x_bare_tfidf"] = (runs["seconds"] / runs["articles"].map(bare)).round(2)
    order = {run: i for i, run in enumerate(["speed 1 workers", "speed 2 workers", _NO_CLUSTER, _BARE])}
    runs = runs.assign(order=runs["run"].map(order).fillna(len(order)))
    runs = runs.sort_values(["articles", "order"], kind="stable")
    return runs[["articles", "run", "workers", "seconds", "x_bare_tfidf", "shuffle_share"]].round(3) \
        .reset_index(drop=True)


def cluster_step_table(bench: pd.DataFrame) -> pd.DataFrame:
    """Seconds per step of every cluster run (rows: steps in run order; one column per run,
    named by size and run), plus the workers' busy seconds and the wall time. Busy seconds
    above the wall time show the workers computing in parallel; everything else the client
    did is the gap between them and the steps."""
    columns = {}
    for row in bench[bench["steps"].notna()].itertuples(index=False):
        steps = json.loads(row.steps)
        name = f"{int(row.articles):,} · {row.run} ({row.recorded_in})"
        columns[name] = pd.Series({**steps, "workers busy (sum)": row.worker_busy_s, "wall": row.seconds})
    if not columns:
        return pd.DataFrame()
    return pd.DataFrame(columns).round(1)


def _memory_finding(memory: pd.DataFrame) -> Finding:
    if memory.empty:
        return Finding("No finding on cluster memory: no memory run is recorded.")
    small, large = memory.iloc[0], memory.iloc[-1]
    spilled = memory["spilled_mb"].dropna()  # blank: a run that could not read it
    recorded = f"{len(spilled)} of {len(memory)} runs"
    if spilled.empty:
        spill = "what the workers spilled to disk is not recorded"
    elif spilled.max() > 0:
        top = memory.loc[spilled.idxmax()]
        spill = (f"where the spill is recorded ({recorded}), the workers wrote up to {spilled.max():,.0f} MB "
                 f"to disk over a run ({int(top['articles']):,} articles, limit {top['memory_limit']} "
                 f"per worker)")
    else:
        spill = f"no worker spilled to disk in the {recorded} that recorded it"
    text = (f"From {int(small['articles']):,} to {int(large['articles']):,} articles (input "
            f"{small['input_mb']:.0f} to {large['input_mb']:.0f} MB), the client's peak memory went from "
            f"{small['client_peak_mb']:.0f} to {large['client_peak_mb']:.0f} MB and the largest worker's "
            f"from {small['worker_peak_mb']:.0f} to {large['worker_peak_mb']:.0f} MB; {spill}.")
    return Finding(text, memory, "Resident memory is sampled every 0.2 s; a shorter peak is missed.")


def _spill_finding(spill: pd.DataFrame) -> Finding | None:
    if spill.empty:
        return None
    run = spill.iloc[-1]
    same = "every table equals" if str(run["equal"]) == "True" else "some tables differ from"
    text = (f"At {int(run['articles']):,} articles, with each worker allowed "
            f"{run['result_budget_mb']:.1f} MB of stored results against a corpus of "
            f"{run['corpus_mb']:.0f} MB in memory, the workers wrote {run['spilled_mb']:,.0f} MB to disk "
            f"over the run; {same} the one-process path.")
    return Finding(text, spill, "The budget is set through Dask's memory target, not by a small machine: "
                                "it shows results survive the trip to disk, not how a short machine copes.")


def _speed_finding(speed: pd.DataFrame) -> Finding:
    if speed.empty:
        return Finding("No finding on cluster speed: no speed run is recorded.")
    largest = int(speed["articles"].max())
    at = speed[speed["articles"] == largest].set_index("run")
    parts = [f"{run} {at.loc[run, 'seconds']:.0f} s ({at.loc[run, 'x_bare_tfidf']:.1f}×)"
             for run in at.index if run != _BARE]
    shuffle = at["shuffle_share"].dropna()
    text = f"At {largest:,} articles: " + ", ".join(parts)
    if _BARE in at.index:
        text += f", against {at.loc[_BARE, 'seconds']:.1f} s for a bare single-threaded TF-IDF vectorizer"
    text += f"; shuffles took {shuffle.max():.1%} of worker time at most." if len(shuffle) else "."
    return Finding(text, speed[speed["articles"] == largest].reset_index(drop=True),
                   "One run per setting on a two-core machine; the cluster pays only where workers are "
                   "on other machines.")


def cluster_findings(bench: pd.DataFrame) -> list[Finding]:
    """What the recorded cluster benchmark shows: memory as the corpus grows, spilling (when a
    spill run is recorded), then speed."""
    if bench.empty:
        return [Finding("No finding on the cluster: no cluster benchmark is recorded.")]
    spill = _spill_finding(cluster_spill_table(bench))
    return [_memory_finding(cluster_memory_table(bench)), *([spill] if spill else []),
            _speed_finding(cluster_speed_table(bench))]
