"""The store contract, run against both implementations: SQLite and PostgreSQL (a
throw-away cluster, see tests/pg_fixture.py; skipped with a message when it cannot run)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from app.nn.engine import Net, new_net
from app.store import NetworkNotFound, SQLiteStore, Store, StoreError, open_store

ROOT = Path(__file__).resolve().parents[1]


class Backend:
    """Opens stores of one kind on one database, and closes them all afterwards."""

    def __init__(self, name: str, url: str) -> None:
        self.name, self.url = name, url
        self.opened: list[Store] = []

    def open(self, max_networks: int = 1000, touch_interval: float = 0.0, keep_recent: float = 0.0) -> Store:
        if self.name == "sqlite":
            store: Store = SQLiteStore(self.url, max_networks=max_networks, touch_interval=touch_interval,
                                       keep_recent=keep_recent)
        else:
            from app.store.postgres import PostgresStore
            store = PostgresStore(self.url, max_networks=max_networks, touch_interval=touch_interval,
                                  keep_recent=keep_recent)
        self.opened.append(store)
        return store


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    url = str(tmp_path / "store.sqlite") if request.param == "sqlite" else request.getfixturevalue("pg_url")
    b = Backend(request.param, url)
    yield b
    for store in b.opened:
        store.close()


def bump(net: Net) -> tuple[Net, int]:
    """One counted update: steps + 1 and weights[0][0, 0] + 1 (exact in float64)."""
    w0 = net.weights[0].copy()
    w0[0, 0] += 1.0
    return replace(net, weights=[w0, *net.weights[1:]], steps=net.steps + 1), net.steps + 1


def same_net(a: Net, b: Net) -> None:
    assert (a.layer_sizes, a.hidden_activation, a.output_activation, a.loss) == \
           (b.layer_sizes, b.hidden_activation, b.output_activation, b.loss)
    assert (a.learning_rate, a.l2, a.seed, a.steps) == (b.learning_rate, b.l2, b.seed, b.steps)
    for p, q in zip(a.weights + a.biases, b.weights + b.biases, strict=True):
        assert p.dtype == q.dtype == np.float64 and p.shape == q.shape
        assert p.tobytes() == q.tobytes()  # bit for bit, signed zeros and subnormals included


def test_open_store_chooses_the_backend(backend: Backend) -> None:
    store = open_store(backend.url, max_networks=5)
    backend.opened.append(store)
    assert type(store).__name__ == ("SQLiteStore" if backend.name == "sqlite" else "PostgresStore")
    assert store.count() == 0


def test_create_get_update_delete(backend: Backend) -> None:
    store = backend.open()
    net = new_net([2, 3, 1], hidden_activation="tanh", learning_rate=0.25, l2=0.01, seed=4)
    net_id = store.create(net)
    assert store.count() == 1
    same_net(store.get(net_id), net)
    assert store.update(net_id, bump) == 1
    got = store.get(net_id)
    assert got.steps == 1 and got.weights[0][0, 0] == net.weights[0][0, 0] + 1.0
    store.delete(net_id)
    assert store.count() == 0
    for action in (lambda: store.get(net_id), lambda: store.update(net_id, bump), lambda: store.delete(net_id)):
        with pytest.raises(NetworkNotFound):
            action()


def test_float64_parameters_round_trip_exactly(backend: Backend) -> None:
    awkward = np.array([[1 / 3, -0.0, 5e-324, 1e300], [-np.pi, 2.0 ** -1074 * 3, 0.1 + 0.2, -1e-300]])
    net = new_net([4, 2, 3], output_activation="softmax", loss="cross_entropy", learning_rate=0.123456789,
                  weights=[awkward, np.arange(6.0).reshape(3, 2) / 7], biases=[np.array([1e-17, -2.5]),
                                                                               np.array([np.e, 0.0, -1.0])])
    store = backend.open()
    net_id = store.create(net)
    same_net(backend.open().get(net_id), net)  # through a second connection too
    assert np.signbit(store.get(net_id).weights[0][0, 1])


def test_update_that_raises_writes_nothing(backend: Backend) -> None:
    store = backend.open()
    net = new_net([2, 2, 1], seed=1)
    net_id = store.create(net)

    def half_done(n: Net) -> tuple[Net, None]:
        n.weights[0][0, 0] = 99.0  # changed in memory, then the computation fails
        raise ValueError("diverged")

    with pytest.raises(ValueError, match="diverged"):
        store.update(net_id, half_done)
    same_net(store.get(net_id), net)
    assert store.update(net_id, bump) == 1  # the row is not left locked


def test_least_recently_used_is_evicted(backend: Backend) -> None:
    store = backend.open(max_networks=3, touch_interval=0)
    ids = []
    for seed in range(3):
        ids.append(store.create(new_net([1, 1], seed=seed)))
        time.sleep(0.01)
    store.get(ids[0])  # read: now the most recently used
    time.sleep(0.01)
    store.update(ids[1], bump)  # written: more recent still; ids[2] is now the oldest
    time.sleep(0.01)
    newest = store.create(new_net([1, 1], seed=9))
    assert store.count() == 3
    with pytest.raises(NetworkNotFound):
        store.get(ids[2])
    for kept in (ids[0], ids[1], newest):
        store.get(kept)


def test_reads_refresh_last_used_only_after_the_touch_interval(backend: Backend) -> None:
    store = backend.open(max_networks=2, touch_interval=3600)
    first = store.create(new_net([1, 1]))
    time.sleep(0.01)
    second = store.create(new_net([1, 1]))
    store.get(first)  # within the interval: not refreshed, so still the oldest
    store.create(new_net([1, 1]))
    with pytest.raises(NetworkNotFound):
        store.get(first)
    store.get(second)


def test_networks_survive_reopening(backend: Backend) -> None:
    store = backend.open()
    net_id = store.create(new_net([3, 4, 2], seed=11))
    store.update(net_id, bump)
    expected = store.get(net_id)
    store.close()
    backend.opened.remove(store)
    same_net(backend.open().get(net_id), expected)


def test_concurrent_updates_from_threads_are_all_kept(backend: Backend) -> None:
    store = backend.open()
    net = new_net([2, 2, 1], seed=3)
    net_id = store.create(net)
    threads, per_thread = 8, 15

    def slow_bump(n: Net) -> tuple[Net, int]:
        time.sleep(0.002)  # widen the read-compute-write window: a lost update would show
        return bump(n)

    def work() -> None:
        for _ in range(per_thread):
            store.update(net_id, slow_bump)

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    got = store.get(net_id)
    assert got.steps == threads * per_thread
    assert got.weights[0][0, 0] == net.weights[0][0, 0] + threads * per_thread


WORKER = """
import sys, time
from app.store import open_store
from tests.test_store import bump
url, net_id, n, start_at = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
store = open_store(url, 1000)
time.sleep(max(0.0, start_at - time.time()))  # all processes begin together
def slow_bump(net):
    time.sleep(0.002)
    return bump(net)
