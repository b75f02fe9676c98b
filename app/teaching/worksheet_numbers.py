"""The numbers and symbols of a worksheet: the engine's values for one sample, each quantity's
symbol in the lecture's notation (1 = input), and blanks for the exercise."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from app.nn import engine, training
from app.nn.engine import Net
from app.teaching.sheet_format import fac, num

G = {"sigmoid": r"\sigma", "tanh": r"\tanh", "relu": r"\operatorname{ReLU}", "linear": r"\operatorname{id}",
     "softmax": r"\operatorname{softmax}"}
G_WORDS = {"sigmoid": r"the sigmoid $\sigma(z) = 1 / (1 + e^{-z})$", "tanh": r"$\tanh$",
           "relu": r"ReLU, $\max(0, z)$", "linear": "the identity (linear, $a = z$)",
           "softmax": r"softmax, $e^{z_j} / \sum_k e^{z_k}$"}
LOSS_WORDS = {"mse": "squared error", "sse": "sum of squared errors (no 1/2)", "bce": "binary cross-entropy",
              "cross_entropy": "cross-entropy (softmax)"}
GROUPS = {"z": "forward", "a": "forward", "C": "cost", "dCda": "backward", "gp": "backward", "delta": "backward",
          "dw": "gradient", "db": "gradient", "w": "update", "b": "update"}
Key = tuple  # (kind, engine layer, j[, k])


def symbol(key: Key) -> str:
    kind, l, j, *rest = key
    if kind == "C":
        return "C"
    sub = f"{j + 1}{rest[0] + 1}" if rest else f"{j + 1}"
    base = {"z": "z", "a": "a", "delta": r"\delta", "w": "w", "b": "b", "dw": "w", "db": "b", "dCda": "a",
            "gp": "z"}[kind]
    s = f"{base}_{{{sub}}}^{{({l + 1})}}"
    if kind in ("dw", "db", "dCda"):
        return rf"\frac{{\partial C}}{{\partial {s}}}"
    if kind == "gp":
        return f"g'({s})"
    if kind in ("w", "b"):
        return rf"{s}\,\text{{new}}"
    return s


@dataclass
class Values:
    """Writes a quantity as its number, or as a numbered blank wherever it appears."""

    blanks: set[Key] = field(default_factory=set)
    seen: list[Key] = field(default_factory=list)
    answers: list[tuple[int, Key, float]] = field(default_factory=list)

    def __call__(self, key: Key, value: float, factor: bool = False) -> str:
        if key not in self.seen:
            self.seen.append(key)
        if key not in self.blanks:
            return fac(value) if factor else num(value)
        number = next((n for n, k, _ in self.answers if k == key), None)
        if number is None:
            number = len(self.answers) + 1
            self.answers.append((number, key, float(value)))
        return rf"\underline{{\qquad({number})\qquad}}"


@dataclass
class Numbers:
    """What the engine computed for this sample (one row each)."""

    net: Net
    x: np.ndarray
    y: np.ndarray
    z: list
    a: list
    gp: list
    delta: list
    cost: float
    data_cost: float
    cost_grad: np.ndarray
    dw: list
    db: list
    new: Net


def compute(net: Net, x: list[float], y: list[float]) -> Numbers:
    xs, ys = np.asarray([x], dtype=np.float64), np.asarray([y], dtype=np.float64)
    trace, grads, new = training.step(net, xs, ys)  # forward, backward, the update
    gp = [None] + [engine.g_prime(net, trace, l)[0] for l in range(1, net.L + 1)]
    return Numbers(net, xs[0], ys[0], [None] + [z[0] for z in trace.z[1:]], [a[0] for a in trace.a], gp,
                   [None] + [d[0] for d in grads.delta[1:]], grads.cost, float(grads.sample_costs[0]),
                   grads.cost_grad[0], grads.weights, grads.biases, new)


def biases_decay(net: Net) -> bool:
    """Whether L2 covers the biases too (the l2_biases convention, where the network has it)."""
    return bool(getattr(net, "l2_biases", False))


def activation_name(net: Net, l: int) -> str:
    return net.output_activation if l == net.L else net.hidden_activation


def a_val(n: Numbers, v: Values, l: int, k: int, factor: bool = True) -> str:
    """a_k of engine layer l in a formula: the input x is given, so never a blank."""
    if l == 0:
        return fac(n.x[k]) if factor else num(n.x[k])
    return v(("a", l, k), n.a[l][k], factor)
