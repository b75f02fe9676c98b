"""Presets reproduce the lecture's numbers; a saved network loads back identical."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.store import SQLiteStore


def load(client: TestClient, name: str) -> dict:
    doc = client.get(f"/api/presets/{name}").json()
    r = client.post("/api/networks/import", json=doc)
    assert r.status_code == 201, r.text
    return r.json()


def test_presets_are_listed(client: TestClient) -> None:
    names = [p["name"] for p in client.get("/api/presets").json()]
    assert {"lecture", "xor", "xor-by-hand", "two-outputs"} <= set(names)
    assert client.get("/api/presets/nope").status_code == 404


def test_lecture_preset_reproduces_the_worked_example(client: TestClient) -> None:
    loaded = load(client, "lecture")
    nid, data = loaded["network"]["id"], loaded["data"]
    fwd = client.post(f"/api/networks/{nid}/forward", json=data).json()
    out = fwd["layers"][-1]
    z, a, gp = out["z"][0][0], out["a"][0][0], out["g_prime"][0][0]
    assert z == pytest.approx(-0.241, abs=1e-12)
    assert round(a, 2) == 0.44 and round(fwd["cost"], 4) == 0.1568 and round(gp, 4) == 0.2464
    y = data["targets"][0][0]
    assert y == 1 and round(a - y, 2) == -0.56  # dC/da = a - y (the slide's y - a drops the sign)
    # independently: σ(-0.241) and the lecture's rounded arithmetic
    s = 1 / (1 + np.exp(0.241))
    assert a == pytest.approx(s) and fwd["cost"] == pytest.approx(0.5 * (1 - s) ** 2)
    delta = client.post(f"/api/networks/{nid}/backward", json=data).json()["layers"][-1]["delta"][0][0]
    assert round(delta / gp, 4) == round(a - y, 4)  # delta = dC/da · σ'(z)


def test_two_outputs_preset_matches_its_hand_numbers(client: TestClient) -> None:
    loaded = load(client, "two-outputs")
    fwd = client.post(f"/api/networks/{loaded['network']['id']}/forward", json=loaded["data"]).json()
    hidden, out = fwd["layers"][1], fwd["layers"][2]
    assert hidden["z"][0] == pytest.approx([0.5, -0.5])
    assert [round(v, 4) for v in hidden["a"][0]] == [0.6225, 0.3775]
    assert round(out["z"][0][0], 4) == 0.2449 and out["z"][0][1] == pytest.approx(0, abs=1e-15)
    assert out["a"][0][1] == pytest.approx(0.5) and out["g_prime"][0][1] == pytest.approx(0.25)


def test_xor_presets_solve_xor(client: TestClient) -> None:
    by_hand = load(client, "xor-by-hand")
    out = client.post(f"/api/networks/{by_hand['network']['id']}/forward", json=by_hand["data"]).json()
    assert [round(a[0]) for a in out["layers"][-1]["a"]] == [0, 1, 1, 0]
    xor = load(client, "xor")
    r = client.post(f"/api/networks/{xor['network']['id']}/train", json={**xor["data"], "epochs": 1000}).json()
    assert r["costs"][-1] < 0.01


def test_saved_network_loads_back_identical(client: TestClient) -> None:
    net = client.post("/api/networks", json={"layer_sizes": [2, 3, 2], "hidden_activation": "tanh",
                                             "learning_rate": 0.3, "l2": 0.01, "seed": 5}).json()
    data = {"inputs": [[0.1, 0.2], [0.5, -0.3]], "targets": [[1, 0], [0, 1]]}
    client.post(f"/api/networks/{net['id']}/train", json={**data, "epochs": 7})
    saved = client.get(f"/api/networks/{net['id']}").json()
    doc = {"format": "backprop-lab/1", "network": saved, "data": data, "settings": {"sample": 1, "batch": "full"}}
    r = client.post("/api/networks/import", json=doc)
    assert r.status_code == 201
    body = r.json()
    assert body["network"]["id"] != saved["id"]
    again = client.get(f"/api/networks/{body['network']['id']}").json()
    assert {**again, "id": None} == {**saved, "id": None}  # weights exactly, settings, seed and steps (7)
    assert again["steps"] == 7
    assert body["settings"] == doc["settings"] and body["data"] == {k: [[float(v) for v in r] for r in m]
                                                                   for k, m in data.items()}


@pytest.mark.parametrize(("change", "says"), [
    ({"format": "backprop-lab/9"}, "format"),
    ({"network": {"layer_sizes": [2, 1], "weights": [[[1, 2, 3]]], "biases": [[0]]}}, "shape"),
    ({"network": {"layer_sizes": [2, 1], "weights": [[[1, 2]]], "biases": [[0, 1]]}}, "entries"),
    ({"network": {"layer_sizes": [2, 1], "weights": [[[1, 2]]], "biases": [[0]], "loss": "bce",
                  "output_activation": "linear"}}, "sigmoid"),
    ({"data": {"inputs": [[1, 2, 3]], "targets": [[1]]}}, "inputs"),
    ({"data": {"inputs": [[1, 2]], "targets": [[1], [0]]}}, "rows"),
    ({"settings": {"x": [1, 2]}}, "settings"),
    ({"unknown": 1}, "unknown"),
])
def test_bad_save_files_are_refused_and_nothing_is_created(client: TestClient, store: SQLiteStore,
                                                          change: dict, says: str) -> None:
    doc = client.get("/api/presets/lecture").json() | change
    before = store.count()
    r = client.post("/api/networks/import", json=doc)
    assert r.status_code == 422
    assert says in str(r.json()["detail"])
    assert store.count() == before


def test_overfitting_preset_test_cost_rises_while_training_cost_falls(client: TestClient) -> None:
    """Issue 17: few noisy points and a wide network; the held-out cost is computed here by /forward
    on the test samples after each block of 50 epochs (nothing trains on them)."""
    loaded = load(client, "overfitting")
    net, data = loaded["network"], loaded["data"]
    assert net["layer_sizes"] == [2, 24, 24, 1] and net["hidden_activation"] == "tanh"
    assert len(data["inputs"]) == len(data["test_inputs"]) == 20 and loaded["settings"]["testShare"] == 0.5
    test = {"inputs": data["test_inputs"], "targets": data["test_targets"]}
    train_costs, test_costs = [], []
    for _ in range(60):
        r = client.post(f"/api/networks/{net['id']}/train",
                        json={"inputs": data["inputs"], "targets": data["targets"], "epochs": 50}).json()
        train_costs.append(r["costs"][-1])
        test_costs.append(client.post(f"/api/networks/{net['id']}/forward", json=test).json()["cost"])
    assert all(b < a for a, b in zip(train_costs, train_costs[1:]))  # training cost falls throughout
    assert round(train_costs[0], 3) == 0.044 and round(train_costs[-1], 3) == 0.015  # the description's numbers
    assert min(test_costs) == test_costs[0] and round(test_costs[0], 3) == 0.062
    assert test_costs[-1] > 1.9 * test_costs[0] and round(test_costs[-1], 2) == 0.12


def test_import_checks_test_data(client: TestClient) -> None:
    doc = client.get("/api/presets/overfitting").json()
    doc["data"]["test_targets"] = doc["data"]["test_targets"][:-1]
    r = client.post("/api/networks/import", json=doc)
    assert r.status_code == 422 and "test_targets rows" in r.json()["detail"]
    del doc["data"]["test_targets"]
    r = client.post("/api/networks/import", json=doc)
    assert r.status_code == 422 and "both test_inputs and test_targets" in r.json()["detail"]
