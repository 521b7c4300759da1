"""A worker killed in the middle of a run: Dask recomputes its lost partitions and the tables
still equal the one-process path."""

import os
import signal
import threading
import warnings

import pandas as pd

import helpers

N_ARTICLES = 60  # small: the point is the recovery, not the scale


def test_a_killed_worker_does_not_change_the_result(tmp_path, write_export):
    from distributed import Client, LocalCluster

    warnings.simplefilter("ignore")
    write_export(tmp_path, N_ARTICLES, seed=11, n_shards=4)
    killed: list[int] = []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        pids = sorted(client.run(os.getpid).values())

        def kill_one() -> None:
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])

        def progress(step: str) -> None:
            if step == "stance: articles and speakers":  # the longest step: its tasks are running
                threading.Timer(3.0, kill_one).start()

        helpers.run_pipeline_dask(tmp_path / "shards", tmp_path / "out", client, progress=progress)
        after = sorted(client.run(os.getpid).values())
    assert killed and killed[0] not in after  # the nanny started a new worker
    corpus = helpers.load_corpus(tmp_path / "whole.jsonl")
    table = helpers.cluster_equality(tmp_path / "out", corpus)
    assert table["equal"].all(), table.to_string()
    assert isinstance(table, pd.DataFrame) and len(table) == 6
