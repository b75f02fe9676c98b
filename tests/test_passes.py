"""POST /forward and /backward through their routes: numbers against hand computation, and
every kind of bad body answered with the right 4xx (moved from the removed fast path's tests)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.api.deps import get_store

W1 = [[0.5, -1.0], [0.25, 0.75], [-0.5, 0.125]]
B1 = [0.1, -0.2, 0.3]
W2 = [[1.5, -2.0, 0.5]]
B2 = [-0.25]
NET = {"layer_sizes": [2, 3, 1], "weights": [W1, W2], "biases": [B1, B2]}


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


@pytest.fixture
def net_id(client: TestClient) -> str:
    r = client.post("/api/networks", json=NET)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_a_small_forward_has_the_hand_computed_numbers(client: TestClient, net_id: str) -> None:
    x = np.array([[0.5, -0.25], [1.0, 2.0]])
    r = client.post(f"/api/networks/{net_id}/forward", json={"inputs": x.tolist(), "targets": [[1.0], [0.0]]})
    assert r.status_code == 200, r.text
    out = r.json()
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


def test_a_small_backward_has_the_hand_computed_deltas(client: TestClient, net_id: str) -> None:
    x, y = np.array([[0.5, -0.25]]), np.array([[1.0]])
    r = client.post(f"/api/networks/{net_id}/backward", json={"inputs": x.tolist(), "targets": y.tolist()})
    assert r.status_code == 200, r.text
    out = r.json()
    a1 = sigmoid(x @ np.array(W1).T + B1)
    a2 = sigmoid(a1 @ np.array(W2).T + B2)
    d2 = (a2 - y) * a2 * (1 - a2)  # equation 1, MSE and sigmoid
    d1 = d2 @ np.array(W2) * a1 * (1 - a1)  # equation 2
    np.testing.assert_allclose(out["layers"][2]["delta"], d2, rtol=1e-13)
    np.testing.assert_allclose(out["layers"][1]["delta"], d1, rtol=1e-13)
    np.testing.assert_allclose(out["gradients"]["weights"][0], d1.T @ x, rtol=1e-13)


@pytest.mark.parametrize(("path", "body", "content_type", "status"), [
    ("{net}/forward", b'{"inputs": [[0.5, NaN]]}', "application/json", 422),  # NaN is no number
    ("{net}/forward", b'{"inputs": [[0.5, 1]], "extra": 1}', "application/json", 422),  # unknown field
    ("{net}/forward", b'{"inputs": [[0.5]]}', "application/json", 422),  # wrong width: the engine's sentence
    ("{net}/forward", b'{"inputs": [[0.5, 1]', "application/json", 422),  # truncated JSON
    ("{net}/forward", b'', "application/json", 422),  # no body
    ("{net}/backward", b'{"inputs": [[0.5, 1]]}', "application/json", 422),  # no targets
    ("unknown-id/forward", b'{"inputs": [[0.5, 1]]}', "application/json", 404),
    ("{net}/forward", b'{"inputs": [[0.5, 1]]}', "text/plain", 422),  # not declared JSON
])
def test_bad_bodies_get_a_4xx_that_says_what_is_wrong(client: TestClient, net_id: str, path: str, body: bytes,
                                                     content_type: str, status: int) -> None:
    r = client.post("/api/networks/" + path.format(net=net_id), content=body, headers={"content-type": content_type})
    assert r.status_code == status, r.text
    assert r.json()["detail"]


def test_a_large_pass_gets_the_same_numbers_as_a_small_one(client: TestClient, net_id: str) -> None:
    """7,000 samples are parsed and computed in a worker thread; the first row is the same."""
    body = json.dumps({"inputs": [[0.5, 1]] * 7000}).encode()
    assert len(body) > 64_000
    big = client.post(f"/api/networks/{net_id}/forward", content=body, headers={"content-type": "application/json"})
    small = client.post(f"/api/networks/{net_id}/forward", json={"inputs": [[0.5, 1]]})
    assert big.status_code == small.status_code == 200
    assert len(big.json()["layers"][2]["a"]) == 7000
    assert big.json()["layers"][2]["a"][6999] == small.json()["layers"][2]["a"][0]


@pytest.mark.parametrize(("headers", "status"), [
    ([("content-type", "text/plain"), ("content-type", "application/json")], 422),  # the first one counts
    ([("content-type", "application/json"), ("content-type", "text/plain")], 200),
    ([("content-type", "application/json; charset=utf-8")], 200),
    ([("content-type", "application/merge-patch+json")], 200),
])
def test_content_types_as_fastapi_reads_them(client: TestClient, net_id: str, headers: list, status: int) -> None:
    r = client.post(f"/api/networks/{net_id}/forward", content=b'{"inputs": [[0.5, 1]]}', headers=headers)
    assert r.status_code == status, r.text


# --- one encoder (to_json), derived from the models

def test_the_fast_encoder_writes_what_the_models_declare(client: TestClient, net_id: str) -> None:
    """to_json (orjson from float64) against pydantic's own model_dump_json of the same result."""
    from app.api.passes import backward_result, forward_result
    from app.schemas import BackwardRequest, ForwardRequest, to_json
    from app.store import Store

    store: Store = client.app.dependency_overrides[get_store]()
    net = store.get(net_id)
    body = {"inputs": [[0.5, -0.25], [1.0, 2.0]], "targets": [[1.0], [0.0]]}
    for result in (forward_result(net, ForwardRequest.model_validate(body)),
                   forward_result(net, ForwardRequest.model_validate({"inputs": body["inputs"], "fields": ["z"]})),
                   backward_result(net, BackwardRequest.model_validate({**body, "layers": [0, 2]}))):
        assert json.loads(to_json(result)) == json.loads(result.model_dump_json())


