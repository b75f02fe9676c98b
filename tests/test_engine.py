"""The engine against independent references: central finite differences of the cost,
the lecture's hand-computed numbers, and plain-Python formulas."""

from __future__ import annotations

import itertools
import math
import subprocess
import sys
import zlib

import numpy as np
import pytest

from app.nn import engine, training
from reference import numeric_gradient, targets_for

COMBOS = [(h, o, loss) for h, o, loss in itertools.product(
    engine.HIDDEN_ACTIVATIONS, engine.OUTPUT_ACTIVATIONS, engine.LOSSES)
    if engine.LOSSES[loss].output in (None, o) and not (loss == "bce" and o != "sigmoid")]


@pytest.mark.parametrize("hidden,output,loss", COMBOS)
@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_gradients_equal_finite_differences(hidden: str, output: str, loss: str, l2: float) -> None:
    rng = np.random.default_rng(zlib.crc32(f"{hidden}{output}{loss}{l2}".encode()))
    sizes = [3, 4, 5, 3]
    net = engine.new_net(sizes, hidden, output, loss, l2=l2, seed=int(rng.integers(1000)))
    net.biases = [rng.normal(0, 0.5, b.shape) for b in net.biases]
    x = rng.normal(0, 1, (6, 3))
    y = targets_for(output, 6, 3, rng)
    trace = engine.forward(net, x)
    if hidden == "relu":  # keep away from the kink, where no derivative exists
        assert all(np.abs(z).min() > 1e-4 for z in trace.z[1:-1])
    grads = engine.backward(net, trace, y)
    numeric = [numeric_gradient(net, x, y, p) for p in net.weights + net.biases]
    for g, n in zip(grads.weights + grads.biases, numeric):
        # relative error; below 1e-5 the floor makes it an absolute check of 1e-11 (round-off)
        rel = np.abs(g - n) / np.maximum(np.abs(g) + np.abs(n), 1e-5)
        assert rel.max() < 1e-6, (hidden, output, loss, l2, rel.max())


def test_delta_is_per_sample_derivative_of_own_cost() -> None:
    """delta_i[l] = dC_i/dz_i[l] with C_i the sample's own term: perturb z of one sample."""
    rng = np.random.default_rng(5)
    net = engine.new_net([2, 3, 2], "tanh", "softmax", "cross_entropy", seed=3)
    x, y = rng.normal(0, 1, (4, 2)), np.eye(2)[[0, 1, 1, 0]]
    grads = engine.backward(net, engine.forward(net, x), y)
    eps = 1e-6
    for i, j in [(0, 0), (2, 1), (3, 2)]:
        def own_cost(shift: float) -> float:
            a1 = np.tanh(x[i] @ net.weights[0].T + net.biases[0])
            a1 = a1.copy()
            z1 = x[i] @ net.weights[0].T + net.biases[0]
            z1[j] += shift
            a1 = np.tanh(z1)
            z2 = a1 @ net.weights[1].T + net.biases[1]
            p = np.exp(z2) / np.exp(z2).sum()
            return float(-(y[i] * np.log(p)).sum())
        numeric = (own_cost(eps) - own_cost(-eps)) / (2 * eps)
        assert grads.delta[1][i, j] == pytest.approx(numeric, rel=1e-6, abs=1e-9)


