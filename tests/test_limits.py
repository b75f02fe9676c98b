"""app.limits: each limit at its boundary, with the sentence naming the numbers, and the
import direction that keeps it the one place (nn <- limits <- schemas, routes)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app import limits
from app.nn import engine
from app.nn.engine import InvalidInput

ROOT = Path(__file__).resolve().parents[1]


def test_network_size_counts_weights_and_biases_once() -> None:
    # 1024-243-1: 1024*243 + 243 + 243 + 1 = 249,319 parameters; 1024-244-1: 250,345
    limits.check_network_size([1024, 243, 1])
    with pytest.raises(InvalidInput, match="250345 parameters; the limit is 250000"):
        limits.check_network_size([1024, 244, 1])
    assert engine.new_net([2, 3, 1]).parameter_count() == engine.parameter_count([2, 3, 1]) == 13


def test_trace_size_is_samples_times_neurons() -> None:
    net = engine.new_net([2, 98], seed=1)  # 100 neurons: 10,000 samples make exactly 1,000,000 values
    limits.check_trace_size(net, 10_000)
    with pytest.raises(InvalidInput, match="10001 samples through 100 neurons make 1000100 values"):
        limits.check_trace_size(net, 10_001)


def test_train_calls_are_bounded_before_and_after_reading_the_network() -> None:
    limits.check_train_call(200, 10_000, None)  # 2,000,000 sample-epochs, 10,000 updates
    with pytest.raises(InvalidInput, match="samples x epochs is 2000200; one train call allows 2000000"):
        limits.check_train_call(200, 10_001, None)
    with pytest.raises(InvalidInput, match="epochs x mini-batches is 50001"):
        limits.check_train_call(1, 50_001, 1)  # 50,001 updates
    limits.check_train_call(10, 10_000, 2)  # 5 batches x 10,000 epochs = 50,000
    net = engine.new_net([100, 100, 1], seed=1)  # 10,201 parameters
    limits.check_train_work(net, 200, 1960)  # 3,998,804,000
    with pytest.raises(InvalidInput, match="parameters x samples x epochs is 4.04e\\+09; one train call allows 4e\\+09"):
        limits.check_train_work(net, 200, 1980)


def test_gradient_check_work() -> None:
    small = engine.new_net([10, 10, 1], seed=1)  # 121 parameters
    limits.check_gradient_check(small, 413)  # 49,973
    with pytest.raises(InvalidInput, match="121 x 414 = 50094 and one check allows 50000"):
        limits.check_gradient_check(small, 414)
    with pytest.raises(InvalidInput, match="this network has 2050 parameters and one check allows 2000"):
        limits.check_gradient_check(engine.new_net([40, 40, 10], seed=1), 1)


def test_a_small_pass_runs_inline_a_large_one_does_not() -> None:
    net = engine.new_net([2, 8, 8, 1], seed=1)  # 16 + 64 + 8 = 88 weights
    assert limits.runs_inline(net, 227) and not limits.runs_inline(net, 228)  # 19,976 / 20,064


def test_the_routes_answer_the_limits_sentences(client: TestClient) -> None:
    r = client.post("/api/networks", json={"layer_sizes": [1024, 244, 1]})
    assert r.status_code == 422 and r.json()["detail"] == "this network would have 250345 parameters; the limit is 250000"
    preset = client.get("/api/presets/xor").json()
    preset["network"].update(layer_sizes=[1024, 244, 1])
    r = client.post("/api/networks/import", json=preset)
    assert r.status_code == 422 and "250345 parameters" in r.json()["detail"]


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_no_route_module_imports_another_and_nn_never_imports_limits() -> None:
    routes = {p.stem for p in (ROOT / "app/api").glob("*.py")} - {"__init__", "deps", "errors", "body", "middleware", "heavy", "endpoints"}
    for route in routes:  # app/api/__init__.py alone gathers them
        others = {f"app.api.{r}" for r in routes - {route}}
        assert not imports_of(ROOT / "app/api" / f"{route}.py") & others, route
    for path in (ROOT / "app/nn").glob("*.py"):
        assert not any(name.startswith("app.limits") for name in imports_of(path)), path
    assert not any(name.startswith(("app.api", "app.schemas", "app.config")) for name in imports_of(ROOT / "app/limits.py"))


def test_the_network_fields_are_declared_once() -> None:
    """Create, public view and save file inherit NetworkBase: its enums are the engine's tables."""
    from app.schemas import NetworkCreate, NetworkPublic, SavedNetwork
    from app.schemas.networks import NetworkBase

    base = list(NetworkBase.model_fields)
    assert base == ["layer_sizes", "hidden_activation", "output_activation", "loss", "learning_rate", "l2",
                    "batch_reduction", "l2_biases"]   # the last two: issue 17's textbook conventions
    for model in (NetworkCreate, NetworkPublic, SavedNetwork):
        assert issubclass(model, NetworkBase) and list(model.model_fields)[:len(base)] == base
    schema = NetworkCreate.model_json_schema()["properties"]
    assert schema["hidden_activation"]["enum"] == list(engine.HIDDEN_ACTIVATIONS)
    assert schema["output_activation"]["enum"] == list(engine.OUTPUT_ACTIVATIONS)
    assert schema["loss"]["enum"] == list(engine.LOSSES)
    assert schema["batch_reduction"]["enum"] == list(engine.REDUCTIONS)
