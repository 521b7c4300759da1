""":func:`run_pipeline_dask`: the whole pipeline on a Dask cluster, from export shards to Parquet
tables and the figures' CSV data, with a client that only ever holds small aggregated tables.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from newsdesk.cluster.candidates import cluster_candidates
from newsdesk.cluster.gather import gather_small, ledger_table
from newsdesk.cluster.relations import cluster_relations, pair_stories
from newsdesk.cluster.shards import prepare_corpus
from newsdesk.cluster.stance import cluster_stance
from newsdesk.cluster.terms import cluster_term_trends, cluster_vocabulary
from newsdesk.cluster.verify import VERIFIED_TYPES, join_texts, verify_pairs
from newsdesk.overlap.pairs import relation_counts
from newsdesk.stance.settings import SPEAKER_COLUMNS
from newsdesk.terms.settings import TOP_TERMS_N, TREND_TERMS_N
from newsdesk.text import spreadsheet_safe

__all__ = [
    "CLUSTER_CACHE",
    "CLUSTER_FIGURES",
    "CLUSTER_TABLES",
    "MANIFEST_FORMAT",
    "MANIFEST_NAME",
    "read_cluster_table",
    "run_pipeline_dask",
]

# Tables written by run_pipeline_dask: a folder of Parquet parts (per-article or per-pair, left
# on the workers) or one Parquet file (aggregated on the client).
CLUSTER_TABLES = {"top_terms": "parts", "outlet_term_counts": "parts", "article_stance": "parts",
                  "overlap_pairs": "parts",
                  "term_trends": "file", "speaker_stance": "file", "stories": "file", "ledger": "file"}
# The cleaned corpus, its audit (folders of parts) and its problems (one file), under cache/.
CLUSTER_CACHE = {"corpus": "parts", "audit": "parts", "problems": "file"}
# The figures' data, as CSV under figures/.
CLUSTER_FIGURES = ("article_stance_counts.csv", "relation_counts.csv", "speaker_stance.csv",
                   "term_trends.csv")
# Written last, so a folder holding it is a finished run; the report reads a folder by it.
MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 1  # bump when the tables or their columns change in a way a reader must know


def _quiet(step: str) -> None:
    """The default progress report: none."""


def _write_parts(frame, out: Path, name: str) -> None:
    frame.to_parquet(out / name, write_index=False, overwrite=True, schema="infer")


def _write_file(table: pd.DataFrame, out: Path, name: str) -> None:
    table.to_parquet(out / f"{name}.parquet", index=False)


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    """A figure's data as CSV, text cells made spreadsheet-safe."""
    safe = table.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(spreadsheet_safe)
    safe.to_csv(path, index=False)


def _write_manifest(out: Path, freq: str) -> None:
    """``manifest.json``: what the run wrote (paths relative to ``out``) and its settings;
    sorted keys, no date or path of the run, so the same run writes the same bytes."""
    def where(name: str, kind: str, folder: str = "") -> str:
        return f"{folder}{name}/" if kind == "parts" else f"{folder}{name}.parquet"

    manifest = {
        "written_by": "run_pipeline_dask", "format": MANIFEST_FORMAT,
        "tables": {name: where(name, kind) for name, kind in sorted(CLUSTER_TABLES.items())},
        "cache": {name: where(name, kind, "cache/") for name, kind in sorted(CLUSTER_CACHE.items())},
        "figures": [f"figures/{name}" for name in CLUSTER_FIGURES],
        "settings": {"freq": freq, "top_terms_n": TOP_TERMS_N, "trend_terms_n": TREND_TERMS_N},
    }
    (out / MANIFEST_NAME).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def read_cluster_table(out_dir: str | Path, name: str) -> pd.DataFrame:
    """One table :func:`run_pipeline_dask` wrote, read whole (for tests and small corpora)."""
    out = Path(out_dir)
    if name not in CLUSTER_TABLES:
        raise ValueError(f"{name!r} is not a table run_pipeline_dask writes; one of {sorted(CLUSTER_TABLES)}")
    return pd.read_parquet(out / name if CLUSTER_TABLES[name] == "parts" else out / f"{name}.parquet")


