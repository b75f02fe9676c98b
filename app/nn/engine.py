"""The multilayer perceptron, in numpy only, in the lecture's notation (docs/numerics.md,
docs/conventions.md). Layers 0..L (0 = input; the UI adds 1); for l >= 1, samples first:
    z[l] = a[l-1] @ weights[l-1].T + biases[l-1] (m, n_l),  a[l] = g(z[l])
weights[l-1] is (n_l, n_{l-1}): row j, column k is w_jk, from neuron k of layer l-1 to neuron j
of layer l. forward/backward check their input, then call propagate/backprop (which training
calls directly on checked data). Costs come from z (softplus, log-sum-exp). No web here."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

Array = np.ndarray
BIG = float(np.finfo(np.float64).max)  # dC/da beyond it is shown as +-BIG (Gradients.cost_grad_capped)


def sigmoid(z: Array) -> Array:  # e^-z = inf for z < -709 rightly gives 0; callers silence the warning
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z: Array) -> Array:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class Activation:
    """g and g'(z); g' takes (z, a) because sigmoid and tanh are cheapest from a."""
    f: Callable[[Array], Array]
    df: Callable[[Array, Array], Array]
    elementwise: bool = True  # softmax is not: its Jacobian couples the outputs


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation(sigmoid, lambda z, a: a * (1.0 - a)),
    "tanh": Activation(np.tanh, lambda z, a: 1.0 - a * a),
    "relu": Activation(lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(np.float64)),
    "linear": Activation(lambda z: z.copy(), lambda z, a: np.ones_like(z)),
    # df is the Jacobian's diagonal a_j (1 - a_j), what a per-neuron view can show.
    "softmax": Activation(softmax, lambda z, a: a * (1.0 - a), elementwise=False),
}
HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear")
OUTPUT_ACTIVATIONS = ("sigmoid", "linear", "softmax")
REDUCTIONS = ("mean", "sum")  # how a batch's per-sample costs and gradients combine (docs/conventions.md)


def _bce_cost(z: Array, a: Array, y: Array) -> Array:
    # -y log a - (1-y) log(1-a) = y softplus(-z) + (1-y) softplus(z), softplus(+-z) = max(+-z, 0)
    # + log1p(e^-|z|): terms >= 0 for y in [0, 1], no cancellation, no clipping (z = 40, y = 0: 40.0)
    shared = np.log1p(np.exp(-np.abs(z)))
    return (shared + y * np.maximum(-z, 0.0) + (1.0 - y) * np.maximum(z, 0.0)).sum(axis=1)


def _bce_grad(z: Array, a: Array, y: Array) -> Array:
    # dC/da = -y/a + (1-y)/(1-a) = -y (1 + e^-z) + (1-y)(1 + e^z), from z: a rounds to 1 above z = 37.
    return np.where(y < 1, (1.0 - y) * (1.0 + np.exp(z)), 0.0) - np.where(y > 0, y * (1.0 + np.exp(-z)), 0.0)


def _minus_log_softmax(z: Array) -> Array:
    """-log a_k = log sum_j e^{z_j} - z_k >= 0 (log-sum-exp, shifted by max z: no overflow)."""
    s = z - z.max(axis=1, keepdims=True)
    return np.log(np.exp(s).sum(axis=1, keepdims=True)) - s


@dataclass(frozen=True)
class Loss:
    """C_i(z, a, y) (m,), dC_i/da (+-inf beyond float64), C_i in words, the output it needs, delta with it, y range."""
    cost: Callable[[Array, Array, Array], Array]
    grad: Callable[[Array, Array, Array], Array]
    formula: str
    output: str | None = None
    delta: Callable[[Array, Array, Array], Array] | None = None
    targets: tuple[float, float] | None = None


LOSSES: dict[str, Loss] = {
    "mse": Loss(lambda z, a, y: 0.5 * ((a - y) ** 2).sum(axis=1), lambda z, a, y: a - y, "1/2 sum_j (a_j - y_j)^2"),
    "sse": Loss(lambda z, a, y: ((a - y) ** 2).sum(axis=1), lambda z, a, y: 2.0 * (a - y), "sum_j (a_j - y_j)^2"),
    # delta = a - y, with 1 - a = sigmoid(-z) from z where a is near 1 (1 - a would round away)
    "bce": Loss(_bce_cost, _bce_grad, "sum_j softplus(z_j) - y_j z_j", "sigmoid",
                lambda z, a, y: np.where(z > 0, (1.0 - y) - sigmoid(-z), a - y), (0.0, 1.0)),
    # dC/da_k = -y_k / a_k = -y_k e^{-log a_k}; delta = a sum(y) - y, a - y when the targets sum to 1
    "cross_entropy": Loss(lambda z, a, y: (y * _minus_log_softmax(z)).sum(axis=1),
                          lambda z, a, y: np.where(y != 0, -y * np.exp(_minus_log_softmax(z)), 0.0),
                          "sum_k y_k (logsumexp(z) - z_k)", "softmax",
                          lambda z, a, y: a * y.sum(axis=1, keepdims=True) - y, (0.0, 1.0)),
}


class InvalidInput(ValueError):
    """Input a formula or limit refuses; its message says what is wrong and what is allowed (API: 422)."""


class DivergedError(InvalidInput):
    """A number (z, the cost, a gradient, an updated weight) left float64; `what` says which, without advice."""

    def __init__(self, what: str, advice: str = "use smaller inputs or weights") -> None:
        super().__init__(f"{what}; {advice}")
        self.what, self.advice = what, advice

    def __reduce__(self) -> tuple[type, tuple[str, str]]:  # from /train's child process: the message once
        return type(self), (self.what, self.advice)


@dataclass
class Net:
    """Parameters and settings of one network; no hidden mutable state."""
    layer_sizes: list[int]
    weights: list[Array]
    biases: list[Array]
    hidden_activation: str = "sigmoid"
    output_activation: str = "sigmoid"
    loss: str = "mse"
    learning_rate: float = 0.5
    l2: float = 0.0
    seed: int = 0
    steps: int = 0
    batch_reduction: str = "mean"  # "sum": the batch's cost and gradient are sums over its samples, not means
    l2_biases: bool = False        # the L2 penalty covers the biases too

    L = property(lambda self: len(self.layer_sizes) - 1)  # the lecture's output layer index
    regularised = property(lambda self: self.weights + self.biases if self.l2_biases else self.weights)  # under L2

    def activation(self, l: int) -> Activation:
        return ACTIVATIONS[self.output_activation if l == self.L else self.hidden_activation]

    def parameter_count(self) -> int:
        return parameter_count(self.layer_sizes)


def parameter_count(layer_sizes: list[int]) -> int:
    """Weights plus biases: sum over layers of n_l (n_{l-1} + 1)."""
    return sum(n_out * (n_in + 1) for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]))


class Params:
    """All weights (layer by layer), then all biases, in one float64 buffer `flat`, with shaped views."""
    def __init__(self, layer_sizes: list[int]) -> None:
        shapes = [(n_out, n_in) for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
        self.flat, self.n_weights = np.empty(parameter_count(layer_sizes)), sum(o * i for o, i in shapes)
        ends = np.cumsum([math.prod(s) for s in shapes] + [o for o, _ in shapes])
        views = [self.flat[end - math.prod(s):end].reshape(s)
                 for s, end in zip(shapes + [(o,) for o, _ in shapes], ends)]
        self.weights, self.biases = views[:len(shapes)], views[len(shapes):]


@dataclass
class Trace:
    """What the forward pass computed: a[0] = x; z[l], a[l] for l >= 1 (z[0] is None)."""
    z: list[Array | None]
    a: list[Array]


@dataclass
class Gradients:
    """delta[l] = dC_i/dz[l] per sample (delta[0] None); dC/dw, dC/db in `params`; cost_grad = dC_i/da[L]
    per sample, entries beyond float64 shown as +-BIG and their [sample, neuron] in cost_grad_capped."""
    delta: list[Array | None]
    params: Params
    cost: float
    sample_costs: Array
    cost_grad: Array
    cost_grad_capped: list[list[int]] = field(default_factory=list)

    weights = property(lambda self: self.params.weights)
    biases = property(lambda self: self.params.biases)


def check_config(hidden: str, output: str, loss: str, n_outputs: int = 2, batch_reduction: str = "mean") -> None:
    """The pairing rules: InvalidInput (a sentence) for an activation, loss or pairing refused."""
    for name, value, allowed in (("hidden_activation", hidden, HIDDEN_ACTIVATIONS),
                                 ("output_activation", output, OUTPUT_ACTIVATIONS), ("loss", loss, tuple(LOSSES)),
                                 ("batch_reduction", batch_reduction, REDUCTIONS)):
        if value not in allowed:
            raise InvalidInput(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    need = LOSSES[loss].output
    if need is not None and output != need:
        raise InvalidInput(f"loss {loss!r} needs a {need} output layer, not {output!r}")
    if output == "softmax" and n_outputs < 2:
        raise InvalidInput("a softmax output layer needs at least 2 neurons (with 1, a = 1 whatever z is); "
                           "use a sigmoid output for one output")


def init_params(layer_sizes: list[int], hidden: str, seed: int) -> tuple[list[Array], list[Array]]:
    """Glorot-style normal weights (He for relu), zero biases, from one seeded generator."""
    if len(layer_sizes) < 2 or min(layer_sizes) < 1:
        raise InvalidInput("layer_sizes needs at least 2 layers of at least 1 neuron")
    rng, gain = np.random.default_rng(seed), 2.0 if hidden == "relu" else 1.0
    weights = [rng.normal(0.0, np.sqrt(gain / n_in), size=(n_out, n_in))
               for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
    return weights, [np.zeros(n) for n in layer_sizes[1:]]


def check_params(net: Net) -> None:
    """Settings and parameters fit together (shapes, finiteness, pairing rules) or InvalidInput."""
    sizes = net.layer_sizes
    check_config(net.hidden_activation, net.output_activation, net.loss, sizes[-1], net.batch_reduction)
    if len(net.weights) != len(sizes) - 1 or len(net.biases) != len(sizes) - 1:
        raise InvalidInput(f"a network of {len(sizes)} layers needs {len(sizes) - 1} weight matrices and bias vectors")
    for l in range(1, len(sizes)):
        w, b = net.weights[l - 1], net.biases[l - 1]
        if w.shape != (sizes[l], sizes[l - 1]):
            raise InvalidInput(f"weights[{l - 1}] must have shape ({sizes[l]}, {sizes[l - 1]}), not {w.shape}")
        if b.shape != (sizes[l],):
            raise InvalidInput(f"biases[{l - 1}] must have {sizes[l]} entries, not {b.shape[0] if b.ndim else 0}")
        if not (np.isfinite(w).all() and np.isfinite(b).all()):
            raise InvalidInput(f"weights[{l - 1}] and biases[{l - 1}] must be finite numbers")


def _first_bad_row(bad: Array) -> int:  # the first sample with a True entry
    return int(np.flatnonzero(bad.reshape(bad.shape[0], -1).any(axis=1))[0])


def check_batch(net: Net, x: Array, y: Array | None, xs: str = "inputs", ys: str = "targets") -> None:
    """Shapes, finiteness and the loss's target range, or InvalidInput naming the rule, row and fields xs, ys."""
    if x.ndim != 2 or x.shape[1] != net.layer_sizes[0]:
        raise InvalidInput(f"{xs} must be m rows of {net.layer_sizes[0]} numbers, got shape {x.shape}")
    if x.shape[0] < 1:
        raise InvalidInput(f"{xs} must hold at least one sample")
    if y is not None and y.shape != (x.shape[0], net.layer_sizes[-1]):
        raise InvalidInput(f"{ys} must be {x.shape[0]} rows of {net.layer_sizes[-1]} numbers, got shape {y.shape}")
    if not finite(x) or (y is not None and not finite(y)):
        raise InvalidInput(f"{xs} and {ys} must be finite numbers")
    low_high = LOSSES[net.loss].targets
    if y is not None and low_high is not None and ((y < low_high[0]) | (y > low_high[1])).any():
        i = _first_bad_row((y < low_high[0]) | (y > low_high[1]))
        raise InvalidInput(f"loss {net.loss!r} compares probabilities, so every target must lie in "
                           f"[{low_high[0]:g}, {low_high[1]:g}]: sample {i + 1} ({ys}[{i}]) is {y[i].tolist()}")


