"""The REST contract of issue 2, checked against independent numpy and hand-computed numbers."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.api.deps import get_store
from app.main import app
from app.store import SQLiteStore

XOR = {"inputs": [[0, 0], [0, 1], [1, 0], [1, 1]], "targets": [[0], [1], [1], [0]]}
LECTURE = {"layer_sizes": [1, 1, 1], "weights": [[[0.0]], [[-0.482]]], "biases": [[0.0], [0.0]]}


def sig(v: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-v))


def numpy_step(w: list, b: list, x: np.ndarray, y: np.ndarray, lr: float) -> tuple[list, list]:
    """An independent sigmoid/MSE full-batch step, written out per the lecture."""
    w = [np.array(m, dtype=float) for m in w]
    b = [np.array(v, dtype=float) for v in b]
    acts = [x]
    for wl, bl in zip(w, b):
        acts.append(sig(acts[-1] @ wl.T + bl))
    delta = (acts[-1] - y) * acts[-1] * (1 - acts[-1])
    new_w, new_b = [None] * len(w), [None] * len(b)
    for l in range(len(w) - 1, -1, -1):
        new_w[l] = w[l] - lr * delta.T @ acts[l] / len(x)
        new_b[l] = b[l] - lr * delta.mean(axis=0)
        delta = (delta @ w[l]) * acts[l] * (1 - acts[l])
    return new_w, new_b


def create(client: TestClient, **body: object) -> dict:
    r = client.post("/api/networks", json={"layer_sizes": [2, 3, 1], "seed": 7, **body})
    assert r.status_code == 201, r.text
    return r.json()


def test_health(client: TestClient) -> None:
    assert client.get("/api/health").json() == {"status": "ok"}


def test_create_defaults_and_seed(client: TestClient) -> None:
    net = create(client)
    assert (net["hidden_activation"], net["output_activation"], net["loss"]) == ("sigmoid", "sigmoid", "mse")
    assert (net["learning_rate"], net["l2"], net["steps"]) == (0.5, 0.0, 0)
    assert np.array(net["weights"][0]).shape == (3, 2) and np.array(net["weights"][1]).shape == (1, 3)
    assert net["biases"] == [[0.0, 0.0, 0.0], [0.0]]
    again = create(client)
    assert again["weights"] == net["weights"] and again["id"] != net["id"]
    assert create(client, seed=8)["weights"] != net["weights"]
    assert client.get(f"/api/networks/{net['id']}").json() == net


def test_forward_matches_numpy(client: TestClient) -> None:
    net = create(client)
    x = np.array(XOR["inputs"], dtype=float)
    r = client.post(f"/api/networks/{net['id']}/forward", json={"inputs": XOR["inputs"]}).json()
    assert "cost" not in r or r["cost"] is None
    assert r["layers"][0]["a"] == XOR["inputs"] and r["layers"][0].get("z") is None
    a = x
    for l, (w, b) in enumerate(zip(net["weights"], net["biases"]), start=1):
        z = a @ np.array(w).T + np.array(b)
        a = sig(z)
        np.testing.assert_allclose(r["layers"][l]["z"], z, rtol=1e-13)
        np.testing.assert_allclose(r["layers"][l]["a"], a, rtol=1e-13)
        np.testing.assert_allclose(r["layers"][l]["g_prime"], a * (1 - a), rtol=1e-12)
    with_cost = client.post(f"/api/networks/{net['id']}/forward", json=XOR).json()
    expected = np.mean(0.5 * (a - np.array(XOR["targets"])) ** 2)
    assert with_cost["cost"] == pytest.approx(expected, rel=1e-12)


def test_lecture_example_through_the_api(client: TestClient) -> None:
    net = client.post("/api/networks", json=LECTURE).json()
    r = client.post(f"/api/networks/{net['id']}/backward", json={"inputs": [[1.0]], "targets": [[1.0]]}).json()
    out = r["layers"][2]
    assert round(out["z"][0][0], 4) == -0.241 and round(out["a"][0][0], 2) == 0.44
    assert round(r["cost"], 4) == 0.1568 and round(out["g_prime"][0][0], 4) == 0.2464
    a = 1 / (1 + math.exp(0.241))
    assert round(out["delta"][0][0], 4) == round((a - 1) * a * (1 - a), 4) == -0.138
    chain = (a - 1) * a * (1 - a) * -0.482 * 0.25 * 1.0
    assert r["gradients"]["weights"][0][0][0] == pytest.approx(chain, rel=1e-12)


def test_step_returns_before_and_after(client: TestClient) -> None:
    net = create(client, learning_rate=0.8)
    back = client.post(f"/api/networks/{net['id']}/backward", json=XOR).json()
    r = client.post(f"/api/networks/{net['id']}/step", json=XOR).json()
    assert r["cost"] == back["cost"] and r["gradients"] == back["gradients"]
    w, b = numpy_step(net["weights"], net["biases"], np.array(XOR["inputs"], float), np.array(XOR["targets"], float), 0.8)
    stored = client.get(f"/api/networks/{net['id']}").json()
    assert stored == r["network"] and stored["steps"] == 1
    for l in range(2):
        np.testing.assert_allclose(stored["weights"][l], w[l], rtol=1e-12)
        np.testing.assert_allclose(stored["biases"][l], b[l], rtol=1e-12, atol=1e-15)
    once = client.post(f"/api/networks/{net['id']}/step", json={**XOR, "learning_rate": 0.01}).json()["network"]
    assert once["learning_rate"] == 0.8 and once["steps"] == 2  # a per-step rate does not stick


def test_xor_learns_by_steps_and_by_train(client: TestClient) -> None:
    body = {"layer_sizes": [2, 4, 1], "loss": "bce", "learning_rate": 1.0, "seed": 1}
    by_steps = client.post("/api/networks", json=body).json()
    for _ in range(1500):
        cost = client.post(f"/api/networks/{by_steps['id']}/step", json=XOR).json()["cost"]
    final = client.post(f"/api/networks/{by_steps['id']}/forward", json=XOR).json()["cost"]
    assert cost < 0.06 and final < 0.05
    trained = client.post("/api/networks", json=body).json()
    r = client.post(f"/api/networks/{trained['id']}/train", json={**XOR, "epochs": 1500}).json()
    assert len(r["costs"]) == 1500 and r["costs"][-1] < 0.05 and r["network"]["steps"] == 1500
    assert r["costs"][-1] == pytest.approx(final, rel=1e-9)  # the same 1500 updates either way
    outputs = client.post(f"/api/networks/{trained['id']}/forward", json=XOR).json()["layers"][-1]["a"]
    assert [round(o[0]) for o in outputs] == [0, 1, 1, 0]


def test_minibatch_train(client: TestClient) -> None:
    net = create(client)
    ds = client.get("/api/datasets/moons", params={"samples": 40, "seed": 2}).json()
    r = client.post(f"/api/networks/{net['id']}/train",
                    json={"inputs": ds["inputs"], "targets": ds["targets"], "epochs": 5, "batch_size": 16}).json()
    assert r["network"]["steps"] == 15 and len(r["costs"]) == 5


def test_patch_and_delete(client: TestClient) -> None:
    net = create(client)
    r = client.patch(f"/api/networks/{net['id']}", json={"learning_rate": 0.1, "l2": 0.01,
                                                          "weights": [[[1, 2], [3, 4], [5, 6]], [[7, 8, 9]]]})
    assert r.status_code == 200 and r.json()["weights"][1] == [[7.0, 8.0, 9.0]] and r.json()["l2"] == 0.01
    bad = client.patch(f"/api/networks/{net['id']}", json={"learning_rate": 0.2, "weights": [[[1, 2]], [[7, 8, 9]]]})
    assert bad.status_code == 422 and "weights[0]" in bad.json()["detail"]
    assert client.get(f"/api/networks/{net['id']}").json() == r.json()  # nothing half-changed
    assert client.delete(f"/api/networks/{net['id']}").status_code == 204
    for method, path in [("get", ""), ("delete", ""), ("patch", ""), ("post", "/forward"), ("post", "/step")]:
        resp = client.request(method, f"/api/networks/{net['id']}{path}", json=XOR if path else {"l2": 0})
        assert resp.status_code == 404 and "no network" in resp.json()["detail"]


@pytest.mark.parametrize("body,where", [
    ({"layer_sizes": [2]}, "layer_sizes"),
    ({"layer_sizes": [2, 0, 1]}, "layer_sizes"),
    ({"layer_sizes": [2, 2], "hidden_activation": "softplus"}, "hidden_activation"),
    ({"layer_sizes": [2, 2], "learning_rate": 0}, "learning_rate"),
    ({"layer_sizes": [2, 2], "l2": -1}, "l2"),
    ({"layer_sizes": [2, 2], "seed": False}, "seed"),
    ({"layer_sizes": [2, 2], "seed": "3"}, "seed"),
    ({"layer_sizes": [2, 2], "learnin_rate": 0.1}, "learnin_rate"),
    ({"layer_sizes": [2, 2], "weights": [[[1, 2], [3]]]}, "weights"),
])
def test_bad_create_is_422_with_location(client: TestClient, body: dict, where: str) -> None:
    r = client.post("/api/networks", json=body)
    assert r.status_code == 422
    assert any(where in map(str, e["loc"]) for e in r.json()["detail"]), r.json()


@pytest.mark.parametrize("body,says", [
    ({"layer_sizes": [2, 2], "loss": "bce", "output_activation": "linear"}, "sigmoid"),
    ({"layer_sizes": [2, 2], "loss": "cross_entropy"}, "softmax"),
    ({"layer_sizes": [2, 3, 1], "output_activation": "softmax", "loss": "cross_entropy"}, "at least 2 neurons"),
    ({"layer_sizes": [2, 2], "weights": [[[1, 2, 3], [4, 5, 6]]]}, "shape (2, 2)"),
    ({"layer_sizes": [2, 2], "biases": [[1, 2, 3]]}, "2 entries"),
    ({"layer_sizes": [1000, 1000, 10]}, "parameters"),
])
def test_bad_create_says_why(client: TestClient, body: dict, says: str) -> None:
    r = client.post("/api/networks", json=body)
    assert r.status_code == 422 and says in r.json()["detail"]


@pytest.mark.parametrize("raw", [
    '{"inputs": [[NaN, 1]], "targets": [[1]]}',
    '{"inputs": [[Infinity, 1]], "targets": [[1]]}',
    '{"inputs": [[1e400, 1]], "targets": [[1]]}',
    '{"inputs": [[1, 1], [1]], "targets": [[1], [0]]}',
    '{"inputs": [[1, 1, 1]], "targets": [[1]]}',
    '{"inputs": [[1, 1]], "targets": [[1, 0]]}',
    '{"inputs": [[1, 1]], "targets": [[1], [0]]}',
    '{"inputs": [["a", 1]], "targets": [[1]]}',
    '{"inputs": [[true, 1]], "targets": [[1]]}',
    '{"inputs": [], "targets": []}',
    '{"inputs": [[1, 1]]}',
    '{"inputs": [[0, 1]], "targets": [[1]], "learning_rate": -1}',
])
def test_bad_pass_input_is_422_and_changes_nothing(client: TestClient, raw: str) -> None:
    net = create(client)
    for path in ("backward", "step", "train"):
        body = raw if path != "train" else raw[:-1] + ', "epochs": 1}'
        r = client.post(f"/api/networks/{net['id']}/{path}", content=body, headers={"content-type": "application/json"})
        assert r.status_code == 422, (path, raw, r.text)
        assert r.json()["detail"]
    assert client.get(f"/api/networks/{net['id']}").json() == net


def test_diverging_step_is_refused_unchanged(client: TestClient) -> None:
    net = client.post("/api/networks", json={"layer_sizes": [1, 1], "output_activation": "linear",
                                             "weights": [[[1e300]]], "biases": [[0]]}).json()
    r = client.post(f"/api/networks/{net['id']}/step", json={"inputs": [[1e5]], "targets": [[0]], "learning_rate": 1000})
    assert r.status_code == 422
    assert "non-finite" in r.json()["detail"] or "overflow" in r.json()["detail"]
    assert client.get(f"/api/networks/{net['id']}").json() == net


def test_train_that_blows_up_stops_before(client: TestClient) -> None:
    net = client.post("/api/networks", json={"layer_sizes": [1, 1], "output_activation": "linear",
                                             "weights": [[[1.0]]], "biases": [[0]], "learning_rate": 900}).json()
    r = client.post(f"/api/networks/{net['id']}/train", json={"inputs": [[3.0]], "targets": [[0]], "epochs": 500})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["stopped"] and len(body["costs"]) < 500
    assert all(math.isfinite(c) for c in body["costs"])
    assert all(math.isfinite(v) for v in body["network"]["weights"][0][0])


def test_train_work_is_bounded(client: TestClient) -> None:
    net = create(client)
    x = [[0.0, 0.0]] * 1000
    r = client.post(f"/api/networks/{net['id']}/train", json={"inputs": x, "targets": [[0.0]] * 1000, "epochs": 5000})
    assert r.status_code == 422 and "samples x epochs" in r.json()["detail"]
    r = client.post(f"/api/networks/{net['id']}/train", json={**XOR, "epochs": 10_001})
    assert r.status_code == 422


def test_datasets(client: TestClient) -> None:
    names = {d["name"] for d in client.get("/api/datasets").json()}
    assert {"xor", "and", "or", "circle", "gaussian", "spiral", "moons"} <= names
    assert client.get("/api/datasets/xor").json()["targets"] == [[0.0], [1.0], [1.0], [0.0]]
    assert client.get("/api/datasets/and").json()["targets"] == [[0.0], [0.0], [0.0], [1.0]]
    assert client.get("/api/datasets/or").json()["targets"] == [[0.0], [1.0], [1.0], [1.0]]
    for name in ("circle", "gaussian", "spiral", "moons"):
        a = client.get(f"/api/datasets/{name}", params={"samples": 50, "noise": 0.2, "seed": 3}).json()
        b = client.get(f"/api/datasets/{name}", params={"samples": 50, "noise": 0.2, "seed": 3}).json()
        c = client.get(f"/api/datasets/{name}", params={"samples": 50, "noise": 0.2, "seed": 4}).json()
        assert a == b and a != c and len(a["inputs"]) == 50 and all(len(p) == 2 for p in a["inputs"])
        labels = {t[0] for t in a["targets"]}
        assert labels == {0.0, 1.0}
    assert client.get("/api/datasets/nope").status_code == 404
    assert client.get("/api/datasets/moons", params={"samples": 10**6}).status_code == 422


def test_store_survives_restart(tmp_path: Path) -> None:
    path = str(tmp_path / "restart.sqlite")
    first = SQLiteStore(path)
    app.dependency_overrides[get_store] = lambda: first
    try:
        client = TestClient(app)
        net = create(client)
        stepped = client.post(f"/api/networks/{net['id']}/step", json=XOR).json()["network"]
        first.close()
        second = SQLiteStore(path)
        app.dependency_overrides[get_store] = lambda: second
        assert client.get(f"/api/networks/{net['id']}").json() == stepped
        second.close()
    finally:
        app.dependency_overrides.clear()


def test_concurrent_steps_are_serialised(client: TestClient) -> None:
    net = create(client, learning_rate=0.3)
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda _: client.post(f"/api/networks/{net['id']}/step", json=XOR).status_code,
                              range(60)))
    assert codes == [200] * 60
    final = client.get(f"/api/networks/{net['id']}").json()
    assert final["steps"] == 60
    w, b = net["weights"], net["biases"]
    x, y = np.array(XOR["inputs"], float), np.array(XOR["targets"], float)
    for _ in range(60):
        w, b = numpy_step(w, b, x, y, 0.3)
    for l in range(2):
        np.testing.assert_allclose(final["weights"][l], w[l], rtol=1e-10)


def test_least_recently_used_is_evicted(tmp_path: Path) -> None:
    small = SQLiteStore(str(tmp_path / "lru.sqlite"), max_networks=3, touch_interval=0, keep_recent=0)
    app.dependency_overrides[get_store] = lambda: small
    try:
        client = TestClient(app)
        ids = [create(client)["id"] for _ in range(3)]
        client.get(f"/api/networks/{ids[0]}")  # now ids[1] is the least recently used
        ids.append(create(client)["id"])
        assert client.get(f"/api/networks/{ids[1]}").status_code == 404
        assert all(client.get(f"/api/networks/{i}").status_code == 200 for i in (ids[0], ids[2], ids[3]))
    finally:
        app.dependency_overrides.clear()
        small.close()


def test_openapi_shows_limits(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    text = str(spec)
    for limit in ("'maxItems': 10000", "'maxItems': 1024", "'maximum': 10000", "'maxItems': 10"):
        assert limit in text, limit
    assert {"/api/networks", "/api/networks/{network_id}/step", "/api/networks/{network_id}/train"} <= set(spec["paths"])


def test_inputs_and_targets_are_limited_to_the_documented_range(client: TestClient) -> None:
    # the page reads the same limit from /openapi.json to refuse pasted data before sending it
    net = client.post("/api/networks", json={"layer_sizes": [2, 1], "seed": 1}).json()
    forward = client.get("/openapi.json").json()["paths"]["/api/networks/{network_id}/forward"]["post"]
    limit = forward["requestBody"]["content"]["application/json"]["schema"]["properties"]["inputs"]
    assert limit["items"]["items"]["maximum"] == 1e12 and limit["items"]["items"]["minimum"] == -1e12
    ok = client.post(f"/api/networks/{net['id']}/forward", json={"inputs": [[1e12, -1e12]], "targets": [[1]]})
    assert ok.status_code == 200, ok.text
    for body in ({"inputs": [[1e308, 0]], "targets": [[1]]}, {"inputs": [[0, 0]], "targets": [[-2e12]]}):
        r = client.post(f"/api/networks/{net['id']}/backward", json=body)
        assert r.status_code == 422 and "1000000000000" in r.json()["detail"][0]["msg"], r.text


@pytest.mark.parametrize("extra", [{"hidden_activation": "tanh"}, {"layer_sizes": [2, 5, 1], "seed": 3},
                                   {"output_activation": "linear", "learning_rate": 0.1}, {"steps": 0}])
def test_patch_of_a_fixed_field_says_what_can_change_and_how(client: TestClient, extra: dict) -> None:
    net = create(client)
    r = client.patch(f"/api/networks/{net['id']}", json=extra)
    assert r.status_code == 422
    (error,) = r.json()["detail"]
    fixed = ", ".join(sorted(k for k in extra if k != "learning_rate"))
    # the textbook conventions (issue 17: loss mse/sse, batch_reduction, l2_biases) change in place too
    assert error["msg"].startswith(f"{fixed} cannot be changed in place: PATCH changes only learning_rate, l2, "
                                   "loss, batch_reduction, l2_biases, weights, biases.")
    assert "create a new network (POST /api/networks), e.g. with this one's current weights" in error["msg"]
    assert client.get(f"/api/networks/{net['id']}").json() == net  # nothing half-changed
