"""Throughput of one vs two app servers sharing one PostgreSQL database (loopback only).

Starts a throw-away PostgreSQL cluster (tests/pgcluster.py; fsync on, as in production),
then for 1 and 2 uvicorn processes (one worker each; first 1 on SQLite as a baseline)
drives them with `wrk` for a fixed time per workload and prints requests per second:
  step-many   POST /step, round-robin over 32 networks (a class, one network each)
  forward     POST /forward over the same networks (read only)
  step-one    POST /step on a single network (every step waits for the row lock)
Needs the PostgreSQL server binaries and `wrk` (Debian: apt-get install -y postgresql wrk).

    .venv/bin/python scripts/bench_scaleout.py --seconds 10
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from pgcluster import HOW_TO_ENABLE, Cluster, _free_port, find_bin_dir  # noqa: E402

from bench_http import wait_ready  # noqa: E402 - scripts/ is on the path when run as a script

LAYERS = [2, 8, 8, 1]
SAMPLES = 64
CONNECTIONS = 16  # in total, split evenly over the servers


def start_server(db_url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1",
                             "--port", str(port), "--log-level", "warning", "--no-access-log"],
                            cwd=ROOT, env={**os.environ, "BACKPROP_DB": db_url})
    wait_ready(proc, url, timeout=30, path="/api/health")
    return proc, url


def lua_script(folder: Path, name: str, paths: list[str], body: str) -> Path:
    script = folder / f"{name}.lua"
    script.write_text(
        f"local paths = {{{', '.join(json.dumps(p) for p in paths)}}}\n"
        "local i = 0\n"
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = {json.dumps(body)}\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        "  return wrk.format(nil, paths[i])\n"
        "end\n")
    return script


def run_wrk(urls: list[str], script: Path, seconds: int) -> tuple[float, int]:
    """Requests/s summed over one wrk per server, and the count of non-2xx answers."""
    per = max(1, CONNECTIONS // len(urls))
    procs = [subprocess.Popen(["wrk", "-t1", f"-c{per}", f"-d{seconds}s", "-s", str(script), url],
                              stdout=subprocess.PIPE, text=True) for url in urls]
    outs = [p.communicate(timeout=seconds + 60)[0] for p in procs]
    rate = sum(float(re.search(r"Requests/sec:\s+([\d.]+)", o).group(1)) for o in outs)  # type: ignore[union-attr]
    bad = sum(int(m.group(1)) for o in outs if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", o)))
    return rate, bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="per workload and server count (1-60)")
    seconds = min(60, max(1, parser.parse_args().seconds))
    bin_dir = find_bin_dir()
    if bin_dir is None or shutil.which("wrk") is None:
        raise SystemExit(f"needs PostgreSQL and wrk: {HOW_TO_ENABLE}; apt-get install -y wrk")
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (SAMPLES, LAYERS[0]))
    body = json.dumps({"inputs": x.tolist(), "targets": (x[:, :1] * x[:, 1:] > 0).astype(float).tolist()})
    with Cluster(bin_dir) as pg, tempfile.TemporaryDirectory() as tmp:
        db = pg.create_database("bench")
        print(f"{os.cpu_count()} cores; network {LAYERS}, {SAMPLES} samples per request, "
              f"{CONNECTIONS} connections, {seconds} s per run")
        # One server on the embedded SQLite store first, as the baseline.
        for label, store, n_servers in (("sqlite", str(Path(tmp) / "bench.sqlite"), 1), ("pg", db, 1), ("pg", db, 2)):
            servers = [start_server(store) for _ in range(n_servers)]
            try:
                urls = [url for _, url in servers]
                ids = [httpx.post(urls[0] + "/api/networks", json={"layer_sizes": LAYERS, "seed": s}).json()["id"]
                       for s in range(32)]
                workloads = {"step-many": [f"/api/networks/{i}/step" for i in ids],
                             "forward": [f"/api/networks/{i}/forward" for i in ids],
                             "step-one": [f"/api/networks/{ids[0]}/step"]}
                for name, paths in workloads.items():
                    load = os.getloadavg()[0]
                    rate, bad = run_wrk(urls, lua_script(Path(tmp), name, paths, body), seconds)
                    print(f"{label:6s} {n_servers} server(s)  {name:10s} {rate:8.0f} req/s  non-2xx {bad}  "
                          f"(load before {load:.1f})", flush=True)
            finally:
                for proc, _ in servers:
                    proc.terminate()
                    proc.wait(timeout=15)


if __name__ == "__main__":
    main()
