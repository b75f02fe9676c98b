"""Backprop Lab's benchmarks (issue 7): one command, one Markdown table.

    make bench                      # or: .venv/bin/python scripts/bench.py [--only forward,grid] [--repeat 5]

1. train: 2-16-16-1 sigmoid/BCE, 200 points, 2,000 full-batch epochs: engine, POST /train, PyTorch
2. large: 784-128-64-10 softmax/CE, 1,000 samples, 20 epochs (full batch, batch 100) vs PyTorch,
   plus `crossover`: hidden widths and batch sizes, to show where PyTorch wins
3. forward: wrk, 16 connections, POST /forward (2-8-8-1, one sample) vs a bare FastAPI app
4. grid: /forward on a 100 x 100 grid of a 2-8-8-1 net (server time and round trip)
5. page: frames per second in headless Chromium while training a 2-8-8-8-1 network
Needs the `bench` extra (torch==2.13.0), wrk (Debian package) and, for `page`, Chromium
with playwright (the `test` extra). Numbers are medians of several runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ALL = ("train", "large", "crossover", "forward", "grid", "page")


def machine() -> list[str]:
    import numpy as np

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    blas = "?"
    try:
        from threadpoolctl import threadpool_info
        blas = ", ".join(f"{i['internal_api']} {i.get('architecture', '')} x{i['num_threads']}"
                         for i in threadpool_info() if i["user_api"] == "blas")
    except ImportError:
        pass
    try:
        import torch
        torch_v = f"torch {torch.__version__}"
    except ImportError:
        torch_v = "torch not installed"
    return [f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, numpy {np.__version__} "
            f"(BLAS: {blas}), {torch_v}", f"load average at start: {os.getloadavg()[0]:.1f}"]


def row(name: str, ours: str, ref: str, ratio: str, note: str = "") -> str:
    return f"| {name} | {ours} | {ref} | {ratio} | {note} |"


def run_train(repeat: int) -> list[str]:
    import bench_http
    import bench_train

    c = bench_train.bench_small(repeat)
    net, x, y = bench_train.small_problem()
    api_s, api_w = bench_http.bench_train_api(net, x, y, 2000, repeat)
    torch_w = bench_train.torch_train(net, x, y, 2000)()
    return [row(f"1. {c.name}: engine", f"{c.engine.median * 1e3:.0f} ms", f"torch {c.torch.median * 1e3:.0f} ms",
                f"{c.ratio:.2f}x", f"max abs weight diff {c.diff:.1e}"),
            row("1. same, through POST /train (round trip)", f"{api_s * 1e3:.0f} ms",
                f"torch {c.torch.median * 1e3:.0f} ms", f"{c.torch.median / api_s:.2f}x",
                f"max abs weight diff {bench_train.max_diff(api_w, torch_w):.1e}")]


def run_large(repeat: int, sweep: bool) -> list[str]:
    import bench_train

    rows = bench_train.bench_large(repeat) if not sweep else bench_train.crossover(repeat)
    return [row(f"{2}. {c.name}", f"{c.engine.median * 1e3:.0f} ms", f"torch {c.torch.median * 1e3:.0f} ms",
                f"{c.ratio:.2f}x", f"max abs weight diff {c.diff:.1e}") for c in rows]


def run_forward(repeat: int, seconds: int) -> list[str]:
    import bench_http

    app, bare = bench_http.bench_forward_vs_ceiling(repeat, seconds)
    return [row("3. wrk -c16 POST /forward 2-8-8-1, 1 sample (2 workers)",
                f"{app.rps:,.0f} req/s, p50 {app.p50_ms:.1f} ms, p99 {app.p99_ms:.1f} ms",
                f"bare FastAPI {bare.rps:,.0f} req/s, p50 {bare.p50_ms:.1f} ms, p99 {bare.p99_ms:.1f} ms",
                f"{app.rps / bare.rps:.2f}x", f"non-2xx: {app.non_2xx}")]


def run_grid(repeat: int) -> list[str]:
    import bench_http

    rows = []
    for ask, what in (({}, "a, z, g' of every layer"), ({"fields": ["a"]}, 'fields=["a"]: what the page draws')):
        g = bench_http.bench_grid(repeat, ask)
        rows.append(row(f"4. /forward, 100x100 grid, 2-8-8-1, {what}", f"server {g.server_ms:.0f} ms",
                        f"round trip {g.round_trip_ms:.0f} ms", "", f"response {g.response_mb:.2f} MB"))
    return rows


def run_page(repeat: int) -> list[str]:
    import bench_page

    p = bench_page.bench_page(repeat)
    return [row("5. page: train + animate 2-8-8-8-1, headless Chromium", f"{p.fps:.0f} fps",
                f"longest frame {p.worst_frame_ms:.0f} ms", "", f"long tasks > 50 ms: {p.long_tasks}; {p.note}")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="train,large,forward,grid,page",
                        help=f"comma-separated, from {', '.join(ALL)} (default: all but crossover)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (median reported)")
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    args = parser.parse_args()
    chosen = [c.strip() for c in args.only.split(",") if c.strip()]
    unknown = set(chosen) - set(ALL)
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(sorted(unknown))}; choose from {', '.join(ALL)}")
    lines = machine()
    rows = ["| benchmark | Backprop Lab | reference | speed-up | note |", "| --- | --- | --- | --- | --- |"]
    started = time.monotonic()
    for name in chosen:
        if name == "train":
            rows += run_train(args.repeat)
        elif name in ("large", "crossover"):
            rows += run_large(max(args.repeat // 2, 2), sweep=name == "crossover")
        elif name == "forward":
            rows += run_forward(max(args.repeat // 2, 2), args.seconds)
        elif name == "grid":
            rows += run_grid(args.repeat * 2)
        elif name == "page":
            rows += run_page(max(args.repeat // 2, 3))   # an odd count: a true median
        print(rows[-1], file=sys.stderr, flush=True)  # progress, while the rest runs
    lines.append(f"load average at end: {os.getloadavg()[0]:.1f}; took {time.monotonic() - started:.0f} s")
    print("\n".join(lines + [""] + rows))


if __name__ == "__main__":
    main()
