"""A two-worker LocalCluster (threads in this process) shared by the cluster tests, and a writer
of generated export shards."""

import warnings

import pytest


@pytest.fixture(scope="package")
def client():
    import dask
    from distributed import Client, LocalCluster

    warnings.simplefilter("ignore")
    settings = {"n_workers": 2, "threads_per_worker": 1, "processes": False, "dashboard_address": None}
    with dask.config.set({"dataframe.shuffle.method": "tasks"}), LocalCluster(**settings) as cluster, \
            Client(cluster) as connected:
        yield connected


@pytest.fixture(scope="package")
def write_export():
    """``write(folder, n_articles, seed, n_shards, paragraphs)``: generate ``n_articles`` from the
    seeds, write every ``n_shards``-th of them into ``folder/shards/part<i>.jsonl`` and all of
    them into ``folder/whole.jsonl``; returns the export."""
    import helpers

    def write(folder, n_articles: int, seed: int, n_shards: int = 2, paragraphs: tuple = (2, 4)):
        export = helpers.synthetic_export(helpers.load_corpus(helpers.PROJECT_ROOT / "seeds"), n_articles,
                                          seed=seed, paragraphs=paragraphs)
        shards = folder / "shards"
        shards.mkdir()
        for i in range(n_shards):
            export.iloc[i::n_shards].to_json(shards / f"part{i}.jsonl", orient="records", lines=True)
        export.to_json(folder / "whole.jsonl", orient="records", lines=True)
        return export

    return write
