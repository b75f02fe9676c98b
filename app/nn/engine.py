"""The multilayer perceptron, in numpy only, in the lecture's notation.

Layers are numbered 0..L (0 = input; the UI adds 1). For layer l >= 1:
    z[l] = a[l-1] @ weights[l-1].T + biases[l-1]      (samples first, shape (m, n_l))
    a[l] = g(z[l])
`weights[l-1]` has shape (n_l, n_{l-1}): row j, column k is w_jk, from neuron k of
layer l-1 to neuron j of layer l. Nothing here knows about the web.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np


Array = np.ndarray
EPS = 1e-15  # logs are clipped here, so a saturated output costs ~34.5, never inf


def sigmoid(z: Array) -> Array:
    # e^-z overflows to inf for z < -709, which rightly gives 0, so that warning is silenced.
    # About 15x faster than exp(-logaddexp(0, -z)) (numpy's logaddexp is not vectorised)
    # and at least as accurate (relative error < 3e-16 against mpmath on [-60, 60]).
    with np.errstate(over="ignore"):
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


def _clip(a: Array) -> Array:
    # np.clip's own result, without its Python-level dispatch (~3 us a call in a training loop)
    return np.minimum(np.maximum(a, EPS), 1.0 - EPS)


@dataclass(frozen=True)
class Loss:
    """Per-sample cost C_i(a, y) (shape (m,)) and dC_i/da; `output` names the activation
    whose pairing gives the short form delta = a - y (and is then required)."""

    cost: Callable[[Array, Array], Array]
    grad: Callable[[Array, Array], Array]
    output: str | None = None


LOSSES: dict[str, Loss] = {
    "mse": Loss(lambda a, y: 0.5 * ((a - y) ** 2).sum(axis=1), lambda a, y: a - y),
    "bce": Loss(
        lambda a, y: -(y * np.log(_clip(a)) + (1.0 - y) * np.log(1.0 - _clip(a))).sum(axis=1),
        lambda a, y: (_clip(a) - y) / (_clip(a) * (1.0 - _clip(a))),
        output="sigmoid",
    ),
    "cross_entropy": Loss(
        lambda a, y: -(y * np.log(_clip(a))).sum(axis=1),
        lambda a, y: -y / _clip(a),
        output="softmax",
    ),
}


class InvalidInput(ValueError):
    """Input (a request's numbers, a setting, a size) that a formula or a limit refuses.

    The message is one sentence for the student: what is wrong and what is allowed. The API
    answers it with 422; any other exception is a bug (a logged 500 without internals)."""


class DivergedError(InvalidInput):
    """An update would have made a weight or bias non-finite."""


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


@dataclass
class Trace:
    """What the forward pass computed: a[0] = x; z[l], a[l] for l >= 1 (z[0] is None)."""

    z: list[Array | None]
    a: list[Array]


@dataclass
class Gradients:
    """delta[l] = dC_i/dz[l] per sample (delta[0] is None); dW, db are batch means + L2."""

    delta: list[Array | None]
    weights: list[Array]
    biases: list[Array]
    cost: float
    sample_costs: Array = field(default_factory=lambda: np.zeros(0))
    cost_grad: Array = field(default_factory=lambda: np.zeros((0, 0)))  # dC_i/da[L], (m, n_L)


def check_config(hidden: str, output: str, loss: str, n_outputs: int | None = None) -> None:
    """The settings a network may have; the page asks for the same rules (one source of truth).

    Raises InvalidInput for an unknown name, a loss that needs another output activation, or a
    softmax output layer of fewer than 2 neurons (with 1 it always outputs 1: no gradient to learn from)."""
    if hidden not in HIDDEN_ACTIVATIONS:
        raise InvalidInput(f"hidden_activation must be one of {', '.join(HIDDEN_ACTIVATIONS)}, not {hidden!r}")
    if output not in OUTPUT_ACTIVATIONS:
        raise InvalidInput(f"output_activation must be one of {', '.join(OUTPUT_ACTIVATIONS)}, not {output!r}")
    if loss not in LOSSES:
        raise InvalidInput(f"loss must be one of {', '.join(LOSSES)}, not {loss!r}")
    need = LOSSES[loss].output
    if need is not None and output != need:
        raise InvalidInput(f"loss {loss!r} needs a {need} output layer, not {output!r}")
    if output == "softmax" and loss == "bce":
        raise InvalidInput("loss 'bce' needs a sigmoid output layer, not 'softmax'")
    if output == "softmax" and n_outputs is not None and n_outputs < 2:
        raise InvalidInput("a softmax output layer needs at least 2 neurons (one per class); "
                           f"this one has {n_outputs}: use sigmoid for a single output")


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
    sizes = net.layer_sizes
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


def check_batch(net: Net, x: Array, y: Array | None) -> None:
    if x.ndim != 2 or x.shape[1] != net.layer_sizes[0]:
        raise InvalidInput(f"inputs must be m rows of {net.layer_sizes[0]} numbers, got shape {x.shape}")
    if x.shape[0] < 1:
        raise InvalidInput("inputs must hold at least one sample")
    if y is not None and y.shape != (x.shape[0], net.layer_sizes[-1]):
        raise InvalidInput(f"targets must be {x.shape[0]} rows of {net.layer_sizes[-1]} numbers, got shape {y.shape}")
    if not np.isfinite(x).all() or (y is not None and not np.isfinite(y).all()):
        raise InvalidInput("inputs and targets must be finite numbers")


def forward(net: Net, x: Array) -> Trace:
    check_batch(net, x, None)
    z: list[Array | None] = [None]
    a: list[Array] = [x]
    with np.errstate(over="ignore", invalid="ignore"):
        for l in range(1, net.L + 1):
            zl = a[-1] @ net.weights[l - 1].T + net.biases[l - 1]
            if not np.isfinite(zl).all():
                raise InvalidInput(f"the weighted input z of layer {l} overflows for these inputs; "
                                 "use smaller inputs or weights")
            z.append(zl)
            a.append(net.activation(l).f(zl))
    return Trace(z, a)


def g_prime(net: Net, trace: Trace, l: int) -> Array:
    """g'(z[l]) per neuron (for softmax, the Jacobian's diagonal)."""
    return net.activation(l).df(trace.z[l], trace.a[l])


def sample_costs(net: Net, trace: Trace, y: Array) -> Array:
    """Each sample's own cost term C_i (no 1/m, no L2)."""
    return LOSSES[net.loss].cost(trace.a[-1], y)


