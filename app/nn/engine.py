"""The multilayer perceptron, in numpy only, in the lecture's notation.

Layers are numbered 0..L (0 = input; the UI adds 1). For layer l >= 1:
    z[l] = a[l-1] @ weights[l-1].T + biases[l-1]      (samples first, shape (m, n_l))
    a[l] = g(z[l])
`weights[l-1]` has shape (n_l, n_{l-1}): row j, column k is w_jk, from neuron k of
layer l-1 to neuron j of layer l. Nothing here knows about the web.

Each computation exists once: `forward` and `backward` check their input, then call the
unchecked `propagate` and `backprop` that app.nn.training calls directly once it has checked its
data. Costs come from z (softplus, log-sum-exp): exact for saturated outputs (docs/numerics.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np


Array = np.ndarray
BIG = float(np.finfo(np.float64).max)  # dC/da beyond it is reported as +-BIG (Gradients.cost_grad_capped)


def sigmoid(z: Array) -> Array:
    with np.errstate(over="ignore"):  # e^-z is inf for z < -709, which rightly gives 0
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


def _bce_cost(z: Array, a: Array, y: Array) -> Array:
    # -y log a - (1-y) log(1-a) with log a = -softplus(-z), log(1-a) = -softplus(z), and
    # softplus(+-z) = max(+-z, 0) + log1p(e^-|z|): each term >= 0 for y in [0, 1], so no
    # cancellation and no clipping (z = 40, y = 0 costs 40.0 exactly).
    shared = np.log1p(np.exp(-np.abs(z)))
    return (shared + y * np.maximum(-z, 0.0) + (1.0 - y) * np.maximum(z, 0.0)).sum(axis=1)


def _bce_grad(z: Array, a: Array, y: Array) -> Array:
    # dC/da = -y/a + (1-y)/(1-a) = -y (1 + e^-z) + (1-y)(1 + e^z), from z: a rounds to 1 above z = 37.
    with np.errstate(over="ignore", invalid="ignore"):
        return (np.where(y < 1, (1.0 - y) * (1.0 + np.exp(z)), 0.0)
                - np.where(y > 0, y * (1.0 + np.exp(-z)), 0.0))


def _bce_delta(z: Array, a: Array, y: Array) -> Array:
    # a - y, with 1 - a = sigmoid(-z) taken from z where a is near 1 (1 - a would round away)
    return np.where(z > 0, (1.0 - y) - sigmoid(-z), a - y)


def _minus_log_softmax(z: Array) -> Array:
    """-log a_k = log sum_j e^{z_j} - z_k >= 0 (log-sum-exp, shifted by max z: no overflow)."""
    s = z - z.max(axis=1, keepdims=True)
    return np.log(np.exp(s).sum(axis=1, keepdims=True)) - s


def _ce_grad(z: Array, a: Array, y: Array) -> Array:
    with np.errstate(over="ignore", invalid="ignore"):  # -y_k / a_k = -y_k e^{-log a_k}
        return np.where(y != 0, -y * np.exp(_minus_log_softmax(z)), 0.0)


@dataclass(frozen=True)
class Loss:
    """Per-sample cost C_i(z, a, y) (shape (m,)) and dC_i/da (+-inf where it exceeds float64).
    `output` names the output activation it requires, `delta` its closed-form dC_i/dz[L] with
    that activation, `targets` the range each target must lie in (cross-entropies compare
    probabilities), `formula` the cost as the error messages and docs write it."""

    cost: Callable[[Array, Array, Array], Array]
    grad: Callable[[Array, Array, Array], Array]
    formula: str
    output: str | None = None
    delta: Callable[[Array, Array, Array], Array] | None = None
    targets: tuple[float, float] | None = None


LOSSES: dict[str, Loss] = {
    "mse": Loss(lambda z, a, y: 0.5 * ((a - y) ** 2).sum(axis=1), lambda z, a, y: a - y, "1/2 sum_j (a_j - y_j)^2"),
    "bce": Loss(_bce_cost, _bce_grad, "sum_j softplus(z_j) - y_j z_j", "sigmoid", _bce_delta, (0.0, 1.0)),
    # The general gradient a sum(y) - y: it is a - y when the targets sum to 1 (a distribution).
    "cross_entropy": Loss(lambda z, a, y: (y * _minus_log_softmax(z)).sum(axis=1), _ce_grad,
                          "sum_k y_k (logsumexp(z) - z_k)", "softmax",
                          lambda z, a, y: a * y.sum(axis=1, keepdims=True) - y, (0.0, 1.0)),
}


class InvalidInput(ValueError):
    """Input (a request's numbers, a setting, a size) that a formula or a limit refuses.

    The message is one sentence for the student: what is wrong and what is allowed. The API
    answers it with 422; any other exception is a bug (a logged 500 without internals)."""


class DivergedError(InvalidInput):
    """A number left float64's range: a weighted input z, the cost, a gradient or an updated
    weight. `what` says which, without advice, so that a caller can say what to try."""

    def __init__(self, what: str, advice: str = "use smaller inputs or weights") -> None:
        super().__init__(f"{what}; {advice}")
        self.what = what


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

    @property
    def L(self) -> int:  # noqa: N802 - the lecture's name for the output layer's index
        return len(self.layer_sizes) - 1

    def activation(self, l: int) -> Activation:
        return ACTIVATIONS[self.output_activation if l == self.L else self.hidden_activation]

    def parameter_count(self) -> int:
        """Weights plus biases: sum over layers of n_l (n_{l-1} + 1)."""
        return parameter_count(self.layer_sizes)


def parameter_count(layer_sizes: list[int]) -> int:
    """Weights plus biases of a network of these widths: sum over layers of n_l (n_{l-1} + 1)."""
    return sum(n_out * (n_in + 1) for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]))


class Params:
    """Every weight and bias of a network in one float64 buffer (weights[0..L-1], then biases),
    with views of the engine's shapes: an update is one subtraction and one finiteness check."""

    def __init__(self, layer_sizes: list[int]) -> None:
        shapes = [(n_out, n_in) for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
        self.flat = np.empty(parameter_count(layer_sizes))
        self.n_weights = sum(o * i for o, i in shapes)
        at, views = 0, []
        for shape in shapes + [(n_out,) for n_out, _ in shapes]:
            size = math.prod(shape)
            views.append(self.flat[at:at + size].reshape(shape))
            at += size
        self.weights: list[Array] = views[:len(shapes)]
        self.biases: list[Array] = views[len(shapes):]

    @classmethod
    def of(cls, net: Net) -> "Params":
        p = cls(net.layer_sizes)
        p.flat[:] = np.concatenate([v.ravel() for v in net.weights + net.biases])
        return p

    def into(self, net: Net, steps: int | None = None) -> Net:
        """`net`'s settings with these parameters (views of this buffer, not copies)."""
        return replace(net, weights=self.weights, biases=self.biases, steps=net.steps if steps is None else steps)


@dataclass
class Trace:
    """What the forward pass computed: a[0] = x; z[l], a[l] for l >= 1 (z[0] is None)."""

    z: list[Array | None]
    a: list[Array]


@dataclass
class Gradients:
    """delta[l] = dC_i/dz[l] per sample (delta[0] is None); dC/dw, dC/db (batch means + L2) in
    `params`; cost_grad = dC_i/da[L] per sample, with the [sample, neuron] entries whose true
    value is beyond float64 (about 1.8e308; shown as +-BIG) listed in cost_grad_capped."""

    delta: list[Array | None]
    params: Params
    cost: float
    sample_costs: Array
    cost_grad: Array
    cost_grad_capped: list[list[int]] = field(default_factory=list)

    weights = property(lambda self: self.params.weights)
    biases = property(lambda self: self.params.biases)


def check_config(hidden: str, output: str, loss: str, n_outputs: int = 2) -> None:
    """The pairing rules: InvalidInput (a sentence) for an activation, loss or pairing refused."""
    if hidden not in HIDDEN_ACTIVATIONS:
        raise InvalidInput(f"hidden_activation must be one of {', '.join(HIDDEN_ACTIVATIONS)}, not {hidden!r}")
    if output not in OUTPUT_ACTIVATIONS:
        raise InvalidInput(f"output_activation must be one of {', '.join(OUTPUT_ACTIVATIONS)}, not {output!r}")
    if loss not in LOSSES:
        raise InvalidInput(f"loss must be one of {', '.join(LOSSES)}, not {loss!r}")
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
    rng = np.random.default_rng(seed)
    gain = 2.0 if hidden == "relu" else 1.0
    weights = [rng.normal(0.0, np.sqrt(gain / n_in), size=(n_out, n_in))
               for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
    biases = [np.zeros(n) for n in layer_sizes[1:]]
    return weights, biases


def check_params(net: Net) -> None:
    """Settings and parameters fit together (shapes, finiteness, pairing rules) or InvalidInput."""
    sizes = net.layer_sizes
    check_config(net.hidden_activation, net.output_activation, net.loss, sizes[-1])
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


def _first_bad_row(bad: Array) -> int:
    return int(np.flatnonzero(bad.reshape(bad.shape[0], -1).any(axis=1))[0])


def check_batch(net: Net, x: Array, y: Array | None) -> None:
    """Shapes, finiteness and the loss's target range, or InvalidInput naming the rule and row."""
    if x.ndim != 2 or x.shape[1] != net.layer_sizes[0]:
        raise InvalidInput(f"inputs must be m rows of {net.layer_sizes[0]} numbers, got shape {x.shape}")
    if x.shape[0] < 1:
        raise InvalidInput("inputs must hold at least one sample")
    if y is not None and y.shape != (x.shape[0], net.layer_sizes[-1]):
        raise InvalidInput(f"targets must be {x.shape[0]} rows of {net.layer_sizes[-1]} numbers, got shape {y.shape}")
    if not np.isfinite(x).all() or (y is not None and not np.isfinite(y).all()):
        raise InvalidInput("inputs and targets must be finite numbers")
    low_high = LOSSES[net.loss].targets
    if y is not None and low_high is not None and ((y < low_high[0]) | (y > low_high[1])).any():
        i = _first_bad_row((y < low_high[0]) | (y > low_high[1]))
        raise InvalidInput(f"loss {net.loss!r} compares probabilities, so every target must lie in "
                           f"[{low_high[0]:g}, {low_high[1]:g}]: sample {i + 1} (targets[{i}]) is {y[i].tolist()}")


def _finite(values: Array) -> bool:
    # One sum is cheaper than isfinite(); it is inf or NaN whenever an entry is (rarely also
    # when finite entries overflow it, so the exact check then decides).
    return math.isfinite(values.sum()) or bool(np.isfinite(values).all())


def propagate(net: Net, x: Array) -> Trace:
    """The forward pass without input checks (callers check_batch first); DivergedError if a
    weighted input z leaves float64."""
    z: list[Array | None] = [None]
    a: list[Array] = [x]
    with np.errstate(over="ignore", invalid="ignore"):
        for l in range(1, net.L + 1):
            zl = a[-1] @ net.weights[l - 1].T
            zl += net.biases[l - 1]
            if not _finite(zl):
                i = _first_bad_row(~np.isfinite(zl))
                raise DivergedError(f"the weighted input z of layer {l} overflows float64 for sample {i + 1}")
            z.append(zl)
            a.append(net.activation(l).f(zl))
    return Trace(z, a)


def forward(net: Net, x: Array) -> Trace:
    """a[l] and z[l] of every layer for x (m, n_0); InvalidInput for a bad batch or an overflow."""
    check_batch(net, x, None)
    return propagate(net, x)


def g_prime(net: Net, trace: Trace, l: int) -> Array:
    """g'(z[l]) per neuron (softmax: the Jacobian's diagonal)."""
    return net.activation(l).df(trace.z[l], trace.a[l])


def sample_costs(net: Net, trace: Trace, y: Array) -> Array:
    """Each sample's own cost term C_i (no 1/m, no L2), from z[L] and a[L]."""
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow shows as inf; costs() checks
        return LOSSES[net.loss].cost(trace.z[-1], trace.a[-1], y)


def costs(net: Net, trace: Trace, y: Array, n: int | None = None) -> tuple[Array, float]:
    """(C_i per sample, C = (1/m) sum_i C_i + lambda/(2n) sum w^2), n the training samples
    (default m; biases not regularised); DivergedError naming the sample if C leaves float64."""
    per = sample_costs(net, trace, y)
    total = float(np.add.reduce(per)) / per.shape[0]
    if net.l2:
        with np.errstate(over="ignore", invalid="ignore"):
            total += net.l2 / (2 * (n or per.shape[0])) * sum(float(np.vdot(w, w)) for w in net.weights)
    if not math.isfinite(total):
        bad = ~np.isfinite(per)
        who = f"the cost of sample {_first_bad_row(bad) + 1}" if bad.any() else "the cost"
        raise DivergedError(f"{who} overflows float64 (C_i = {LOSSES[net.loss].formula})")
    return per, total


def cost(net: Net, trace: Trace, y: Array) -> float:
    """C = (1/m) sum_i C_i + lambda/(2m) sum w^2; DivergedError if it leaves float64."""
    return costs(net, trace, y)[1]


def output_delta(net: Net, trace: Trace, y: Array) -> Array:
    """Equation 1: delta[L] = dC_i/dz[L]."""
    a, z = trace.a[-1], trace.z[-1]
    loss, act = LOSSES[net.loss], net.activation(net.L)
    if loss.delta is not None:
        return loss.delta(z, a, y)  # sigmoid + bce, softmax + cross-entropy: closed form
    grad_a = loss.grad(z, a, y)
    if act.elementwise:
        return grad_a * act.df(z, a)
    # softmax Jacobian-vector product: a_j (g_j - sum_k g_k a_k)
    return a * (grad_a - (grad_a * a).sum(axis=1, keepdims=True))


def backprop(net: Net, trace: Trace, y: Array, out: Params, n: int | None = None) -> list[Array | None]:
    """Equations 1-4 without input checks: dC/dw = delta^T a / m + (lambda/n) w and
    dC/db = mean delta, written into `out`; returns delta[l] per layer (not checked for overflow)."""
    m = y.shape[0]
    delta: list[Array | None] = [None] * (net.L + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        delta[net.L] = output_delta(net, trace, y)
        for l in range(net.L, 0, -1):
            np.matmul(delta[l].T, trace.a[l - 1], out=out.weights[l - 1])
            np.add.reduce(delta[l], axis=0, out=out.biases[l - 1])
            if l > 1:  # equation 2, moving the error back one layer
                delta[l - 1] = (delta[l] @ net.weights[l - 1]) * g_prime(net, trace, l - 1)
        out.flat *= 1.0 / m
        if net.l2:
            out.flat[:out.n_weights] += (net.l2 / (n or m)) * np.concatenate([w.ravel() for w in net.weights])
    return delta


def backward(net: Net, trace: Trace, y: Array) -> Gradients:
    """Equations 1-4, vectorised over samples and neurons, with the cost and dC_i/da[L];
    InvalidInput for a bad batch, DivergedError if a cost or gradient leaves float64."""
    check_batch(net, trace.a[0], y)
    per, total = costs(net, trace, y)
    grads = Params(net.layer_sizes)
    delta = backprop(net, trace, y, grads)
    if not (_finite(grads.flat) and all(_finite(d) for d in delta[1:])):
        raise DivergedError("the gradients overflow float64 for these inputs")
    with np.errstate(over="ignore", invalid="ignore"):
        cost_grad = LOSSES[net.loss].grad(trace.z[-1], trace.a[-1], y)
    capped = np.argwhere(~np.isfinite(cost_grad)).tolist()
    return Gradients(delta, grads, total, per, np.clip(cost_grad, -BIG, BIG), capped)


def new_net(layer_sizes: list[int], hidden_activation: str = "sigmoid", output_activation: str = "sigmoid",
            loss: str = "mse", learning_rate: float = 0.5, l2: float = 0.0, seed: int = 0,
            weights: list[Array] | None = None, biases: list[Array] | None = None) -> Net:
    """Build a checked network: seeded initial weights unless explicit ones are given."""
    check_config(hidden_activation, output_activation, loss, layer_sizes[-1] if layer_sizes else 2)
    w0, b0 = init_params(layer_sizes, hidden_activation, seed)
    net = Net(list(layer_sizes), weights if weights is not None else w0, biases if biases is not None else b0,
              hidden_activation, output_activation, loss, float(learning_rate), float(l2), seed)
    check_params(net)
    return net
