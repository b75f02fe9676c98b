"""Crowding (issue 14): a recently used network is never evicted; a store full of recent
networks refuses a create with 503 and Retry-After; one client's creations are rate
limited (429); a network costs the store what it holds, not what its layer sizes allow."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.api.deps import get_store
from app.api.middleware import CreateRateLimit
from app.config import Settings
from app.main import create_app
from app.nn.engine import init_params, new_net
from app.store import NetworkNotFound, SQLiteStore, StoreFull
from conftest import Server
from test_store import Backend, backend  # noqa: F401 - the fixture, run on SQLite and PostgreSQL


def test_a_recently_used_network_is_never_evicted(backend: Backend) -> None:
    store = backend.open(max_networks=2, keep_recent=3600)
    ids = [store.create(new_net([1, 1], seed=s)) for s in range(2)]
    with pytest.raises(StoreFull) as refused:
        store.create(new_net([1, 1], seed=9))
    assert 3500 <= refused.value.retry_after <= 3601  # when the oldest becomes evictable
    assert "all 2 networks" in refused.value.public and "about 60 minutes" in refused.value.public
    assert store.count() == 2
    for net_id in ids:
        store.get(net_id)


def test_only_networks_unused_for_the_protection_time_are_evicted(backend: Backend) -> None:
    store = backend.open(max_networks=2, keep_recent=0.5, touch_interval=0)
    old, recent = store.create(new_net([1, 1], seed=1)), store.create(new_net([1, 1], seed=2))
    time.sleep(0.6)
    store.get(recent)  # used again: protected for another 0.5 s
    newest = store.create(new_net([1, 1], seed=3))  # room made by evicting `old` only
    with pytest.raises(NetworkNotFound):
        store.get(old)
    assert {store.get(i).seed for i in (recent, newest)} == {2, 3}
    with pytest.raises(StoreFull):
        store.create(new_net([1, 1], seed=4))  # both left were used within 0.5 s


@pytest.fixture
def crowded(tmp_path: Path) -> TestClient:
    store = SQLiteStore(str(tmp_path / "full.sqlite"), max_networks=2, keep_recent=3600)
    app = create_app(Settings(create_rate=3))
    app.dependency_overrides[get_store] = lambda: store
    yield TestClient(app)
    store.close()


def test_a_full_store_answers_503_with_retry_after_and_a_sentence(crowded: TestClient) -> None:
    for _ in range(2):
        assert crowded.post("/api/networks", json={"layer_sizes": [2, 1]}).status_code == 201
    r = crowded.post("/api/networks", json={"layer_sizes": [2, 1]})
    assert r.status_code == 503
    assert 3500 <= int(r.headers["retry-after"]) <= 3601
    assert "no room for a new network: all 2 networks on this server were used in the last 1 hour," in r.json()["detail"]
    assert "Try again in about" in r.json()["detail"]


def test_creations_per_client_are_limited_with_429(crowded: TestClient) -> None:
    codes = [crowded.post("/api/networks", json={"layer_sizes": [2, 1]}).status_code for _ in range(3)]
    assert codes == [201, 201, 503]  # three allowed (the third finds the store full)
    r = crowded.post("/api/networks", json={"layer_sizes": [2, 1]}, headers={"X-Forwarded-For": "10.9.9.9"})
    assert r.status_code == 429  # a client's own X-Forwarded-For changes nothing: no proxy is trusted
    assert int(r.headers["retry-after"]) == 20  # one creation per 60/3 s
    assert "3 networks within a minute" in r.json()["detail"]
    assert crowded.get("/api/health").status_code == 200  # other calls are not limited


def scope(peer: str, forwarded: str | None = None) -> dict:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return {"type": "http", "client": (peer, 5000), "headers": headers}


def test_the_client_is_taken_from_x_forwarded_for_only_behind_a_trusted_proxy() -> None:
    limit = CreateRateLimit(lambda *_: None, per_minute=2, trusted_proxies=("10.0.0.0/8",))
    assert limit.client(scope("192.0.2.7", "198.51.100.1")) == "192.0.2.7"  # not a proxy: its header is ignored
    assert limit.client(scope("10.0.0.2", "198.51.100.1")) == "198.51.100.1"
    # a client's forged first entry is skipped: the last one not added by a trusted proxy counts
    assert limit.client(scope("10.0.0.2", "1.2.3.4, 198.51.100.1, 10.0.0.3")) == "198.51.100.1"
    assert limit.client(scope("10.0.0.2")) == "10.0.0.2"
    waits = [limit.take("a") for _ in range(3)]
    assert waits[:2] == [0.0, 0.0] and 29.9 < waits[2] <= 30.0  # a burst of 2, then one per 30 s
    assert limit.take("b") == 0.0  # buckets are per client


def test_a_network_costs_the_store_what_it_holds(tmp_path: Path) -> None:
    store = SQLiteStore(str(tmp_path / "size.sqlite"))
    app = create_app(Settings())
    app.dependency_overrides[get_store] = lambda: store
    client = TestClient(app)
    body = {"layer_sizes": [500, 499], "seed": 3}  # 250,000 parameters from a 36-byte body
    created = client.post("/api/networks", json=body).json()
    raw = sqlite3.connect(store.path)
    size = lambda: raw.execute("SELECT length(meta) + length(params) FROM networks").fetchone()[0]  # noqa: E731
    assert size() < 1000  # the seed, not 2 MB of parameters
    w, _ = init_params([500, 499], "sigmoid", 3)  # what the seed stands for, made here independently
    assert np.array_equal(np.array(created["weights"][0]), w[0])
    assert np.array_equal(np.array(client.get(f"/api/networks/{created['id']}").json()["weights"][0]), w[0])
    step = client.post(f"/api/networks/{created['id']}/step", json={"inputs": [[0.1] * 500], "targets": [[1.0] * 499]})
    assert step.status_code == 200
    assert size() >= 250_000 * 8  # trained parameters are what the network holds now: all stored
    raw.close()
    store.close()


@pytest.mark.browser
def test_the_page_says_plainly_that_the_server_is_full(page, tmp_path: Path) -> None:  # noqa: ANN001 - playwright
    server = Server(tmp_path / "full.sqlite", env={"BACKPROP_MAX_NETWORKS": "2"}).start()
    try:
        for _ in range(2):  # a class that got there first
            assert httpx.post(server.url + "/api/networks", json={"layer_sizes": [2, 1]}, timeout=10).status_code == 201
        page.goto(server.url + "/")
        message = page.locator("#message")
        message.wait_for(state="visible", timeout=20_000)
        text = message.inner_text()
        assert "no room for a new network: all 2 networks on this server were used in the last 24 hours" in text
        assert "Try again in about 24 hours" in text
        page.screenshot(path=str(tmp_path / "full.png"))
    finally:
        server.stop()


def test_trusted_proxies_are_read_from_the_environment_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.config import load_settings

    monkeypatch.setenv("BACKPROP_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.1,")
    assert load_settings().trusted_proxies == ("10.0.0.0/8", "192.0.2.1")
    monkeypatch.setenv("BACKPROP_TRUSTED_PROXIES", "10.0.0.0/8,nginx")
    with pytest.raises(SystemExit, match="BACKPROP_TRUSTED_PROXIES"):
        load_settings()
