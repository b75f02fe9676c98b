"""Exam practice: what a question is (given numbers, steps, slips) and how answers are marked.

A question is fully determined by (kind, seed), so its id is f"{kind}-{seed}" and any worker
can regenerate it: nothing is stored. Text uses the lecture's layer numbers (1 = input);
the structured references (`ref`, `uses`) use the API's (0 = input), like the drawing's
`data-layer`. Expected answers are computed from the numbers the question shows (already
rounded), so a student who works from the prompt can hit them exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

Array = np.ndarray
Value = float | list[float]
Ref = dict[str, int]  # {"layer", "neuron"} or {"layer", "from", "to"} (layer = the layer an edge feeds)


@dataclass(frozen=True)
class Tolerance:
    """An answer is right when |answer - expected| <= absolute + relative * |expected| per entry."""

    absolute: float = 1e-4
    relative: float = 1e-2


@dataclass
class Step:
    symbol: str                  # what this step computes, e.g. "delta_1^(3)"
    formula: str                 # in symbols, the lecture's notation
    numbers: str                 # the same with the question's numbers put in
    value: Value
    uses: list[Ref] = field(default_factory=list)
    note: str | None = None


@dataclass
class Given:
    symbol: str
    value: Value | list[list[float]]  # a matrix is given row by row
    ref: Ref | None = None


@dataclass
class Question:
    kind: str
    seed: int
    prompt: str
    asks: str                    # the symbol asked for
    expected: Value
    solution: list[Step]
    given: list[Given] = field(default_factory=list)
    network: dict | None = None  # layer_sizes, weights, biases, activations, loss (API layout)
    data: dict = field(default_factory=dict)
    target: list[Ref] = field(default_factory=list)  # where the answer sits in the drawing
    slips: list[tuple[Value, str]] = field(default_factory=list)  # common wrong answers
    tolerance: Tolerance = field(default_factory=Tolerance)

    @property
    def id(self) -> str:
        return f"{self.kind}-{self.seed}"


@dataclass
class Verdict:
    correct: bool
    expected: Value
    tolerance: Tolerance
    solution: list[Step]
    slip: str | None = None


def f(x: float) -> str:
    """A number as an exam would print it: 4 significant digits, no trailing zeros."""
    s = np.format_float_positional(float(x), precision=4, unique=False, fractional=False, trim="-")
    return "0" if s in ("-0", "") else s


def p(x: float) -> str:
    """f(x), in parentheses when negative (inside a product or difference)."""
    s = f(x)
    return f"({s})" if s.startswith("-") else s


def fv(v: Array | list[float]) -> str:
    return "(" + ", ".join(f(x) for x in np.asarray(v, dtype=np.float64).ravel()) + ")"


def fm(w: Array) -> str:
    """A matrix row by row: [[w_11, w_12], [w_21, w_22]]."""
    return "[" + ", ".join("[" + ", ".join(f(x) for x in row) + "]" for row in np.atleast_2d(w)) + "]"


def as_value(v: Array | float) -> Value:
    arr = np.asarray(v, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else [float(x) for x in arr.ravel()]


def close(value: Value, target: Value, tol: Tolerance) -> bool:
    a, b = np.asarray(value, dtype=np.float64), np.asarray(target, dtype=np.float64)
    if a.shape != b.shape:
        return False
    return bool(np.all(np.abs(a - b) <= tol.absolute + tol.relative * np.abs(b)))


def clear_of_slips(q: Question) -> bool:
    """A usable question: no common slip lands within the tolerance of the right answer."""
    return all(not close(v, q.expected, q.tolerance) for v, _ in q.slips)


Generator = Callable[[np.random.Generator, int], Question]


@dataclass(frozen=True)
class Kind:
    title: str
    description: str
    make: Generator
