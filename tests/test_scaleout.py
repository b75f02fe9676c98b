"""Scale-out: two app servers (separate uvicorn processes) on one PostgreSQL database.

Every step in these tests uses the same batch, so the result of n serialised steps does
not depend on which server ran which step: it must equal n steps computed here with an
independent numpy implementation, and step number k must have seen the cost after k-1."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np
import pytest
from conftest import Server

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = np.array([[0.0], [1.0], [1.0], [0.0]])
RATE = 0.7
BODY = {"inputs": X.tolist(), "targets": Y.tolist()}


def reference_steps(w: list[np.ndarray], b: list[np.ndarray], n: int) -> tuple[list[np.ndarray], list[float]]:
    """n full-batch steps of a 2-3-1 sigmoid network with MSE, written out by hand;
    returns the final weights and biases and the cost before each step."""
    (w1, w2), (b1, b2) = [p.copy() for p in w], [p.copy() for p in b]
    m, costs = len(X), []
    for _ in range(n):
        a1 = 1.0 / (1.0 + np.exp(-(X @ w1.T + b1)))
        a2 = 1.0 / (1.0 + np.exp(-(a1 @ w2.T + b2)))
        costs.append(float(0.5 * ((a2 - Y) ** 2).sum() / m))
        d2 = (a2 - Y) * a2 * (1.0 - a2)
        d1 = (d2 @ w2) * a1 * (1.0 - a1)
        w2, b2, w1, b1 = (w2 - RATE * d2.T @ a1 / m, b2 - RATE * d2.mean(axis=0),
                          w1 - RATE * d1.T @ X / m, b1 - RATE * d1.mean(axis=0))
    return [w1, w2, b1, b2], costs


@pytest.fixture
def servers(pg_url: str, tmp_path: Path) -> Iterator[list[Server]]:
    pair = [Server(tmp_path / "unused.sqlite", env={"BACKPROP_DB": pg_url}) for _ in range(2)]
    try:
        for s in pair:
            s.start()
        yield pair
    finally:
        for s in pair:
            s.stop()


def create_network(url: str) -> tuple[str, list[np.ndarray], list[np.ndarray]]:
    rng = np.random.default_rng(2024)
    w = [rng.normal(0, 1, (3, 2)), rng.normal(0, 1, (1, 3))]
    b = [rng.normal(0, 0.5, 3), rng.normal(0, 0.5, 1)]
    r = httpx.post(url + "/api/networks", json={"layer_sizes": [2, 3, 1], "learning_rate": RATE,
                                                 "weights": [p.tolist() for p in w], "biases": [p.tolist() for p in b]})
    assert r.status_code == 201, r.text
    return r.json()["id"], w, b


def check_final(url: str, net_id: str, steps: int, w: list[np.ndarray], b: list[np.ndarray]) -> None:
    net = httpx.get(f"{url}/api/networks/{net_id}").json()
    assert net["steps"] == steps
    expected, _ = reference_steps(w, b, steps)
    got = [np.array(p) for p in net["weights"] + net["biases"]]
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)


def test_two_servers_lose_no_concurrent_step(servers: list[Server]) -> None:
    net_id, w, b = create_network(servers[0].url)
    _, costs = reference_steps(w, b, 200)
    clients = [httpx.Client(base_url=s.url, timeout=60) for s in servers]

    def one_step(i: int) -> tuple[int, int, float]:
        r = clients[i % 2].post(f"/api/networks/{net_id}/step", json=BODY)
        return r.status_code, r.json()["network"]["steps"], r.json()["cost"]

    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            results = list(pool.map(one_step, range(200)))
    finally:
        for c in clients:
            c.close()
    assert {code for code, _, _ in results} == {200}
    assert sorted(k for _, k, _ in results) == list(range(1, 201))  # each step saw all before it
    for _, k, cost in results:
        assert cost == pytest.approx(costs[k - 1], rel=1e-10)
    for s in servers:  # both servers see the same final network
        check_final(s.url, net_id, 200, w, b)


def test_a_killed_server_loses_no_acknowledged_step(servers: list[Server]) -> None:
    survivor, victim = servers
    net_id, w, b = create_network(survivor.url)
    clients = [httpx.Client(base_url=s.url, timeout=60) for s in servers]
    lock = threading.Lock()
    acked: list[tuple[int, float]] = []  # (step number, cost before it) of every 200 answer
    unknown = 0  # requests cut off mid-flight by the kill: may or may not have committed
    refused = 0

    def one_step(i: int) -> None:
        nonlocal unknown, refused
        try:
            r = clients[i % 2].post(f"/api/networks/{net_id}/step", json=BODY)
        except httpx.ConnectError:
            with lock:
                refused += 1  # never reached a server: nothing happened
            return
        except httpx.TransportError:
            with lock:
                unknown += 1
            return
        assert r.status_code == 200, r.text
        with lock:
            acked.append((r.json()["network"]["steps"], r.json()["cost"]))
            kill = len(acked) == 60
        if kill:
            victim.stop(signal.SIGKILL)  # mid-stream: other requests to it are in flight

    try:
        with ThreadPoolExecutor(max_workers=12) as pool:
            list(pool.map(one_step, range(300)))
    finally:
        for c in clients:
            c.close()
    assert victim.proc is not None and victim.proc.returncode == -signal.SIGKILL
    assert refused > 0  # the kill really happened while requests were still coming
    numbers = sorted(k for k, _ in acked)
    assert len(set(numbers)) == len(numbers)
    final = httpx.get(f"{survivor.url}/api/networks/{net_id}").json()["steps"]
    # Every acknowledged step is in the final count; at most the cut-off ones were committed unannounced.
    assert set(numbers) <= set(range(1, final + 1))
    assert len(acked) <= final <= len(acked) + unknown
    _, costs = reference_steps(w, b, final)
    for k, cost in acked:
        assert cost == pytest.approx(costs[k - 1], rel=1e-10)
    check_final(survivor.url, net_id, final, w, b)
