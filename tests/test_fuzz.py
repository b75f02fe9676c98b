"""Schemathesis against the app's own OpenAPI schema: every endpoint, every check.

No 5xx, every status documented, every body conforming to its declared schema, invalid
input rejected. The store is a temporary SQLiteStore swapped in with dependency_overrides,
and half of the generated network ids are replaced by real ones so that the passes run.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from pathlib import Path

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.nn import engine
from app.api.deps import get_store
from app.main import app
from app.store import SQLiteStore

STORE = SQLiteStore(str(Path(tempfile.mkdtemp(prefix="fuzz-")) / "fuzz.sqlite"), max_networks=500, touch_interval=0)
# Small networks; half of the cases that name a network get one of these, with the generated
# numbers poured into matrices of its shapes, so that the engine is reached, not just the 404.
NETS = [([1, 1], "sigmoid", "mse"), ([1, 2, 1], "sigmoid", "bce"), ([2, 2, 1], "linear", "mse"),
        ([1, 2], "softmax", "cross_entropy")]
IDS = [STORE.create(engine.new_net(sizes, output_activation=out, loss=loss, seed=1)) for sizes, out, loss in NETS]
_turn = itertools.count()

app.dependency_overrides[get_store] = lambda: STORE
# A body over the size limit is refused with 413 before it is parsed: for a matrix longer than
# maxItems that is the right answer too (the schema's item limits allow more than 4 MB).
REJECTED = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
CONFIG = SchemathesisConfig.from_dict({"checks": {"negative_data_rejection": {"expected-statuses": REJECTED}}})
schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)
app.dependency_overrides.pop(get_store, None)


def semantic_rejection_only(ctx: object, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """Schema-valid data may still break a rule the schema cannot state (inputs as wide as
    the network's input layer, weights shaped by layer_sizes, rectangular rows, work per train
    call): a 422 with a sentence, or with `value_error` entries from the models' own validators.
    Any other validation error for schema-valid data (a type, a bound) means the schema and the
    validators disagree: that fails. (Stands in for schemathesis's positive_data_acceptance,
    which counts every 422 for schema-valid data as a defect.)"""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return
    detail = response.json().get("detail")
    if isinstance(detail, str):
        assert detail, "an empty error message"
        return
    disagreements = [e for e in detail if e.get("type") != "value_error"]
    assert not disagreements, f"schema-valid data failed validation: {disagreements}"


def reshape(rows: object, m: int, width: int, low: float, high: float) -> object:
    """The generated numbers, cycled into m rows of `width` and clipped; anything else untouched."""
    if not (isinstance(rows, list) and rows and all(isinstance(r, list) for r in rows)):
        return rows
    numbers = [v for r in rows for v in r if isinstance(v, (int, float)) and not isinstance(v, bool)] or [0.5]
    return [[min(max(numbers[(i * width + j) % len(numbers)], low), high) for j in range(width)] for i in range(m)]


def aim_at_a_real_network(case: schemathesis.Case, turn: int) -> None:
    if case.method.upper() == "DELETE":
        return  # keep the shared networks alive
    k = turn // 2 % len(IDS)
    case.path_parameters["network_id"] = IDS[k]
    body = case.body
    if case.meta is None or not case.meta.generation.mode.is_positive or not isinstance(body, dict):
        return
    sizes = NETS[k][0]
    if isinstance(body.get("inputs"), list):
        m = min(len(body["inputs"]), 50)
        body["inputs"] = reshape(body["inputs"], m, sizes[0], -1e3, 1e3)
        if "targets" in body:
            body["targets"] = reshape(body["targets"], m, sizes[-1], 0.0, 1.0)


@schema.parametrize()
@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")), deadline=None,
          suppress_health_check=list(HealthCheck))
def test_api(case: schemathesis.Case) -> None:
    turn = next(_turn)
    if "network_id" in (case.path_parameters or {}) and turn % 2:
        aim_at_a_real_network(case, turn)
    app.dependency_overrides[get_store] = lambda: STORE
    try:
        case.call_and_validate(excluded_checks=[positive_data_acceptance], additional_checks=[semantic_rejection_only])
    finally:
        app.dependency_overrides.pop(get_store, None)


def test_patch_with_nulls_changes_nothing(client: TestClient) -> None:
    """Found by the fuzzer: {"l2": null} was stored as None and every later pass failed."""
    net = client.post("/api/networks", json={"layer_sizes": [2, 2, 1], "seed": 1}).json()["id"]
    r = client.patch(f"/api/networks/{net}", json={"l2": None, "learning_rate": None, "weights": None})
    assert r.status_code == 200 and r.json()["l2"] == 0.0 and r.json()["learning_rate"] == 0.5
    assert client.post(f"/api/networks/{net}/step", json={"inputs": [[0, 1]], "targets": [[1]]}).status_code == 200
