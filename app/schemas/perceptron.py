"""The perceptron story: request and per-epoch history."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from app.nn.perceptron import Run
from app.limits import MAX_PERCEPTRON_EPOCHS
from app.schemas.common import Integral, Seed, Strict


class PerceptronRequest(Strict):
    dataset: Literal["and", "or", "xor"]
    epochs: Annotated[int, Field(ge=1, le=MAX_PERCEPTRON_EPOCHS), Integral] = 100
    learning_rate: Annotated[float, Field(gt=0, le=10, allow_inf_nan=False)] = 1.0
    seed: Seed | None = Field(
        None, description="initial weights uniform in [-1, 1] from this seed; zeros if omitted")

    model_config = {**Strict.model_config, "json_schema_extra": {"examples": [{"dataset": "xor", "epochs": 1000}]}}


class PerceptronEpoch(BaseModel):
    epoch: int = Field(description="1-based")
    weights: list[float] = Field(description="w1, w2 after the epoch")
    bias: float
    errors: int = Field(description="mistakes made during the epoch; each one caused an update")
    misclassified: list[int] = Field(description="indices of the points the end-of-epoch line gets wrong")
    line: list[float] | None = Field(description="x1, y1, x2, y2: where w·x + b = 0 crosses [-0.5, 1.5]^2")


class Cycle(BaseModel):
    start: int = Field(description="the weights after this epoch ...")
    period: int = Field(description="... come back every `period` epochs")


class PerceptronResult(BaseModel):
    dataset: str
    inputs: list[list[float]]
    targets: list[list[float]]
    learning_rate: float
    initial_weights: list[float]
    initial_bias: float
    epochs: list[PerceptronEpoch] = Field(description="one entry per epoch run; ends at convergence")
    converged_epoch: int | None = Field(description="first epoch without a mistake, if any")
    cycle: Cycle | None = Field(description="set once the end-of-epoch weights repeat: it will cycle forever")
    summary: str

    @classmethod
    def of(cls, run: Run) -> "PerceptronResult":
        cycle = Cycle(start=run.cycle_start, period=run.cycle_period) if run.cycle_start is not None else None
        return cls(dataset=run.dataset, inputs=run.inputs.tolist(), targets=run.targets.tolist(),
                   learning_rate=run.learning_rate, initial_weights=run.initial_weights,
                   initial_bias=run.initial_bias, converged_epoch=run.converged_epoch, cycle=cycle,
                   summary=run.summary,
                   epochs=[PerceptronEpoch(epoch=e.epoch, weights=e.weights, bias=e.bias, errors=e.errors,
                                           misclassified=e.misclassified,
                                           line=list(e.line) if e.line else None) for e in run.epochs])
