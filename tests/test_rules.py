"""GET /api/rules: the engine's tables and pairing rules, the same that POST /api/networks applies."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_the_tables_and_limits(client: TestClient) -> None:
    rules = client.get("/api/rules").json()
    assert rules["hidden_activations"] == ["sigmoid", "tanh", "relu", "linear"]
    assert rules["output_activations"] == ["sigmoid", "linear", "softmax"]
    assert rules["losses"] == ["mse", "bce", "cross_entropy"]
    assert rules["limits"] == {"max_layers": 10, "max_neurons": 1024, "max_parameters": 250_000,
                               "max_samples": 10_000, "max_epochs": 10_000, "max_trace_values": 1_000_000,
                               "max_train_sample_epochs": 2_000_000, "max_train_updates": 50_000,
                               "max_train_work": 4_000_000_000}


def test_pairings_are_the_lecture_rules(client: TestClient) -> None:
    """Squared error goes with any output; binary cross-entropy needs sigmoid; cross-entropy softmax."""
    allowed = {(p["output_activation"], p["loss"]) for p in client.get("/api/rules").json()["pairings"] if p["allowed"]}
    assert allowed == {("sigmoid", "mse"), ("linear", "mse"), ("softmax", "mse"), ("sigmoid", "bce"),
                       ("softmax", "cross_entropy")}


def test_the_rules_are_what_the_api_enforces(client: TestClient) -> None:
    rules = client.get("/api/rules").json()
    for p in rules["pairings"]:
        r = client.post("/api/networks", json={"layer_sizes": [2, 3], "output_activation": p["output_activation"],
                                               "loss": p["loss"]})
        assert (r.status_code == 201) == p["allowed"], (p, r.text)
        if not p["allowed"]:
            assert r.status_code == 422 and r.json()["detail"] == p["reason"]
    for w in rules["output_widths"]:
        loss = next(p["loss"] for p in rules["pairings"] if p["output_activation"] == w["output_activation"]
                    and p["allowed"])
        body = {"output_activation": w["output_activation"], "loss": loss}
        assert client.post("/api/networks", json={**body, "layer_sizes": [2, w["at_least"]]}).status_code == 201
        if w["at_least"] > 1:
            r = client.post("/api/networks", json={**body, "layer_sizes": [2, w["at_least"] - 1]})
            assert r.status_code == 422 and r.json()["detail"] == w["reason"]
    assert [w["at_least"] for w in rules["output_widths"][:2]] == [1, 1]  # sigmoid, linear: any width
