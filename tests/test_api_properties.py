"""Hypothesis through the API (issue 15): extreme inputs, weights and learning rates, for every
endpoint that computes. The answer is finite numbers or a 4xx with a sentence; the stored
network is always finite, and usable afterwards on the data an update was checked on."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app.api.deps import get_store
from app.main import app
from app.store import SQLiteStore

STORE = SQLiteStore(str(Path(tempfile.mkdtemp(prefix="props-")) / "props.sqlite"), max_networks=5000,
                    touch_interval=0)
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
PAIRS = [("sigmoid", "mse"), ("sigmoid", "bce"), ("linear", "mse"), ("softmax", "cross_entropy"), ("softmax", "mse")]
EXTREME = st.sampled_from([0.0, 1e-300, -1e-300, 0.5, -3.0, 40.0, -750.0, 1e3, -1e5, 1e150, -1e200, 1e300])
NUMBERS = st.one_of(EXTREME, st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))


@pytest.fixture
def client():  # noqa: ANN201 - one store for all examples (hypothesis runs the test body many times)
    app.dependency_overrides[get_store] = lambda: STORE
    yield TestClient(app)
    app.dependency_overrides.pop(get_store, None)


def all_finite(value: object) -> bool:
    """Every number finite; null only as a dict value (an absent result), never inside a list."""
    if isinstance(value, list):
        return all(v is not None and all_finite(v) for v in value)
    if isinstance(value, dict):
        return all(all_finite(v) for v in value.values() if v is not None)
    return not isinstance(value, float) or math.isfinite(value)


def matrix(rows: int, cols: int, elements: st.SearchStrategy) -> st.SearchStrategy:
    return st.lists(st.lists(elements, min_size=cols, max_size=cols), min_size=rows, max_size=rows)


def scaled(draw: st.DrawFn) -> st.SearchStrategy:
    """Numbers of one magnitude (ordinary half of the time), sometimes mixed with extremes."""
    scale = draw(st.sampled_from([1.0, 1.0, 1.0, 10.0, 1e3, 1e150, 1e300]))
    plain = st.floats(-scale, scale, allow_nan=False, allow_infinity=False)
    return st.one_of(plain, EXTREME) if draw(st.booleans()) else plain


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict, dict]:
    """A network (extreme weights, learning rate, l2) and a batch (extreme inputs, targets)."""
    out, loss = draw(st.sampled_from(PAIRS))
    weights_like, inputs_like = scaled(draw), scaled(draw)
    sizes = [draw(st.integers(1, 3)), *draw(st.lists(st.integers(1, 3), max_size=2)),
             draw(st.integers(2 if out == "softmax" else 1, 3))]
    net = {"layer_sizes": sizes, "hidden_activation": draw(st.sampled_from(["sigmoid", "tanh", "relu", "linear"])),
           "output_activation": out, "loss": loss, "seed": 1,
           "learning_rate": draw(st.sampled_from([1e-6, 0.5, 10.0, 1000.0])),
           "l2": draw(st.sampled_from([0.0, 0.1, 1000.0])),
           "weights": [draw(matrix(n_out, n_in, weights_like)) for n_in, n_out in zip(sizes[:-1], sizes[1:])],
           "biases": [draw(st.lists(weights_like, min_size=n, max_size=n)) for n in sizes[1:]]}
    m = draw(st.integers(1, 3))
    targets = st.floats(0, 1) if loss != "mse" else inputs_like
    batch = {"inputs": draw(matrix(m, sizes[0], inputs_like)), "targets": draw(matrix(m, sizes[-1], targets))}
    return net, batch


def answered(r: object) -> dict:
    """200 with finite numbers, or a 4xx with a sentence; never a 5xx."""
    assert r.status_code in (200, 201, 422), r.text
    body = r.json()
    if r.status_code == 422:  # a sentence, or pydantic's list of located errors
        assert body["detail"], body
    else:
        assert all_finite(body), body
    return body


@settings(SETTINGS, max_examples=250)
@given(case=cases(), path=st.sampled_from(["forward", "backward", "step", "train", "gradient-check"]),
       epochs=st.integers(1, 8), batch_size=st.sampled_from([None, 1, 2]))
def test_every_pass_answers_finite_numbers_or_a_422(client: TestClient, case: tuple[dict, dict], path: str,
                                                     epochs: int, batch_size: int | None) -> None:
    body, batch = case
    net = answered(client.post("/api/networks", json=body))
    if "id" not in net:
        return
    url = f"/api/networks/{net['id']}"
    extra = {"epochs": epochs, "batch_size": batch_size} if path == "train" else {}
    r = client.post(f"{url}/{path}", json={**batch, **extra})
    result = answered(r)
    event(f"{path} {r.status_code}{' stopped' if path == 'train' and result.get('stopped') else ''}")
    stored = client.get(url).json()
    assert all_finite(stored)
    if r.status_code != 200:
        assert stored == net  # a refused request changed nothing
        return
    if path in ("forward", "backward", "step", "gradient-check"):
        assert isinstance(result["cost"], float)
    if path in ("step", "train"):
        # the rule: what was stored is finite on the data its updates were checked on
        after = client.post(f"{url}/forward", json=batch)
        assert after.status_code == 200, after.text
        assert all_finite(after.json()) and isinstance(after.json()["cost"], float)
        if path == "train":
            assert result["updates"] == stored["steps"] and result["epochs_done"] == len(result["costs"])
            assert result["epochs_done"] == epochs or result["stopped"]
            if result["costs"]:
                assert after.json()["cost"] == pytest.approx(result["costs"][-1], rel=1e-12)


@SETTINGS
@given(dataset=st.sampled_from(["and", "or", "xor"]), epochs=st.integers(1, 1000),
       learning_rate=st.one_of(st.sampled_from([1e-300, 1e-9, 10.0]), st.floats(1e-12, 10)),
       seed=st.one_of(st.none(), st.integers(0, 2**53 - 1)))
def test_perceptron_answers_finite_numbers(client: TestClient, dataset: str, epochs: int, learning_rate: float,
                                           seed: int | None) -> None:
    answered(client.post("/api/perceptron", json={"dataset": dataset, "epochs": epochs,
                                                  "learning_rate": learning_rate, "seed": seed}))


@SETTINGS
@given(seed=st.integers(0, 2**31 - 1), answer=st.one_of(st.none(), NUMBERS, st.lists(NUMBERS, min_size=1, max_size=4)))
def test_quizzes_answer_finite_numbers(client: TestClient, seed: int, answer: object) -> None:
    kinds = [k["name"] for k in client.get("/api/quizzes/kinds").json()]
    quiz = answered(client.post("/api/quizzes", json={"kind": kinds[seed % len(kinds)], "seed": seed}))
    answered(client.post(f"/api/quizzes/{quiz['id']}/answer", json={"value": answer}))


@SETTINGS
@given(name=st.sampled_from(["xor", "circle", "gaussian", "spiral", "moons"]), samples=st.integers(4, 2000),
       noise=st.sampled_from([0.0, 1e-300, 0.5, 1.0]), seed=st.integers(0, 2**53 - 1))
def test_datasets_are_finite(client: TestClient, name: str, samples: int, noise: float, seed: int) -> None:
    answered(client.get(f"/api/datasets/{name}", params={"samples": samples, "noise": noise, "seed": seed}))
