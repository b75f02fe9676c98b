"""Heavy work apart from quick requests (issue 14), and answers bounded before computing."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import threading
import time
from pathlib import Path

import httpx
import numpy as np
from fastapi.testclient import TestClient
from starlette.concurrency import run_in_threadpool

from app.api.heavy import HeavyPool
from app.limits import MAX_ANSWER_BYTES
from conftest import Server


def test_queued_heavy_work_leaves_the_thread_pool_to_quick_requests() -> None:
    async def scenario() -> tuple[int, int]:
        pool, gate = HeavyPool(0), threading.Event()
        heavy = [asyncio.ensure_future(pool.run(lambda: gate.wait(30))) for _ in range(60)]  # > 40 threads
        await asyncio.sleep(0.05)
        quick = await asyncio.wait_for(run_in_threadpool(lambda: 42), 20)  # finds a free thread at once
        pending = sum(not t.done() for t in heavy)
        gate.set()
        await asyncio.gather(*heavy)
        pool.close()
        return quick, pending

    out: list[tuple[int, int]] = []  # a thread of its own: a browser test's event loop may run in this one
    runner = threading.Thread(target=lambda: out.append(asyncio.run(scenario())))
    runner.start()
    runner.join(60)
    quick, pending = out[0]
    assert quick == 42 and pending == 60  # every heavy call was still waiting its turn


def test_training_runs_in_child_processes_that_leave_with_a_killed_server(tmp_path: Path) -> None:
    server = Server(tmp_path / "h.sqlite").start()
    try:
        net = httpx.post(server.url + "/api/networks", json={"layer_sizes": [2, 3, 1], "seed": 1}, timeout=10).json()
        r = httpx.post(f"{server.url}/api/networks/{net['id']}/train",
                       json={"inputs": [[0, 0], [1, 1]], "targets": [[0], [1]], "epochs": 5}, timeout=60)
        assert r.status_code == 200 and r.json()["network"]["steps"] == 5
        children = [p for p in Path("/proc").glob("[0-9]*") if (p / "status").exists()
                    and re.search(rf"^PPid:\s+{server.proc.pid}$", (p / "status").read_text(), re.M)]  # type: ignore[union-attr]
        assert children, "no child process computes the training"
        nice = [int((p / "stat").read_text().rsplit(")", 1)[1].split()[16]) for p in children]
        assert max(nice) >= 1  # heavy work yields the CPU to the server's quick requests
        server.stop(signal.SIGKILL)
        deadline = time.monotonic() + 10
        while any(p.exists() for p in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(p.exists() and "Z" not in (p / "stat").read_text().split()[2] for p in children)
    finally:
        server.stop()


def deep_net(client: TestClient) -> str:
    sizes = [1, 240, 240, 240, 240, 1]
    r = client.post("/api/networks", json={"layer_sizes": sizes, "seed": 2})
    assert r.status_code == 201
    return r.json()["id"]


def test_an_answer_that_could_pass_16_mb_is_refused_before_computing(client: TestClient) -> None:
    net_id = deep_net(client)
    x = np.linspace(-1, 1, 1000).reshape(-1, 1)
    r = client.post(f"/api/networks/{net_id}/backward", json={"inputs": x.tolist(), "targets": x.tolist()})
    assert r.status_code == 422
    detail = r.json()["detail"]
    # 962 neurons x 4 arrays x 1000 samples + gradients (174,241) and 2 values a sample, 24 bytes each
    assert "could be 97 MB" in detail and "at most 16 MB" in detail
    fit = int(re.search(r"send at most (\d+) samples", detail)[1])
    assert fit == (MAX_ANSWER_BYTES // 24 - (174_241 + 2000)) // (962 * 4)
    ok = client.post(f"/api/networks/{net_id}/backward", json={"inputs": x[:fit].tolist(), "targets": x[:fit].tolist()})
    assert ok.status_code == 200 and len(ok.content) <= MAX_ANSWER_BYTES


def test_a_small_pass_is_not_refused(client: TestClient) -> None:
    net_id = deep_net(client)
    r = client.post(f"/api/networks/{net_id}/forward", json={"inputs": [[0.5]] * 100})
    assert r.status_code == 200 and len(r.json()["layers"]) == 6


def test_a_killed_child_is_replaced_and_the_work_done_again() -> None:
    pool = HeavyPool(1, nice=0)
    try:
        first = pool.compute(os.getpid)
        assert first != os.getpid()  # computed in a child process
        os.kill(first, signal.SIGKILL)  # the child dies (an out-of-memory kill, say)
        time.sleep(0.5)
        second = pool.compute(os.getpid)  # answered by a new child, not a broken pool
        assert second not in (first, os.getpid())
        assert pool.compute(sum, [1, 2, 3]) == 6
    finally:
        pool.close()
