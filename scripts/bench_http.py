"""Benchmarks over HTTP: /train against a real server, wrk on /forward against the bare
framework's ceiling, and the 100 x 100 decision-surface grid.

Servers are uvicorn subprocesses on free loopback ports, each with its own temporary
SQLite file, stopped (SIGTERM, then SIGKILL) however the benchmark ends.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# The best uvicorn set-up: uvloop and httptools (without them, two workers stall ~40 ms per
# request on delayed ACKs here), and no access log.
UVICORN_FLAGS = ["--workers", "2", "--loop", "uvloop", "--http", "httptools", "--log-level", "warning",
                 "--no-access-log"]
BARE_APP = '''
from fastapi import FastAPI

app = FastAPI()


@app.post("/")
async def constant() -> dict:
    return {"ok": True}
'''
SAMPLE = {"inputs": [[0.5, -0.25]]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(app: str, app_dir: Path = ROOT, flags: list[str] = UVICORN_FLAGS) -> Iterator[str]:
    """Run `uvicorn app` until the block ends; yields the base URL."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "BACKPROP_DB": str(Path(tmp) / "bench.sqlite")}
        cmd = [sys.executable, "-m", "uvicorn", app, "--app-dir", str(app_dir), "--host", "127.0.0.1",
               "--port", str(port), *flags]
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_ready(proc, url)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_ready(proc: subprocess.Popen, url: str, timeout: float = 30.0, path: str = "/") -> None:
    """Until the server started as `proc` answers `path` with any status below 500 (the bare
    app's POST-only / answers GET with 405; killed, and SystemExit, if it exits or has not
    answered after `timeout` seconds). The benchmarks' one way to wait."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with code {proc.returncode}")
        try:
            if httpx.get(url + path, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"the server did not answer within {timeout:.0f} s")


def create_network(client: httpx.Client, body: dict) -> str:
    r = client.post("/api/networks", json=body)
    r.raise_for_status()
    return r.json()["id"]


# --- wrk
@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * _UNITS[unit]


def wrk(url: str, body: dict, seconds: int = 10, connections: int = 16, threads: int = 2) -> WrkResult:
    """One bounded wrk run POSTing `body` (wrk needs a Lua script for a POST)."""
    script = f'wrk.method = "POST"\nwrk.body = {json.dumps(json.dumps(body))}\n' \
             'wrk.headers["Content-Type"] = "application/json"\n'
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency",
                              "-s", f.name, url], capture_output=True, text=True, timeout=seconds + 30).stdout
    finally:
        os.unlink(f.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return WrkResult(rps, p50, p99, int(bad.group(1)) if bad else 0)


def median_wrk(runs: list[WrkResult]) -> WrkResult:
    return WrkResult(statistics.median(r.rps for r in runs), statistics.median(r.p50_ms for r in runs),
                     statistics.median(r.p99_ms for r in runs), sum(r.non_2xx for r in runs))


def bench_forward_vs_ceiling(repeat: int = 3, seconds: int = 10) -> tuple[WrkResult, WrkResult]:
    """(app /forward on a 2-8-8-1 net, bare FastAPI constant), each the median of `repeat` runs,
    alternating the two so that load from other users hits both alike."""
    app_runs, bare_runs = [], []
    with tempfile.TemporaryDirectory() as tmp, serve("app.main:app") as app_url:
        Path(tmp, "bare_app.py").write_text(BARE_APP)
        with serve("bare_app:app", Path(tmp)) as bare_url, httpx.Client(base_url=app_url) as client:
            net_id = create_network(client, {"layer_sizes": [2, 8, 8, 1], "seed": 1})
            forward_url = f"{app_url}/api/networks/{net_id}/forward"
            check = client.post(forward_url, json=SAMPLE)
            check.raise_for_status()
            for _ in range(repeat):
                app_runs.append(wrk(forward_url, SAMPLE, seconds))
                bare_runs.append(wrk(bare_url + "/", SAMPLE, seconds))
    return median_wrk(app_runs), median_wrk(bare_runs)


# --- the grid: server time measured in-process at the ASGI boundary, plus a real round trip
def grid_inputs(n: int = 100) -> list[list[float]]:
    xs = np.linspace(-1.5, 1.5, n)
    return [[float(a), float(b)] for b in xs for a in xs]


async def asgi_post(app, path: str, body: bytes) -> tuple[int, bytes, float]:  # noqa: ANN001
    """POST through the ASGI app directly: what the server does, without socket or HTTP parsing.
    Returns (status, body, seconds from the request's first byte to the response's last)."""
    sent = False
    status, chunks = 0, []

    async def receive() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)  # a disconnect never comes during the request
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                         (b"host", b"127.0.0.1")],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "state": {}}
    t0 = time.perf_counter()
    await app(scope, receive, send)
    return status, b"".join(chunks), time.perf_counter() - t0


@dataclass
class GridResult:
    server_ms: float
    round_trip_ms: float
    response_mb: float


def bench_grid(repeat: int = 7, ask: dict | None = None) -> GridResult:
    """/forward on 10,000 points of a 2-8-8-1 net; `ask` adds e.g. {"fields": ["a"]} (the page's surface)."""
    from app.main import app  # imported here: the other benchmarks run the app as a subprocess
    from app.store import SQLiteStore

    body = json.dumps({"inputs": grid_inputs(), **(ask or {})}).encode()
    with tempfile.TemporaryDirectory() as tmp:
        app.state.store = SQLiteStore(str(Path(tmp) / "grid.sqlite"))
        try:
            from app.nn import engine
            net_id = app.state.store.create(engine.new_net([2, 8, 8, 1], seed=1))
            path = f"/api/networks/{net_id}/forward"
            times = []
            for _ in range(repeat + 1):
                status, out, seconds = asyncio.run(asgi_post(app, path, body))
                assert status == 200, out[:300]
                times.append(seconds)
            server = statistics.median(times[1:])
        finally:
            app.state.store.close()
            del app.state.store
    with serve("app.main:app") as url, httpx.Client(base_url=url, timeout=60) as client:
        net_id = create_network(client, {"layer_sizes": [2, 8, 8, 1], "seed": 1})
        trips = []
        for _ in range(repeat + 1):
            t0 = time.perf_counter()
            r = client.post(f"/api/networks/{net_id}/forward", content=body,
                            headers={"content-type": "application/json"})
            r.raise_for_status()
            trips.append(time.perf_counter() - t0)
    return GridResult(server * 1e3, statistics.median(trips[1:]) * 1e3, len(r.content) / 1e6)


# --- /train through the API
def bench_train_api(net, x: np.ndarray, y: np.ndarray, epochs: int, repeat: int = 5) -> tuple[float, list]:  # noqa: ANN001
    """Median seconds of one POST /train round trip (network created beforehand, not timed);
    returns the final weights of the last run for the agreement check."""
    create = {"layer_sizes": net.layer_sizes, "hidden_activation": net.hidden_activation,
              "output_activation": net.output_activation, "loss": net.loss, "learning_rate": net.learning_rate,
              "weights": [w.tolist() for w in net.weights], "biases": [b.tolist() for b in net.biases]}
    body = json.dumps({"inputs": x.tolist(), "targets": y.tolist(), "epochs": epochs}).encode()
    times, weights = [], []
    with serve("app.main:app") as url, httpx.Client(base_url=url, timeout=120) as client:
        for _ in range(repeat + 1):
            net_id = create_network(client, create)
            t0 = time.perf_counter()
            r = client.post(f"/api/networks/{net_id}/train", content=body, headers={"content-type": "application/json"})
            times.append(time.perf_counter() - t0)
            r.raise_for_status()
            weights = [np.array(w) for w in r.json()["network"]["weights"]]
    return statistics.median(times[1:]), weights
