"""Gradient check: backprop against central differences, through the API, and the numerical
gradient itself against a hand computation in plain Python."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.limits import MAX_CHECK_PARAMETER_SAMPLES, MAX_CHECK_PARAMETERS
from app.nn.gradcheck import relative_error
from reference import targets_for

PAIRS = [("sigmoid", "mse"), ("linear", "mse"), ("softmax", "mse"), ("sigmoid", "bce"),
         ("softmax", "cross_entropy")]
SMOOTH = ["sigmoid", "tanh", "linear"]


def create(client: TestClient, **body: object) -> dict:
    r = client.post("/api/networks", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def flat(values: dict) -> np.ndarray:
    return np.concatenate([np.ravel(w) for w in values["weights"]] + [np.ravel(b) for b in values["biases"]])


@pytest.mark.parametrize("hidden,output,loss", [(h, o, loss) for h, (o, loss) in itertools.product(SMOOTH, PAIRS)])
def test_backprop_agrees_with_central_differences(client: TestClient, hidden: str, output: str, loss: str) -> None:
    for seed in range(3):
        rng = np.random.default_rng([seed, len(hidden), len(output), len(loss)])
        sizes = [int(rng.integers(1, 4)), *rng.integers(1, 5, size=int(rng.integers(1, 4))).tolist(),
                 int(rng.integers(2, 4))]
        net = create(client, layer_sizes=sizes, hidden_activation=hidden, output_activation=output, loss=loss,
                     l2=float(rng.uniform(0.01, 0.5)), seed=seed)
        m = int(rng.integers(1, 6))
        body = {"inputs": rng.normal(0, 1, (m, sizes[0])).tolist(), "targets": targets_for(output, m, sizes[-1], rng).tolist()}
        r = client.post(f"/api/networks/{net['id']}/gradient-check", json=body)
        assert r.status_code == 200, r.text
        check = r.json()
        errors = flat(check["relative_error"])
        assert len(errors) == sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
        assert errors.max() < 1e-6 and check["max_relative_error"] == errors.max()
        backward = client.post(f"/api/networks/{net['id']}/backward", json=body).json()
        assert flat(check["backprop"]) == pytest.approx(flat(backward["gradients"]), rel=0, abs=0)
        assert check["cost"] == backward["cost"]


def test_small_gradients_of_a_deep_sigmoid_net_agree_too(client: TestClient) -> None:
    """Six sigmoid layers: early gradients are ~1e-6 or smaller, where the rounding of a float64
    cost would dominate central differences; the extended-precision check still agrees."""
    rng = np.random.default_rng(11)
    net = create(client, layer_sizes=[2, 6, 6, 6, 6, 6, 1], seed=3)
    body = {"inputs": rng.normal(0, 1, (20, 2)).tolist(), "targets": rng.uniform(0, 1, (20, 1)).tolist()}
    check = client.post(f"/api/networks/{net['id']}/gradient-check", json=body).json()
    assert np.abs(flat(check["backprop"])).min() < 1e-6
    assert check["max_relative_error"] < 1e-6


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def test_numerical_gradient_equals_a_hand_computation(client: TestClient) -> None:
    """A 1-1-1 sigmoid net, two samples, squared error and L2, written out in plain Python."""
    w1, b1, w2, b2, lam = 0.8, -0.3, -1.4, 0.25, 0.2
    xs, ys = [0.5, -1.5], [1.0, 0.0]

    def cost(w1: float, b1: float, w2: float, b2: float) -> float:
        per = [0.5 * (sigmoid(w2 * sigmoid(w1 * x + b1) + b2) - y) ** 2 for x, y in zip(xs, ys)]
        return sum(per) / 2 + lam / (2 * 2) * (w1 * w1 + w2 * w2)

    eps = 1e-4
    params = [w1, b1, w2, b2]
    by_hand = []
    for i in range(4):
        up, down = list(params), list(params)
        up[i] += eps
        down[i] -= eps
        by_hand.append((cost(*up) - cost(*down)) / (2 * eps))
    # The chain rule by hand, per sample, then averaged: the exact gradient.
    exact = [0.0] * 4
    for x, y in zip(xs, ys):
        a1 = sigmoid(w1 * x + b1)
        a2 = sigmoid(w2 * a1 + b2)
        d2 = (a2 - y) * a2 * (1 - a2)
        d1 = w2 * d2 * a1 * (1 - a1)
        for i, g in enumerate([d1 * x, d1, d2 * a1, d2]):
            exact[i] += g / 2
    exact[0] += lam / 2 * w1
    exact[2] += lam / 2 * w2

    net = create(client, layer_sizes=[1, 1, 1], l2=lam, weights=[[[w1]], [[w2]]], biases=[[b1], [b2]])
    r = client.post(f"/api/networks/{net['id']}/gradient-check",
                    json={"inputs": [[x] for x in xs], "targets": [[y] for y in ys], "epsilon": eps})
    assert r.status_code == 200, r.text
    check = r.json()
    numerical = [check["numerical"]["weights"][0][0][0], check["numerical"]["biases"][0][0],
                 check["numerical"]["weights"][1][0][0], check["numerical"]["biases"][1][0]]
    backprop = [check["backprop"]["weights"][0][0][0], check["backprop"]["biases"][0][0],
                check["backprop"]["weights"][1][0][0], check["backprop"]["biases"][1][0]]
    assert numerical == pytest.approx(by_hand, rel=1e-9, abs=1e-13)
    assert backprop == pytest.approx(exact, rel=1e-12)
    # eps = 1e-4 leaves a truncation error of order eps^2: visible, but far below 1e-6.
    assert numerical == pytest.approx(exact, rel=1e-6)
    assert check["epsilon"] == eps
    assert check["cost"] == pytest.approx(cost(*params), rel=1e-12)


def test_relative_error_definition() -> None:
    a = np.array([1.0, 1.0, 0.0, 2.0, 0.0, -3.0])
    b = np.array([1.0, -1.0, 0.0, 1.0, 5e-9, -3.0000003])
    assert relative_error(a, b) == pytest.approx([0.0, 1.0, 0.0, 1 / 3, 1.0, 0.0000003 / 6.0000003], rel=1e-9)


def test_a_broken_gradient_is_caught(client: TestClient) -> None:
    """relu at a kink: backprop takes g'(0) = 0, the two one-sided slopes differ, the check says so."""
    net = create(client, layer_sizes=[1, 1, 1], hidden_activation="relu", output_activation="linear",
                 weights=[[[1.0]], [[1.0]]], biases=[[0.0], [0.0]])
    r = client.post(f"/api/networks/{net['id']}/gradient-check", json={"inputs": [[0.0]], "targets": [[1.0]]})
    check = r.json()
    # C = 1/2 (relu(b1) - 1)^2 at b1 = 0: backprop says 0, central differences say -1/2.
    assert check["backprop"]["biases"][0] == [0.0]
    assert check["numerical"]["biases"][0][0] == pytest.approx(-0.5, abs=1e-4)
    assert check["relative_error"]["biases"][0] == [1.0]
    assert check["max_relative_error"] == 1.0


