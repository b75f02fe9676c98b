"""app.api.fastpath: small /forward and /backward answered outside FastAPI's routes.

It must answer the plain cases itself with the right numbers, hand everything else to the
route with the body intact, and never differ from the route: the same status and the same
bytes for any body, valid or not (checked with Hypothesis against an app without it).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.api.deps import get_store
from app.api.fastpath import FastPasses
from app.main import create_app
from app.store import SQLiteStore

W1 = [[0.5, -1.0], [0.25, 0.75], [-0.5, 0.125]]
B1 = [0.1, -0.2, 0.3]
W2 = [[1.5, -2.0, 0.5]]
B2 = [-0.25]
T = TypeVar("T")
NET = {"layer_sizes": [2, 3, 1], "weights": [W1, W2], "biases": [B1, B2]}


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, FastAPI, str]]:
    """(with the fast path, without it, the id of NET), both on one store."""
    store = SQLiteStore(str(tmp_path_factory.mktemp("fast") / "fast.sqlite"), touch_interval=3600)
    fast, slow = create_app(), create_app(fast_passes=False)
    fast.state.store = slow.state.store = store
    net_id = TestClient(fast).post("/api/networks", json=NET).json()["id"]
    yield fast, slow, net_id
    store.close()


async def call(layer: object, app: FastAPI, path: str, body: bytes,
               content_type: bytes = b"application/json") -> tuple[int, bytes]:
    """One POST through an ASGI callable, with scope["app"] as Starlette sets it."""
    sent, out = False, []

    async def receive() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        out.append(message)

    scope = {"type": "http", "method": "POST", "path": path, "app": app, "query_string": b"",
             "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]}
    await layer(scope, receive, send)
    return out[0]["status"], b"".join(m.get("body", b"") for m in out[1:])


def run(coroutine: Coroutine[object, object, T]) -> T:
    """asyncio.run in a thread of its own: Playwright's tests may leave a loop running in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class Recorder:
    """Stands in for FastAPI behind the layer: records what reaches it and answers 299."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope: dict, receive: object, send: object) -> None:
        self.bodies.append((await receive())["body"])  # type: ignore[operator]
        await send({"type": "http.response.start", "status": 299, "headers": []})  # type: ignore[operator]
        await send({"type": "http.response.body", "body": b""})  # type: ignore[operator]


def test_answers_a_small_forward_itself_with_the_hand_computed_numbers(apps: tuple[FastAPI, FastAPI, str]) -> None:
    fast, _, net_id = apps
    behind = Recorder()
    x = np.array([[0.5, -0.25], [1.0, 2.0]])
    status, body = run(call(FastPasses(behind), fast, f"/api/networks/{net_id}/forward",
                                    json.dumps({"inputs": x.tolist(), "targets": [[1.0], [0.0]]}).encode()))
    assert status == 200 and behind.bodies == []
    out = json.loads(body)
    z1 = x @ np.array(W1).T + B1
    a1 = sigmoid(z1)
    z2 = a1 @ np.array(W2).T + B2
    a2 = sigmoid(z2)
    np.testing.assert_allclose(out["layers"][1]["z"], z1, rtol=1e-14)
    np.testing.assert_allclose(out["layers"][2]["a"], a2, rtol=1e-14)
    np.testing.assert_allclose(out["layers"][1]["g_prime"], a1 * (1 - a1), rtol=1e-14)
    costs = 0.5 * (a2[:, 0] - [1.0, 0.0]) ** 2
    np.testing.assert_allclose(out["sample_costs"], costs, rtol=1e-14)
    assert out["cost"] == pytest.approx(costs.mean(), rel=1e-14)


def test_answers_a_small_backward_itself_with_the_hand_computed_deltas(apps: tuple[FastAPI, FastAPI, str]) -> None:
    fast, _, net_id = apps
    behind = Recorder()
    x, y = np.array([[0.5, -0.25]]), np.array([[1.0]])
    status, body = run(call(FastPasses(behind), fast, f"/api/networks/{net_id}/backward",
                                    json.dumps({"inputs": x.tolist(), "targets": y.tolist()}).encode()))
    assert status == 200 and behind.bodies == []
    out = json.loads(body)
    a1 = sigmoid(x @ np.array(W1).T + B1)
    a2 = sigmoid(a1 @ np.array(W2).T + B2)
    d2 = (a2 - y) * a2 * (1 - a2)  # equation 1, MSE and sigmoid
    d1 = d2 @ np.array(W2) * a1 * (1 - a1)  # equation 2
    np.testing.assert_allclose(out["layers"][2]["delta"], d2, rtol=1e-13)
    np.testing.assert_allclose(out["layers"][1]["delta"], d1, rtol=1e-13)
    np.testing.assert_allclose(out["gradients"]["weights"][0], d1.T @ x, rtol=1e-13)


@pytest.mark.parametrize(("path", "body", "content_type"), [
    ("{net}/forward", b'{"inputs": [[0.5, NaN]]}', b"application/json"),  # not JSON
    ("{net}/forward", b'{"inputs": [[0.5, 1]], "extra": 1}', b"application/json"),  # unknown field
    ("{net}/forward", b'{"inputs": [[0.5]]}', b"application/json"),  # wrong width: the engine's ValueError
    ("{net}/backward", b'{"inputs": [[0.5, 1]]}', b"application/json"),  # no targets
    ("unknown-id/forward", b'{"inputs": [[0.5, 1]]}', b"application/json"),  # a 404
    ("{net}/forward", b'{"inputs": [[0.5, 1]]}', b"text/plain"),  # not declared JSON
    ("{net}/forward", json.dumps({"inputs": [[0.5, 1]] * 3000}).encode(), b"application/json"),  # too big inline
])
def test_hands_anything_not_plain_to_the_route_with_the_same_body(
        apps: tuple[FastAPI, FastAPI, str], path: str, body: bytes, content_type: bytes) -> None:
    fast, _, net_id = apps
    behind = Recorder()
    status, _ = run(call(FastPasses(behind), fast, "/api/networks/" + path.format(net=net_id), body,
                                 content_type))
    assert status == 299 and behind.bodies == [body]


def test_a_store_override_with_arguments_goes_to_the_route(apps: tuple[FastAPI, FastAPI, str],
                                                          tmp_path: Path) -> None:
    fast, _, net_id = apps
    other = SQLiteStore(str(tmp_path / "other.sqlite"))
    behind = Recorder()
    body = b'{"inputs": [[0.5, 1]]}'
    try:
        fast.dependency_overrides[get_store] = lambda: other  # honoured: the id is unknown there
        assert run(call(FastPasses(behind), fast, f"/api/networks/{net_id}/forward", body))[0] == 299
        fast.dependency_overrides[get_store] = lambda request: other  # only FastAPI can call this one
        assert run(call(FastPasses(behind), fast, f"/api/networks/{net_id}/forward", body))[0] == 299
    finally:
        fast.dependency_overrides.clear()
        other.close()
    assert behind.bodies == [body, body]


@pytest.mark.parametrize("headers", [
    [("content-type", "text/plain"), ("content-type", "application/json")],  # the first one counts
    [("content-type", "application/json"), ("content-type", "text/plain")],
    [("content-type", "application/json; charset=utf-8")],
    [("content-type", "application/merge-patch+json")],
])
def test_content_types_as_the_route_reads_them(apps: tuple[FastAPI, FastAPI, str], headers: list) -> None:
    fast, slow, net_id = apps
    path, body = f"/api/networks/{net_id}/forward", b'{"inputs": [[0.5, 1]]}'
    got = TestClient(fast).post(path, content=body, headers=headers)
    want = TestClient(slow).post(path, content=body, headers=headers)
    assert (got.status_code, got.content) == (want.status_code, want.content)


number = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**20, 10**20), st.booleans(),
                   st.none(), st.text(max_size=3))
row = st.lists(number, max_size=3) | st.lists(st.floats(-5, 5), min_size=2, max_size=2)
matrix = st.lists(row, max_size=3) | row | number
body_dict = st.fixed_dictionaries({"inputs": matrix}, optional={"targets": matrix, "epsilon": number})


def valid_for_net(m: int) -> st.SearchStrategy[dict]:
    """m samples for NET: inputs m x 2, targets m x 1 (dropped now and then: fine for /forward)."""
    full = st.fixed_dictionaries({"inputs": st.lists(st.lists(st.floats(-50, 50), min_size=2, max_size=2),
                                                     min_size=m, max_size=m),
                                  "targets": st.lists(st.lists(st.floats(0, 1), min_size=1, max_size=1),
                                                      min_size=m, max_size=m)})
    return full | full.map(lambda b: {"inputs": b["inputs"]})


valid = st.integers(1, 4).flatmap(valid_for_net)
bodies = valid | valid | body_dict | st.lists(number, max_size=2) | number


STATUSES: list[int] = []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies, kind=st.sampled_from(["forward", "backward"]),
       known=st.sampled_from([True, True, True, False]), cut=st.integers(0, 12))
def test_never_differs_from_the_route(apps: tuple[FastAPI, FastAPI, str], body: object, kind: str, known: bool,
                                      cut: int) -> None:
    fast, slow, net_id = apps
    raw = json.dumps(body).encode()  # NaN and Infinity as JSON's non-standard tokens, on purpose
    if cut == 0:
        raw = raw[: len(raw) // 2]  # truncated JSON now and then
    path = f"/api/networks/{net_id if known else 'A' * 22}/{kind}"
    headers = {"content-type": "application/json"}
    got = TestClient(fast).post(path, content=raw, headers=headers)
    want = TestClient(slow).post(path, content=raw, headers=headers)
    STATUSES.append(got.status_code)
    assert (got.status_code, got.content) == (want.status_code, want.content)
    assert got.status_code < 500


def test_the_comparison_reached_both_answers_and_errors() -> None:
    """Runs after the property test: it must have compared 200s (the fast path's own answers), not only errors."""
    assert STATUSES.count(200) >= 20 and STATUSES.count(422) >= 20 and 404 in STATUSES
