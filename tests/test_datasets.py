"""Regression sets, feature inputs and held-out test samples (issue 17, parts 2 and 4), checked
against plain-Python computations of Playground's definitions (tensorflow/playground
src/dataset.ts: regressPlane, regressGaussian; src/playground.ts: INPUTS)."""

from __future__ import annotations

import math

import pytest
from fastapi.testclient import TestClient


def get(client: TestClient, name: str, **params: object) -> dict:
    r = client.get(f"/api/datasets/{name}", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def playground_bumps(x1: float, x2: float) -> float:
    """regressGaussian on Playground's [-6, 6]^2: the label of largest magnitude of six linear bumps."""
    x, y, label = 6 * x1, 6 * x2, 0.0
    for cx, cy, sign in ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)):
        d = math.hypot(x - cx, y - cy)
        new = sign * min(1.0, max(0.0, 1 - d / 2))  # d3.scale.linear().domain([0, 2]).range([1, 0]).clamp(true)
        if abs(new) > abs(label):
            label = new
    return label


def test_regression_sets_are_listed_with_their_task(client: TestClient) -> None:
    info = {d["name"]: d for d in client.get("/api/datasets").json()}
    assert info["plane"]["task"] == info["bumps"]["task"] == "regression"
    assert info["spiral"]["task"] == "classification"
    assert [f["name"] for f in info["spiral"]["features"]] == ["x1", "x2", "x1_sq", "x2_sq", "x1_x2", "sin_x1",
                                                               "sin_x2"]
    assert info["spiral"]["features"][2]["label"] == "x1²"


def test_plane_without_noise_is_the_plane(client: TestClient) -> None:
    d = get(client, "plane", samples=100, noise=0, seed=2)
    assert d["task"] == "regression" and d["points"] == d["inputs"]
    for (x1, x2), (t,) in zip(d["points"], d["targets"]):
        assert -1 <= x1 <= 1 and -1 <= x2 <= 1
        assert t == pytest.approx((6 * x1 + 6 * x2) / 10)  # Playground's (x + y) / 10 on [-6, 6]


def test_plane_noise_moves_the_labelled_point(client: TestClient) -> None:
    # the label is taken at the point moved by noise x U(-1, 1) per coordinate: |t - 0.6 (x1 + x2)| <= 1.2 noise
    d = get(client, "plane", samples=200, noise=0.3, seed=2)
    off = [abs(t - 0.6 * (x1 + x2)) for (x1, x2), (t,) in zip(d["points"], d["targets"])]
    assert max(off) <= 1.2 * 0.3 + 1e-12 and max(off) > 0.2


def test_bumps_without_noise_match_playground(client: TestClient) -> None:
    d = get(client, "bumps", samples=300, noise=0, seed=5)
    values = [t for (t,) in d["targets"]]
    for (x1, x2), t in zip(d["points"], values):
        assert t == pytest.approx(playground_bumps(x1, x2), abs=1e-12)
    assert max(values) > 0.5 and min(values) < -0.5 and values.count(0.0) > 30  # bumps of both signs, flat between


def test_feature_columns(client: TestClient) -> None:
    names = ["x1_sq", "x2_sq", "x1_x2", "sin_x1", "sin_x2", "x1"]
    d = get(client, "circle", samples=40, seed=1, features=names)
    assert d["features"] == names
    for (x1, x2), row in zip(d["points"], d["inputs"]):
        assert row == pytest.approx([x1 * x1, x2 * x2, x1 * x2, math.sin(x1), math.sin(x2), x1], abs=1e-15)
    r = client.post("/api/features", json={"points": [[0.5, -2.0]], "features": ["x2", "x1_x2", "sin_x2"]})
    assert r.status_code == 200
    assert r.json() == {"features": ["x2", "x1_x2", "sin_x2"], "inputs": [[-2.0, -1.0, math.sin(-2.0)]]}


@pytest.mark.parametrize("params,says", [
    ({"features": ["x1", "x1"]}, "once"),
    ({"features": ["x3"]}, "x1_sq"),
    ({"test_share": 0.95}, "less than or equal to 0.9"),
])
def test_bad_dataset_requests(client: TestClient, params: dict, says: str) -> None:
    r = client.get("/api/datasets/circle", params=params)
    assert r.status_code == 422 and says in r.text


def test_features_need_2d_points(client: TestClient) -> None:
    r = client.post("/api/features", json={"points": [[1, 2, 3]], "features": ["x1"]})
    assert r.status_code == 422 and "2-D points" in r.json()["detail"]


def test_test_share_holds_out_a_seeded_part(client: TestClient) -> None:
    full = get(client, "moons", samples=50, seed=9)
    d = get(client, "moons", samples=50, seed=9, test_share=0.3)
    assert len(d["test_inputs"]) == 15 and len(d["inputs"]) == 35
    assert len(d["test_targets"]) == 15 and d["test_points"] == d["test_inputs"]
    whole = sorted(map(tuple, full["inputs"]))
    assert sorted(map(tuple, d["inputs"] + d["test_inputs"])) == whole  # a partition of the same samples
    pairs = dict(zip(map(tuple, full["inputs"]), map(tuple, full["targets"])))
    assert all(pairs[tuple(p)] == tuple(t) for p, t in zip(d["test_inputs"], d["test_targets"]))
    assert get(client, "moons", samples=50, seed=9, test_share=0.3) == d
    assert get(client, "moons", samples=50, seed=9)["test_inputs"] == []
    r = client.get("/api/datasets/xor", params={"test_share": 0.1})  # round(4 x 0.1) = 0: nothing held out
    assert r.status_code == 200 and r.json()["test_inputs"] == []


def test_a_linear_output_learns_the_plane(client: TestClient) -> None:
    d = get(client, "plane", samples=100, noise=0, seed=0)
    net = client.post("/api/networks", json={"layer_sizes": [2, 1], "output_activation": "linear", "loss": "mse",
                                             "learning_rate": 0.5, "seed": 1}).json()
    r = client.post(f"/api/networks/{net['id']}/train", json={"inputs": d["inputs"], "targets": d["targets"],
                                                              "epochs": 300})
    w, b = r.json()["network"]["weights"][0][0], r.json()["network"]["biases"][0][0]
    assert w == pytest.approx([0.6, 0.6], abs=1e-4) and b == pytest.approx(0.0, abs=1e-4)
