"""Updates: one gradient step (`step`, for /step) and many (`train`, for /train), under one rule.

    w <- w - alpha dC/dw,  dC/dw = (1/b) sum_{i in batch} dC_i/dw + (lambda/n) w

with b the rows of the update's batch and n the training samples of the call (for /step both
are the batch), so that mini-batch and full-batch training descend the same cost
C = (1/n) sum_i C_i + lambda/(2n) sum w^2, the one reported. The rule (`settle`): the network
an update produces is kept only if its weights, and its activations and cost on the update's
samples, are finite. The passes themselves are the engine's (`propagate`, `backprop`); this
module adds only the update and the loop around them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.nn.engine import (Array, DivergedError, Gradients, InvalidInput, Net, Params, Trace, backprop, backward,
                           check_batch, check_params, costs, forward, propagate)


def descend(params: Params, grads: Params, alpha: float, out: Params) -> None:
    """out = params - alpha grads; DivergedError if a value is not finite (params, grads kept)."""
    with np.errstate(over="ignore", invalid="ignore"):
        np.multiply(grads.flat, alpha, out=out.flat)
        np.subtract(params.flat, out.flat, out=out.flat)
    if not (np.isfinite(out.flat.sum()) or np.isfinite(out.flat).all()):
        raise DivergedError("a weight or bias leaves float64")


def settle(net: Net, x: Array, y: Array, n: int | None = None) -> tuple[Trace, float]:
    """The rule for every update: the network an update produced is kept only if its forward
    pass and cost on the update's samples x, y are finite. Returns the trace and the cost
    (training reuses them); DivergedError saying what overflowed otherwise."""
    trace = propagate(net, x)
    return trace, costs(net, trace, y, n)[1]


def advice(alpha: float) -> str:
    return f"try a smaller learning_rate (this one is {alpha:g}) or smaller inputs"


def step(net: Net, x: Array, y: Array, learning_rate: float | None = None) -> tuple[Trace, Gradients, Net]:
    """Forward, backward and one update of all parameters, kept under `settle`'s rule:
    InvalidInput for a bad batch, DivergedError (what overflowed, what to try) otherwise."""
    alpha = net.learning_rate if learning_rate is None else learning_rate
    trace = forward(net, x)
    grads = backward(net, trace, y)
    new = Params(net.layer_sizes)
    try:
        descend(Params.of(net), grads.params, alpha, new)
        settle(new.into(net), x, y)
    except DivergedError as err:
        raise DivergedError(f"after this update, {err.what}; nothing was changed", advice(alpha)) from None
    return trace, grads, new.into(net, net.steps + 1)


@dataclass
class TrainResult:
    costs: list[float]  # C over all samples after each complete epoch kept
    net: Net  # the last good network: after `updates` updates
    updates: int
    stopped: str | None = None  # why training stopped before all epochs, if it did

    @property
    def epochs_done(self) -> int:
        return len(self.costs)


def train(net: Net, x: Array, y: Array, epochs: int, batch_size: int | None = None,
          learning_rate: float | None = None, seed: int | None = None) -> TrainResult:
    """Gradient descent for `epochs` passes over x (m, n_0), y (m, n_L); costs[e] is the cost
    over all samples after epoch e. Mini-batches (batch_size < m) are drawn in a shuffled order
    seeded by `seed` (by default the network's seed and step count, so the same call on the same
    network repeats). Only whole epochs are kept: if an update breaks `settle`'s rule (or the
    epoch's cost over all samples leaves float64), training stops and the network from the end
    of the last complete epoch is returned, with the reason."""
    check_batch(net, x, y)
    if epochs < 1 or (batch_size is not None and batch_size < 1):
        raise InvalidInput("epochs and batch_size must be at least 1")
    check_params(net)  # validated once here: the loop then runs tight
    rng = np.random.default_rng([net.seed, net.steps] if seed is None else seed)
    alpha = net.learning_rate if learning_rate is None else learning_rate
    m = x.shape[0]
    batch = m if batch_size is None else min(batch_size, m)
    good, spare, grads = Params.of(net), Params(net.layer_sizes), Params(net.layer_sizes)
    nets = {id(good): good.into(net), id(spare): spare.into(net)}
    kept = Params.of(net) if batch < m else good  # the network at the end of the last epoch kept
    trace, _ = settle(nets[id(good)], x, y)  # the starting network must be finite on the data
    costs_: list[float] = []
    stopped = None
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is checked, not warned about
        for _ in range(epochs):
            try:
                if batch == m:
                    backprop(nets[id(good)], trace, y, grads)
                    descend(good, grads, alpha, spare)
                    trace, c = settle(nets[id(spare)], x, y)  # reused by the next epoch
                    good, spare = spare, good
                    kept = good
                else:
                    order = rng.permutation(m)
                    for start in range(0, m, batch):
                        idx = order[start:start + batch]
                        xb, yb = x[idx], y[idx]
                        backprop(nets[id(good)], propagate(nets[id(good)], xb), yb, grads, m)
                        descend(good, grads, alpha, spare)
                        settle(nets[id(spare)], xb, yb, m)
                        good, spare = spare, good
                    _, c = settle(nets[id(good)], x, y)
                    np.copyto(kept.flat, good.flat)
            except DivergedError as err:
                done = len(costs_)
                stopped = (f"stopped after {done} of {epochs} epochs: in epoch {done + 1}, {err.what}, so the "
                           f"network {f'after epoch {done}' if done else 'you started with'} is kept; {advice(alpha)}")
                break
            costs_.append(c)
    updates = len(costs_) * -(-m // batch)
    out = Params(net.layer_sizes)
    np.copyto(out.flat, kept.flat)
    return TrainResult(costs_, out.into(net, net.steps + updates), updates, stopped)
