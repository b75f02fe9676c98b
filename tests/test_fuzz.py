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
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.config._checks import NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app import engine
from app.api.deps import get_store
from app.main import app
from app.store import SQLiteStore

STORE = SQLiteStore(str(Path(tempfile.mkdtemp(prefix="fuzz-")) / "fuzz.sqlite"), max_networks=500, touch_interval=0)
# Small networks, so that generated matrices often have the right width and reach the engine.
IDS = [STORE.create(engine.new_net(sizes, output_activation=out, loss=loss, seed=1))
       for sizes, out, loss in [([1, 1], "sigmoid", "mse"), ([1, 2, 1], "sigmoid", "bce"),
                                ([2, 2, 1], "linear", "mse"), ([1, 2], "softmax", "cross_entropy")]]
_turn = itertools.count()

app.dependency_overrides[get_store] = lambda: STORE
# A body over the size limit is refused with 413 before it is parsed: for a matrix longer than
# maxItems that is the right answer too (the schema's item limits allow more than 4 MB).
REJECTED = [*NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, "413"]
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


@schema.parametrize()
@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")), deadline=None, suppress_health_check=list(HealthCheck))
def test_api(case: schemathesis.Case) -> None:
    turn = next(_turn)
    if "network_id" in (case.path_parameters or {}) and turn % 2:
        case.path_parameters["network_id"] = IDS[turn // 2 % len(IDS)]
    app.dependency_overrides[get_store] = lambda: STORE
    try:
        case.call_and_validate(excluded_checks=[positive_data_acceptance], additional_checks=[semantic_rejection_only])
    finally:
        app.dependency_overrides.pop(get_store, None)