def finite(values: Array) -> bool:  # one sum is cheaper than isfinite(): inf/NaN if an entry is (or they overflow)
    return math.isfinite(values.sum()) or bool(np.isfinite(values).all())


def propagate(net: Net, x: Array) -> Trace:
    """The forward pass, unchecked (callers check_batch and silence overflow warnings once); DivergedError."""
    z: list[Array | None] = [None]
    a: list[Array] = [x]
    for l in range(1, net.L + 1):
        zl = a[-1] @ net.weights[l - 1].T
        zl += net.biases[l - 1]  # in place: no second (m, n_l) array per layer
        if not finite(zl):
            i = _first_bad_row(~np.isfinite(zl))
            raise DivergedError(f"the weighted input z of layer {l} overflows float64 for sample {i + 1}")
        z.append(zl)
        a.append(net.activation(l).f(zl))
    return Trace(z, a)


def forward(net: Net, x: Array) -> Trace:
    """a[l] and z[l] of every layer for x (m, n_0); InvalidInput for a bad batch or an overflow."""
    check_batch(net, x, None)
    with np.errstate(over="ignore", invalid="ignore"):
        return propagate(net, x)


def g_prime(net: Net, trace: Trace, l: int) -> Array:
    """g'(z[l]) per neuron (softmax: the Jacobian's diagonal)."""
    return net.activation(l).df(trace.z[l], trace.a[l])


