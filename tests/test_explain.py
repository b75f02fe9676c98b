"""POST /explain: each number of a derivation against an independent numpy computation by hand
(the lecture's equations written out here), for sigmoid/MSE, softmax/cross-entropy, softmax/MSE,
batch_reduction sum and L2 with l2_biases; 422 with a sentence for bad references."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fastapi.testclient import TestClient

X = [[0.3, -0.7], [1.2, 0.4], [-0.5, 0.9]]
W = [[[0.5, -0.4], [0.3, 0.8], [-0.6, 0.2]], [[0.7, -0.5, 0.4], [-0.3, 0.6, 0.9]]]
B = [[0.1, -0.2, 0.05], [0.2, -0.1]]


def sig(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def by_hand(out: str, loss: str, y: np.ndarray, l2: float = 0.0, reduction: str = "mean",
            l2_biases: bool = False) -> dict:
    """Forward and backward for the 2-3-2 net above, written out layer by layer."""
    x = np.array(X)
    W1, W2, b1, b2 = (np.array(v) for v in (*W, *B))
    z1 = x @ W1.T + b1
    a1 = sig(z1)
    z2 = a1 @ W2.T + b2
    if out == "softmax":
        e = np.exp(z2)
        a2 = e / e.sum(axis=1, keepdims=True)
    else:
        a2 = sig(z2)
    g = a2 - y  # mse: dC/da
    if loss == "cross_entropy":
        d2 = a2 - y
    elif out == "softmax":
        d2 = np.stack([a2[i] * (g[i] - g[i] @ a2[i]) for i in range(len(x))])
    else:
        d2 = g * a2 * (1 - a2)
    d1 = (d2 @ W2) * a1 * (1 - a1)
    m = len(x)
    scale = 1 / m if reduction == "mean" else 1.0
    decay = l2 / m if reduction == "mean" else l2
    return dict(a1=a1, a2=a2, g=g, d1=d1, d2=d2, W1=W1, W2=W2, b1=b1, b2=b2, x=x, scale=scale, decay=decay,
                m=m, l2_biases=l2_biases)


def make(client: TestClient, **body: object) -> str:
    r = client.post("/api/networks", json={"layer_sizes": [2, 3, 2], "weights": W, "biases": B,
                                           "learning_rate": 0.5, **body})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def explain(client: TestClient, nid: str, y: list, **ref: object) -> dict:
    r = client.post(f"/api/networks/{nid}/explain", json={"inputs": X, "targets": y, **ref})
    assert r.status_code == 200, r.text
    return r.json()


Y = [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]
close = lambda v: pytest.approx(v, rel=1e-10, abs=1e-14)  # noqa: E731


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_hidden_weight_sigmoid_mse(client: TestClient, reduction: str) -> None:
    nid = make(client, batch_reduction=reduction)
    h = by_hand("sigmoid", "mse", np.array(Y), reduction=reduction)
    got = explain(client, nid, Y, shown=1, layer=1, neuron=2, **{"from": 0})
    terms = h["d1"][:, 2] * h["x"][:, 0]
    p = got["parameter"]
    assert p["terms"] == close(terms.tolist())
    assert p["reduction"] == reduction
    assert p["reduced"] == close(terms.sum() * h["scale"])
    assert p["regularised"] is False and p["l2_term"] == 0.0
    assert p["gradient"] == close(terms.sum() * h["scale"])
    u = p["update"]
    assert (u["old"], u["learning_rate"]) == (W[0][2][0], 0.5)
    assert u["change"] == close(0.5 * p["gradient"]) and u["new"] == close(W[0][2][0] - 0.5 * p["gradient"])
    # the chain through each output i: dC/da_i, sigma'(z_i), w_i2, sigma'(z_2), x_0 for sample 1
    s = 1
    rows = [[h["g"][s, i], h["a2"][s, i] * (1 - h["a2"][s, i]), h["W2"][i, 2], h["a1"][s, 2] * (1 - h["a1"][s, 2]),
             h["x"][s, 0]] for i in range(2)]
    c = got["chain"]
    for row, want in zip(c["factors"], rows):
        assert row == close(want)
    assert c["products"] == close([math.prod(r) for r in rows])
    assert c["total"] == close(terms[s])
    assert got["softmax_dot"] is None
    # the step stores what the update said
    r = client.post(f"/api/networks/{nid}/step", json={"inputs": X, "targets": Y})
    assert r.json()["network"]["weights"][0][2][0] == u["new"]


def test_output_bias_and_mean_abs_delta(client: TestClient) -> None:
    nid = make(client)
    h = by_hand("sigmoid", "mse", np.array(Y))
    got = explain(client, nid, Y, layer=2, neuron=1)
    assert got["parameter"]["terms"] == close(h["d2"][:, 1].tolist())
    assert got["parameter"]["reduced"] == close(h["d2"][:, 1].mean())
    assert got["chain"] is None
    assert got["mean_abs_delta"] == close([np.abs(h["d1"]).mean(), np.abs(h["d2"]).mean()])
    assert got["vanishing"] is None  # ratio well above 1e-2 here


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("l2_biases", [False, True])
def test_l2_terms(client: TestClient, reduction: str, l2_biases: bool) -> None:
    nid = make(client, l2=0.3, batch_reduction=reduction, l2_biases=l2_biases)
    h = by_hand("sigmoid", "mse", np.array(Y), l2=0.3, reduction=reduction)
    w = explain(client, nid, Y, layer=2, neuron=0, **{"from": 1})["parameter"]
    terms = h["d2"][:, 0] * h["a1"][:, 1]
    assert w["regularised"] is True
    assert w["l2_term"] == close(h["decay"] * W[1][0][1])
    assert w["gradient"] == close(terms.sum() * h["scale"] + h["decay"] * W[1][0][1])
    b = explain(client, nid, Y, layer=1, neuron=1)["parameter"]
    assert b["regularised"] is l2_biases
    assert b["l2_term"] == close(h["decay"] * B[0][1] if l2_biases else 0.0)
    assert b["gradient"] == close(h["d1"][:, 1].sum() * h["scale"] + (h["decay"] * B[0][1] if l2_biases else 0))


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_softmax(client: TestClient, loss: str) -> None:
    nid = make(client, output_activation="softmax", loss=loss)
    h = by_hand("softmax", loss, np.array(Y))
    got = explain(client, nid, Y, shown=2, layer=2, neuron=0)
    s = 2
    if loss == "mse":
        assert got["softmax_dot"] == close(float(h["g"][s] @ h["a2"][s]))
    else:  # dC/da_k = -y_k / a_k
        assert got["softmax_dot"] == close(float((-np.array(Y[s]) / h["a2"][s]) @ h["a2"][s]))
    assert got["parameter"]["terms"] == close(h["d2"][:, 0].tolist())
    hidden = explain(client, nid, Y, shown=2, layer=1, neuron=0, **{"from": 1})["chain"]
    rows = [[h["d2"][s, i], h["W2"][i, 0], h["a1"][s, 0] * (1 - h["a1"][s, 0]), h["x"][s, 1]] for i in range(2)]
    for row, want in zip(hidden["factors"], rows):
        assert row == close(want)
    assert hidden["total"] == close(h["d1"][s, 0] * h["x"][s, 1])


def test_vanishing_warning(client: TestClient) -> None:
    """A deep sigmoid net with tiny hidden-to-hidden weights: the first hidden layer's deltas are
    orders of magnitude below the output's (numbers by hand)."""
    w = [[[0.5, 0.5]], [[1e-4]], [[2.0]]]
    r = client.post("/api/networks", json={"layer_sizes": [2, 1, 1, 1], "weights": w, "biases": [[0.0]] * 3})
    nid = r.json()["id"]
    x, y = np.array(X), np.array([[1.0], [0.0], [1.0]])
    z1 = x @ np.array(w[0]).T
    a1 = sig(z1)
    a2 = sig(a1 * 1e-4)
    a3 = sig(a2 * 2.0)
    d3 = (a3 - y) * a3 * (1 - a3)
    d2 = d3 * 2.0 * a2 * (1 - a2)
    d1 = d2 * 1e-4 * a1 * (1 - a1)
    got = client.post(f"/api/networks/{nid}/explain", json={"inputs": X, "targets": y.tolist()}).json()
    assert got["mean_abs_delta"] == close([np.abs(d).mean() for d in (d1, d2, d3)])
    v = got["vanishing"]
    ratio = np.abs(d1).mean() / np.abs(d3).mean()
    assert v["layer"] == 1 and v["ratio"] == close(ratio) and v["times"] == close(1 / ratio)
    assert v["orders"] == math.floor(-math.log10(ratio))
    assert got["parameter"] is None and got["chain"] is None


