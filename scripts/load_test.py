"""A class on loopback: N clients each create a network, then alternate forward, backward
and step against `uvicorn --workers 2` for a fixed time. Prints throughput, latency
percentiles, errors and the workers' memory growth.

    .venv/bin/python scripts/load_test.py [--clients 50] [--seconds 30] [--workers 2]
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
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
XOR = {"inputs": [[0, 0], [0, 1], [1, 0], [1, 1]], "targets": [[0], [1], [1], [0]]}
PASSES = ("forward", "backward", "step")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def workers_rss(parent: int) -> dict[int, int]:
    """RSS of uvicorn's worker processes (multiprocessing also keeps a small resource tracker)."""
    return {pid: rss_kib(pid) for pid in children(parent) if b"uvicorn" in Path(f"/proc/{pid}/cmdline").read_bytes()
            or rss_kib(pid) > 30_000}


async def student(http: httpx.AsyncClient, base: str, until: float, seed: int,
                  latencies: dict[str, list[float]], errors: list[str]) -> None:
    t = time.perf_counter()
    r = await http.post(f"{base}/api/networks", json={"layer_sizes": [2, 4, 1], "seed": seed})
    latencies["create"].append(time.perf_counter() - t)
    if r.status_code != 201:
        errors.append(f"create {r.status_code}")
        return
    url = f"{base}/api/networks/{r.json()['id']}"
    i = 0
    while time.perf_counter() < until:
        name = PASSES[i % 3]
        t = time.perf_counter()
        try:
            r = await http.post(f"{url}/{name}", json=XOR)
            if r.status_code != 200:
                errors.append(f"{name} {r.status_code}")
        except httpx.HTTPError as err:
            errors.append(f"{name} {type(err).__name__}")
        latencies[name].append(time.perf_counter() - t)
        i += 1


async def run_class(base: str, clients: int, seconds: float) -> tuple[dict[str, list[float]], list[str], float]:
    latencies: dict[str, list[float]] = {k: [] for k in ("create", *PASSES)}
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:
        start = time.perf_counter()
        await asyncio.gather(*(student(http, base, start + seconds, s, latencies, errors) for s in range(clients)))
        elapsed = time.perf_counter() - start
    return latencies, errors, elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    db = Path(tempfile.mkdtemp(prefix="load-")) / "load.sqlite"
    cmd = [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(args.workers), "--log-level", "warning", "--no-access-log"]
    server = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "BACKPROP_DB": str(db)})
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not start")
        time.sleep(1.0)  # let every worker finish importing
        for _ in range(20):  # one warm-up round per worker so imports and caches are in the baseline
            httpx.post(base + "/api/networks", json={"layer_sizes": [2, 4, 1]}, timeout=10)
        before = workers_rss(server.pid)
        cpu_before = sum(cpu_seconds(pid) for pid in before)
        client_before = time.process_time()
        latencies, errors, elapsed = asyncio.run(run_class(base, args.clients, args.seconds))
        client_cpu = time.process_time() - client_before
        after = workers_rss(server.pid)
        server_cpu = sum(cpu_seconds(pid) for pid in after) - cpu_before
    finally:
        server.terminate()
        server.wait(30)

    total = sum(len(v) for v in latencies.values())
    every = np.array([x for v in latencies.values() for x in v]) * 1000
    print(f"{args.clients} clients x {args.seconds:.0f} s against {args.workers} workers (uvicorn, loopback)")
    print(f"requests: {total} in {elapsed:.1f} s = {total / elapsed:.0f} req/s; errors: {len(errors)}")
    print(f"latency all: p50 {np.percentile(every, 50):.1f} ms, p99 {np.percentile(every, 99):.1f} ms")
    for name, values in latencies.items():
        ms = np.array(values) * 1000
        if len(ms):
            print(f"  {name:8s} n={len(ms):6d}  p50 {np.percentile(ms, 50):6.1f} ms  p99 {np.percentile(ms, 99):6.1f} ms")
    print(f"CPU: server workers {server_cpu:.1f} s ({server_cpu / total * 1000:.2f} ms per request), "
          f"this client {client_cpu:.1f} s, on {os.cpu_count()} cores shared by both")
    print("worker RSS (MiB) before -> after: " + ", ".join(
        f"{before.get(pid, 0) / 1024:.0f} -> {kib / 1024:.0f}" for pid, kib in after.items()))
    growth = (sum(after.values()) - sum(before.values())) / 1024
    print(f"memory growth over the run: {growth:+.1f} MiB in total")
    if errors:
        print("first errors:", errors[:10])
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