def sample_costs(net: Net, trace: Trace, y: Array) -> Array:
    """Each sample's own cost term C_i (no 1/m, no L2), from z[L] and a[L]."""
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow shows as inf; costs() checks
        return LOSSES[net.loss].cost(trace.z[-1], trace.a[-1], y)


def combine(net: Net, per: Array, n: int | None = None) -> Array:
    """C from m costs C_i, in their precision: (1/m) sum C_i + lambda/(2n) sum p^2 (mean), m times it (sum)."""
    m, total = per.shape[0], np.add.reduce(per)
    reg = net.l2 / (2 * (n or m)) * sum(np.vdot(p, p) for p in net.regularised) if net.l2 else 0.0
    return total / m + reg if net.batch_reduction == "mean" else total + m * reg


def costs(net: Net, trace: Trace, y: Array, n: int | None = None) -> tuple[Array, float]:
    """(C_i, the batch cost C of `combine`), n the training samples; DivergedError if C overflows."""
    per = sample_costs(net, trace, y)
    with np.errstate(over="ignore", invalid="ignore"):
        total = float(combine(net, per, n))
    if not math.isfinite(total):
        who = f"the cost of sample {_first_bad_row(~np.isfinite(per)) + 1}" if not finite(per) else "the cost"
        raise DivergedError(f"{who} overflows float64 (C_i = {LOSSES[net.loss].formula})")
    return per, total


