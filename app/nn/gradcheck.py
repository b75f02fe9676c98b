"""Gradient check: backprop's dC/dp against central differences of the cost, per parameter.

    numerical = (C(p + eps) - C(p - eps)) / (2 eps)
    relative error = |backprop - numerical| / max(|backprop| + |numerical|, TINY)

Pure numpy; nothing here knows about the web. Each parameter costs two passes through the
layers from its own layer onwards (the activations before it are reused), in numpy's extended
precision (longdouble: 80-bit on x86-64; no faster BLAS there), so the work grows with
parameters x parameters x samples: app.limits.check_gradient_check bounds it before a request runs it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from app.nn import engine
from app.nn.engine import InvalidInput

Array = np.ndarray
TINY = 1e-300  # only keeps 0/0 (both gradients exactly zero) from being NaN: it reads 0


def relative_error(backprop: Array, numerical: Array) -> Array:
    """|a - b| / max(|a| + |b|, TINY): 0 when equal, 1 when opposite or one is zero."""
    return np.abs(backprop - numerical) / np.maximum(np.abs(backprop) + np.abs(numerical), TINY)


@dataclass
class GradCheck:
    """Per parameter, in the shapes of the network's weights and biases."""

    backprop: engine.Gradients
    numerical_weights: list[Array]
    numerical_biases: list[Array]
    error_weights: list[Array]
    error_biases: list[Array]
    epsilon: float

    @property
    def max_relative_error(self) -> float:
        return max(float(e.max()) for e in self.error_weights + self.error_biases)


def _cost_from(net: engine.Net, l: int, a_before: Array, y: Array) -> np.longdouble:
    """The full cost C (L2 included) when the layers from l on are recomputed from a[l-1],
    in the arrays' own precision (engine.cost would round it to a float)."""
    rest = replace(net, layer_sizes=net.layer_sizes[l - 1:], weights=net.weights[l - 1:], biases=net.biases[l - 1:])
    trace = engine.forward(rest, a_before)  # its layer 0 is layer l-1 of net; the activations follow L
    c = engine.sample_costs(net, trace, y).mean()
    if net.l2:
        c = c + np.longdouble(net.l2) / (2 * y.shape[0]) * sum((w * w).sum() for w in net.weights)
    return c


def _central(net: engine.Net, l: int, param: Array, a_before: Array, y: Array, eps: float) -> Array:
    """Central differences for every entry of `param` (a weight matrix or bias vector of
    layer l, belonging to `net`): each entry is nudged in place and restored."""
    grad = np.zeros(param.shape)
    eps = np.longdouble(eps)
    for idx in np.ndindex(param.shape):
        old = param[idx]
        param[idx] = old + eps
        up = _cost_from(net, l, a_before, y)
        param[idx] = old - eps
        down = _cost_from(net, l, a_before, y)
        param[idx] = old
        grad[idx] = (up - down) / (2.0 * eps)
    return grad


def gradient_check(net: engine.Net, x: Array, y: Array, epsilon: float = 1e-5) -> GradCheck:
    """Backprop's gradients and the central-difference ones, for every weight and bias."""
    if not (np.isfinite(epsilon) and epsilon > 0):
        raise InvalidInput("epsilon must be a positive number")
    trace = engine.forward(net, x)
    grads = engine.backward(net, trace, y)
    # Nudge copies, never the caller's arrays, in extended precision: the rounding of C
    # (about 1e-16 C / eps in float64) would otherwise swamp gradients below ~1e-8.
    ext = np.longdouble
    work = engine.Net(net.layer_sizes, [w.astype(ext) for w in net.weights], [b.astype(ext) for b in net.biases],
                      net.hidden_activation, net.output_activation, net.loss, net.learning_rate, net.l2)
    a_ext, y_ext = [a.astype(ext) for a in trace.a], y.astype(ext)
    with np.errstate(over="ignore", invalid="ignore"):
        num_w = [_central(work, l, work.weights[l - 1], a_ext[l - 1], y_ext, epsilon) for l in range(1, net.L + 1)]
        num_b = [_central(work, l, work.biases[l - 1], a_ext[l - 1], y_ext, epsilon) for l in range(1, net.L + 1)]
    with np.errstate(over="ignore", invalid="ignore"):
        err_w = [relative_error(g, n) for g, n in zip(grads.weights, num_w)]
        err_b = [relative_error(g, n) for g, n in zip(grads.biases, num_b)]
    everything = [np.asarray(grads.cost), *grads.weights, *grads.biases, *num_w, *num_b, *err_w, *err_b]
    if not all(np.isfinite(v).all() for v in everything):
        raise InvalidInput("the cost or its gradient is not finite for these parameters and samples, so there is "
                         "nothing to compare; use smaller weights or inputs, or a larger epsilon")
    return GradCheck(grads, num_w, num_b, err_w, err_b, float(epsilon))
