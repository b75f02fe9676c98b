"""Shared field types: finite floats, rectangular matrices, and numpy <-> list conversion."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from app.config import MAX_ABS_DATA, MAX_NEURONS, MAX_SAMPLES

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
    list[Annotated[list[Datum], Field(min_length=1, max_length=MAX_NEURONS)]],
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
