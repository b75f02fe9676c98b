"""A class at once (issue 14): N students training while one more clicks, on one server.

Starts the server as documented (`python -m app.serve`, 2 workers) on a loopback port, on
SQLite in a temporary folder and on a throw-away PostgreSQL cluster (tests/pgcluster.py),
then measures, for each store:
  clicker alone   one student clicking Forward / Backward / Step on a 2-4-1 network of
                  their own (4 samples), nothing else running: p50 and p99 latency;
  one student     the page's Train loop alone: POST /train (EPOCHS full-batch epochs on 200
                  points of a 2-8-8-1 network), then POST /forward on a 30 x 30 grid (asking
                  for the activations only, as the page does); updates/s;
  class           N students running that loop (each on their own network) while the
                  clicker clicks: the clicker's p50/p99 and the class's total updates/s.
The class's throughput is reported over the one student's, measured in the same run.
Everything is bounded (--seconds per phase) and talks to 127.0.0.1 only.

    .venv/bin/python scripts/bench_classroom.py [--students 30] [--seconds 20] [--stores sqlite,postgres]
    .venv/bin/python scripts/bench_classroom.py --root /tmp/main-copy   # the server of another checkout
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from pgcluster import HOW_TO_ENABLE, Cluster, find_bin_dir  # noqa: E402

STUDENTS = 30
EPOCHS = 300
POINTS = 200
GRID = 30
WORKERS = 2


@dataclass
class Phase:
    clicks: list[float]   # seconds per click of the clicker
    updates: int          # weight updates completed by the students
    seconds: float

    def pct(self, q: float) -> float:
        return float(np.percentile(self.clicks, q)) * 1e3 if self.clicks else float("nan")

    @property
    def rate(self) -> float:
        return self.updates / self.seconds


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(root: Path, db: str) -> tuple[subprocess.Popen[bytes], str]:
    """The server as `make run` starts it (app.serve), or plain uvicorn for a checkout without it."""
    port = free_port()
    env = {**os.environ, "BACKPROP_DB": db, "WEB_CONCURRENCY": str(WORKERS), "PYTHONPATH": str(root),
           "BACKPROP_CREATE_RATE": "100000", "UVICORN_ACCESS_LOG": "false",
           "UVICORN_LOG_LEVEL": "warning"}
    if (root / "app" / "serve.py").exists():
        cmd = [sys.executable, "-m", "app.serve", "--host", "127.0.0.1", "--port", str(port)]
    else:
        cmd = [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(WORKERS), "--no-access-log", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=root, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with code {proc.returncode}")
        try:
            if httpx.get(url + "/api/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start within 60 s")


def dataset(seed: int) -> dict[str, list[list[float]]]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (POINTS, 2))
    y = (x[:, :1] * x[:, 1:] > 0).astype(float)  # quadrants: a task a 2-8-8-1 net learns
    return {"inputs": x.round(4).tolist(), "targets": y.tolist()}


GRID_POINTS = [[round(-1 + 2 * i / (GRID - 1), 4), round(-1 + 2 * j / (GRID - 1), 4)]
               for j in range(GRID) for i in range(GRID)]


async def create(http: httpx.AsyncClient, layers: list[int], seed: int) -> str:
    r = await http.post("/api/networks", json={"layer_sizes": layers, "seed": seed, "learning_rate": 0.5})
    r.raise_for_status()
    return r.json()["id"]


async def grid_body(http: httpx.AsyncClient) -> dict:
    """The page's decision-surface request: only the activations (`fields`, issue 14), where
    the server knows them; all of every layer from a server that predates them."""
    spec = (await http.get("/openapi.json")).text
    return {"inputs": GRID_POINTS, "fields": ["a"]} if '"fields"' in spec else {"inputs": GRID_POINTS}


async def post(http: httpx.AsyncClient, path: str, body: dict) -> httpx.Response:
    """POST, sent again once if a kept-alive connection was closed under it (a race every
    HTTP client meets when the server's keep-alive timeout strikes as a request leaves)."""
    try:
        r = await http.post(path, json=body)
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
        r = await http.post(path, json=body)
    r.raise_for_status()
    return r


async def student(http: httpx.AsyncClient, seed: int, until: float, counts: list[int]) -> None:
    net_id = await create(http, [2, 8, 8, 1], seed)
    body = {**dataset(seed), "epochs": EPOCHS}
    grid = await grid_body(http)
    while time.monotonic() < until:
        await post(http, f"/api/networks/{net_id}/train", body)
        if time.monotonic() < until:
            counts[0] += EPOCHS  # full batch: one update per epoch; only those done within the phase
        await post(http, f"/api/networks/{net_id}/forward", grid)


async def clicker(http: httpx.AsyncClient, until: float, times: list[float]) -> None:
    net_id = await create(http, [2, 4, 1], 7)
    batch = {"inputs": [[0, 0], [0, 1], [1, 0], [1, 1]], "targets": [[0], [1], [1], [0]]}
    kinds = ("forward", "backward", "step")
    i = 0
    while time.monotonic() < until:
        t = time.perf_counter()
        await post(http, f"/api/networks/{net_id}/{kinds[i % 3]}", batch)
        times.append(time.perf_counter() - t)
        i += 1
        await asyncio.sleep(0.05)  # a student clicking fast: 20 clicks per second


async def phase(url: str, students: int, click: bool, seconds: float) -> Phase:
    limits = httpx.Limits(max_connections=students + 2, max_keepalive_connections=students + 2)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as http:
        start = time.monotonic()
        until = start + seconds
        counts, times = [0], []
        jobs = [student(http, 100 + k, until, counts) for k in range(students)]
        if click:
            jobs.append(clicker(http, until, times))
        await asyncio.gather(*jobs)
        # students finish the call they were in: the rate counts only updates done in the phase
        return Phase(times, counts[0], seconds)


@dataclass
class Result:
    alone: Phase  # the clicker, nothing else running
    one: Phase    # one student training, nobody clicking
    cls: Phase    # the class training and the clicker clicking


def bench_store(root: Path, db: str, students: int, seconds: float) -> Result:
    proc, url = start_server(root, db)
    try:
        r = Result(asyncio.run(phase(url, 0, True, seconds / 2)), asyncio.run(phase(url, 1, False, seconds)),
                   asyncio.run(phase(url, students, True, seconds)))
        print(f"{db.split('@')[-1]}: clicker alone {r.alone.pct(50):.0f}/{r.alone.pct(99):.0f} ms, in class "
              f"{r.cls.pct(50):.0f}/{r.cls.pct(99):.0f} ms; {r.cls.rate / r.one.rate:.2f}x one student",
              file=sys.stderr, flush=True)  # progress, while the rest runs
        return r
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


def measure(students: int, seconds: float, stores: tuple[str, ...] = ("sqlite", "postgres"),
            root: Path = ROOT) -> dict[str, Result | None]:
    """Result per store (None: PostgreSQL's server binaries are missing)."""
    out: dict[str, Result | None] = {}
    with tempfile.TemporaryDirectory(prefix="backprop-class-") as folder:
        for store in stores:
            if store == "sqlite":
                out["SQLite"] = bench_store(root, str(Path(folder) / "class.sqlite"), students, seconds)
            elif (bin_dir := find_bin_dir()) is None:
                out["PostgreSQL"] = None
            else:
                with Cluster(bin_dir) as pg:  # fsync on, as in production
                    out["PostgreSQL"] = bench_store(root, pg.create_database("class"), students, seconds)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=STUDENTS)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose server is measured")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    print(table(args.root, args.students, args.seconds, args.stores.split(",")))
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


def table(root: Path, students: int, seconds: float, stores: list[str]) -> str:
    rows = [f"| store | clicker p50 / p99 alone | clicker p50 / p99 with {students} students | one student "
            "updates/s | class updates/s | class / one | clicks in class |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, r in measure(students, seconds, tuple(stores), root).items():
        if r is None:
            rows.append(f"| {name} | skipped: {HOW_TO_ENABLE} | | | | | |")
            continue
        rows.append(f"| {name} | {r.alone.pct(50):.0f} / {r.alone.pct(99):.0f} ms | {r.cls.pct(50):.0f} / "
                    f"{r.cls.pct(99):.0f} ms | {r.one.rate:,.0f} | {r.cls.rate:,.0f} | {r.cls.rate / r.one.rate:.2f}x "
                    f"| {len(r.cls.clicks)} |")
    return "\n".join(rows)


if __name__ == "__main__":
    main()