def test_weights_override_is_the_pass_before_a_step(client: TestClient) -> None:
    nid = make(client)
    before = explain(client, nid, Y, layer=1, neuron=0, **{"from": 0})
    client.post(f"/api/networks/{nid}/step", json={"inputs": X, "targets": Y})
    again = explain(client, nid, Y, layer=1, neuron=0, weights=W, biases=B, **{"from": 0})
    assert again == before


@pytest.mark.parametrize("ref, words", [
    ({"layer": 3, "neuron": 0}, "layer must be 0..2"),
    ({"layer": 1, "neuron": 3}, "neuron must be 0..2"),
    ({"layer": 1, "neuron": 0, "from": 2}, "from must be a neuron of layer 0, 0..1"),
    ({"layer": 0, "neuron": 0, "from": 0}, "layer 0 (the input) has no weights"),
    ({"neuron": 0}, "neuron and from need a layer"),
    ({"shown": 3}, "shown must be a sample of the batch, 0..2"),
    ({"weights": W}, "send weights and biases together"),
    ({"weights": [W[1], W[0]], "biases": B}, "weights[0] must have shape (3, 2)"),
])
def test_bad_reference_is_422_with_a_sentence(client: TestClient, ref: dict, words: str) -> None:
    nid = make(client)
    r = client.post(f"/api/networks/{nid}/explain", json={"inputs": X, "targets": Y, **ref})
    assert r.status_code == 422, r.text
    assert words in str(r.json()["detail"])