def run_pipeline_dask(source: str | Path, out_dir: str | Path, client, freq: str = "M",
                      progress: Callable[[str], None] = _quiet, reuse_cache: bool = True) -> pd.DataFrame:
    """Every analysis of :func:`run_pipeline` on a ``dask.distributed`` cluster.

    Parameters
    ----------
    source : a folder of ``.jsonl`` / ``.csv`` / ``.parquet`` export shards, a glob
        (``exports/*.jsonl``) or one export file; each shard is cleaned on a worker with
        :func:`load_corpus` (same column names, rules and audit).
    out_dir : where the tables go: ``cache/`` (cleaned corpus, audit, problems), Parquet for
        every table of ``CLUSTER_TABLES``, ``figures/`` (CSV data of the trend, stance,
        speaker and relation figures) and, last, ``manifest.json`` (``MANIFEST_NAME``: the
        tables and the settings; ``make report CORPUS=out_dir`` reads the folder by it).
    client : a ``dask.distributed.Client`` (``Client(LocalCluster(...))`` or
        ``Client("tcp://scheduler:8786")``); the workers must be able to read ``source``
        and write ``out_dir``.
    freq : period of the term trends (see :func:`term_trends`).
    progress : called with the name of each step as it starts (e.g. ``print``).
    reuse_cache : keep a cleaned corpus already in ``out_dir/cache`` for the same inputs.

    Returns
    -------
    The ledger (``LEDGER_COLUMNS``): every result that came back to the client, with its
    rows, columns and bytes. Per-article and per-pair tables are written by the workers.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST_NAME).unlink(missing_ok=True)  # a rerun is unfinished until it writes a new one
    (out / "figures").mkdir(exist_ok=True)
    ledger: list = []
    import dask.dataframe as dd

    progress("clean shards")
    cache = prepare_corpus(source, out, client, ledger, reuse=reuse_cache)
    corpus = dd.read_parquet(cache / "corpus")
    progress("terms: vocabulary")
    model, n_docs = cluster_vocabulary(corpus, client, ledger)
    progress("terms: top terms and trends")
    trends = cluster_term_trends(corpus, model, client, ledger, freq=freq,
                                 top_terms_to=str(out / "top_terms"),
                                 group_counts_to=str(out / "outlet_term_counts"))
    _write_file(trends, out, "term_trends")
    _write_csv(trends, out / "figures" / "term_trends.csv")
    del model
    progress("stance: articles and speakers")
    articles, speakers = cluster_stance(corpus)
    written = articles.to_parquet(out / "article_stance", write_index=False, overwrite=True, schema="infer",
                                  compute=False)
    speaker_table = gather_small(speakers.reset_index(drop=True), "speaker table", ledger, also=[written])
    speaker_table = speaker_table.sort_values(["n_target", "speaker"], ascending=[False, True],
                                              kind="stable").reset_index(drop=True)[SPEAKER_COLUMNS]
    _write_file(speaker_table, out, "speaker_stance")
    _write_csv(speaker_table, out / "figures" / "speaker_stance.csv")
    stance_counts = gather_small(dd.read_parquet(out / "article_stance").groupby("stance").size(),
                                 "articles per stance", ledger)
    _write_csv(stance_counts.sort_index().rename("articles").rename_axis("stance").reset_index(),
               out / "figures" / "article_stance_counts.csv")
    progress("overlap: signatures and LSH buckets")
    pairs, idf = cluster_candidates(corpus, n_docs, out / "cache", client)
    progress("overlap: join texts and verify pairs")
    meta = pd.DataFrame({c: pd.Series(dtype=t) for c, t in VERIFIED_TYPES.items()})
    verified = join_texts(pairs, corpus).map_partitions(verify_pairs, idf, meta=meta)
    del idf
    _write_parts(verified, out / "cache", "verified_pairs")
    progress("overlap: evidence and relations")
    verified = dd.read_parquet(out / "cache" / "verified_pairs")
    table = cluster_relations(verified, corpus, out / "cache", ledger)
    _write_parts(table, out, "overlap_pairs")
    progress("overlap: stories")
    edges = gather_small(dd.read_parquet(out / "overlap_pairs", columns=["doc_a", "doc_b", "relation"]),
                         "pair list", ledger)
    _write_file(pair_stories(edges), out, "stories")
    _write_csv(relation_counts(edges), out / "figures" / "relation_counts.csv")
    ledger_frame = ledger_table(ledger)
    _write_file(ledger_frame, out, "ledger")
    _write_manifest(out, freq)
    progress("done")
    return ledger_frame