def cost(net: Net, trace: Trace, y: Array) -> float:  # C of `combine` with n = m
    return costs(net, trace, y)[1]


def output_delta(net: Net, trace: Trace, y: Array) -> Array:
    """Equation 1: delta[L] = dC_i/dz[L]."""
    a, z = trace.a[-1], trace.z[-1]
    loss, act = LOSSES[net.loss], net.activation(net.L)
    if loss.delta is not None:
        return loss.delta(z, a, y)  # sigmoid + bce, softmax + cross-entropy: closed form
    grad_a = loss.grad(z, a, y)
    return grad_a * act.df(z, a) if act.elementwise else a * (grad_a - softmax_dot(grad_a, a))


def softmax_dot(grad_a: Array, a: Array) -> Array:  # sum_k g_k a_k (m, 1): softmax's delta_j = a_j (g_j - it)
    return (grad_a * a).sum(axis=1, keepdims=True)


def backprop(net: Net, trace: Trace, y: Array, out: Params, n: int | None = None) -> list[Array | None]:
    """Equations 1-4, unchecked: the gradient of `combine`'s C into `out`; delta[l] per layer."""
    m, L = y.shape[0], len(net.layer_sizes) - 1
    delta: list[Array | None] = [None] * (L + 1)
    delta[L] = output_delta(net, trace, y)
    df = ACTIVATIONS[net.hidden_activation].df
    for l in range(L, 0, -1):
        np.matmul(delta[l].T, trace.a[l - 1], out=out.weights[l - 1])
        np.add.reduce(delta[l], axis=0, out=out.biases[l - 1])
        if l > 1:  # equation 2, moving the error back one layer
            delta[l - 1] = (delta[l] @ net.weights[l - 1]) * df(trace.z[l - 1], trace.a[l - 1])
    reduce = 1.0 / m if net.batch_reduction == "mean" else 1.0
    out.flat *= reduce
    if net.l2:  # decay lambda/n per update (times m under sum) on what L2 covers: weights first, as in flat
        p = np.concatenate([v.ravel() for v in net.regularised])
        out.flat[:p.size] += net.l2 / (n or m) * (reduce * m) * p
    return delta


def backward(net: Net, trace: Trace, y: Array) -> Gradients:
    """Equations 1-4 with the cost and dC_i/da[L]; InvalidInput (bad batch), DivergedError (overflow)."""
    check_batch(net, trace.a[0], y)
    per, total = costs(net, trace, y)
    grads = Params(net.layer_sizes)
    with np.errstate(over="ignore", invalid="ignore"):
        delta = backprop(net, trace, y, grads)
        cost_grad = LOSSES[net.loss].grad(trace.z[-1], trace.a[-1], y)
    if not (finite(grads.flat) and all(finite(d) for d in delta[1:])):
        raise DivergedError("the gradients overflow float64 for these inputs")
    capped = np.argwhere(~np.isfinite(cost_grad)).tolist()
    return Gradients(delta, grads, total, per, np.clip(cost_grad, -BIG, BIG), capped)


def new_net(layer_sizes: list[int], hidden_activation: str = "sigmoid", output_activation: str = "sigmoid",
            loss: str = "mse", learning_rate: float = 0.5, l2: float = 0.0, seed: int = 0,
            weights: list[Array] | None = None, biases: list[Array] | None = None,
            batch_reduction: str = "mean", l2_biases: bool = False) -> Net:
    """Build a checked network (check_params): seeded initial weights unless explicit ones are given."""
    w0, b0 = init_params(layer_sizes, hidden_activation, seed)
    net = Net(list(layer_sizes), weights if weights is not None else w0, biases if biases is not None else b0,
              hidden_activation, output_activation, loss, float(learning_rate), float(l2), seed,
              batch_reduction=batch_reduction, l2_biases=bool(l2_biases))
    check_params(net)
    return net