def test_lecture_worked_example() -> None:
    """LECTURE.md: z^(3) = -0.241, a = 0.44, y = 1, C = 0.1568, sigma' = 0.2464, dC/da = -0.56."""
    # 1-1-1 network: input 1, hidden weight 0 so a^(2) = 0.5, output weight -0.482 so z^(3) = -0.241.
    net = engine.new_net([1, 1, 1], weights=[np.array([[0.0]]), np.array([[-0.482]])],
                         biases=[np.zeros(1), np.zeros(1)])
    x, y = np.array([[1.0]]), np.array([[1.0]])
    trace = engine.forward(net, x)
    assert trace.z[2][0, 0] == pytest.approx(-0.241, abs=1e-12)
    a = 1 / (1 + math.exp(0.241))
    assert round(a, 2) == 0.44 and trace.a[2][0, 0] == pytest.approx(a, rel=1e-12)
    grads = engine.backward(net, trace, y)
    assert round(grads.cost, 4) == 0.1568
    assert round(engine.g_prime(net, trace, 2)[0, 0], 4) == 0.2464
    assert round(trace.a[2][0, 0] - 1.0, 2) == -0.56  # dC/da = a - y, negative
    # Equation 1 and the five-factor chain for the hidden weight w_11^(2) (API: weights[0][0][0]).
    delta3 = (a - 1.0) * a * (1 - a)
    assert grads.delta[2][0, 0] == pytest.approx(delta3, rel=1e-12)
    chain = (a - 1.0) * (a * (1 - a)) * (-0.482) * (0.5 * 0.5) * 1.0
    assert grads.weights[0][0, 0] == pytest.approx(chain, rel=1e-12)
    assert grads.weights[1][0, 0] == pytest.approx(delta3 * 0.5, rel=1e-12)  # equation 4
    assert grads.biases[1][0] == pytest.approx(delta3, rel=1e-12)  # equation 3


def test_forward_matches_plain_python() -> None:
    net = engine.new_net([2, 2, 1], weights=[np.array([[0.15, 0.20], [0.25, 0.30]]), np.array([[0.40, 0.45]])],
                         biases=[np.array([0.35, 0.35]), np.array([0.60])])
    trace = engine.forward(net, np.array([[0.05, 0.10]]))
    s = lambda v: 1 / (1 + math.exp(-v))  # noqa: E731
    h1, h2 = s(0.15 * 0.05 + 0.20 * 0.10 + 0.35), s(0.25 * 0.05 + 0.30 * 0.10 + 0.35)
    assert trace.a[1][0].tolist() == pytest.approx([h1, h2], rel=1e-14)
    assert trace.a[2][0, 0] == pytest.approx(s(0.40 * h1 + 0.45 * h2 + 0.60), rel=1e-14)


def test_cost_formulas_by_hand() -> None:
    a = np.array([[0.234, 0.678, 0.102, 0.020, 0.800]])
    y = np.array([[0.0, 1.0, 0.0, 0.0, 0.0]])
    # the lecture's 5th neuron: -ln(1 - 0.8) = 1.609 (natural log)
    per = -(y * np.log(a) + (1 - y) * np.log(1 - a))
    assert round(per[0, 4], 3) == 1.609
    z = np.log(a / (1 - a))  # the costs are computed from z (softplus), a = sigmoid(z)
    assert engine.LOSSES["bce"].cost(z, a, y)[0] == pytest.approx(sum(
        -(yk * math.log(ak) + (1 - yk) * math.log(1 - ak)) for ak, yk in zip(a[0], y[0])), rel=1e-12)
    assert engine.LOSSES["mse"].cost(z, a, y)[0] == pytest.approx(0.5 * sum((ak - yk) ** 2 for ak, yk in zip(a[0], y[0])))


def test_l2_cost_and_gradient() -> None:
    net = engine.new_net([1, 1], "sigmoid", "linear", "mse", l2=0.5,
                         weights=[np.array([[2.0]])], biases=[np.array([1.0])])
    x, y = np.array([[1.0], [2.0]]), np.array([[0.0], [0.0]])
    grads = engine.backward(net, engine.forward(net, x), y)
    # z = 2x + 1 = 3, 5; C = mean(9/2, 25/2) + 0.5/(2*2) * 4 = 8.5 + 0.5
    assert grads.cost == pytest.approx(9.0)
    # dC/dw = mean(3*1, 5*2) + (0.5/2)*2 = 6.5 + 0.5 ; dC/db = mean(3, 5) (no L2 on biases)
    assert grads.weights[0][0, 0] == pytest.approx(7.0)
    assert grads.biases[0][0] == pytest.approx(4.0)


def test_step_updates_against_gradient() -> None:
    net = engine.new_net([1, 1], "sigmoid", "linear", "mse", learning_rate=0.1,
                         weights=[np.array([[2.0]])], biases=[np.array([1.0])])
    _, _, new = training.step(net, np.array([[1.0]]), np.array([[0.0]]))
    assert new.weights[0][0, 0] == pytest.approx(2.0 - 0.1 * 3.0)
    assert new.biases[0][0] == pytest.approx(1.0 - 0.1 * 3.0)
    assert new.steps == 1 and net.steps == 0 and net.weights[0][0, 0] == 2.0  # the old one untouched


