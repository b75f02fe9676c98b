"""The history the lecture tells: a perceptron learns AND and OR but never XOR; backprop does."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

POINTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
TABLES = {"and": [0, 0, 0, 1], "or": [0, 1, 1, 1], "xor": [0, 1, 1, 0]}
XOR = {"inputs": POINTS.tolist(), "targets": [[0], [1], [1], [0]]}


def rosenblatt(targets: list[int], epochs: int, eta: float) -> list[tuple[float, float, float, int]]:
    """The rule written out plainly: zero start, samples in order, update after each mistake."""
    w1 = w2 = b = 0.0
    out = []
    for _ in range(epochs):
        errors = 0
        for (x1, x2), y in zip(POINTS, targets):
            h = 1.0 if w1 * x1 + w2 * x2 + b > 0 else 0.0
            if h != y:
                errors += 1
                w1, w2, b = w1 + eta * (y - h) * x1, w2 + eta * (y - h) * x2, b + eta * (y - h)
        out.append((w1, w2, b, errors))
        if errors == 0:
            break
    return out


def flat(body: dict) -> list[tuple[float, float, float, int]]:
    return [(e["weights"][0], e["weights"][1], e["bias"], e["errors"]) for e in body["epochs"]]


@pytest.mark.parametrize("dataset", ["and", "or"])
@pytest.mark.parametrize("eta", [1.0, 0.3])
def test_perceptron_learns_and_or(client: TestClient, dataset: str, eta: float) -> None:
    r = client.post("/api/perceptron", json={"dataset": dataset, "epochs": 1000, "learning_rate": eta})
    assert r.status_code == 200
    body = r.json()
    assert body["converged_epoch"] == len(body["epochs"]) < 20
    last = body["epochs"][-1]
    assert last["errors"] == 0 and last["misclassified"] == []
    w, b = np.array(last["weights"]), last["bias"]
    assert ((POINTS @ w + b > 0).astype(int) == TABLES[dataset]).all()  # the final line separates them
    assert np.allclose(flat(body), rosenblatt(TABLES[dataset], 1000, eta))
    x1, y1, x2, y2 = last["line"]  # the drawn segment lies on w·x + b = 0
    assert w @ [x1, y1] + b == pytest.approx(0, abs=1e-9) and w @ [x2, y2] + b == pytest.approx(0, abs=1e-9)


@pytest.mark.parametrize("seed", [None, 0, 1, 2, 3, 4])
def test_perceptron_never_learns_xor_in_1000_epochs(client: TestClient, seed: int | None) -> None:
    payload = {"dataset": "xor", "epochs": 1000} | ({"seed": seed} if seed is not None else {})
    body = client.post("/api/perceptron", json=payload).json()
    assert len(body["epochs"]) == 1000 and body["converged_epoch"] is None
    assert all(e["errors"] > 0 and e["misclassified"] for e in body["epochs"])
    for e in body["epochs"]:  # checked here, not trusted: every line gets some point wrong
        wrong = ((POINTS @ np.array(e["weights"]) + e["bias"] > 0).astype(int) != TABLES["xor"]).sum()
        assert wrong == len(e["misclassified"]) >= 1
    assert body["cycle"] is not None and body["cycle"]["period"] >= 1
    if seed is None:
        assert np.allclose(flat(body), rosenblatt(TABLES["xor"], 1000, 1.0))


@pytest.mark.parametrize("payload", [{"dataset": "nand"}, {"dataset": "xor", "epochs": 0},
                                     {"dataset": "xor", "epochs": 1001}, {"dataset": "xor", "learning_rate": 0},
                                     {"dataset": "xor", "typo": 1}, {}])
def test_perceptron_bad_input_is_422(client: TestClient, payload: dict) -> None:
    r = client.post("/api/perceptron", json=payload)
    assert r.status_code == 422 and r.json()["detail"]


def test_two_two_one_sigmoid_network_learns_xor(client: TestClient) -> None:
    net = client.post("/api/networks", json={"layer_sizes": [2, 2, 1], "seed": 13, "learning_rate": 2.0}).json()
    r = client.post(f"/api/networks/{net['id']}/train", json={**XOR, "epochs": 2000})
    assert r.status_code == 200 and r.json()["stopped"] is None
    assert r.json()["costs"][-1] < 0.01
    out = client.post(f"/api/networks/{net['id']}/forward", json=XOR).json()["layers"][-1]["a"]
    assert [round(a[0]) for a in out] == [0, 1, 1, 0]
