"""Dask against one process on 5,000 synthetic articles, on a two-worker LocalCluster.

Run from the project root:  .venv/bin/python benchmarks/bench_dask.py
Prints wall times; the recorded run is in benchmarks/results_notes.md.
"""

import os
import tempfile
import time
import warnings

from distributed import Client, LocalCluster

import helpers


def timed(label, fn):
    start = time.perf_counter()
    out = fn()
    print(f"{label:<14} {time.perf_counter() - start:6.2f} s", flush=True)
    return out


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    export = helpers.synthetic_export(helpers.load_corpus("seeds"), 5000, seed=5)
    path = os.path.join(tempfile.mkdtemp(), "export.jsonl")
    export.to_json(path, orient="records", lines=True, force_ascii=False)
    cluster = timed("cluster start", lambda: LocalCluster(n_workers=2, threads_per_worker=1,
                                                          processes=True, dashboard_address=None))
    client = Client(cluster)
    corpus = timed("load local", lambda: helpers.load_corpus(path))
    timed("load dask", lambda: helpers.load_corpus(path, client=client))
    timed("stance local", lambda: helpers.article_stance(corpus))
    timed("stance dask", lambda: helpers.article_stance_dask(corpus, client))
    timed("terms local", lambda: helpers.fit_term_model(corpus))
    timed("terms dask", lambda: helpers.fit_term_model_dask(corpus, client))
    keys = timed("shingles local", lambda: helpers.shingle_matrix(corpus["text"].tolist())[1])
    timed("minhash local", lambda: helpers.minhash_signatures([h for h in keys if len(h)]))
    timed("shingles+minhash dask", lambda: helpers.overlap_signatures_dask(corpus, client))
    print("load average", os.getloadavg())
    client.close()
    cluster.close()
