"""Independent references shared by the tests: central finite differences of the cost,
and targets that fit each output activation."""

from __future__ import annotations

import math

import numpy as np

from app.nn import engine


def numeric_gradient(net: engine.Net, x: np.ndarray, y: np.ndarray, param: np.ndarray,
                     h: float = 1e-5) -> np.ndarray:
    """dC/dparam by central differences of the full cost (L2 included); param is one of
    net.weights / net.biases and is restored after each nudge."""
    out = np.zeros_like(param)
    for idx in np.ndindex(param.shape):
        keep = param[idx]
        param[idx] = keep + h
        up = engine.cost(net, engine.forward(net, x), y)
        param[idx] = keep - h
        down = engine.cost(net, engine.forward(net, x), y)
        param[idx] = keep
        out[idx] = (up - down) / (2 * h)
    return out


def targets_for(output: str, m: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """One-hot rows for softmax, values in [0, 1] for sigmoid, any reals for linear."""
    if output == "softmax":
        return np.eye(n)[rng.integers(0, n, m)]
    if output == "sigmoid":
        return rng.uniform(0, 1, (m, n))
    return rng.normal(0, 1, (m, n))


def all_finite(value: object) -> bool:
    """Every number in a JSON value is finite and no list holds null where a number belongs
    (null only as a dict value: an absent result)."""
    if isinstance(value, list):
        return all(v is not None and all_finite(v) for v in value)
    if isinstance(value, dict):
        return all(all_finite(v) for v in value.values() if v is not None)
    return not isinstance(value, float) or math.isfinite(value)
