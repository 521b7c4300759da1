"""Workers that may keep almost no results in memory move them to disk and read them back:
the tables still equal the one-process path."""

import warnings

import dask

import helpers

N_ARTICLES = 40
MEMORY_LIMIT = "2GiB"
RESULT_TARGET = 1e-6  # of MEMORY_LIMIT: about 2 KB of stored results per worker, so nearly all go to disk


TABLES = ["top_terms", "term_trends", "article_stance", "speaker_stance", "overlap_pairs",
          "story pairs found"]


def on_disk(dask_worker) -> int:
    """What a worker's spill buffer holds on disk now (not what it wrote over the run)."""
    return int(dask_worker.data.spilled_total.disk)


def test_results_spilled_to_disk_give_the_same_tables(tmp_path, write_export):
    from distributed import Client, LocalCluster

    warnings.simplefilter("ignore")
    write_export(tmp_path, N_ARTICLES, seed=13, n_shards=4)
    with dask.config.set({"distributed.worker.memory.target": RESULT_TARGET}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit=MEMORY_LIMIT,
                         dashboard_address=None) as cluster, Client(cluster) as client:
        helpers.run_pipeline_dask(tmp_path / "shards", tmp_path / "out", client)
        spilled = helpers.worker_spilled_bytes(client)
        on_disk_now = sum(client.run(on_disk).values())
    corpus = helpers.load_corpus(tmp_path / "whole.jsonl")
    # More than the corpus's text went to disk over the run, far more than is left there at its end.
    assert spilled > corpus["text"].str.len().sum(), spilled
    assert spilled > 10 * on_disk_now, (spilled, on_disk_now)
    table = helpers.cluster_equality(tmp_path / "out", corpus)
    assert table["equal"].all(), table.to_string()
    assert table["table"].tolist() == TABLES