for _ in range(n):
    store.update(net_id, slow_bump)
store.close()
"""


def test_concurrent_updates_from_processes_are_all_kept(backend: Backend) -> None:
    store = backend.open()
    net = new_net([2, 2, 1], seed=5)
    net_id = store.create(net)
    processes, per_process = 4, 25
    start_at = str(time.time() + 3.0)
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, backend.url, net_id, str(per_process), start_at],
                              cwd=ROOT) for _ in range(processes)]
    codes = [p.wait(timeout=120) for p in procs]
    assert codes == [0] * processes
    got = store.get(net_id)
    assert got.steps == processes * per_process
    assert got.weights[0][0, 0] == net.weights[0][0, 0] + processes * per_process


# --- PostgreSQL only


def test_unreachable_postgres_is_a_clear_error() -> None:
    pytest.importorskip("psycopg")
    from app.store.postgres import PostgresStore

    with socket.socket() as s:  # a port where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://nobody:secret@127.0.0.1:{port}/nowhere"
    with pytest.raises(StoreError, match=r"cannot open the PostgreSQL database 127\.0\.0\.1:\d+/nowhere") as err:
        PostgresStore(url, connect_timeout=2)
    assert "secret" not in str(err.value)  # the password is not shown


def test_a_read_does_not_wait_for_an_update_in_progress(pg_url: str) -> None:
    from app.store.postgres import PostgresStore

    store = PostgresStore(pg_url, touch_interval=0)
    try:
        net_id = store.create(new_net([1, 1]))
        seen: list[int] = []

        def read_during(n: Net) -> tuple[Net, None]:
            # Another connection reads (and would touch) the row locked by this update.
            reader = threading.Thread(target=lambda: seen.append(store.get(net_id).steps))
            reader.start()
            reader.join(timeout=30)
            return bump(n)[0], None

        store.update(net_id, read_during)
        assert seen == [0]  # the committed version, read while the update held the lock
        assert store.get(net_id).steps == 1
    finally:
        store.close()


def test_servers_starting_together_create_the_schema_once(pg_url: str) -> None:
    from app.store.postgres import PostgresStore

    stores: list[Store] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def open_one() -> None:
        barrier.wait(timeout=30)
        try:
            stores.append(PostgresStore(pg_url))
        except BaseException as err:  # noqa: BLE001 - collected and shown by the assert
            errors.append(err)

    threads = [threading.Thread(target=open_one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    try:
        assert errors == []
        assert len(stores) == 6 and stores[0].count() == 0
    finally:
        for s in stores:
            s.close()
