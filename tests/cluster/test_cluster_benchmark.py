"""The recorded cluster benchmark read back for notebook 05, on small hand-made result files."""

import json
import math

import pandas as pd
import pytest

import helpers

STEPS = json.dumps({"clean shards": 2.0, "stance: articles and speakers": 6.0})


def _write(folder, name, rows):
    (folder / name).mkdir(parents=True)
    pd.DataFrame(rows).to_csv(folder / name / "cluster_results.csv", index=False)


def _rows(n, client_mb, spilled):
    return [
        {"articles": n, "run": "memory 2 workers", "workers": 2, "memory_limit": "1GiB", "seconds": n / 100,
         "client_peak_mb": client_mb, "worker_peak_mb": 700.0, "spilled_mb": spilled, "worker_busy_s": n / 60,
         "shuffle_share": 0.02, "client_bytes_received": 2048, "steps": STEPS, "input_mb": n / 300,
         "mode": "memory"},
        {"articles": n, "run": "speed 2 workers", "workers": 2, "seconds": 40.0, "worker_busy_s": 70.0,
         "shuffle_share": 0.03, "steps": STEPS, "mode": "speed"},
        {"articles": n, "run": "no cluster", "workers": 1, "seconds": 30.0, "mode": "speed"},
        {"articles": n, "run": "bare TfidfVectorizer", "workers": 1, "seconds": 10.0, "mode": "speed"},
    ]


def test_read_cluster_benchmark_joins_runs_and_computes_tables(tmp_path):
    _write(tmp_path, "large", _rows(20000, 250.0, 120.0))
    _write(tmp_path, "medium", _rows(2000, 240.0, 0.0))
    bench = helpers.read_cluster_benchmark(tmp_path)
    assert bench["articles"].tolist()[0] == 2000 and set(bench["recorded_in"]) == {"large", "medium"}
    memory = helpers.cluster_memory_table(bench)
    assert memory["articles"].tolist() == [2000, 20000]
    assert memory["client_kb_received"].tolist() == [2.0, 2.0]
    speed = helpers.cluster_speed_table(bench)
    at = speed[speed["articles"] == 20000].set_index("run")
    assert at.loc["speed 2 workers", "x_bare_tfidf"] == 4.0 and at.loc["no cluster", "x_bare_tfidf"] == 3.0
    assert speed["run"].tolist()[:3] == ["speed 2 workers", "no cluster", "bare TfidfVectorizer"]
    steps = helpers.cluster_step_table(bench)
    assert steps.loc["stance: articles and speakers", "20,000 · speed 2 workers (large)"] == 6.0
    assert steps.loc["wall", "20,000 · speed 2 workers (large)"] == 40.0
    memory_finding, speed_finding = helpers.cluster_findings(bench)
    assert "from 240 to 250 MB" in memory_finding.text
    assert "where the spill is recorded (2 of 2 runs), the workers wrote up to 120 MB" in memory_finding.text
    assert "(20,000 articles, limit 1GiB per worker)" in memory_finding.text
    assert "speed 2 workers 40 s (4.0×)" in speed_finding.text and "10.0 s for a bare" in speed_finding.text


def test_read_cluster_benchmark_empty_and_bad(tmp_path):
    empty = helpers.read_cluster_benchmark(tmp_path)
    assert empty.empty
    assert helpers.cluster_findings(empty)[0].text.startswith("No finding on the cluster")
    _write(tmp_path, "broken", [{"articles": 10, "seconds": 1.0}])
    with pytest.raises(ValueError, match=r"broken/cluster_results.csv: missing columns \['run'\]"):
        helpers.read_cluster_benchmark(tmp_path)


