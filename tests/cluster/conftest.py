"""A two-worker LocalCluster (threads in this process) shared by the cluster tests."""

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
