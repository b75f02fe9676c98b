"""Shared field types: finite floats, rectangular matrices, numpy arrays in results, and
the one JSON encoder of results that hold them."""

from __future__ import annotations

from typing import Annotated

import numpy as np
import orjson
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from app.limits import MAX_ABS_DATA, MAX_NEURONS, MAX_SAMPLES

Finite = Annotated[float, Field(allow_inf_nan=False)]
Datum = Annotated[float, Field(ge=-MAX_ABS_DATA, le=MAX_ABS_DATA, allow_inf_nan=False)]  # an input or target


def _integral(value: object) -> object:
    return int(value) if isinstance(value, float) and value.is_integer() else value


# JSON Schema counts 3.0 as an integer, so strict ints take it too; true, "3" and 3.5 stay errors.
# Use it after the Field: Annotated[int, Field(ge=1), Integral] (before it, the limits drop out of the schema).
Integral = BeforeValidator(_integral)
MAX_SEED = 2**53 - 1  # the largest integer a browser's JSON numbers hold exactly
Seed = Annotated[int, Field(ge=0, le=MAX_SEED), Integral]
Vector = Annotated[list[Finite], Field(min_length=1, max_length=MAX_NEURONS)]


def _rectangular(rows: list[list[float]]) -> list[list[float]]:
    widths = {len(r) for r in rows}
    if len(widths) > 1:
        raise ValueError(f"rows must all have the same length, got lengths {sorted(widths)}")
    return rows


Matrix = Annotated[
    list[Annotated[list[Datum], Field(min_length=1, max_length=MAX_NEURONS)]],
    Field(min_length=1, max_length=MAX_SAMPLES),
    AfterValidator(_rectangular),
]
ParamMatrix = Annotated[
    list[Annotated[list[Finite], Field(min_length=1, max_length=MAX_NEURONS)]],
    Field(min_length=1, max_length=MAX_NEURONS),
    AfterValidator(_rectangular),
]


class Strict(BaseModel):
    """Request bodies: unknown fields and lax coercions (false for an int) are errors."""

    model_config = ConfigDict(extra="forbid", strict=True)


def to_array(rows: list[list[float]] | list[float]) -> np.ndarray:
    return np.asarray(rows, dtype=np.float64)


def to_list(arr: np.ndarray) -> list:
    return arr.tolist()


# Results hold the engine's float64 arrays as they are. In JSON they are lists of numbers
# (model_dump_json, and the schema in /openapi.json, use the serializer's return type);
# to_json writes them without making a Python float of each.
Rows = Annotated[np.ndarray, PlainSerializer(to_list, return_type=list[list[float]], when_used="json")]
Values = Annotated[np.ndarray, PlainSerializer(to_list, return_type=list[float], when_used="json")]


class Computed(BaseModel):
    """A result built with model_construct from what the engine computed (valid by
    construction: validating 530,000 numbers again cost 155 ms of a 10,000-point /forward)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)


def _fields(obj: object) -> object:
    """orjson's hook for what it does not write itself: a model becomes its declared fields in
    their order (without those its exclude_if leaves out); an array that is not C-contiguous
    becomes lists."""
    if isinstance(obj, BaseModel):
        return {name: value for name, info in type(obj).model_fields.items() for value in [getattr(obj, name)]
                if not info.exclude and not (info.exclude_if is not None and info.exclude_if(value))}
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"no JSON for {type(obj).__name__}")


def to_json(model: BaseModel) -> bytes:
    """The JSON of model_dump_json (the same keys, order and numbers; tests/test_passes.py
    compares them), with the arrays written by orjson straight from float64. pydantic's own
    model_dump_json makes a Python float of each number (~80 ms of a 10,000-point trace) and its
    model_dump costs ~4 us per array (most of a one-sample /forward): docs/performance.md.
    The engine refuses non-finite values, so no array holds one (orjson would write null)."""
    return orjson.dumps(model, option=orjson.OPT_SERIALIZE_NUMPY, default=_fields)
