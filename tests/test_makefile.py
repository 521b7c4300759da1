"""The Makefile's report target and the report folder it picks: any corpus path, however
hostile, is passed as data (never run by the shell or expanded by make)."""

import subprocess
import sys
from pathlib import Path

import pytest

import helpers

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def report_dir(corpus: str) -> str:
    done = subprocess.run(["make", "-s", "report-dir", f"CORPUS={corpus}", f"BIN={BIN}"], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.mark.parametrize("corpus, folder", [
    ("", "reports"),
    ("path/to/my corpus", "reports/my_corpus"),
    ("exports/x.csv", "reports/x-csv"),
    ("exports/x.jsonl", "reports/x-jsonl"),
    ("/", "reports/corpus"),
    ("path/to/figures", "reports/corpus-figures"),
])
def test_report_folder_is_named_after_the_corpus(corpus, folder):
    assert report_dir(corpus) == folder
    assert str(helpers.report_folder(corpus or None)) == folder


@pytest.mark.parametrize("template", [
    'a"; touch {flag}; echo "',
    "a'; touch {flag}; echo '",
    "$(shell touch {flag})",
    "`touch {flag}`",
    "$$(touch {flag})",
])
def test_a_hostile_corpus_path_runs_nothing(tmp_path, template):
    flag = tmp_path / "ran"
    folder = report_dir(template.format(flag=flag))
    assert not flag.exists()
    assert folder.startswith("reports/") and folder != "reports/"


def test_report_folders_never_leave_reports():
    for corpus in ["..", "../..", "a/..", ".", "~", "-rf"]:
        folder = helpers.report_folder(corpus, reports="reports")
        assert folder.parent == Path("reports") and folder.name not in ("", ".", "..")


def lab_command(user_id: str | None) -> str:
    args = ["make", "-n", "lab", f"BIN={BIN}"] + ([f"USER_ID={user_id}"] if user_id else [])
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True)
    return next(line for line in done.stdout.splitlines() if "jupyter lab" in line)


@pytest.mark.parametrize("user_id, allowed", [("0", True), ("1000", False)])
def test_make_lab_allows_root_only_as_root(user_id, allowed):
    command = lab_command(user_id)
    assert "--notebook-dir=notebooks" in command
    assert ("--allow-root" in command) is allowed


def test_make_lab_asks_the_system_for_the_user_id():
    import os

    assert ("--allow-root" in lab_command(None)) is (os.getuid() == 0)