# --- passes ask for what they need (issue 14)

def test_fields_and_layers_leave_out_what_was_not_asked(client: TestClient, net_id: str) -> None:
    x = [[0.5, -0.25], [1.0, 2.0]]
    full = client.post(f"/api/networks/{net_id}/forward", json={"inputs": x}).json()
    assert full["layers"][0] == {"a": x}  # the input layer has only a: no null z
    assert set(full["layers"][1]) == {"a", "z", "g_prime"} and "delta" not in full["layers"][2]
    only_a = client.post(f"/api/networks/{net_id}/forward", json={"inputs": x, "fields": ["a"]}).json()
    assert [set(layer) for layer in only_a["layers"]] == [{"a"}, {"a"}, {"a"}]
    assert only_a["layers"][2]["a"] == full["layers"][2]["a"]
    out = client.post(f"/api/networks/{net_id}/forward", json={"inputs": x, "layers": [2], "fields": ["z", "a"]}).json()
    assert out["layers"][:2] == [{}, {}] and out["layers"][2] == {k: full["layers"][2][k] for k in ("a", "z")}
    assert out["cost"] is None and out["sample_costs"] is None  # no targets: as without a selection


def test_backward_and_step_take_the_same_selection(client: TestClient, net_id: str) -> None:
    body = {"inputs": [[0.5, -0.25]], "targets": [[1.0]]}
    full = client.post(f"/api/networks/{net_id}/backward", json=body).json()
    part = client.post(f"/api/networks/{net_id}/backward", json={**body, "fields": ["delta"], "layers": [1]}).json()
    assert part["layers"] == [{}, {"delta": full["layers"][1]["delta"]}, {}]
    assert {k: part[k] for k in ("cost", "sample_costs", "cost_grad", "gradients")} == \
           {k: full[k] for k in ("cost", "sample_costs", "cost_grad", "gradients")}
    step = client.post(f"/api/networks/{net_id}/step", json={**body, "fields": ["a"], "layers": [2]}).json()
    assert step["layers"] == [{}, {}, {"a": full["layers"][2]["a"]}] and step["network"]["steps"] == 1


@pytest.mark.parametrize(("path", "extra", "says"), [
    ("forward", {"fields": ["delta"]}, "fields"),  # delta needs targets: /backward or /step
    ("forward", {"fields": ["b"]}, "fields"),
    ("backward", {"fields": "a"}, "fields"),
    ("forward", {"layers": [-1]}, "layers"),
    ("forward", {"layers": [3]}, "this network has layers 0..2"),
    ("step", {"layers": [9]}, "this network has layers 0..2"),
])
def test_a_bad_selection_is_422_and_changes_nothing(client: TestClient, net_id: str, path: str, extra: dict,
                                                   says: str) -> None:
    r = client.post(f"/api/networks/{net_id}/{path}", json={"inputs": [[0.5, 1]], "targets": [[1.0]], **extra})
    assert r.status_code == 422, r.text
    assert says in str(r.json()["detail"])
    assert client.get(f"/api/networks/{net_id}").json()["steps"] == 0
