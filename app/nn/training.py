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

from dataclasses import dataclass, replace

import numpy as np

from app.nn.engine import (Array, DivergedError, Gradients, InvalidInput, Net, Params, Trace, backprop, backward,
                           check_batch, check_params, costs, finite, forward, propagate)


def params_of(net: Net) -> Params:
    """A copy of net's weights and biases in one buffer."""
    p = Params(net.layer_sizes)
    p.flat[:] = np.concatenate([v.ravel() for v in net.weights + net.biases])
    return p


def net_with(p: Params, net: Net, steps: int | None = None) -> Net:
    """`net`'s settings with the parameters of p (views of its buffer, not copies)."""
    return replace(net, weights=p.weights, biases=p.biases, steps=net.steps if steps is None else steps)


def rows(trace: Trace, which: Array | slice) -> Trace:
    """The pass of some samples, taken from a pass over more."""
    return Trace([None] + [z[which] for z in trace.z[1:]], [a[which] for a in trace.a])


def descend(params: Params, grads: Params, alpha: float, out: Params) -> None:
    """out = params - alpha grads; DivergedError if a value is not finite (params, grads kept).
    Callers silence numpy's overflow warnings."""
    np.multiply(grads.flat, alpha, out=out.flat)
    np.subtract(params.flat, out.flat, out=out.flat)
    if not finite(out.flat):
        raise DivergedError("a weight or bias overflows float64")


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
        with np.errstate(over="ignore", invalid="ignore"):
            descend(params_of(net), grads.params, alpha, new)
            settle(net_with(new, net), x, y)
    except DivergedError as err:
        raise DivergedError(f"after this update, {err.what}; nothing was changed", advice(alpha)) from None
    return trace, grads, net_with(new, net, net.steps + 1)


@dataclass
class TrainResult:
    costs: list[float]  # C over all samples after each complete epoch kept
    net: Net  # the last good network: after `updates` updates
    updates: int
    stopped: str | None = None  # why training stopped before all epochs, if it did
    test_costs: list[float] | None = None  # C on the held-out samples after each epoch kept, if given

    @property
    def epochs_done(self) -> int:
        return len(self.costs)


def train(net: Net, x: Array, y: Array, epochs: int, batch_size: int | None = None,
          learning_rate: float | None = None, seed: int | None = None, shuffle: bool = True,
          test: tuple[Array, Array] | None = None) -> TrainResult:
    """Gradient descent for `epochs` passes over x (m, n_0), y (m, n_L); costs[e] is the cost
    over all samples after epoch e. Mini-batches (batch_size < m) are drawn in a shuffled order
    seeded by `seed` (by default the network's seed and step count, so the same call on the same
    network repeats), or with shuffle=False as rows 0..b-1, b..2b-1, ... in the order given.
    test: held-out (inputs, targets); test_costs[e] is the cost on them after epoch e (the
    network's own formula, with n = their count), never part of a gradient.
    Only whole epochs are kept: if an update breaks `settle`'s rule (or the epoch's cost over all
    samples, or on the test samples, leaves float64), training stops and the network from the
    end of the last complete epoch is returned, with the reason."""
    check_batch(net, x, y)
    if test is not None:
        check_batch(net, *test, "test_inputs", "test_targets")
    if epochs < 1 or (batch_size is not None and batch_size < 1):
        raise InvalidInput("epochs and batch_size must be at least 1")
    check_params(net)  # validated once here: the loop then runs tight
    rng = np.random.default_rng([net.seed, net.steps] if seed is None else seed)
    alpha = net.learning_rate if learning_rate is None else learning_rate
    m = x.shape[0]
    batch = m if batch_size is None else min(batch_size, m)
    good, spare, grads = params_of(net), Params(net.layer_sizes), Params(net.layer_sizes)
    nets = {id(good): net_with(good, net), id(spare): net_with(spare, net)}
    kept = params_of(net) if batch < m else good  # the network at the end of the last epoch kept
    costs_: list[float] = []
    test_costs: list[float] = []
    # The cost on the held-out samples of the network after an epoch: read, never descended.
    held_out = (lambda n: settle(n, *test)[1]) if test is not None else (lambda n: None)
    stopped = None
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is checked, not warned about
        trace, _ = settle(nets[id(good)], x, y)  # the starting network must be finite on the data
        for _ in range(epochs):
            try:
                if batch == m:
                    backprop(nets[id(good)], trace, y, grads)
                    descend(good, grads, alpha, spare)
                    trace, c = settle(nets[id(spare)], x, y)  # reused by the next epoch
                    tc = held_out(nets[id(spare)])
                    good, spare = spare, good
                    kept = good
                else:
                    order = rng.permutation(m) if shuffle else np.arange(m)
                    idx = order[:batch]
                    part = rows(trace, idx)  # the first batch's pass: rows of the epoch's pass over all
                    for start in range(batch, m + batch, batch):
                        nxt = order[start:start + batch]
                        backprop(nets[id(good)], part, y[idx], grads, m)
                        descend(good, grads, alpha, spare)
                        if len(nxt):  # one pass of the new network checks it on its batch and serves the next
                            both = np.concatenate([idx, nxt])
                            part = rows(settle(nets[id(spare)], x[both], y[both], m)[0], slice(len(idx), None))
                        good, spare, idx = spare, good, nxt
                    trace, c = settle(nets[id(good)], x, y)  # checks the last update on its batch, too
                    tc = held_out(nets[id(good)])
                    np.copyto(kept.flat, good.flat)
            except DivergedError as err:
                done = len(costs_)
                stopped = (f"stopped after {done} of {epochs} epochs: in epoch {done + 1}, {err.what}, so the "
                           f"network {f'after epoch {done}' if done else 'you started with'} is kept; {advice(alpha)}")
                break
            costs_.append(c)
            if tc is not None:
                test_costs.append(tc)
    updates = len(costs_) * -(-m // batch)
    out = Params(net.layer_sizes)
    np.copyto(out.flat, kept.flat)
    return TrainResult(costs_, net_with(out, net, net.steps + updates), updates, stopped,
                       test_costs if test is not None else None)