def test_saturation_is_finite_and_silent() -> None:
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for out, loss in [("sigmoid", "bce"), ("softmax", "cross_entropy"), ("sigmoid", "mse")]:
            net = engine.new_net([1, 3], "sigmoid", out, loss, weights=[np.array([[1e3], [-1e3], [5e2]])],
                                 biases=[np.zeros(3)])
            x = np.array([[1.0], [-1.0]])
            y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
            trace = engine.forward(net, x)
            grads = engine.backward(net, trace, y)
            assert np.isfinite(grads.cost) and (loss == "mse" or grads.cost > 30)  # logs: large, finite
            assert all(np.isfinite(g).all() for g in grads.weights + grads.biases)


def test_diverging_step_is_refused() -> None:
    net = engine.new_net([1, 1], "sigmoid", "linear", "mse", weights=[np.array([[1e300]])], biases=[np.zeros(1)])
    with pytest.raises(engine.DivergedError):
        training.step(net, np.array([[1e5]]), np.array([[0.0]]), learning_rate=1e3)
    big = engine.new_net([1, 1], "sigmoid", "linear", "mse", weights=[np.array([[1e150]])], biases=[np.zeros(1)])
    with pytest.raises(ValueError, match="overflow"):
        engine.forward(big, np.array([[1e200]]))


def test_train_learns_xor_and_costs_are_per_epoch() -> None:
    x = np.array([[0.0, 0], [0, 1], [1, 0], [1, 1]])
    y = np.array([[0.0], [1], [1], [0]])
    net = engine.new_net([2, 4, 1], "sigmoid", "sigmoid", "bce", learning_rate=1.0, seed=1)
    result = training.train(net, x, y, 2000)
    assert len(result.costs) == 2000 and result.net.steps == 2000 and result.stopped is None
    assert result.costs[-1] < 0.05
    assert result.costs[-1] == pytest.approx(engine.cost(result.net, engine.forward(result.net, x), y))
    # the same training by hand, step by step, lands on the same weights
    by_hand = net
    for _ in range(2000):
        _, _, by_hand = training.step(by_hand, x, y)
    np.testing.assert_allclose(by_hand.weights[0], result.net.weights[0], rtol=1e-10)


def test_minibatch_training_is_seeded_and_counts_updates() -> None:
    x = np.random.default_rng(0).normal(0, 1, (10, 2))
    y = (x[:, :1] > 0).astype(float)
    net = engine.new_net([2, 3, 1], seed=4)
    r1 = training.train(net, x, y, 3, batch_size=4, seed=9)
    r2 = training.train(net, x, y, 3, batch_size=4, seed=9)
    assert r1.net.steps == 9  # 3 epochs x ceil(10 / 4) batches
    np.testing.assert_array_equal(r1.net.weights[0], r2.net.weights[0])


@pytest.mark.parametrize("bad,match", [
    (dict(hidden_activation="softmax"), "hidden_activation"),
    (dict(output_activation="relu"), "output_activation"),
    (dict(loss="hinge"), "loss"),
    (dict(loss="bce", output_activation="linear"), "sigmoid"),
    (dict(loss="cross_entropy", output_activation="sigmoid"), "softmax"),
])
def test_invalid_configurations(bad: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        engine.new_net([2, 2], **bad)


@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_softmax_needs_two_outputs(loss: str) -> None:
    # one softmax neuron always outputs e^z / e^z = 1: cost and gradient teach nothing
    with pytest.raises(engine.InvalidInput, match="at least 2 neurons"):
        engine.new_net([2, 3, 1], "sigmoid", "softmax", loss)
    assert engine.new_net([2, 3, 2], "sigmoid", "softmax", loss).layer_sizes == [2, 3, 2]


def test_engine_imports_no_web_code() -> None:
    code = "import sys, app.nn.engine; bad = [m for m in sys.modules if m.split('.')[0] in " \
           "('fastapi', 'starlette', 'pydantic', 'uvicorn', 'httpx', 'sqlite3')]; print(bad); sys.exit(bool(bad))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0
