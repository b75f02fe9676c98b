"""Faults against a real uvicorn: SIGKILL mid-stream, two workers racing, SIGTERM, a bad database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np
import pytest

from conftest import ROOT, Server, free_port  # tests/ is on sys.path under pytest

XOR = {"inputs": [[0, 0], [0, 1], [1, 0], [1, 1]], "targets": [[0], [1], [1], [0]]}


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def reference_step(w: list[np.ndarray], b: list[np.ndarray], x: np.ndarray, y: np.ndarray,
                   lr: float) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """One full-batch step of a sigmoid/MSE network, written out independently of app.nn.engine."""
    a, zs = [x], []
    for wl, bl in zip(w, b):
        zs.append(a[-1] @ wl.T + bl)
        a.append(sigmoid(zs[-1]))
    delta = (a[-1] - y) * a[-1] * (1 - a[-1])
    new_w, new_b = [None] * len(w), [None] * len(b)
    for l in range(len(w) - 1, -1, -1):
        new_w[l] = w[l] - lr * delta.T @ a[l] / len(x)
        new_b[l] = b[l] - lr * delta.mean(axis=0)
        if l:
            delta = (delta @ w[l]) * a[l] * (1 - a[l])
    return new_w, new_b


def create(url: str, **extra: object) -> dict:
    r = httpx.post(url + "/api/networks", json={"layer_sizes": [2, 2, 1], "seed": 3, **extra}, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def test_sigkill_keeps_every_answered_step(tmp_path: Path) -> None:
    db = tmp_path / "kill.sqlite"
    server = Server(db).start()
    net = create(server.url)
    url = f"{server.url}/api/networks/{net['id']}/step"
    last_ok = net
    killer = threading.Timer(1.5, lambda: os.kill(server.proc.pid, signal.SIGKILL))  # type: ignore[union-attr]
    killer.start()
    answered = 0
    with httpx.Client(timeout=10) as http:
        while True:
            try:
                r = http.post(url, json=XOR)
            except httpx.HTTPError:
                break  # the server is gone
            assert r.status_code == 200
            last_ok, answered = r.json()["network"], answered + 1
    killer.join()
    server.proc.wait()  # type: ignore[union-attr]
    assert answered >= 5, "the stream was too short to mean anything"

    again = Server(db).start()
    try:
        stored = httpx.get(f"{again.url}/api/networks/{net['id']}", timeout=10).json()
    finally:
        again.stop()
    w = [np.array(m) for m in last_ok["weights"]]
    b = [np.array(v) for v in last_ok["biases"]]
    if stored["steps"] == last_ok["steps"] + 1:
        # the step in flight committed before the kill but its answer never left: one step more
        w, b = reference_step(w, b, np.array(XOR["inputs"], float), np.array(XOR["targets"], float), 0.5)
    else:
        assert stored["steps"] == last_ok["steps"]
    for got, want in zip(stored["weights"] + stored["biases"], w + b):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_concurrent_steps_on_two_workers_lose_nothing(tmp_path: Path) -> None:
    n = 120
    server = Server(tmp_path / "race.sqlite", workers=2).start()
    try:
        net = create(server.url)
        url = f"{server.url}/api/networks/{net['id']}/step"
        # threads, not asyncio: a browser test's event loop may be running in this thread
        with httpx.Client(timeout=60, limits=httpx.Limits(max_connections=40)) as http, \
                ThreadPoolExecutor(max_workers=40) as pool:
            responses = list(pool.map(lambda _: http.post(url, json=XOR), range(n)))
        final = httpx.get(f"{server.url}/api/networks/{net['id']}", timeout=10).json()
    finally:
        server.stop()
    assert [r.status_code for r in responses] == [200] * n
    # each step saw a distinct state: the counts they report are exactly 1..n
    assert sorted(r.json()["network"]["steps"] for r in responses) == list(range(1, n + 1))
    assert final["steps"] == n
    w = [np.array(m) for m in net["weights"]]
    b = [np.array(v) for v in net["biases"]]
    x, y = np.array(XOR["inputs"], float), np.array(XOR["targets"], float)
    for _ in range(n):
        w, b = reference_step(w, b, x, y, 0.5)
    for got, want in zip(final["weights"] + final["biases"], w + b):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)


def test_sigterm_lets_an_in_flight_train_finish(tmp_path: Path) -> None:
    server = Server(tmp_path / "term.sqlite").start()
    net = create(server.url, learning_rate=0.01)
    rng = np.random.default_rng(0)
    body = {"inputs": rng.uniform(-1, 1, (200, 2)).tolist(), "targets": rng.uniform(0, 1, (200, 1)).tolist(),
            "epochs": 250, "batch_size": 1}  # 50,000 updates: a few seconds
    result: dict[str, object] = {}

    def train() -> None:
        try:
            result["response"] = httpx.post(f"{server.url}/api/networks/{net['id']}/train", json=body, timeout=120)
        except httpx.HTTPError as err:
            result["error"] = err

    worker = threading.Thread(target=train)
    worker.start()
    time.sleep(0.7)  # the request is being computed
    assert worker.is_alive(), "the train call ended before SIGTERM: make it longer"
    server.proc.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
    worker.join(120)
    code = server.proc.wait(60)  # type: ignore[union-attr]
    assert "error" not in result, result.get("error")
    r = result["response"]
    assert r.status_code == 200  # type: ignore[attr-defined]
    assert r.json()["network"]["steps"] == 50_000  # type: ignore[attr-defined]
    assert code in (0, -signal.SIGTERM)  # uvicorn re-raises SIGTERM once it has shut down cleanly

    again = Server(tmp_path / "term.sqlite").start()
    try:
        assert httpx.get(f"{again.url}/api/networks/{net['id']}", timeout=10).json()["steps"] == 50_000
    finally:
        again.stop()


def start_failing(db: str, workers: int = 1) -> tuple[int, str]:
    cmd = [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(free_port()),
           "--workers", str(workers)]
    proc = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "BACKPROP_DB": db}, capture_output=True, text=True,
                          timeout=60)
    return proc.returncode, proc.stderr


def bad_databases(tmp_path: Path) -> dict[str, tuple[str, str]]:
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(np.random.default_rng(1).bytes(8192))
    blocker = tmp_path / "file.txt"
    blocker.write_text("a regular file where a folder should be")
    # root may write anywhere, but not under a regular file: this fails as root too
    return {"corrupt": (str(garbage), "file is not a database"),
            "unwritable": (str(blocker / "db.sqlite"), "cannot open the database")}


@pytest.mark.parametrize("kind", ["corrupt", "unwritable"])
def test_bad_database_gives_one_clear_line_and_exits(tmp_path: Path, kind: str) -> None:
    db, words = bad_databases(tmp_path)[kind]
    code, err = start_failing(db)
    assert code != 0
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if "cannot start" in line]
    assert len(lines) == 1 and words in lines[0] and db in lines[0]


def test_bad_database_with_two_workers_stops_instead_of_looping(tmp_path: Path) -> None:
    db, words = bad_databases(tmp_path)["corrupt"]
    _, err = start_failing(db, workers=2)  # returns: uvicorn's supervisor gave up, no restart loop
    assert "Traceback" not in err
    assert 1 <= sum("cannot start" in line for line in err.splitlines()) <= 2
    assert "failed to start, stopping the parent process" in err
