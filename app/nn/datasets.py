"""Built-in datasets, seeded: the same name, samples, noise and seed give the same data.

The 2-D sets follow TensorFlow Playground's (src/dataset.ts) scaled from its [-6, 6]^2 to
[-1, 1]^2: classification targets in {0, 1}; regression targets in [-1, 1] (plane, bumps),
for a linear output and squared error. Feature inputs (Playground's x1^2, x2^2, x1 x2,
sin x1, sin x2) are extra columns computed here from the points, and a seeded share of the
samples can be held out for testing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

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
    task: str = "classification"  # or "regression": a linear output and squared error fit it


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


def _regression(label: Callable[[Array], Array]) -> Callable[[int, float, np.random.Generator], tuple[Array, Array]]:
    """Playground's regression sampling: points uniform in [-1, 1]^2, each labelled at a point
    moved by uniform noise (noise x [-1, 1] per coordinate), so noise blurs the target."""
    def make(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
        x = rng.uniform(-1, 1, (n, 2))
        return x, label(x + rng.uniform(-1, 1, (n, 2)) * noise).reshape(-1, 1)
    return make


def plane(p: Array) -> Array:
    """Playground's reg-plane, (x + y) / 10 on [-6, 6]^2: 0.6 (x1 + x2) here."""
    return 0.6 * (p[:, 0] + p[:, 1])


BUMPS = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1))  # Playground's


def bumps(p: Array) -> Array:
    """Playground's reg-gauss: six bumps of sign +-1 at BUMPS / 6, each falling linearly from 1 at
    its centre to 0 at distance 1/3 (2 on Playground's scale); the larger in magnitude wins."""
    heights = np.stack([s * np.clip(1 - 3 * np.hypot(p[:, 0] - cx / 6, p[:, 1] - cy / 6), 0, 1)
                        for cx, cy, s in BUMPS], axis=1)
    return heights[np.arange(len(p)), np.abs(heights).argmax(axis=1)]


DATASETS: dict[str, Spec] = {
    "xor": Spec("XOR of two bits: the problem a single perceptron cannot learn", 2, 1, _logic("xor"), True),
    "and": Spec("AND of two bits: linearly separable", 2, 1, _logic("and"), True),
    "or": Spec("OR of two bits: linearly separable", 2, 1, _logic("or"), True),
    "circle": Spec("a disc (1) inside a ring (0)", 2, 1, _circle),
    "gaussian": Spec("two Gaussian blobs", 2, 1, _gaussian),
    "spiral": Spec("two interleaved spirals: hard, needs several hidden layers", 2, 1, _spiral),
    "moons": Spec("two interleaving half circles", 2, 1, _moons),
    "plane": Spec("regression: a tilted plane, 0.6 (x1 + x2)", 2, 1, _regression(plane), task="regression"),
    "bumps": Spec("regression: six Gaussian-like bumps of height +1 and -1", 2, 1, _regression(bumps),
                  task="regression"),
}


def make(name: str, samples: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[Array, Array]:
    """(inputs, targets) of a built-in dataset; ValueError for an unknown name."""
    spec = DATASETS.get(name)
    if spec is None:
        raise InvalidInput(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    x, y = spec.make(samples, noise, np.random.default_rng(seed))
    return x.astype(np.float64), y.astype(np.float64)


# Playground's feature inputs, as extra columns of a 2-D set: name -> (label shown, column from the points).
FEATURES: dict[str, tuple[str, Callable[[Array], Array]]] = {
    "x1": ("x1", lambda p: p[:, 0]),
    "x2": ("x2", lambda p: p[:, 1]),
    "x1_sq": ("x1²", lambda p: p[:, 0] ** 2),
    "x2_sq": ("x2²", lambda p: p[:, 1] ** 2),
    "x1_x2": ("x1 x2", lambda p: p[:, 0] * p[:, 1]),
    "sin_x1": ("sin x1", lambda p: np.sin(p[:, 0])),
    "sin_x2": ("sin x2", lambda p: np.sin(p[:, 1])),
}
DEFAULT_FEATURES = ("x1", "x2")


def features(points: Array, names: Sequence[str]) -> Array:
    """The columns `names` (keys of FEATURES, in that order) of 2-D points (m, 2): shape (m, len(names)).

    Raises InvalidInput for points that are not 2-D, or an empty, unknown or repeated name."""
    if points.ndim != 2 or points.shape[1] != 2:
        raise InvalidInput(f"feature inputs need 2-D points (m rows of 2 numbers), got shape {points.shape}")
    if not names:
        raise InvalidInput(f"choose at least one feature of {', '.join(FEATURES)}")
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise InvalidInput(f"unknown feature {unknown[0]!r}; choose from {', '.join(FEATURES)}")
    if len(set(names)) != len(names):
        raise InvalidInput("each feature may be chosen once")
    return np.stack([FEATURES[n][1](points) for n in names], axis=1)


def split(m: int, test_share: float, seed: int) -> tuple[Array, Array]:
    """(train rows, test rows): a seeded random round(m x test_share) rows held out, each set in
    its original order. Raises InvalidInput unless both sets keep at least one row (or the share is 0)."""
    n_test = int(round(m * test_share))
    if n_test and not 1 <= n_test <= m - 1:
        raise InvalidInput(f"holding out {test_share:g} of {m} samples leaves no training or no test sample; "
                           "choose a share between 0 and 0.9 and at least 2 samples")
    held = np.zeros(m, dtype=bool)
    # [seed, 17]: a stream of its own, so the split does not reuse the draws that made the data
    held[np.random.default_rng([seed, 17]).permutation(m)[:n_test]] = True
    return np.flatnonzero(~held), np.flatnonzero(held)
