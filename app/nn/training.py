"""Training: `train` runs gradient descent for many epochs, tight once the inputs are checked.

Same arithmetic as engine.forward/backward/apply_gradients, in the same order (so the
results are bit-for-bit those of repeated steps), minus what a loop need not redo each
update: input checks, dataclass copies, the cost computed twice. All parameters live in one
flat buffer (weights then biases) and the gradients in another, so an update is two numpy
calls and the finiteness check one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from app.nn.engine import (ACTIVATIONS, LOSSES, Array, DivergedError, Net, Trace, check_batch, check_params, cost,
                           output_delta)
from app.nn.engine import InvalidInput


class FlatParams:
    """Two parameter buffers (current, candidate) and a gradient buffer, with per-layer views."""

    def __init__(self, net: Net) -> None:
        shapes = [w.shape for w in net.weights] + [b.shape for b in net.biases]
        sizes = [int(np.prod(s)) for s in shapes]
        self.n_weights = sum(sizes[:net.L])
        self.bufs = [np.empty(sum(sizes)), np.empty(sum(sizes))]
        self.grad = np.empty(sum(sizes))
        self.views = [self._split(buf, shapes, sizes) for buf in self.bufs]
        self.grad_views = self._split(self.grad, shapes, sizes)
        for view, p in zip(self.views[0], net.weights + net.biases):
            view[...] = p
        self.cur = 0

    @staticmethod
    def _split(buf: Array, shapes: list[tuple[int, ...]], sizes: list[int]) -> list[Array]:
        out, at = [], 0
        for shape, size in zip(shapes, sizes):
            out.append(buf[at:at + size].reshape(shape))
            at += size
        return out

    def params(self, L: int) -> tuple[list[Array], list[Array]]:  # noqa: N803 - the lecture's L
        v = self.views[self.cur]
        return v[:L], v[L:]

    def update(self, alpha: float) -> None:
        """params - alpha * grad into the other buffer; DivergedError (nothing changed) if not finite."""
        new = self.bufs[1 - self.cur]
        np.multiply(self.grad, alpha, out=self.grad)
        np.subtract(self.bufs[self.cur], self.grad, out=new)
        if not np.isfinite(new).all():
            raise DivergedError("this update would make weights non-finite; lower the learning rate")
        self.cur = 1 - self.cur


def forward_into(net: Net, weights: list[Array], biases: list[Array], x: Array) -> Trace:
    z: list[Array | None] = [None]
    a: list[Array] = [x]
    for l in range(1, net.L + 1):
        zl = a[-1] @ weights[l - 1].T
        zl += biases[l - 1]
        # One sum is cheaper than isfinite(); it is inf or NaN whenever an entry is (rarely also
        # when finite entries overflow it, so the exact check then decides).
        if not math.isfinite(zl.sum()) and not np.isfinite(zl).all():
            raise InvalidInput(f"the weighted input z of layer {l} overflows for these inputs; "
                             "use smaller inputs or weights")
        z.append(zl)
        a.append(net.activation(l).f(zl))
    return Trace(z, a)


def gradients_into(net: Net, flat: FlatParams, trace: Trace, y: Array) -> None:
    """Equations 1-4 as engine.backward, written straight into the gradient buffer."""
    weights, _ = flat.params(net.L)
    g_w, g_b = flat.grad_views[:net.L], flat.grad_views[net.L:]
    m = y.shape[0]
    hidden_df = ACTIVATIONS[net.hidden_activation].df
    delta = output_delta(net, trace, y)
    for l in range(net.L, 0, -1):
        np.matmul(delta.T, trace.a[l - 1], out=g_w[l - 1])
        g_w[l - 1] /= m
        if net.l2:
            g_w[l - 1] += (net.l2 / m) * weights[l - 1]
        np.add.reduce(delta, axis=0, out=g_b[l - 1])  # np.mean's own steps, minus its Python overhead
        g_b[l - 1] /= m
        if l > 1:  # equation 2, moving the error back one layer
            delta = (delta @ weights[l - 1]) * hidden_df(trace.z[l - 1], trace.a[l - 1])


def run(net: Net, x: Array, y: Array, epochs: int, batch_size: int | None, alpha: float,
        rng: np.random.Generator) -> tuple[list[float], Net, str | None]:
    """(costs after each epoch, the last good network, why it stopped early or None).
    Inputs must already have passed engine.check_batch."""
    flat = FlatParams(net)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is checked, not warned about
        return _loop(net, flat, x, y, epochs, batch_size, alpha, rng)


def _loop(net: Net, flat: FlatParams, x: Array, y: Array, epochs: int, batch_size: int | None, alpha: float,
          rng: np.random.Generator) -> tuple[list[float], Net, str | None]:
    m = x.shape[0]
    full = batch_size is None or batch_size >= m
    trace_of = (lambda xb: forward_into(net, *flat.params(net.L), xb))
    costs: list[float] = []
    updates, stopped = 0, None
    trace = trace_of(x)
    for _ in range(epochs):
        try:
            if full:
                gradients_into(net, flat, trace, y)
                flat.update(alpha)
                updates += 1
            else:
                order = rng.permutation(m)
                for start in range(0, m, batch_size):
                    idx = order[start:start + batch_size]
                    gradients_into(net, flat, trace_of(x[idx]), y[idx])
                    flat.update(alpha)
                    updates += 1
        except DivergedError as err:
            stopped = f"stopped after {len(costs)} epochs: {err}"
            break
        trace = trace_of(x)  # reused by the next full-batch epoch
        weights, _ = flat.params(net.L)
        c = cost(Net(net.layer_sizes, weights, [], l2=net.l2, loss=net.loss), trace, y) if net.l2 else \
            float(np.add.reduce(LOSSES[net.loss].cost(trace.a[-1], y)) / m)
        if not np.isfinite(c):
            stopped = f"stopped after {len(costs)} epochs: the cost became non-finite"
            break
        costs.append(c)
    weights, biases = flat.params(net.L)
    out = Net(net.layer_sizes, [w.copy() for w in weights], [b.copy() for b in biases], net.hidden_activation,
              net.output_activation, net.loss, net.learning_rate, net.l2, net.seed, net.steps + updates)
    return costs, out, stopped


@dataclass
class TrainResult:
    costs: list[float]
    net: Net
    stopped: str | None = None  # why training stopped before all epochs, if it did


def train(net: Net, x: Array, y: Array, epochs: int, batch_size: int | None = None,
          learning_rate: float | None = None, seed: int | None = None) -> TrainResult:
    """Gradient descent for `epochs` passes; costs[e] is the full-batch cost after epoch e.

    Mini-batches (batch_size < m) are drawn in a shuffled order seeded by `seed` (by default
    the network's seed and step count, so the same call on the same network repeats)."""
    check_batch(net, x, y)
    if epochs < 1:
        raise InvalidInput("epochs must be at least 1")
    check_params(net)  # validated once here: the loop then runs tight

    rng = np.random.default_rng([net.seed, net.steps] if seed is None else seed)
    alpha = net.learning_rate if learning_rate is None else learning_rate
    costs, net, stopped = run(net, x, y, epochs, batch_size, alpha, rng)
    return TrainResult(costs, net, stopped)
