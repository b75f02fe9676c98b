"""Compare-and-set updates (issue 14), on SQLite and PostgreSQL: the computation holds no
lock, so other networks (and reads of this one) never wait for it; a write that came in
between makes the computation run again on the newer network, so no step is lost."""

from __future__ import annotations

import threading
import time

from app.nn.engine import Net, new_net
from test_store import Backend, backend, bump  # noqa: F401 - the fixture, run on SQLite and PostgreSQL


def test_a_long_computation_blocks_no_other_network(backend: Backend) -> None:
    store, other_process = backend.open(), backend.open()  # two stores: as two worker processes
    slow_id, quick_id = store.create(new_net([2, 1], seed=1)), store.create(new_net([2, 1], seed=2))
    inside, release = threading.Event(), threading.Event()

    def slow(net: Net) -> tuple[Net, None]:
        inside.set()
        release.wait(30)  # "training" for as long as the test wants
        return bump(net)[0], None

    worker = threading.Thread(target=store.update, args=(slow_id, slow))
    worker.start()
    try:
        assert inside.wait(30)
        # While the slow computation runs: a write to another network, a create, a delete and a
        # read of the busy one all finish (a held write lock would make them wait for `release`).
        done = threading.Event()

        def others() -> None:
            other_process.update(quick_id, bump)
            other_process.delete(other_process.create(new_net([1, 1])))
            other_process.get(slow_id)
            done.set()

        threading.Thread(target=others, daemon=True).start()
        assert done.wait(20), "another network waited for a computation it has nothing to do with"
        assert other_process.get(quick_id).steps == 1
    finally:
        release.set()
        worker.join(30)
    assert store.get(slow_id).steps == 1


def test_a_write_in_between_makes_the_computation_run_again(backend: Backend) -> None:
    store, other_process = backend.open(), backend.open()
    net_id = store.create(new_net([2, 1], seed=3))
    calls: list[int] = []

    def step_with_a_rival(net: Net) -> tuple[Net, int]:
        calls.append(net.steps)
        if len(calls) == 1:
            other_process.update(net_id, bump)  # another worker's step lands during this computation
        return bump(net)

    assert store.update(net_id, step_with_a_rival) == 2  # its result is computed from the newer network
    assert calls == [0, 1]  # the first computation (on steps = 0) was thrown away, not written
    got = store.get(net_id)
    assert got.steps == 2
    assert got.weights[0][0, 0] == new_net([2, 1], seed=3).weights[0][0, 0] + 2.0  # both increments kept


def test_writers_that_keep_losing_are_serialised_and_lose_nothing(backend: Backend) -> None:
    """Four 'processes' (store objects) hammer one network with slow steps: with more
    rivals than optimistic attempts, losers queue on the network's cross-process lock."""
    stores = [backend.open() for _ in range(4)]
    net_id = stores[0].create(new_net([2, 1], seed=4))
    per_store = 10

    def slow_bump(net: Net) -> tuple[Net, int]:
        time.sleep(0.005)
        return bump(net)

    def work(store) -> None:  # noqa: ANN001
        for _ in range(per_store):
            store.update(net_id, slow_bump)

    threads = [threading.Thread(target=work, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert stores[0].get(net_id).steps == 4 * per_store
