"""Diagnose: why training stalls, request and findings."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from app.limits import MAX_EPOCHS
from app.nn.diagnose import Finding as FindingData
from app.schemas.common import Finite, Matrix, Strict

Kind = Literal["dead_relu", "saturated", "learning_rate_too_high", "vanishing_gradient", "needs_capacity"]


class DiagnoseRequest(Strict):
    inputs: Matrix = Field(description="m samples x n_0 inputs")
    targets: Matrix = Field(description="m samples x n_L targets")
    costs: Annotated[list[Finite], Field(max_length=MAX_EPOCHS)] | None = Field(
        None, description="recent per-epoch costs, oldest first (what /train returned): with 10 or more, "
                          "a plateau while samples are still wrong gives needs_capacity")

    model_config = {**Strict.model_config, "json_schema_extra": {"examples": [
        {"inputs": [[0, 0], [0, 1], [1, 0], [1, 1]], "targets": [[0], [1], [1], [0]]}]}}


class Finding(BaseModel):
    kind: Kind = Field(description="dead_relu, saturated, learning_rate_too_high, vanishing_gradient or "
                                   "needs_capacity (docs/conventions.md and app/nn/diagnose.py give each rule)")
    layer: int | None = Field(description="the layer named, 0 = input (the page shows it as layer + 1); "
                                          "null for the whole network")
    neurons: list[int] = Field(description="neuron indices j within that layer; empty for the whole network")
    evidence: dict[str, float | int | bool | list[float]] = Field(description="the numbers behind the finding")
    suggestion: str = Field(description="one sentence a student can act on")

    @classmethod
    def of(cls, f: FindingData) -> "Finding":
        return cls(kind=f.kind, layer=f.layer, neurons=f.neurons, evidence=f.evidence, suggestion=f.suggestion)


class DiagnoseResult(BaseModel):
    findings: list[Finding] = Field(description="empty for a healthy network")
    plateau: bool = Field(description="the costs given fell by less than 1% over their second half "
                                      "(false without 10 or more costs): the page then shows the findings")