def test_the_check_changes_nothing(client: TestClient) -> None:
    net = create(client, layer_sizes=[2, 3, 1], seed=4)
    r = client.post(f"/api/networks/{net['id']}/gradient-check",
                    json={"inputs": [[0, 1], [1, 0]], "targets": [[1], [1]]})
    assert r.status_code == 200
    assert client.get(f"/api/networks/{net['id']}").json() == net


def test_too_much_work_is_refused(client: TestClient) -> None:
    big = create(client, layer_sizes=[40, 40, 10], seed=1)  # 2,050 parameters
    assert 40 * 40 + 40 + 40 * 10 + 10 > MAX_CHECK_PARAMETERS
    r = client.post(f"/api/networks/{big['id']}/gradient-check", json={"inputs": [[0.0] * 40], "targets": [[0.0] * 10]})
    assert r.status_code == 422
    assert "2050 parameters" in r.json()["detail"] and str(MAX_CHECK_PARAMETERS) in r.json()["detail"]

    net = create(client, layer_sizes=[2, 30, 1], seed=1)  # 121 parameters
    m = MAX_CHECK_PARAMETER_SAMPLES // 121 + 1
    r = client.post(f"/api/networks/{net['id']}/gradient-check", json={"inputs": [[0.0, 1.0]] * m, "targets": [[1.0]] * m})
    assert r.status_code == 422
    assert f"121 x {m}" in r.json()["detail"] and "fewer samples" in r.json()["detail"]


@pytest.mark.parametrize("body,where", [
    ({"inputs": [[0, 1]], "targets": [[1]], "epsilon": 0}, "epsilon"),
    ({"inputs": [[0, 1]], "targets": [[1]], "epsilon": 1.0}, "epsilon"),
    ({"inputs": [[0, 1]], "targets": [[1]], "extra": 1}, "extra"),
    ({"inputs": [[0, 1]]}, "targets"),
])
def test_bad_requests_are_422(client: TestClient, body: dict, where: str) -> None:
    net = create(client, layer_sizes=[2, 2, 1], seed=1)
    r = client.post(f"/api/networks/{net['id']}/gradient-check", json=body)
    assert r.status_code == 422
    assert any(where in e["loc"] for e in r.json()["detail"])


def test_wrong_shapes_and_unknown_network(client: TestClient) -> None:
    net = create(client, layer_sizes=[2, 2, 1], seed=1)
    r = client.post(f"/api/networks/{net['id']}/gradient-check", json={"inputs": [[0, 1, 2]], "targets": [[1]]})
    assert r.status_code == 422 and "inputs must be" in r.json()["detail"]
    r = client.post(f"/api/networks/{net['id']}/gradient-check", json={"inputs": [[0, 1]], "targets": [[1, 0]]})
    assert r.status_code == 422 and "targets must be" in r.json()["detail"]
    r = client.post("/api/networks/nope/gradient-check", json={"inputs": [[0, 1]], "targets": [[1]]})
    assert r.status_code == 404


def test_non_finite_costs_are_a_clear_422(client: TestClient) -> None:
    """A linear output with huge weights overflows the squared error: no NaN is ever served."""
    net = create(client, layer_sizes=[1, 1, 1], hidden_activation="linear", output_activation="linear",
                 weights=[[[1e200]], [[1e200]]], biases=[[0.0], [0.0]])
    r = client.post(f"/api/networks/{net['id']}/gradient-check", json={"inputs": [[1.0]], "targets": [[0.0]]})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "overflows" in detail or "not finite" in detail
