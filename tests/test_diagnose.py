"""POST /api/networks/{id}/diagnose (issue 17, part 3): findings on healthy and on constructed
sick networks, each number checked against a hand computation or an independent one."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.nn import engine
from app.nn.diagnose import _rms
from reference import numeric_gradient

XOR = {"inputs": [[0, 0], [0, 1], [1, 0], [1, 1]], "targets": [[0], [1], [1], [0]]}


def sigmoid_prime(z: float) -> float:
    s = 1 / (1 + math.exp(-z))
    return s * (1 - s)


def make(client: TestClient, **body: object) -> dict:
    r = client.post("/api/networks", json={"seed": 1, **body})
    assert r.status_code == 201, r.text
    return r.json()


def diagnose(client: TestClient, net: dict, data: dict, **more: object) -> list[dict]:
    before = client.get(f"/api/networks/{net['id']}").json()
    r = client.post(f"/api/networks/{net['id']}/diagnose", json={**data, **more})
    assert r.status_code == 200, r.text
    assert client.get(f"/api/networks/{net['id']}").json() == before  # the stored network is not changed
    return r.json()["findings"]


def plateau(client: TestClient, net: dict, data: dict, costs: list[float]) -> bool:
    return client.post(f"/api/networks/{net['id']}/diagnose", json={**data, "costs": costs}).json()["plateau"]


def test_healthy_networks_get_no_findings(client: TestClient) -> None:
    preset = client.get("/api/presets/xor").json()
    net = client.post("/api/networks/import", json=preset).json()["network"]
    assert diagnose(client, net, XOR) == []  # fresh: small weights, cost falling
    costs = client.post(f"/api/networks/{net['id']}/train", json={**XOR, "epochs": 700}).json()["costs"]
    assert costs[-1] < 0.01
    assert diagnose(client, net, XOR, costs=costs) == []  # trained: fits, so no plateau either
    assert not plateau(client, net, XOR, costs[300:500])  # falling fast then
    gauss = client.get("/api/datasets/gaussian", params={"samples": 100}).json()
    tanh = make(client, layer_sizes=[2, 8, 1], hidden_activation="tanh", learning_rate=0.5)
    assert diagnose(client, tanh, {"inputs": gauss["inputs"], "targets": gauss["targets"]}) == []


def test_dead_relu(client: TestClient) -> None:
    # z_1 = -x1 - x2 - 0.5 <= -0.5 on [0, 1]^2: dead; z_0 = x1 + x2 and z_2 = (x1 - x2) / 2 are
    # positive for some sample, so alive.
    net = make(client, layer_sizes=[2, 3, 1], hidden_activation="relu", learning_rate=0.5,
               weights=[[[1, 1], [-1, -1], [0.5, -0.5]], [[0.3, 0.3, 0.3]]], biases=[[0, -0.5, 0], [0]])
    findings = diagnose(client, net, XOR)
    assert [f["kind"] for f in findings] == ["dead_relu"]
    f = findings[0]
    assert f["layer"] == 1 and f["neurons"] == [1]
    assert f["evidence"] == {"max_z": [-0.5], "samples": 4}  # the largest z, at x = (0, 0)
    assert "never learn" in f["suggestion"]


def test_saturated_sigmoids(client: TestClient) -> None:
    # z_0 = 30 (x1 + x2) + 10 in {10, 40, 40, 70}, z_1 its negative: g'(z) <= sigma'(10) = 4.54e-5
    # for every sample. The output is sigma(1 - 0) = 0.731 for every sample: the two y = 0 are wrong.
    net = make(client, layer_sizes=[2, 2, 1], learning_rate=0.5,
               weights=[[[30, 30], [-30, -30]], [[1, -1]]], biases=[[10, -10], [0]])
    findings = diagnose(client, net, XOR)
    assert [f["kind"] for f in findings] == ["saturated"]  # not also vanishing: saturation is the cause
    f = findings[0]
    assert f["layer"] == 1 and f["neurons"] == [0, 1]
    ev = f["evidence"]
    assert ev["saturated_share"] == [1.0, 1.0]
    assert ev["threshold"] == pytest.approx(0.0025)
    assert ev["max_g_prime"] == pytest.approx([sigmoid_prime(10), sigmoid_prime(10)], rel=1e-6)
    assert sigmoid_prime(10) == pytest.approx(4.5396e-5, rel=1e-4)


def test_saturated_output_with_bce_is_not_a_stall(client: TestClient) -> None:
    # sigmoid + bce: delta = a - y has no g' in it, so a saturated output still learns.
    net = make(client, layer_sizes=[2, 1], loss="bce", learning_rate=0.1, weights=[[[0, 0]]], biases=[[20]])
    assert all(f["kind"] != "saturated" for f in diagnose(client, net, XOR))


def test_learning_rate_too_high(client: TestClient) -> None:
    # One linear neuron, x = 1, y = 0, w = 1, b = 0: C = 1/2 (1)^2 = 0.5, dC/dw = dC/db = 1.
    # At alpha = 3: w = -2, b = -3, a = -5, C = 12.5. At alpha/4 = 0.75: a = 0.25 - 0.75 = -0.5, C = 0.125.
    net = make(client, layer_sizes=[1, 1], output_activation="linear", learning_rate=3,
               weights=[[[1]]], biases=[[0]])
    findings = diagnose(client, net, {"inputs": [[1]], "targets": [[0]]})
    assert [f["kind"] for f in findings] == ["learning_rate_too_high"]
    f = findings[0]
    assert f["layer"] is None and f["neurons"] == []
    assert f["evidence"] == pytest.approx({"learning_rate": 3.0, "cost_before": 0.5, "cost_after": 12.5,
                                           "diverged": False, "suggested_learning_rate": 0.75,
                                           "cost_after_suggested": 0.125})
    assert "0.75" in f["suggestion"]


def test_learning_rate_that_overflows(client: TestClient) -> None:
    # w = 1e152, x = 1, y = 0: one step moves a to 1e152 (1 - 2 alpha); at alpha = 1000 its square
    # overflows. The first alpha / 4^k with |1 - 2 alpha| < 1 is 1000 / 4^5 = 0.9765625.
    net = make(client, layer_sizes=[1, 1], output_activation="linear", learning_rate=1000,
               weights=[[[1e152]]], biases=[[0]])
    f = diagnose(client, net, {"inputs": [[1]], "targets": [[0]]})[0]
    assert f["kind"] == "learning_rate_too_high"
    assert f["evidence"]["diverged"] is True and "cost_after" not in f["evidence"]
    assert f["evidence"]["suggested_learning_rate"] == 1000 / 4**5
    a = 1e152 * (1 - 2 * 1000 / 4**5)
    assert f["evidence"]["cost_after_suggested"] == pytest.approx(0.5 * a * a, rel=1e-12)


def test_vanishing_gradient_in_a_deep_sigmoid_net(client: TestClient) -> None:
    net = make(client, layer_sizes=[2, 4, 4, 4, 4, 4, 4, 1], seed=3, learning_rate=0.5)
    findings = diagnose(client, net, XOR)
    assert [f["kind"] for f in findings] == ["vanishing_gradient"]
    f = findings[0]
    assert f["layer"] == 1 and f["neurons"] == [0, 1, 2, 3]
    # independent: central differences of the cost for the first and last weight matrices
    e = engine.new_net(net["layer_sizes"], weights=[np.array(w) for w in net["weights"]],
                       biases=[np.array(b) for b in net["biases"]])
    x, y = np.array(XOR["inputs"], float), np.array(XOR["targets"], float)
    first, last = (float(np.sqrt((numeric_gradient(e, x, y, w) ** 2).mean())) for w in (e.weights[0], e.weights[-1]))
    assert f["evidence"]["gradient_rms"][0] == pytest.approx(first, rel=1e-3)
    assert f["evidence"]["gradient_rms"][-1] == pytest.approx(last, rel=1e-3)
    assert f["evidence"]["ratio"] == pytest.approx(first / last, rel=1e-3) and first / last < 0.01


def test_spiral_plateau_needs_capacity(client: TestClient) -> None:
    spiral = client.get("/api/datasets/spiral").json()
    data = {"inputs": spiral["inputs"], "targets": spiral["targets"]}
    net = make(client, layer_sizes=[2, 4, 1], learning_rate=1.0)
    costs = client.post(f"/api/networks/{net['id']}/train", json={**data, "epochs": 2000}).json()["costs"]
    assert diagnose(client, net, data) == []  # without the costs, nothing is wrong with the neurons
    recent = costs[-200:]
    findings = diagnose(client, net, data, costs=recent)
    assert [f["kind"] for f in findings] == ["needs_capacity"]
    ev = findings[0]["evidence"]
    a = np.array(client.post(f"/api/networks/{net['id']}/forward", json=data).json()["layers"][-1]["a"])
    wrong = float((np.abs(a - np.array(spiral["targets"])) >= 0.5).mean())
    assert wrong > 0.2 and ev["wrong_share"] == pytest.approx(wrong)
    assert ev["relative_drop"] == pytest.approx((recent[100] - recent[-1]) / recent[100]) and ev["relative_drop"] < 0.01
    assert ev["cost"] == recent[-1] and ev["parameters"] == 4 * 3 + 5 and ev["costs_seen"] == 200
    assert "add hidden neurons" in findings[0]["suggestion"]
    assert plateau(client, net, data, recent)
    assert not plateau(client, net, data, recent[:9])  # too few costs to tell


def test_bad_requests(client: TestClient) -> None:
    net = make(client, layer_sizes=[2, 2, 1])
    r = client.post(f"/api/networks/{net['id']}/diagnose", json={"inputs": [[0, 0, 0]], "targets": [[0]]})
    assert r.status_code == 422 and "inputs must be m rows of 2 numbers" in r.json()["detail"]
    r = client.post(f"/api/networks/{net['id']}/diagnose", json={**XOR, "costs": [1.0, "x"]})
    assert r.status_code == 422
    assert client.post("/api/networks/nope/diagnose", json=XOR).status_code == 404


def test_first_layer_gradient_exactly_zero(client: TestClient) -> None:
    """Found by schemathesis: inputs of 0 give dC/dW of the first layer = delta a^T = 0 exactly
    (a ratio of 0, once a division by zero)."""
    net = make(client, layer_sizes=[2, 3, 1], learning_rate=0.5)
    findings = diagnose(client, net, {"inputs": [[0, 0]] * 4, "targets": [[0], [1], [1], [0]]})
    assert [f["kind"] for f in findings] == ["vanishing_gradient"]
    assert findings[0]["evidence"]["ratio"] == 0 and findings[0]["evidence"]["gradient_rms"][0] == 0
    assert "exactly 0" in findings[0]["suggestion"]


def test_diagnosis_work_is_bounded(client: TestClient) -> None:
    # 162,001 parameters (3 x 400 + 401 x 400 + 401) x 1240 samples = 2.009e8 > 2e8 allowed
    net = make(client, layer_sizes=[2, 400, 400, 1])
    r = client.post(f"/api/networks/{net['id']}/diagnose",
                    json={"inputs": [[0.1, 0.2]] * 1240, "targets": [[1]] * 1240})
    assert r.status_code == 422 and "up to 8 passes" in r.json()["detail"]


def test_gradient_rms_never_overflows() -> None:
    """The rms of huge gradients is their size, not inf (the squares alone would pass float64)."""
    assert _rms(np.array([[3e200, -4e200]])) == pytest.approx(math.sqrt((9 + 16) / 2) * 1e200, rel=1e-12)
    assert _rms(np.array([[3.0, 4.0]])) == pytest.approx(math.sqrt(12.5), rel=1e-15)
    assert _rms(np.zeros((2, 2))) == 0.0
