"""Smoke test: JupyterLab starts headless on the project's environment and runs a notebook.

Starts ``jupyter lab`` from ``.venv`` on a free loopback port with a random token, checks the
server and the Lab page answer, starts a ``python3`` kernel through the REST API, and over the
kernel's websocket runs ``import helpers`` and the first code cells of
``notebooks/01_loading.ipynb`` (up to the one that loads the corpus). The printed output must
equal the committed one. Then the kernel and the server are shut down. Every wait is bounded.
"""

import json
import os
import secrets
import socket
import subprocess
import time
import uuid
from pathlib import Path

import nbformat
import pytest
import requests
import websocket

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
NOTEBOOK = "notebooks/01_loading.ipynb"
START_TIMEOUT = 90  # seconds for the server, and again for the kernel, to come up
CELL_TIMEOUT = 120  # seconds per cell
STOP_TIMEOUT = 30  # seconds for the server to exit after /api/shutdown

pytestmark = pytest.mark.skipif(not (VENV / "bin" / "jupyter-lab").exists(),
                                reason="the project's .venv has no jupyter-lab: run `make setup`")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A running JupyterLab server: yields (base URL, token); shuts it down afterwards."""
    home = tmp_path_factory.mktemp("jupyter")
    token, port = secrets.token_hex(24), free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTER_DATA_DIR": str(home / "data")}
    env.pop("MPLBACKEND", None)
    log = (home / "server.log").open("w")
    # No network: no news feed, no update check, no extension-manager look-ups.
    cmd = [str(VENV / "bin" / "jupyter-lab"), "--no-browser", f"--IdentityProvider.token={token}",
           f"--port={port}", "--ip=127.0.0.1", "--ServerApp.port_retries=0",
           f"--ServerApp.root_dir={ROOT}", "--LabApp.news_url=",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--LabApp.extension_manager=readonly"]
    if os.geteuid() == 0:  # CI containers run as root
        cmd.append("--allow-root")
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if server.poll() is not None:
                pytest.fail(f"jupyter lab exited with {server.returncode}:\n"
                            + (home / "server.log").read_text()[-3000:])
            try:
                if requests.get(f"{base}/api", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"jupyter lab did not answer within {START_TIMEOUT} s")
            time.sleep(0.5)
        yield base, token
    finally:
        try:
            requests.post(f"{base}/api/shutdown", headers={"Authorization": f"token {token}"},
                          timeout=10)
            server.wait(timeout=STOP_TIMEOUT)
        except (requests.RequestException, subprocess.TimeoutExpired):
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
        log.close()


def execute(ws, session: str, code: str) -> dict:
    """Run ``code`` on the kernel behind websocket ``ws``; return its reply status, stdout,
    stderr and errors once the kernel is idle again."""
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "session": session, "username": "test", "version": "5.3",
                   "msg_type": "execute_request", "date": ""},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True},
    }))
    result = {"status": None, "stdout": "", "stderr": "", "errors": []}
    idle = False
    deadline = time.monotonic() + CELL_TIMEOUT
    while result["status"] is None or not idle:
        ws.settimeout(max(1.0, deadline - time.monotonic()))
        msg = json.loads(ws.recv())
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = msg["header"]["msg_type"], msg["content"]
        if kind == "execute_reply":
            result["status"] = content["status"]
        elif kind == "status" and content["execution_state"] == "idle":
            idle = True
        elif kind == "stream":
            result[content["name"]] += content["text"]
        elif kind == "error":
            result["errors"].append(f"{content['ename']}: {content['evalue']}")
        if time.monotonic() > deadline:
            pytest.fail(f"cell did not finish within {CELL_TIMEOUT} s: {code[:80]}")
    return result


def first_cells(path: Path) -> list[nbformat.NotebookNode]:
    """The notebook's code cells up to and including the first that loads the corpus."""
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    last = next(i for i, c in enumerate(cells) if "load_corpus(" in c.source or "report_source(" in c.source)
    return cells[:last + 1]


def test_lab_serves_the_api_and_the_lab_page(lab):
    base, token = lab
    auth = {"Authorization": f"token {token}"}
    assert "version" in requests.get(f"{base}/api", timeout=10).json()
    assert requests.get(f"{base}/api/kernelspecs", headers=auth, timeout=10).json()["kernelspecs"]["python3"]
    page = requests.get(f"{base}/lab", headers=auth, timeout=30)
    assert page.status_code == 200 and "JupyterLab" in page.text
    assert requests.get(f"{base}/api/kernels", timeout=10).status_code == 403  # the token is required


def test_kernel_imports_helpers_and_runs_the_first_cells(lab):
    base, token = lab
    auth = {"Authorization": f"token {token}"}
    before = git_status()
    reply = requests.post(f"{base}/api/kernels", headers=auth, timeout=START_TIMEOUT,
                          json={"name": "python3", "path": NOTEBOOK})
    assert reply.status_code == 201, reply.text
    kernel_id = reply.json()["id"]
    session = uuid.uuid4().hex
    ws = websocket.create_connection(
        f"ws://{base.removeprefix('http://')}/api/kernels/{kernel_id}/channels?session_id={session}",
        header=[f"Authorization: token {token}"], timeout=START_TIMEOUT)
    try:
        where = execute(ws, session, "import sys, helpers\nprint(sys.prefix)\nprint(helpers.__file__)")
        assert where["status"] == "ok", where
        prefix, module = where["stdout"].split("\n")[:2]
        assert Path(prefix).resolve() == VENV.resolve()
        assert Path(module).resolve() == (ROOT / "helpers.py").resolve()

        printed = []
        for cell in first_cells(ROOT / NOTEBOOK):
            ran = execute(ws, session, cell.source)
            assert ran["status"] == "ok" and not ran["errors"], (cell.source, ran)
            assert ran["stderr"] == "", (cell.source, ran["stderr"])
            expected = "".join(o.text for o in cell.outputs
                               if o.output_type == "stream" and o.name == "stdout")
            assert ran["stdout"] == expected, cell.source
            printed.append(ran["stdout"])
        assert any(printed), "no first cell prints anything to compare with the committed output"
    finally:
        ws.close()
        requests.delete(f"{base}/api/kernels/{kernel_id}", headers=auth, timeout=30)
    assert kernel_id not in {k["id"] for k in requests.get(f"{base}/api/kernels", headers=auth,
                                                            timeout=10).json()}
    assert git_status() == before
