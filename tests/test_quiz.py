"""Exam practice: every kind's answer against an independent computation, over many seeds."""

from __future__ import annotations

import re
from typing import get_args

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.teaching.quiz import KINDS
from app.schemas.quizzes import KindName
from exam_reference import EXAM_KINDS, exam_answer

SEEDS = range(30)


def sig(z: float | np.ndarray) -> float | np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def given(q: dict, prefix: str) -> float | list[float]:
    return next(g["value"] for g in q["given"] if g["symbol"].startswith(prefix))


def independent(q: dict) -> float | np.ndarray:
    """The answer computed here from what the question shows, not by app.teaching.quiz."""
    kind, net, data = q["kind"], q["network"], q["data"]
    if kind in EXAM_KINDS:
        return exam_answer(q)
    if kind == "mse":
        y, p = np.array(data["targets"]), np.array(data["predictions"])
        return float(np.mean((y - p) ** 2))
    if kind == "cross_entropy":
        y, h = np.array(data["targets"]), np.array(data["predictions"])
        return float(-np.sum(y * np.log(h) + (1 - y) * np.log(1 - h)))
    if kind == "activations":
        w, b, x = np.array(net["weights"][0]), np.array(net["biases"][0]), np.array(data["inputs"][0])
        return sig(w @ x + b)
    if kind in ("output_delta_mse", "output_delta_bce"):
        a, y = sig(given(q, "z_")), given(q, "y_")
        return (a - y) * a * (1 - a) if kind.endswith("mse") else a - y
    if kind == "hidden_delta":
        j = int(re.match(r"delta_(\d)\^\(2\)", q["asks"]).group(1)) - 1
        w3 = np.array(given(q, "W^(3)")).reshape(2, -1)
        d3, a = np.array(given(q, "delta^(3)")), given(q, "a_")
        return float(sum(w3[k, j] * d3[k] for k in range(2)) * a * (1 - a))
    if kind == "weight_gradient":
        j, k = (int(c) - 1 for c in re.match(r"dC/dw_(\d)(\d)\^\(3\)", q["asks"]).groups())
        a2, row = np.array(given(q, "a^(2)")), np.array(net["weights"][1][j])
        assert row[k] == given(q, "w_")
        a = sig(row @ a2 + given(q, "b_"))
        return float((a - given(q, "y_")) * a * (1 - a) * a2[k])
    if kind == "weight_update":
        return given(q, "w_") - given(q, "α") * given(q, "delta_") * given(q, "a_")
    raise AssertionError(f"no independent computation for {kind}")


def within(value: float | np.ndarray, expected: float | list[float], tol: dict) -> bool:
    v, e = np.asarray(value, float), np.asarray(expected, float)
    return v.shape == e.shape and bool(np.all(np.abs(v - e) <= tol["absolute"] + tol["relative"] * np.abs(e)))


def test_kinds_are_listed(client: TestClient) -> None:
    r = client.get("/api/quizzes/kinds")
    assert r.status_code == 200
    assert {k["name"] for k in r.json()} == set(KINDS) >= {
        "mse", "activations", "output_delta_mse", "output_delta_bce", "hidden_delta", "weight_gradient", "weight_update"}


def test_the_schema_offers_exactly_the_kinds() -> None:
    assert set(get_args(KindName)) == set(KINDS)


@pytest.mark.parametrize("kind", list(KINDS))
def test_answers_match_an_independent_computation(client: TestClient, kind: str) -> None:
    for seed in SEEDS:
        q = client.post("/api/quizzes", json={"kind": kind, "seed": seed}).json()
        assert q["id"] == f"{kind}-{seed}"
        mine = independent(q)
        r = client.post(f"/api/quizzes/{q['id']}/answer", json={"value": np.asarray(mine).tolist()})
        assert r.status_code == 200
        body = r.json()
        assert body["correct"], (q["prompt"], mine, body["expected"])
        assert np.allclose(body["expected"], mine, rtol=1e-9, atol=1e-12)
        assert body["solution"][-1]["value"] == body["expected"]  # the worked solution ends at the answer
        assert all(s["formula"] and s["numbers"] for s in body["solution"])
        # an answer off by twice the tolerance is marked wrong
        tol = body["tolerance"]
        off = np.asarray(mine) + 2 * (tol["absolute"] + tol["relative"] * np.abs(mine)) + 1e-9
        assert not client.post(f"/api/quizzes/{q['id']}/answer", json={"value": off.tolist()}).json()["correct"]


