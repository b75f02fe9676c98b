"""Issue 15, numbers at the edges: each example of the issue with its right value computed
independently (decimal arithmetic, plain numpy, normal equations), through the API."""

from __future__ import annotations

import math
import pickle
from decimal import Decimal, getcontext

import numpy as np
import pytest
from fastapi.testclient import TestClient

from reference import all_finite, numeric_gradient
from app.nn import engine

getcontext().prec = 60


def create(client: TestClient, **body: object) -> dict:
    r = client.post("/api/networks", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def post(client: TestClient, net: dict, path: str, **body: object) -> tuple[int, dict]:
    r = client.post(f"/api/networks/{net['id']}/{path}", json=body)
    return r.status_code, r.json()


def softplus_exact(z: float) -> float:
    """ln(1 + e^z) in 60-digit decimal arithmetic, rounded once to float64."""
    return float((Decimal(1) + Decimal(z).exp()).ln())



# 1. Cross-entropy from pre-activations -------------------------------------------------------

@pytest.mark.parametrize("z", [30, 36, 40, 50, 800])
def test_bce_of_a_confident_wrong_output_is_softplus(client: TestClient, z: float) -> None:
    net = create(client, layer_sizes=[1, 1], loss="bce", weights=[[[1.0]]], biases=[[0.0]], seed=1)
    status, r = post(client, net, "forward", inputs=[[z]], targets=[[0]])
    assert status == 200 and r["cost"] == softplus_exact(z) and r["sample_costs"] == [softplus_exact(z)]
    assert softplus_exact(40) == 40.0 and repr(softplus_exact(30)).startswith("30.00000000000009")


@pytest.mark.parametrize("y", [0, 1])
def test_gradient_check_agrees_at_z_40(client: TestClient, y: int) -> None:
    net = create(client, layer_sizes=[1, 1], loss="bce", weights=[[[1.0]]], biases=[[0.0]], seed=1)
    status, check = post(client, net, "gradient-check", inputs=[[40]], targets=[[y]])
    assert status == 200 and check["max_relative_error"] < 1e-6  # 1e-6: the check's own agreement line
    # dC/db = sigmoid(40) - y, exactly 1 - e^-40 / (1 + e^-40) for y = 0
    delta = float(1 / (1 + Decimal(-40).exp()) - y)  # -e^-40 / (1 + e^-40) for y = 1
    assert check["backprop"]["biases"][0][0] == pytest.approx(delta, rel=1e-15)
    assert check["cost"] == pytest.approx(float((1 + Decimal(40).exp()).ln() - 40 * y), rel=1e-15)


def test_cost_grad_is_exact_from_z_and_capped_beyond_float64(client: TestClient) -> None:
    net = create(client, layer_sizes=[1, 1], loss="bce", weights=[[[1.0]]], biases=[[0.0]], seed=1)
    _, r = post(client, net, "backward", inputs=[[40], [-40], [800]], targets=[[0], [1], [0]])
    # dC/da = -y/a + (1-y)/(1-a): 1 + e^40 for y = 0, -(1 + e^40) for y = 1 at z = -40
    assert r["cost_grad"][0] == [pytest.approx(1 + math.exp(40), rel=1e-15)]
    assert r["cost_grad"][1] == [pytest.approx(-(1 + math.exp(40)), rel=1e-15)]
    assert r["cost_grad"][2] == [1.7976931348623157e308] and r["cost_grad_capped"] == [[2, 0]]
    assert r["cost"] == pytest.approx((softplus_exact(40) * 2 + 800) / 3, rel=1e-15)


def test_softmax_cross_entropy_of_a_confident_wrong_output(client: TestClient) -> None:
    net = create(client, layer_sizes=[1, 2], output_activation="softmax", loss="cross_entropy",
                 weights=[[[1.0], [0.0]]], biases=[[0.0, 0.0]], seed=1)
    for z in (40, 800):  # -log softmax_2 = log(e^z + 1)
        status, r = post(client, net, "backward", inputs=[[z]], targets=[[0, 1]])
        assert status == 200 and r["cost"] == softplus_exact(z)
    status, check = post(client, net, "gradient-check", inputs=[[40]], targets=[[0, 1]])
    assert status == 200 and check["max_relative_error"] < 1e-9


# 2. Preconditions: the general formula, or a 422 naming the rule and the row ------------------

@pytest.mark.parametrize("y", [[0, 0, 0], [1, 1, 0], [0.5, 0.2, 0.1], [0, 1, 0]])
def test_softmax_cross_entropy_targets_that_are_not_a_distribution(client: TestClient, y: list) -> None:
    net = create(client, layer_sizes=[2, 3], output_activation="softmax", loss="cross_entropy", seed=3)
    x = np.array([[0.3, -0.7]])
    status, r = post(client, net, "backward", inputs=x.tolist(), targets=[y])
    assert status == 200
    z = x @ np.array(net["weights"][0]).T + np.array(net["biases"][0])
    a = np.exp(z) / np.exp(z).sum()
    yy = np.array([y], dtype=float)
    assert r["cost"] == pytest.approx(float(-(yy * np.log(a)).sum()), rel=1e-12, abs=1e-15)
    # the true gradient of that cost: dC/dz = a sum(y) - y (0 for all-zero targets)
    np.testing.assert_allclose(r["gradients"]["biases"][0], (a * yy.sum() - yy)[0], rtol=1e-12, atol=1e-15)
    e_net = engine.new_net([2, 3], "sigmoid", "softmax", "cross_entropy",
                           weights=[np.array(net["weights"][0])], biases=[np.array(net["biases"][0])])
    np.testing.assert_allclose(r["gradients"]["weights"][0], numeric_gradient(e_net, x, yy, e_net.weights[0]),
                               rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("body,bad_row", [
    ({"layer_sizes": [2, 3], "output_activation": "softmax", "loss": "cross_entropy"}, [[0, 1, 0], [0, -0.5, 1]]),
    ({"layer_sizes": [2, 1], "loss": "bce"}, [[1], [0], [1.5]]),
])
def test_cross_entropy_targets_outside_0_1_are_refused_by_row(client: TestClient, body: dict, bad_row: list) -> None:
    net = create(client, **body, seed=1)
    m = len(bad_row)
    for path in ("forward", "backward", "step", "train", "gradient-check"):
        extra = {"epochs": 1} if path == "train" else {}
        status, r = post(client, net, path, inputs=[[0.1, 0.2]] * m, targets=bad_row, **extra)
        assert status == 422 and f"sample {m} (targets[{m - 1}])" in r["detail"] and "[0, 1]" in r["detail"], r
    assert client.get(f"/api/networks/{net['id']}").json() == net


def test_softmax_needs_two_outputs_everywhere(client: TestClient) -> None:
    body = {"layer_sizes": [2, 1], "output_activation": "softmax", "loss": "mse", "seed": 1}
    r = client.post("/api/networks", json=body)
    assert r.status_code == 422 and "at least 2 neurons" in r.json()["detail"]
    saved = client.get("/api/presets/xor").json()
    saved["network"].update(output_activation="softmax", loss="cross_entropy")
    r = client.post("/api/networks/import", json=saved)
    assert r.status_code == 422 and "at least 2 neurons" in r.json()["detail"]


# 3. L2 per update: lambda / n with n the samples of the call -----------------------------------

def l2_minimum(x: np.ndarray, y: np.ndarray, lam: float) -> tuple[float, float, float]:
    """argmin of C = (1/n) sum 1/2 (w x + b - y)^2 + lam/(2n) w^2 by the normal equations."""
    n = len(x)
    w, b = np.linalg.solve([[x @ x + lam, x.sum()], [x.sum(), n]], [x @ y, y.sum()])
    return w, b, float(((w * x + b - y) ** 2).sum() / (2 * n) + lam / (2 * n) * w * w)


def test_minibatch_and_full_batch_descend_the_cost_they_report(client: TestClient) -> None:
    x, y = np.arange(1.0, 5.0), 2 * np.arange(1.0, 5.0)
    w_min, b_min, c_min = l2_minimum(x, y, 1.0)
    assert (round(w_min, 4), round(b_min, 4), round(c_min, 5)) == (1.6667, 0.8333, 0.41667)
    body = {"layer_sizes": [1, 1], "output_activation": "linear", "learning_rate": 0.01, "l2": 1,
            "weights": [[[0]]], "biases": [[0]], "seed": 1}
    data = {"inputs": x[:, None].tolist(), "targets": y[:, None].tolist()}
    for batch_size, tol, cost_tol in ((1, 0.03, 2e-4), (None, 5e-3, 2e-5)):
        net = create(client, **body)
        status, r = post(client, net, "train", **data, epochs=2500, batch_size=batch_size)
        assert status == 200 and r["epochs_done"] == 2500 and r["updates"] == 2500 * (4 if batch_size else 1)
        assert r["network"]["weights"][0][0][0] == pytest.approx(w_min, abs=tol)
        assert r["network"]["biases"][0][0] == pytest.approx(b_min, abs=tol)
        assert r["costs"][-1] == pytest.approx(c_min, abs=cost_tol)


def test_one_minibatch_update_by_hand(client: TestClient) -> None:
    """Two samples, batch_size 1, seed 5: each update is w - alpha ((w x_i + b - y_i) x_i + lam/2 w)."""
    net = create(client, layer_sizes=[1, 1], output_activation="linear", learning_rate=0.1, l2=0.4,
                 weights=[[[0.5]]], biases=[[0.1]], seed=1)
    xs, ys = [1.0, 3.0], [2.0, -1.0]
    _, r = post(client, net, "train", inputs=[[v] for v in xs], targets=[[v] for v in ys], epochs=1, batch_size=1,
                seed=5)
    w, b = 0.5, 0.1
    for i in np.random.default_rng(5).permutation(2):  # the documented shuffle
        err = w * xs[i] + b - ys[i]
        w, b = w - 0.1 * (err * xs[i] + 0.4 / 2 * w), b - 0.1 * err
    assert r["network"]["weights"][0][0][0] == pytest.approx(w, rel=1e-14)
    assert r["network"]["biases"][0][0] == pytest.approx(b, rel=1e-14)


# 4 and 5. One rule for every update; never a null ------------------------------------------------

DIVERGING = {"layer_sizes": [1, 4, 1], "hidden_activation": "tanh", "output_activation": "linear",
             "learning_rate": 1000, "seed": 2}
DATA = {"inputs": [[1], [2], [3]], "targets": [[10], [20], [30]]}


def test_divergence_keeps_the_last_good_network(client: TestClient) -> None:
    net = create(client, **DIVERGING)
    status, r = post(client, net, "train", **DATA, epochs=50)
    assert status == 200 and r["epochs_done"] == 41 == len(r["costs"]) and r["updates"] == 41
    assert "after 41 of 50 epochs" in r["stopped"] and "learning_rate" in r["stopped"]
    stored = client.get(f"/api/networks/{net['id']}").json()
    assert stored == r["network"] and stored["steps"] == 41 and all_finite(stored)
    status, fwd = post(client, net, "forward", **DATA)
    assert status == 200 and all_finite(fwd) and fwd["cost"] == r["costs"][-1]
    status, back = post(client, net, "backward", **DATA)
    assert status == 200 and all_finite(back)
    status, check = post(client, net, "gradient-check", **DATA)
    assert status == 200 and all_finite(check) and check["max_relative_error"] < 1e-6
    # /step refuses exactly the update /train refused, and changes nothing ...
    status, refused = post(client, net, "step", **DATA)
    assert status == 422 and "learning_rate" in refused["detail"] and "nothing was changed" in refused["detail"]
    assert client.get(f"/api/networks/{net['id']}").json() == stored
    # ... and applies a gentler one
    status, stepped = post(client, net, "step", **DATA, learning_rate=1e-6)
    assert status == 200 and all_finite(stepped) and stepped["network"]["steps"] == 42


def test_train_and_step_apply_the_same_updates(client: TestClient) -> None:
    a, b = create(client, **DIVERGING), create(client, **DIVERGING)
    for _ in range(41):
        status, _ = post(client, a, "step", **DATA)
        assert status == 200
    assert post(client, a, "step", **DATA)[0] == 422  # the 42nd: where /train stopped
    _, r = post(client, b, "train", **DATA, epochs=50)
    assert client.get(f"/api/networks/{a['id']}").json()["weights"] == r["network"]["weights"]


def test_minibatch_divergence_keeps_whole_epochs(client: TestClient) -> None:
    net = create(client, **DIVERGING)
    status, r = post(client, net, "train", **DATA, epochs=50, batch_size=2)
    assert status == 200 and r["stopped"] and r["updates"] == 2 * r["epochs_done"] == r["network"]["steps"]
    status, fwd = post(client, net, "forward", **DATA)
    assert status == 200 and all_finite(fwd) and fwd["cost"] == pytest.approx(r["costs"][-1], rel=1e-15)


def test_an_overflowing_cost_is_a_422_not_null(client: TestClient) -> None:
    net = create(client, layer_sizes=[1, 1], output_activation="linear", weights=[[[1e200]]], biases=[[0]], seed=1)
    status, r = post(client, net, "forward", inputs=[[1e10]], targets=[[0]])
    assert status == 422 and "overflows" in r["detail"] and "smaller inputs" in r["detail"]
    status, r = post(client, net, "forward", inputs=[[1e10]])
    assert status == 200 and r["layers"][1]["z"] == [[1e210]]
    status, r = post(client, net, "train", inputs=[[1e10]], targets=[[0]], epochs=5)
    assert status == 422 and "overflows" in r["detail"]


def test_a_divergence_from_the_training_process_says_its_advice_once() -> None:
    """/train's child process sends its DivergedError back pickled: the same sentence, the advice once."""
    sent = engine.DivergedError("z of layer 2 overflows float64 for sample 1", "use a smaller learning_rate")
    back = pickle.loads(pickle.dumps(sent))
    assert str(back) == "z of layer 2 overflows float64 for sample 1; use a smaller learning_rate"
    assert (back.what, back.advice, type(back)) == (sent.what, sent.advice, engine.DivergedError)