def cost(net: Net, trace: Trace, y: Array) -> float:
    """C = (1/m) sum_i C_i + lambda/(2m) sum w^2 (biases not regularised)."""
    m = y.shape[0]
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow shows as inf; callers check
        reg = net.l2 / (2 * m) * sum(float((w * w).sum()) for w in net.weights) if net.l2 else 0.0
        return float(sample_costs(net, trace, y).mean()) + reg


def output_delta(net: Net, trace: Trace, y: Array) -> Array:
    """Equation 1: delta[L] = dC_i/dz[L]."""
    a, z = trace.a[-1], trace.z[-1]
    loss, act = LOSSES[net.loss], net.activation(net.L)
    if loss.output == net.output_activation:
        return a - y  # sigmoid + bce, softmax + cross-entropy: the derivatives cancel
    grad_a = loss.grad(a, y)
    if act.elementwise:
        return grad_a * act.df(z, a)
    # softmax Jacobian-vector product: a_j (g_j - sum_k g_k a_k)
    return a * (grad_a - (grad_a * a).sum(axis=1, keepdims=True))


def backward(net: Net, trace: Trace, y: Array) -> Gradients:
    """Equations 1-4, vectorised over samples and neurons."""
    check_batch(net, trace.a[0], y)
    m = y.shape[0]
    delta: list[Array | None] = [None] * (net.L + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        delta[net.L] = output_delta(net, trace, y)
        for l in range(net.L - 1, 0, -1):  # equation 2, moving the error back one layer
            delta[l] = (delta[l + 1] @ net.weights[l]) * g_prime(net, trace, l)
        d_w = [delta[l].T @ trace.a[l - 1] / m + (net.l2 / m) * net.weights[l - 1]
               for l in range(1, net.L + 1)]
        d_b = [delta[l].mean(axis=0) for l in range(1, net.L + 1)]
        per_sample = sample_costs(net, trace, y)
        total = cost(net, trace, y)
        cost_grad = LOSSES[net.loss].grad(trace.a[-1], y)
    if not (np.isfinite(total) and all(np.isfinite(g).all() for g in d_w + d_b + delta[1:] + [cost_grad])):
        raise DivergedError("the cost or its gradients overflow for these inputs; use smaller inputs or weights")
    return Gradients(delta, d_w, d_b, total, per_sample, cost_grad)


def apply_gradients(net: Net, grads: Gradients, learning_rate: float | None = None) -> Net:
    """One step w <- w - alpha dC/dw; refuses (DivergedError) to produce non-finite values."""
    alpha = net.learning_rate if learning_rate is None else learning_rate
    with np.errstate(over="ignore", invalid="ignore"):
        weights = [w - alpha * g for w, g in zip(net.weights, grads.weights)]
        biases = [b - alpha * g for b, g in zip(net.biases, grads.biases)]
    if not all(np.isfinite(p).all() for p in weights + biases):
        raise DivergedError("this update would make weights non-finite; lower the learning rate")
    return replace(net, weights=weights, biases=biases, steps=net.steps + 1)


def step(net: Net, x: Array, y: Array, learning_rate: float | None = None) -> tuple[Trace, Gradients, Net]:
    trace = forward(net, x)
    grads = backward(net, trace, y)
    return trace, grads, apply_gradients(net, grads, learning_rate)


def new_net(layer_sizes: list[int], hidden_activation: str = "sigmoid", output_activation: str = "sigmoid",
            loss: str = "mse", learning_rate: float = 0.5, l2: float = 0.0, seed: int = 0,
            weights: list[Array] | None = None, biases: list[Array] | None = None) -> Net:
    """Build a checked network: seeded initial weights unless explicit ones are given."""
    check_config(hidden_activation, output_activation, loss, layer_sizes[-1] if layer_sizes else None)
    w0, b0 = init_params(layer_sizes, hidden_activation, seed)
    net = Net(list(layer_sizes), weights if weights is not None else w0, biases if biases is not None else b0,
              hidden_activation, output_activation, loss, float(learning_rate), float(l2), seed)
    check_params(net)
    return net
