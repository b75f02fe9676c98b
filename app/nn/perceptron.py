"""Rosenblatt's perceptron, in numpy only: the model that came before backpropagation.

    output  h(x) = step(w · x + b) = 1 if w · x + b > 0 else 0
    rule    w <- w + eta (y - h(x)) x,   b <- b + eta (y - h(x))   (after each sample)

On linearly separable data (AND, OR) the rule stops making mistakes after finitely many
epochs (the perceptron convergence theorem). On XOR no line separates the classes
(Minsky and Papert, 1969), so it keeps making mistakes; with binary inputs its weights stay
on the lattice w0 + eta * integers, and since the samples come in a fixed order the
end-of-epoch state eventually repeats: from then on it cycles forever.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.nn.datasets import LOGIC, logic
from app.nn.engine import InvalidInput

Array = np.ndarray
BOX = (-0.5, 1.5)  # the square the decision line is clipped to (the four points sit in [0, 1]^2)



def step(z: Array) -> Array:
    return (z > 0).astype(np.float64)


@dataclass
class Epoch:
    epoch: int                      # 1-based
    weights: list[float]            # after the epoch
    bias: float
    errors: int                     # mistakes made during the epoch (each one caused an update)
    misclassified: list[int]        # samples the end-of-epoch line gets wrong
    line: tuple[float, float, float, float] | None  # x1, y1, x2, y2 of w·x + b = 0 inside BOX


@dataclass
class Run:
    dataset: str
    inputs: Array
    targets: Array
    learning_rate: float
    initial_weights: list[float]
    initial_bias: float
    epochs: list[Epoch]
    converged_epoch: int | None     # first epoch without a mistake (training stops there)
    cycle_start: int | None         # the end-of-epoch state after this epoch recurs ...
    cycle_period: int | None        # ... every this many epochs, forever

    @property
    def summary(self) -> str:
        if self.converged_epoch is not None:
            return (f"{self.dataset.upper()}: no mistakes in epoch {self.converged_epoch}; "
                    "the line separates the classes and training stops.")
        if self.cycle_start is not None:
            again = ("every epoch ends with the weights it started with (its updates cancel out)"
                     if self.cycle_period == 1 else f"the weights repeat every {self.cycle_period} epochs")
            return (f"{self.dataset.upper()}: from epoch {self.cycle_start} on, {again}, so the perceptron cycles "
                    f"forever; fewest mistakes in an epoch: {min(e.errors for e in self.epochs)}.")
        return f"{self.dataset.upper()}: still making mistakes after {len(self.epochs)} epochs."


def decision_line(w: Array, b: float) -> tuple[float, float, float, float] | None:
    """Where w1 x1 + w2 x2 + b = 0 crosses the square BOX, or None (no line, or outside it)."""
    lo, hi = BOX
    pts: list[tuple[float, float]] = []
    if abs(w[1]) > 1e-12:
        for x in (lo, hi):
            y = -(w[0] * x + b) / w[1]
            if lo - 1e-9 <= y <= hi + 1e-9:
                pts.append((x, y))
    if abs(w[0]) > 1e-12:
        for y in (lo, hi):
            x = -(w[1] * y + b) / w[0]
            if lo - 1e-9 <= x <= hi + 1e-9:
                pts.append((x, y))
    unique = list(dict.fromkeys((round(px, 12), round(py, 12)) for px, py in pts))
    if len(unique) < 2:
        return None
    (x1, y1), (x2, y2) = unique[0], unique[-1]
    return (float(x1), float(y1), float(x2), float(y2))


def train(dataset: str, epochs: int = 100, learning_rate: float = 1.0, seed: int | None = None) -> Run:
    """Run the rule for up to `epochs` epochs over the four points in a fixed order.

    The weights start at zero, or (with a seed) uniform in [-1, 1] with two decimals."""
    if dataset not in LOGIC:
        raise InvalidInput(f"dataset must be one of {', '.join(LOGIC)}, not {dataset!r}")
    if epochs < 1 or not learning_rate > 0:
        raise InvalidInput("epochs must be at least 1 and the learning rate positive")
    x, y = logic(dataset)
    y = y[:, 0]
    if seed is None:
        w0, b0 = np.zeros(2), 0.0
    else:
        init = np.round(np.random.default_rng(seed).uniform(-1, 1, 3), 2)
        w0, b0 = init[:2], float(init[2])
    # Integer update counts keep the state exact, so a repeat is found without float drift.
    kw, kb = np.zeros(2, dtype=np.int64), 0
    seen: dict[tuple[int, int, int], int] = {(0, 0, 0): 0}
    history: list[Epoch] = []
    converged = cycle_start = period = None
    for e in range(1, epochs + 1):
        errors = 0
        for xi, yi in zip(x, y):
            w, b = w0 + learning_rate * kw, b0 + learning_rate * kb
            miss = int(yi - step(np.array(w @ xi + b)))
            if miss:
                errors += 1
                kw += miss * xi.astype(np.int64)
                kb += miss
        w, b = w0 + learning_rate * kw, b0 + learning_rate * kb
        wrong = [i for i in range(4) if step(np.array(w @ x[i] + b)) != y[i]]
        history.append(Epoch(e, [round(float(v), 12) for v in w], round(float(b), 12), errors, wrong,
                             decision_line(w, b)))
        if errors == 0:
            converged = e
            break
        key = (int(kw[0]), int(kw[1]), kb)
        if key in seen and cycle_start is None:
            cycle_start, period = seen[key], e - seen[key]
        seen.setdefault(key, e)
    return Run(dataset, x, y.reshape(-1, 1), learning_rate, [float(v) for v in w0], b0, history,
               converged, cycle_start, period)
