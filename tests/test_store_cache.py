"""The per-process cache of decoded networks (app.store.SQLiteStore): a copy is used only
while its version is the stored one, so a change made by another worker (another store
object on the same file, or another uvicorn process) is seen at once."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.api.deps import get_store
from app.nn.engine import Net, new_net
from app.main import app
from app.store import NetworkNotFound, SQLiteStore
from conftest import Server


def set_first_weight(value: float):  # noqa: ANN201 - an update function for Store.update
    def change(net: Net) -> tuple[Net, None]:
        weights = [w.copy() for w in net.weights]
        weights[0][0, 0] = value
        return Net(net.layer_sizes, weights, net.biases, net.hidden_activation, net.output_activation, net.loss,
                   net.learning_rate, net.l2, net.seed, net.steps + 1), None
    return change


@pytest.fixture
def two(tmp_path: Path) -> tuple[SQLiteStore, SQLiteStore]:
    """Two stores on one file, as two worker processes have."""
    path = str(tmp_path / "shared.sqlite")
    a, b = SQLiteStore(path, touch_interval=3600), SQLiteStore(path, touch_interval=3600)
    yield a, b
    a.close()
    b.close()


def test_an_update_elsewhere_replaces_the_cached_copy(two: tuple[SQLiteStore, SQLiteStore]) -> None:
    a, b = two
    net_id = a.create(new_net([2, 3, 1], seed=4))
    first = a.get(net_id)
    assert a.get(net_id) is first  # cached: the same object while the version stands
    assert a.peek(net_id) is first
    b.update(net_id, set_first_weight(7.25))
    for read in (a.peek, a.get):
        now = read(net_id)
        assert now.weights[0][0, 0] == 7.25 and now.steps == 1
        np.testing.assert_array_equal(now.weights[1], first.weights[1])


def test_a_delete_elsewhere_is_a_404_not_a_stale_copy(two: tuple[SQLiteStore, SQLiteStore]) -> None:
    a, b = two
    net_id = a.create(new_net([2, 1], seed=1))
    a.get(net_id)
    b.delete(net_id)
    with pytest.raises(NetworkNotFound):
        a.peek(net_id)
    with pytest.raises(NetworkNotFound):
        a.get(net_id)


def test_cached_arrays_cannot_be_changed_in_place(two: tuple[SQLiteStore, SQLiteStore]) -> None:
    a, _ = two
    net = a.get(a.create(new_net([2, 2, 1], seed=2)))
    with pytest.raises(ValueError):
        net.weights[0][0, 0] = 1.0
    with pytest.raises(ValueError):
        net.biases[-1] += 1.0


def test_peek_leaves_a_due_refresh_of_last_used_to_get(tmp_path: Path) -> None:
    store = SQLiteStore(str(tmp_path / "t.sqlite"), touch_interval=0)
    net_id = store.create(new_net([1, 1], seed=0))
    raw = sqlite3.connect(store.path)
    before = raw.execute("SELECT last_used FROM networks").fetchone()[0]
    assert store.peek(net_id) is None  # a refresh is due: peek would have to write
    assert raw.execute("SELECT last_used FROM networks").fetchone()[0] == before
    store.get(net_id)
    assert raw.execute("SELECT last_used FROM networks").fetchone()[0] > before
    raw.close()
    store.close()


def test_peek_does_not_wait_for_a_writer(two: tuple[SQLiteStore, SQLiteStore]) -> None:
    """Another worker holding the write lock (a long /train) must not stall a read on the
    event loop: in WAL mode the read sees the last committed version."""
    a, b = two
    net_id = a.create(new_net([2, 1], seed=3))
    a.get(net_id)
    writer = sqlite3.connect(b.path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE networks SET version = version + 1, params = zeroblob(length(params))")
    got: list[Net | None] = []
    reader = threading.Thread(target=lambda: got.append(a.peek(net_id)))
    reader.start()
    reader.join(timeout=20)  # a hang guard only (busy_timeout is 60 s), not a time limit
    writer.execute("ROLLBACK")
    writer.close()
    assert not reader.is_alive() and got and got[0] is not None and got[0].weights[0].any()


def expected_a2(weights: list[list[list[float]]], biases: list[list[float]], x: list[float]) -> float:
    """2-2-1, sigmoid everywhere, written out independently of the engine."""
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    hidden = [sig(sum(w * xi for w, xi in zip(row, x)) + b) for row, b in zip(weights[0], biases[0])]
    return float(sig(sum(w * h for w, h in zip(weights[1][0], hidden)) + biases[1][0]))


W0 = [[[0.5, -1.0], [2.0, 0.25]], [[1.5, -0.5]]]
B0 = [[0.1, -0.2], [0.3]]
W1 = [[[-0.75, 1.0], [0.5, 0.5]], [[-2.0, 1.25]]]
X = [0.5, -0.25]


def test_forward_on_the_event_loop_sees_each_patch(tmp_path: Path) -> None:
    store = SQLiteStore(str(tmp_path / "api.sqlite"), touch_interval=3600)  # reads served from the cache
    app.dependency_overrides[get_store] = lambda: store
    try:
        client = TestClient(app)
        net_id = client.post("/api/networks", json={"layer_sizes": [2, 2, 1], "weights": W0, "biases": B0}).json()["id"]
        for weights, expected in ((W0, expected_a2(W0, B0, X)), (W1, expected_a2(W1, B0, X))):
            if weights is W1:
                assert client.patch(f"/api/networks/{net_id}", json={"weights": W1}).status_code == 200
            for _ in range(3):
                out = client.post(f"/api/networks/{net_id}/forward", json={"inputs": [X]}).json()
                assert out["layers"][2]["a"][0][0] == pytest.approx(expected, rel=1e-14)
        client.delete(f"/api/networks/{net_id}")
        assert client.post(f"/api/networks/{net_id}/forward", json={"inputs": [X]}).status_code == 404
    finally:
        app.dependency_overrides.clear()
        store.close()


def test_two_workers_see_a_patch_made_through_either(tmp_path: Path) -> None:
    server = Server(tmp_path / "workers.sqlite", workers=2).start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            net_id = c.post("/api/networks", json={"layer_sizes": [2, 2, 1], "weights": W0, "biases": B0}).json()["id"]
            forward = f"/api/networks/{net_id}/forward"
            # Many requests on fresh connections reach both workers and fill both caches.
            for weights in (W0, W1):
                if weights is W1:
                    assert c.patch(f"/api/networks/{net_id}", json={"weights": W1}).status_code == 200
                expected = expected_a2(weights, B0, X)
                for _ in range(24):
                    a2 = httpx.post(server.url + forward, json={"inputs": [X]}).json()["layers"][2]["a"][0][0]
                    assert a2 == pytest.approx(expected, rel=1e-14)
    finally:
        server.stop()
