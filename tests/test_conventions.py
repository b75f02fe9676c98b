"""Textbook conventions (issue 17, part 1): each one reproduces a published worked example
through the API, with the published numbers to the digits printed. Sources in each docstring."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fastapi.testclient import TestClient

XOR = {"inputs": [[0, 0], [0, 1], [1, 0], [1, 1]], "targets": [[0], [1], [1], [0]]}


def create(client: TestClient, **body: object) -> dict:
    r = client.post("/api/networks", json={"seed": 1, **body})
    assert r.status_code == 201, r.text
    return r.json()


def post(client: TestClient, net: dict, path: str, **body: object) -> dict:
    r = client.post(f"/api/networks/{net['id']}/{path}", json=body)
    assert r.status_code == 200, r.text
    return r.json()


MAZUR = {"layer_sizes": [2, 2, 2], "learning_rate": 0.5,
         "weights": [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]], "biases": [[0.35, 0.35], [0.60, 0.60]]}
MAZUR_DATA = {"inputs": [[0.05, 0.10]], "targets": [[0.01, 0.99]]}


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_mazur_step_by_step_example(client: TestClient, reduction: str) -> None:
    """Matt Mazur, "A Step by Step Backpropagation Example" (mattmazur.com, 2015): 2-2-2 sigmoid,
    E = sum 1/2 (target - out)^2 (the lecture's mse), one sample, eta = 0.5. With one sample the
    mean and the sum of the batch agree, so both reductions reproduce it. (Mazur does not update
    the biases, so only his weights after the step are compared.)"""
    net = create(client, **MAZUR, batch_reduction=reduction)
    fwd = post(client, net, "forward", **MAZUR_DATA)
    assert [round(v, 9) for v in fwd["layers"][1]["a"][0]] == [0.593269992, 0.596884378]
    assert [round(v, 9) for v in fwd["layers"][2]["a"][0]] == pytest.approx([0.75136507, 0.772928465], abs=1e-9)
    assert round(fwd["cost"], 9) == 0.298371109
    new = post(client, net, "step", **MAZUR_DATA)["network"]["weights"]
    assert [round(w, 8) for w in np.ravel(new[1])] == pytest.approx([0.35891648, 0.408666186, 0.511301270, 0.561370121],
                                                                     abs=1e-8)
    assert [round(w, 8) for w in np.ravel(new[0])] == pytest.approx([0.149780716, 0.19956143, 0.24975114, 0.29950229],
                                                                     abs=1e-8)


def test_hagan_sse_example(client: TestClient) -> None:
    """Hagan, Demuth, Beale, De Jesus, "Neural Network Design" (2nd ed.), chapter 11, the
    backpropagation example: 1-2-1, logsig hidden, linear output, F = e^2 (squared error with no
    1/2: loss "sse"), s^2 = -2 (t - a) for the linear output, p = 1, t = 1 + sin(pi/4), alpha = 0.1.
    The book prints three significant digits."""
    net = create(client, layer_sizes=[1, 2, 1], output_activation="linear", loss="sse", learning_rate=0.1,
                 weights=[[[-0.27], [-0.41]], [[0.09, -0.17]]], biases=[[-0.48, -0.13], [0.48]])
    data = {"inputs": [[1.0]], "targets": [[1 + math.sin(math.pi / 4)]]}
    back = post(client, net, "backward", **data)
    a1, a2 = back["layers"][1]["a"][0], back["layers"][2]["a"][0][0]
    assert [round(v, 3) for v in a1] == [0.321, 0.368] and round(a2, 3) == 0.446
    assert round(data["targets"][0][0] - a2, 3) == 1.261                       # e = t - a
    assert round(back["layers"][2]["delta"][0][0], 3) == -2.522                # s^2 = -2 (t - a)
    assert [round(v, 4) for v in back["layers"][1]["delta"][0]] == [-0.0495, 0.0997]   # s^1
    assert round(back["cost_grad"][0][0], 3) == -2.522 and round(back["cost"], 3) == round(1.261 ** 2, 3)
    new = post(client, net, "step", **data)["network"]
    assert [round(v, 3) for v in new["weights"][1][0]] == [0.171, -0.077] and round(new["weights"][1][0][1], 4) == -0.0772
    assert round(new["biases"][1][0], 3) == 0.732
    assert [round(w[0], 3) for w in new["weights"][0]] == [-0.265, -0.420]
    assert [round(v, 3) for v in new["biases"][0]] == [-0.475, -0.140]


def test_victor_zhou_sse_examples(client: TestClient) -> None:
    """Victor Zhou, "Machine Learning for Beginners: An Introduction to Neural Networks"
    (victorzhou.com, 2019): loss (y_true - y_pred)^2 with no 1/2 ("sse"), averaged over samples.
    1. mse_loss([1, 0, 0, 1], [0, 0, 0, 0]) = 0.5.
    2. All weights 1, biases 0, Alice x = (-2, -1), y = 1: h1 = 0.0474, y_pred = 0.524,
       dL/dy_pred = -2 (1 - y_pred) = -0.952, dL/dw1 = 0.0214 (he multiplies rounded factors,
       -0.952 x 0.249 x -0.0904; the unrounded product is 0.02147)."""
    zero = create(client, layer_sizes=[1, 1], output_activation="linear", loss="sse", weights=[[[0.0]]], biases=[[0.0]])
    fwd = post(client, zero, "forward", inputs=[[1], [2], [3], [4]], targets=[[1], [0], [0], [1]])
    assert fwd["cost"] == 0.5
    net = create(client, layer_sizes=[2, 2, 1], loss="sse", weights=[[[1, 1], [1, 1]], [[1, 1]]], biases=[[0, 0], [0]])
    back = post(client, net, "backward", inputs=[[-2, -1]], targets=[[1]])
    assert round(back["layers"][1]["a"][0][0], 4) == 0.0474 and round(back["layers"][2]["a"][0][0], 3) == 0.524
    assert back["cost_grad"][0][0] == pytest.approx(-0.952, abs=1e-3)
    assert back["gradients"]["weights"][0][0][0] == pytest.approx(0.0214, abs=1e-4)
    assert back["cost"] == pytest.approx((1 - back["layers"][2]["a"][0][0]) ** 2)


TRASK_X = [[0, 0], [0, 1], [1, 0], [1, 1]]   # his third input column is the constant 1: our bias
TRASK_Y = [[0], [0], [1], [1]]


def trask_weights() -> tuple[list, list]:
    syn0 = 2 * np.random.RandomState(1).random_sample((3, 1)) - 1   # np.random.seed(1); 2*np.random.random((3,1)) - 1
    return [[[syn0[0, 0], syn0[1, 0]]]], [[syn0[2, 0]]]


def test_trask_sum_reduction(client: TestClient) -> None:
    """Andrew Trask, "A Neural Network in 11 lines of Python (Part 1)" (iamtrask.github.io, 2015),
    the 2-layer network: syn0 += X.T @ l1_delta, l1_delta = (y - l1) * l1 (1 - l1): the gradient
    of sum_i 1/2 (y - a)^2 summed over the 4 samples with no 1/m (batch_reduction "sum", loss
    "mse"), learning rate 1, 10,000 iterations. It prints l1 of the last iteration, computed
    before that iteration's update, i.e. after 9,999 updates:
    [[0.00966449] [0.00786506] [0.99358898] [0.99211957]]."""
    weights, biases = trask_weights()
    net = create(client, layer_sizes=[2, 1], learning_rate=1.0, batch_reduction="sum", weights=weights, biases=biases)
    r = post(client, net, "train", inputs=TRASK_X, targets=TRASK_Y, epochs=9999)
    assert r["network"]["batch_reduction"] == "sum" and r["updates"] == 9999
    out = post(client, net, "forward", inputs=TRASK_X)["layers"][1]["a"]
    assert [round(a[0], 8) for a in out] == [0.00966449, 0.00786506, 0.99358898, 0.99211957]
    # sum = m x mean: the mean at 4 times the learning rate takes the same steps (to rounding)
    mean = create(client, layer_sizes=[2, 1], learning_rate=4.0, weights=weights, biases=biases)
    post(client, mean, "train", inputs=TRASK_X, targets=TRASK_Y, epochs=9999)
    out_mean = post(client, mean, "forward", inputs=TRASK_X)["layers"][1]["a"]
    assert np.allclose(out_mean, out, rtol=1e-9, atol=0)


def test_sum_reduction_cost_and_l2(client: TestClient) -> None:
    """docs/conventions.md: under sum, C = sum_i C_i + lambda/2 sum w^2 and dC/dW = sum_i delta_i a_i^T
    + lambda W (a full batch); checked by hand on one linear neuron, x = 1, 2; y = 0, 0; w = 1, b = 0."""
    net = create(client, layer_sizes=[1, 1], output_activation="linear", l2=0.5, batch_reduction="sum",
                 weights=[[[1.0]]], biases=[[0.0]])
    back = post(client, net, "backward", inputs=[[1], [2]], targets=[[0], [0]])
    assert back["cost"] == pytest.approx(0.5 * 1 + 0.5 * 4 + 0.5 / 2 * 1)          # 2.75
    assert back["gradients"]["weights"][0][0][0] == pytest.approx(1 * 1 + 2 * 2 + 0.5 * 1)   # 5.5
    assert back["gradients"]["biases"][0][0] == pytest.approx(1 + 2)
    mean = create(client, layer_sizes=[1, 1], output_activation="linear", l2=0.5, weights=[[[1.0]]], biases=[[0.0]])
    back_mean = post(client, mean, "backward", inputs=[[1], [2]], targets=[[0], [0]])
    assert back_mean["cost"] == pytest.approx(2.75 / 2) and back_mean["gradients"]["weights"][0][0][0] == pytest.approx(2.75)
    check = post(client, net, "gradient-check", inputs=[[1], [2]], targets=[[0], [0]])
    assert check["max_relative_error"] < 1e-8 and check["cost"] == pytest.approx(2.75)


def test_l2_on_biases(client: TestClient) -> None:
    """l2_biases: the penalty covers the biases too, as PyTorch's torch.optim.SGD applies
    weight_decay to every parameter it is given (its documented update g <- g + lambda theta).
    One linear neuron, x = 1, y = 0, w = 1, b = 1, lambda = 0.5, one sample (n = 1):
    C = 1/2 (2)^2 + 0.5/2 (1 + 1) = 2.5, dC/dw = 2 + 0.5 = 2.5, dC/db = 2 + 0.5 = 2.5
    (2 without l2_biases, and C = 2.25)."""
    body = {"layer_sizes": [1, 1], "output_activation": "linear", "l2": 0.5, "weights": [[[1.0]]], "biases": [[1.0]]}
    on, off = create(client, **body, l2_biases=True), create(client, **body)
    data = {"inputs": [[1]], "targets": [[0]]}
    b_on, b_off = post(client, on, "backward", **data), post(client, off, "backward", **data)
    assert (b_on["cost"], b_off["cost"]) == (2.5, 2.25)
    assert b_on["gradients"]["weights"][0][0][0] == b_off["gradients"]["weights"][0][0][0] == 2.5
    assert (b_on["gradients"]["biases"][0][0], b_off["gradients"]["biases"][0][0]) == (2.5, 2.0)
    assert post(client, on, "gradient-check", **data)["max_relative_error"] < 1e-8


def test_conventions_are_stored_patched_and_validated(client: TestClient) -> None:
    net = create(client, layer_sizes=[2, 1])
    assert (net["loss"], net["batch_reduction"], net["l2_biases"]) == ("mse", "mean", False)
    r = client.patch(f"/api/networks/{net['id']}", json={"loss": "sse", "batch_reduction": "sum", "l2_biases": True})
    assert r.status_code == 200
    got = client.get(f"/api/networks/{net['id']}").json()
    assert (got["loss"], got["batch_reduction"], got["l2_biases"]) == ("sse", "sum", True)
    assert client.post("/api/networks", json={"layer_sizes": [2, 1], "batch_reduction": "median"}).status_code == 422
    r = client.patch(f"/api/networks/{net['id']}", json={"loss": "cross_entropy"})   # needs a softmax output
    assert r.status_code == 422 and "softmax" in r.text
    assert client.get(f"/api/networks/{net['id']}").json()["loss"] == "sse"   # nothing half-changed
    doc = {"format": "backprop-lab/1", "network": {**got, "id": None}}
    loaded = client.post("/api/networks/import", json=doc).json()["network"]
    assert (loaded["loss"], loaded["batch_reduction"], loaded["l2_biases"]) == ("sse", "sum", True)


def test_shuffle_false_is_fixed_order_online_sgd(client: TestClient) -> None:
    """Mitchell, "Machine Learning" (1997), Table 4.2, the stochastic gradient descent version of
    BACKPROPAGATION: for each training example in turn, forward, the error terms, then update
    every weight. An independent loop written from that table (sigmoid units, E_d = 1/2 sum
    (t - o)^2, delta_k = o_k (1 - o_k)(t_k - o_k), delta_h = o_h (1 - o_h) sum w_kh delta_k,
    w += eta delta x, the bias a weight on x_0 = 1) over XOR in the order given, 3 epochs, must
    give the weights /train gives with batch_size 1 and shuffle false; and that equals /step
    called on one sample at a time, in order."""
    net = create(client, layer_sizes=[2, 2, 1], learning_rate=0.5, seed=4)
    w1, b1 = np.array(net["weights"][0]), np.array(net["biases"][0])
    w2, b2 = np.array(net["weights"][1]), np.array(net["biases"][1])
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    for _ in range(3):
        for x, t in zip(np.array(XOR["inputs"], float), np.array(XOR["targets"], float)):
            oh = sig(w1 @ x + b1)
            ok = sig(w2 @ oh + b2)
            dk = ok * (1 - ok) * (t - ok)
            dh = oh * (1 - oh) * (w2.T @ dk)
            w2, b2 = w2 + 0.5 * np.outer(dk, oh), b2 + 0.5 * dk
            w1, b1 = w1 + 0.5 * np.outer(dh, x), b1 + 0.5 * dh
    trained = post(client, net, "train", **XOR, epochs=3, batch_size=1, shuffle=False)["network"]
    assert np.allclose(trained["weights"][0], w1, rtol=0, atol=1e-14) and np.allclose(trained["biases"][1], b2, atol=1e-14)
    stepped = create(client, layer_sizes=[2, 2, 1], learning_rate=0.5, seed=4)
    for _ in range(3):
        for x, t in zip(XOR["inputs"], XOR["targets"]):
            last = post(client, stepped, "step", inputs=[x], targets=[t])["network"]
    # equal to the last bits but for the BLAS rounding of a pass over 2 rows (the training loop's) vs 1
    assert np.allclose(last["weights"][0], trained["weights"][0], rtol=0, atol=1e-14)
    assert np.allclose(last["weights"][1], trained["weights"][1], rtol=0, atol=1e-14)
    assert np.allclose(last["biases"][0], trained["biases"][0], rtol=0, atol=1e-14)
    shuffled = create(client, layer_sizes=[2, 2, 1], learning_rate=0.5, seed=4)
    other = post(client, shuffled, "train", **XOR, epochs=3, batch_size=1)["network"]
    assert not np.allclose(other["weights"][0], trained["weights"][0], rtol=0, atol=1e-6)   # the default: shuffled


def test_held_out_costs(client: TestClient) -> None:
    """test_costs[e] is the cost on the test samples after epoch e; no weight depends on them."""
    moons = client.get("/api/datasets/moons", params={"samples": 60, "seed": 2, "test_share": 0.5}).json()
    train = {"inputs": moons["inputs"], "targets": moons["targets"]}
    test = {"test_inputs": moons["test_inputs"], "test_targets": moons["test_targets"]}
    a, b, c = (create(client, layer_sizes=[2, 6, 1], learning_rate=2.0) for _ in range(3))
    with_test = post(client, a, "train", **train, **test, epochs=5, batch_size=10, shuffle=False)
    without = post(client, b, "train", **train, epochs=5, batch_size=10, shuffle=False)
    assert with_test["network"]["weights"] == without["network"]["weights"] and with_test["costs"] == without["costs"]
    assert without["test_costs"] is None and len(with_test["test_costs"]) == 5
    for e in range(5):   # independent path: one epoch at a time, then /forward on the test samples
        post(client, c, "train", **train, epochs=1, batch_size=10, shuffle=False)
        cost = post(client, c, "forward", inputs=moons["test_inputs"], targets=moons["test_targets"])["cost"]
        assert with_test["test_costs"][e] == pytest.approx(cost, rel=1e-12)
    same = post(client, create(client, layer_sizes=[2, 6, 1]), "train", **train, epochs=4,
                test_inputs=train["inputs"], test_targets=train["targets"])
    assert same["test_costs"] == same["costs"]
    r = client.post(f"/api/networks/{a['id']}/train", json={**train, "epochs": 1, "test_inputs": moons["test_inputs"]})
    assert r.status_code == 422 and "test_targets" in r.text


def test_held_out_data_of_the_wrong_shape_is_named_as_such(client: TestClient) -> None:
    net = client.post("/api/networks", json={"layer_sizes": [2, 2, 1], "seed": 1}).json()["id"]
    body = {"inputs": [[0, 0], [1, 1]], "targets": [[0], [1]], "epochs": 1}
    r = client.post(f"/api/networks/{net}/train", json={**body, "test_inputs": [[0, 0, 0]], "test_targets": [[1]]})
    assert r.status_code == 422 and r.json()["detail"] == "test_inputs must be m rows of 2 numbers, got shape (1, 3)"
    r = client.post(f"/api/networks/{net}/train", json={**body, "test_inputs": [[0, 0]], "test_targets": [[1, 2]]})
    assert r.status_code == 422 and r.json()["detail"] == "test_targets must be 1 rows of 1 numbers, got shape (1, 2)"
    raw = b'{"inputs": [[0, 0]], "targets": [[0]], "epochs": 1, "test_inputs": [[0, 0]], "test_targets": [[1e400]]}'
    r = client.post(f"/api/networks/{net}/train", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422 and "test_targets" in r.text
