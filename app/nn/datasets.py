"""Built-in datasets, seeded: the same name, samples, noise and seed give the same data.

The 2-D sets follow TensorFlow Playground's: points in [-1, 1]^2-ish, targets in {0, 1}."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from app.nn.engine import InvalidInput

Array = np.ndarray


@dataclass(frozen=True)
class Spec:
    description: str
    inputs: int
    outputs: int
    make: Callable[[int, float, np.random.Generator], tuple[Array, Array]]
    fixed: bool = False  # the four binary points: samples and noise do not apply


# The four points of two bits and the truth tables on them: the one copy of the XOR table
# (the perceptron story, the presets and the API's examples read it from here).
BITS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
LOGIC: dict[str, tuple[int, int, int, int]] = {"xor": (0, 1, 1, 0), "and": (0, 0, 0, 1), "or": (0, 1, 1, 1)}


def logic(name: str) -> tuple[Array, Array]:
    """(BITS, the truth table of `name` as a 4 x 1 column)."""
    return BITS.copy(), np.array(LOGIC[name], dtype=np.float64).reshape(4, 1)


def logic_lists(name: str) -> dict[str, list[list[float]]]:
    """The same as {"inputs": ..., "targets": ...} lists (a request body, a save file's data)."""
    x, y = logic(name)
    return {"inputs": x.tolist(), "targets": y.tolist()}


def _logic(name: str) -> Callable[[int, float, np.random.Generator], tuple[Array, Array]]:
    return lambda samples, noise, rng: logic(name)


def _circle(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    inner = n // 2
    r = np.concatenate([rng.uniform(0, 0.5, inner), rng.uniform(0.7, 1.0, n - inner)])
    t = rng.uniform(0, 2 * np.pi, n)
    x = np.stack([r * np.cos(t), r * np.sin(t)], axis=1) + rng.normal(0, noise * 0.5, (n, 2))
    y = (np.hypot(x[:, 0], x[:, 1]) < 0.6).astype(np.float64)  # label by where the point landed
    return x, y.reshape(-1, 1)


def _gaussian(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    half = n // 2
    spread = 0.1 + noise
    x = np.concatenate([rng.normal(0.5, spread, (half, 2)), rng.normal(-0.5, spread, (n - half, 2))])
    y = np.concatenate([np.ones(half), np.zeros(n - half)])
    return x, y.reshape(-1, 1)


def _spiral(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    half = n // 2
    pts, labels = [], []
    for label, offset, count in ((1.0, 0.0, half), (0.0, np.pi, n - half)):
        i = np.arange(count)
        r = i / max(count, 1)
        t = 1.75 * i / max(count, 1) * 2 * np.pi + offset
        pts.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1) + rng.normal(0, noise * 0.2, (count, 2)))
        labels.append(np.full(count, label))
    return np.concatenate(pts), np.concatenate(labels).reshape(-1, 1)


def _moons(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    half = n // 2
    t1 = rng.uniform(0, np.pi, half)
    t2 = rng.uniform(0, np.pi, n - half)
    upper = np.stack([np.cos(t1), np.sin(t1)], axis=1)
    lower = np.stack([1 - np.cos(t2), 0.5 - np.sin(t2)], axis=1)
    x = (np.concatenate([upper, lower]) - [0.5, 0.25]) / 1.5 + rng.normal(0, noise * 0.3, (n, 2))
    y = np.concatenate([np.ones(half), np.zeros(n - half)])
    return x, y.reshape(-1, 1)


DATASETS: dict[str, Spec] = {
    "xor": Spec("XOR of two bits: the problem a single perceptron cannot learn", 2, 1, _logic("xor"), True),
    "and": Spec("AND of two bits: linearly separable", 2, 1, _logic("and"), True),
    "or": Spec("OR of two bits: linearly separable", 2, 1, _logic("or"), True),
    "circle": Spec("a disc (1) inside a ring (0)", 2, 1, _circle),
    "gaussian": Spec("two Gaussian blobs", 2, 1, _gaussian),
    "spiral": Spec("two interleaved spirals: hard, needs several hidden layers", 2, 1, _spiral),
    "moons": Spec("two interleaving half circles", 2, 1, _moons),
}


def make(name: str, samples: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[Array, Array]:
    """(inputs, targets) of a built-in dataset; ValueError for an unknown name."""
    spec = DATASETS.get(name)
    if spec is None:
        raise InvalidInput(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    x, y = spec.make(samples, noise, np.random.default_rng(seed))
    return x.astype(np.float64), y.astype(np.float64)