def test_same_seed_same_question_on_any_call(client: TestClient) -> None:
    a = client.post("/api/quizzes", json={"kind": "hidden_delta", "seed": 12}).json()
    b = client.get("/api/quizzes/hidden_delta-12").json()
    assert a == b
    assert client.post("/api/quizzes", json={"kind": "hidden_delta", "seed": 13}).json()["prompt"] != a["prompt"]


def test_numbers_are_small_and_givens_match_the_network(client: TestClient) -> None:
    for seed in SEEDS:
        q = client.post("/api/quizzes", json={"kind": "output_delta_mse", "seed": seed}).json()
        w = [np.array(m) for m in q["network"]["weights"]]
        b = [np.array(v) for v in q["network"]["biases"]]
        assert all(np.allclose(m * 10, np.round(m * 10)) for m in w)  # one decimal: doable by hand
        x = np.array(q["data"]["inputs"][0])
        z3 = w[1] @ sig(w[0] @ x + b[0]) + b[1]
        j = q["target"][0]["neuron"]
        assert abs(given(q, "z_") - z3[j]) <= 5e-4  # the given z is this network's, rounded


def test_common_slips_are_wrong_and_named(client: TestClient) -> None:
    for seed in SEEDS:
        q = client.post("/api/quizzes", json={"kind": "output_delta_mse", "seed": seed}).json()
        a, y = sig(given(q, "z_")), given(q, "y_")
        body = client.post(f"/api/quizzes/{q['id']}/answer", json={"value": float(a - y)}).json()
        assert not body["correct"] and "σ'(z)" in body["slip"]
        q = client.post("/api/quizzes", json={"kind": "weight_update", "seed": seed}).json()
        plus = given(q, "w_") + given(q, "α") * given(q, "delta_") * given(q, "a_")
        body = client.post(f"/api/quizzes/{q['id']}/answer", json={"value": plus}).json()
        assert not body["correct"] and "against the gradient" in body["slip"]


def test_give_up_shows_the_solution(client: TestClient) -> None:
    body = client.post("/api/quizzes/mse-3/answer", json={"value": None}).json()
    assert body["correct"] is False and len(body["solution"]) >= 3


@pytest.mark.parametrize(("path", "payload", "status", "says"), [
    ("/api/quizzes", {"kind": "nonsense"}, 422, "kind"),
    ("/api/quizzes", {"seed": -1}, 422, "seed"),
    ("/api/quizzes", {"seed": 2**31}, 422, "seed"),
    ("/api/quizzes", {"kind": "mse", "extra": 1}, 422, "extra"),
    ("/api/quizzes/mse-3/answer", {"value": [0.1, 0.2]}, 422, "single number"),
    ("/api/quizzes/activations-3/answer", {"value": 0.5}, 422, "list of"),
    ("/api/quizzes/mse-3/answer", {"value": "0.2"}, 422, "value"),
    ("/api/quizzes/mse-3/answer", {}, 422, "value"),
    ("/api/quizzes/nokind-3/answer", {"value": 1}, 404, "no quiz"),
    ("/api/quizzes/mse-99999999999/answer", {"value": 1}, 404, "no quiz"),
])
def test_bad_input_is_a_clear_4xx(client: TestClient, path: str, payload: dict, status: int, says: str) -> None:
    r = client.post(path, json=payload)
    assert r.status_code == status
    assert says in str(r.json()["detail"])


def test_nan_answer_is_refused(client: TestClient) -> None:
    r = client.post("/api/quizzes/mse-3/answer", content=b'{"value": NaN}', headers={"content-type": "application/json"})
    assert r.status_code == 422
