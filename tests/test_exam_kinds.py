"""The exam kinds beyond the network (linear regression, L2, one-hot, the algorithm in words):
common slips recognised, blanks marked one by one; and the two regression presets, whose
passes give exactly regression's partial derivatives. Answers themselves are checked against
tests/exam_reference.py in test_quiz.py, over 30 seeds per kind."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from exam_reference import exam_answer, given

SEEDS = range(20)


def ask(client: TestClient, kind: str, seed: int) -> dict:
    r = client.post("/api/quizzes", json={"kind": kind, "seed": seed})
    assert r.status_code == 201, r.text
    return r.json()


def answer(client: TestClient, q: dict, value: object) -> dict:
    r = client.post(f"/api/quizzes/{q['id']}/answer", json={"value": value})
    assert r.status_code == 200, r.text
    return r.json()


def test_linear_regression_slips(client: TestClient) -> None:
    for seed in SEEDS:
        q = ask(client, "linreg_predictions", seed)
        assert "column of ones" in q["prompt"] and q["answer_length"] == len(given(q, "x"))
        x, theta = np.array(given(q, "x")), np.array(given(q, "θ"))
        body = answer(client, q, (x @ theta[1:]).tolist())  # no bias column
        assert not body["correct"] and "column of ones is missing" in body["slip"]
        q = ask(client, "linreg_gradient", seed)
        assert "1/(2m)" in q["prompt"]  # the convention is stated
        dw, db = exam_answer(q)
        body = answer(client, q, [2 * dw, 2 * db])
        assert not body["correct"] and "2 cancels" in body["slip"]
        body = answer(client, q, [-dw, -db])
        assert not body["correct"] and "Sign slip" in body["slip"]


def test_regularised_cross_entropy_slips(client: TestClient) -> None:
    for seed in SEEDS:
        q = ask(client, "cross_entropy_reg", seed)
        h, y, theta, lam = (np.array(given(q, "h")), np.array(given(q, "y")), np.array(given(q, "θ")),
                            given(q, "λ"))
        m, bias = len(h), given(q, "bias")
        data = -np.sum(y * np.log(h) + (1 - y) * np.log(1 - h)) / m
        assert not answer(client, q, float(data))["correct"]
        body = answer(client, q, float(data + lam / (2 * m) * (np.sum(theta ** 2) + bias ** 2)))
        assert not body["correct"] and "bias" in body["slip"]
        body = answer(client, q, float(data + lam / m * np.sum(theta ** 2)))
        assert not body["correct"] and "left out the 2" in body["slip"]
        assert "natural log" in q["prompt"]


def test_one_hot_slips(client: TestClient) -> None:
    for seed in SEEDS:
        q = ask(client, "one_hot", seed)
        k, labels = int(given(q, "K")), [int(c) for c in given(q, "labels")]
        zero_based = [1.0 if c == label else 0.0 for label in labels for c in range(k)]  # label c at index c
        body = answer(client, q, zero_based)
        assert not body["correct"] and "counting from 1" in body["slip"]


def test_pseudocode_is_marked_blank_by_blank(client: TestClient) -> None:
    for seed in SEEDS:
        q = ask(client, "backprop_pseudocode", seed)
        choices, right = q["choices"], exam_answer(q)
        assert q["answer_length"] == len(right) in (2, 3) and len(choices) == len(right) + 4
        body = answer(client, q, right)
        assert body["correct"] and body["marks"] == [True] * len(right) and body["slip"] is None
        last = body["solution"][-1]
        assert last["symbol"] == "the algorithm" and "1. Forward pass" in last["formula"] and "7. Update" in last["formula"]
        # the first blank wrong (a wrong step chosen), the others right
        wrong = next(c for c in range(1, len(choices) + 1) if float(c) not in right)
        body = answer(client, q, [float(wrong), *right[1:]])
        assert not body["correct"] and body["marks"] == [False] + [True] * (len(right) - 1)
        assert body["slip"].startswith("Blank 1 (step ") and f"choice {wrong} is wrong: " in body["slip"]
        # two right steps swapped: each is a real step, in the wrong place
        body = answer(client, q, [right[1], right[0], *right[2:]])
        assert body["marks"][:2] == [False, False] and "is a real step, but it is step" in body["slip"]
        assert not answer(client, q, [99.0] * len(right))["correct"]


def test_pseudocode_distractors_each_explain_their_mistake(client: TestClient) -> None:
    seen = set()
    for seed in range(60):
        q = ask(client, "backprop_pseudocode", seed)
        right = exam_answer(q)
        for c, text in enumerate(q["choices"], 1):
            if float(c) in right:
                continue
            body = answer(client, q, [float(c), *right[1:]])
            assert f"choice {c} is wrong: " in body["slip"]
            seen.add(text)
    assert len(seen) == 7  # every wrong step turns up, each with its explanation


def load(client: TestClient, name: str) -> tuple[str, dict]:
    doc = client.get(f"/api/presets/{name}").json()
    r = client.post("/api/networks/import", json=doc)
    assert r.status_code == 201, r.text
    return r.json()["network"]["id"], doc


@pytest.mark.parametrize(("name", "output", "loss"), [("linear-regression", "linear", "mse"),
                                                      ("logistic-regression", "sigmoid", "bce")])
def test_regression_presets_give_regressions_partial_derivatives(client: TestClient, name: str, output: str,
                                                                 loss: str) -> None:
    nid, doc = load(client, name)
    net = client.get(f"/api/networks/{nid}").json()
    assert net["layer_sizes"] == [1, 1] and net["output_activation"] == output and net["loss"] == loss
    w, b = net["weights"][0][0][0], net["biases"][0][0]
    x, y = np.array(doc["data"]["inputs"])[:, 0], np.array(doc["data"]["targets"])[:, 0]
    h = w * x + b if output == "linear" else 1 / (1 + np.exp(-(w * x + b)))
    r = client.post(f"/api/networks/{nid}/backward", json=doc["data"]).json()
    delta = np.array(r["layers"][-1]["delta"])[:, 0]
    assert np.allclose(delta, h - y)  # delta = a - y: g' = 1, or sigma' cancelled by cross-entropy
    assert r["gradients"]["weights"][0][0][0] == pytest.approx(np.mean((h - y) * x))  # 1/m Σ (h - y) x
    assert r["gradients"]["biases"][0][0] == pytest.approx(np.mean(h - y))  # 1/m Σ (h - y)
    step = client.post(f"/api/networks/{nid}/step", json=doc["data"]).json()
    assert step["network"]["weights"][0][0][0] == pytest.approx(w - net["learning_rate"] * np.mean((h - y) * x))