def test_spill_run_gets_its_table_and_finding(tmp_path):
    spill = {"articles": 5000, "run": "spill 2 workers", "workers": 2, "memory_limit": "1GiB",
             "seconds": 120.0, "spilled_mb": 310.25, "steps": STEPS, "mode": "spill", "spill_target": 0.01,
             "result_budget_mb": 10.24, "corpus_mb": 48.6, "equal": True}
    _write(tmp_path, "spill", [spill])
    _write(tmp_path, "medium", _rows(2000, 240.0, 0.0))
    bench = helpers.read_cluster_benchmark(tmp_path)
    table = helpers.cluster_spill_table(bench)
    assert table[["articles", "result_budget_mb", "spilled_mb"]].values.tolist() == [[5000, 10.24, 310.25]]
    memory_finding, spill_finding, speed_finding = helpers.cluster_findings(bench)
    assert "no worker spilled" in memory_finding.text
    assert "allowed 10.2 MB of stored results against a corpus of 49 MB" in spill_finding.text
    assert "wrote 310 MB to disk over the run" in spill_finding.text
    assert "every table equals" in spill_finding.text
    assert speed_finding.text.startswith("At 2,000 articles")


def test_spill_run_that_differs_says_so(tmp_path):
    spill = {"articles": 500, "run": "spill 2 workers", "seconds": 9.0, "spilled_mb": 5.0, "mode": "spill",
             "spill_target": 0.01, "result_budget_mb": 10.24, "corpus_mb": 4.0, "equal": False,
             "memory_limit": "1GiB"}
    _write(tmp_path, "spill", [spill])
    findings = helpers.cluster_findings(helpers.read_cluster_benchmark(tmp_path))
    assert "some tables differ from the one-process path" in findings[1].text


def test_memory_finding_counts_only_runs_that_recorded_the_spill(tmp_path):
    _write(tmp_path, "old", _rows(2000, 240.0, None))
    _write(tmp_path, "new", _rows(20000, 250.0, 0.0))
    finding = helpers.cluster_findings(helpers.read_cluster_benchmark(tmp_path))[0]
    assert "no worker spilled to disk in the 1 of 2 runs that recorded it" in finding.text
    (tmp_path / "new" / "cluster_results.csv").unlink()
    _write(tmp_path, "newer", _rows(20000, 250.0, None))
    finding = helpers.cluster_findings(helpers.read_cluster_benchmark(tmp_path))[0]
    assert "what the workers spilled to disk is not recorded" in finding.text


class _Worker:
    def __init__(self, data):
        self.data = data


class _Client:
    """Runs a function on hand-made workers, as ``Client.run`` does on real ones."""

    def __init__(self, *workers):
        self.workers = workers

    def run(self, function):
        return {f"w{i}": function(dask_worker=w) for i, w in enumerate(self.workers)}


class _Buffer(dict):
    def __init__(self, written):
        super().__init__()
        self.cumulative_metrics = {("disk-write", "bytes"): written, ("disk-read", "bytes"): 7.0}


def test_worker_spilled_bytes_sums_disk_writes_and_says_when_unknown():
    assert helpers.worker_spilled_bytes(_Client(_Worker(_Buffer(100.0)), _Worker(_Buffer(23.0)))) == 123.0
    assert helpers.worker_spilled_bytes(_Client(_Worker(_Buffer(0.0)))) == 0.0
    assert math.isnan(helpers.worker_spilled_bytes(_Client(_Worker(_Buffer(5.0)), _Worker({}))))


def test_older_runs_name_of_the_pipeline_without_a_cluster_is_read_as_the_newer(tmp_path):
    old = [{"articles": 500, "run": "one process", "workers": 1, "seconds": 6.0, "mode": "speed"},
           {"articles": 500, "run": "bare TfidfVectorizer", "workers": 1, "seconds": 2.0, "mode": "speed"}]
    _write(tmp_path, "old", old)
    speed = helpers.cluster_speed_table(helpers.read_cluster_benchmark(tmp_path))
    assert speed["run"].tolist() == ["no cluster", "bare TfidfVectorizer"]
    assert speed["x_bare_tfidf"].tolist() == [3.0, 1.0]
