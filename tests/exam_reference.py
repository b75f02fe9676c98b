"""Independent answers for the exam kinds of app.teaching.exam_kinds, from what each question
shows (its data and prompt), never from the code under test."""

from __future__ import annotations

import re

import numpy as np

EXAM_KINDS = {"linreg_predictions", "linreg_gradient", "cross_entropy_reg", "one_hot", "backprop_pseudocode"}
# What each step of the algorithm must say, in the lecture's order (forward ... update).
STEP_WORDS = [("forward pass", "z^(l) = w^(l) a^(l-1) + b^(l)"), ("cost", "from the output a^(l)"),
              ("output error", "∂c/∂a^(l) ⊙ g'(z^(l))"), ("error back", "(w^(l+1))^t δ^(l+1)"),
              ("gradients", "δ^(l) (a^(l-1))^t"), ("average", "average the cost and the gradients"),
              ("update", "- α ∂c/∂w^(l)")]


def given(q: dict, symbol: str) -> object:
    return next(g["value"] for g in q["given"] if g["symbol"] == symbol)


def exam_answer(q: dict) -> float | list[float]:
    kind = q["kind"]
    if kind == "linreg_predictions":
        x, theta = np.array(given(q, "x")), np.array(given(q, "θ"))
        return (theta[0] + x @ theta[1:]).tolist()
    if kind == "linreg_gradient":
        x, y, w, b = np.array(given(q, "x")), np.array(given(q, "y")), given(q, "w"), given(q, "b")
        # C = 1/(2m) Σ (w x + b - y)^2, differentiated term by term
        r = w * x + b - y
        return [float(np.mean(r * x)), float(np.mean(r))]
    if kind == "cross_entropy_reg":
        h, y, theta, lam = np.array(given(q, "h")), np.array(given(q, "y")), np.array(given(q, "θ")), given(q, "λ")
        m = h.shape[0]
        return float(-np.sum(y * np.log(h) + (1 - y) * np.log(1 - h)) / m + lam / (2 * m) * np.sum(theta ** 2))
    if kind == "one_hot":
        k = int(given(q, "K"))
        return [1.0 if c == int(label) else 0.0 for label in given(q, "labels") for c in range(1, k + 1)]
    if kind == "backprop_pseudocode":
        blanks = [int(n) for n in re.findall(r"(\d)\. \[blank \d\]", q["prompt"])]
        answer = []
        for step in blanks:
            words = STEP_WORDS[step - 1]
            hits = [c for c, text in enumerate(q["choices"], 1) if all(w in text.lower() for w in words)]
            assert len(hits) == 1, (step, q["choices"])
            answer.append(float(hits[0]))
        return answer
    raise AssertionError(f"no independent computation for {kind}")
