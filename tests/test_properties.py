"""Hypothesis on the engine: any shapes and values give finite results or a clear ValueError,
and the gradients equal central finite differences of the cost."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from app.nn import engine, training
from reference import numeric_gradient

PAIRS = [("sigmoid", "mse"), ("sigmoid", "bce"), ("linear", "mse"), ("softmax", "cross_entropy"),
         ("softmax", "mse")]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

sizes = st.lists(st.integers(1, 5), min_size=2, max_size=4)
finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@st.composite
def networks(draw: st.DrawFn, hidden: tuple[str, ...] = engine.HIDDEN_ACTIVATIONS) -> engine.Net:
    out, loss = draw(st.sampled_from(PAIRS))
    layer_sizes = draw(sizes)
    if out == "softmax":  # a softmax output layer needs 2 or more neurons (engine.check_config)
        layer_sizes[-1] = max(2, layer_sizes[-1])
    return engine.new_net(layer_sizes, draw(st.sampled_from(hidden)), out, loss,
                          learning_rate=draw(st.floats(1e-3, 10)), l2=draw(st.sampled_from([0.0, 0.1, 3.0])),
                          seed=draw(st.integers(0, 2**32)))


def targets(net: engine.Net, m: int, rng: np.random.Generator) -> np.ndarray:
    n = net.layer_sizes[-1]
    if net.loss == "cross_entropy":
        return np.eye(n)[rng.integers(0, n, m)]
    return rng.uniform(0, 1, (m, n)) if net.loss == "bce" else rng.uniform(-2, 2, (m, n))


@SETTINGS
@given(net=networks(), m=st.integers(1, 6), seed=st.integers(0, 1000), scale=st.sampled_from([1.0, 1e3]))
def test_passes_stay_finite(net: engine.Net, m: int, seed: int, scale: float) -> None:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-scale, scale, (m, net.layer_sizes[0]))
    y = targets(net, m, rng)
    trace = engine.forward(net, x)
    grads = engine.backward(net, trace, y)
    for arr in trace.a + trace.z[1:] + grads.delta[1:] + grads.weights + grads.biases:
        assert np.isfinite(arr).all()
    assert np.isfinite(grads.cost) and np.isfinite(grads.sample_costs).all()
    try:
        _, _, new = engine.step(net, x, y, 1000.0)
    except engine.DivergedError:
        return  # refused, and said why: acceptable for a huge learning rate
    assert all(np.isfinite(p).all() for p in new.weights + new.biases)


@SETTINGS
@given(net=networks(), rows=st.integers(0, 4), data=st.data())
def test_any_shape_or_value_is_finite_or_a_value_error(net: engine.Net, rows: int, data: st.DataObject) -> None:
    # right widths most of the time, so that the values (not only the shapes) are tried
    cols = data.draw(st.one_of(st.just(net.layer_sizes[0]), st.integers(0, 7)))
    ycols = data.draw(st.one_of(st.just(net.layer_sizes[-1]), st.integers(0, 7)))
    special = st.sampled_from([np.nan, np.inf, -np.inf, 1e308, -1e308, 0.0])
    values = data.draw(st.sampled_from([finite, st.one_of(finite, special)]))
    x = data.draw(arrays(np.float64, (rows, cols), elements=values))
    y = data.draw(arrays(np.float64, (rows, ycols), elements=values))
    try:
        trace = engine.forward(net, x)
        grads = engine.backward(net, trace, y)
        result = training.train(net, x, y, 3)
    except ValueError as err:
        assert str(err)  # a sentence, not an empty error
        return
    assert np.isfinite(grads.cost)
    assert all(np.isfinite(c) for c in result.costs)
    assert all(np.isfinite(p).all() for p in result.net.weights + result.net.biases)


def test_bad_settings_are_value_errors() -> None:
    for args in [([2, 1], "swish", "sigmoid", "mse"), ([2, 1], "sigmoid", "relu", "mse"),
                 ([2, 1], "sigmoid", "linear", "bce"), ([2, 1], "sigmoid", "sigmoid", "cross_entropy"),
                 ([2, 0, 1], "sigmoid", "sigmoid", "mse"), ([3], "sigmoid", "sigmoid", "mse")]:
        try:
            engine.new_net(*args)
        except ValueError as err:
            assert str(err)
        else:
            raise AssertionError(f"{args} was accepted")


@SETTINGS
@given(net=networks(hidden=("sigmoid", "tanh", "linear")), m=st.integers(1, 5), seed=st.integers(0, 1000))
def test_gradients_match_central_differences(net: engine.Net, m: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, (m, net.layer_sizes[0]))
    y = targets(net, m, rng)
    if net.loss == "bce":  # keep outputs away from the log clip, where the cost is flat
        y = rng.uniform(0.1, 0.9, y.shape)
    grads = engine.backward(net, engine.forward(net, x), y)
    for analytic, param in zip(grads.weights + grads.biases, net.weights + net.biases):
        numeric = numeric_gradient(net, x, y, param)
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)