def test_the_js_fixture_network(client: TestClient) -> None:
    """tests/js/inspector-math.test.mjs feeds the page a 1-1-1 sigmoid/MSE network with /explain's
    numbers worked by hand; the API gives those numbers for that network."""
    w1, b1, w2, b2, x, y = 0.8, -0.3, -1.4, 0.25, 0.5, 1.0
    a1 = 1 / (1 + math.exp(-(w1 * x + b1)))
    a2 = 1 / (1 + math.exp(-(w2 * a1 + b2)))
    d2 = (a2 - y) * a2 * (1 - a2)
    d1 = w2 * d2 * a1 * (1 - a1)
    r = client.post("/api/networks", json={"layer_sizes": [1, 1, 1], "weights": [[[w1]], [[w2]]],
                                           "biases": [[b1], [b2]], "learning_rate": 0.5})
    body = {"inputs": [[x]], "targets": [[y]], "layer": 1, "neuron": 0, "from": 0}
    got = client.post(f"/api/networks/{r.json()['id']}/explain", json=body).json()
    assert got["chain"]["factors"] == [close([a2 - y, a2 * (1 - a2), w2, a1 * (1 - a1), x])]
    assert got["chain"]["total"] == close(d1 * x)
    p = got["parameter"]
    assert p["terms"] == [close(d1 * x)] and p["reduced"] == close(d1 * x) and p["l2_term"] == 0.0
    assert p["update"] == {"old": w1, "learning_rate": 0.5, "change": close(0.5 * d1 * x), "new": close(w1 - 0.5 * d1 * x)}



def test_an_overflow_is_422_with_the_engines_sentence(client: TestClient) -> None:
    """Huge weights and inputs: the pass overflows, and /explain answers the engine's 422, never a
    500 or a null."""
    r = client.post("/api/networks", json={"layer_sizes": [1, 1, 1], "hidden_activation": "linear",
                                           "output_activation": "linear",
                                           "weights": [[[1e154]], [[1e154]]], "biases": [[0.0], [0.0]]})
    # the input at the API's bound (MAX_ABS_DATA, 1e12): z2 = 1e154 * 1e154 * 1e12 = 1e320 > float64's 1.8e308
    body = {"inputs": [[1e12]], "targets": [[0.0]], "layer": 1, "neuron": 0, "from": 0}
    got = client.post(f"/api/networks/{r.json()['id']}/explain", json=body)
    assert got.status_code == 422
    assert "overflows float64" in got.json()["detail"]
