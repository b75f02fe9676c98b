"""The Network resource: create, patch, public view."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from app.limits import MAX_LAYERS, MAX_NEURONS
from app.nn.engine import Net
from app.schemas.common import Integral, ParamMatrix, Seed, Strict, Vector, to_list

HiddenName = Literal["sigmoid", "tanh", "relu", "linear"]
OutputName = Literal["sigmoid", "linear", "softmax"]
LossName = Literal["mse", "sse", "bce", "cross_entropy"]
Reduction = Annotated[Literal["mean", "sum"], Field(
    description="how a batch's per-sample costs and gradients combine: mean (1/m sum, the lecture) or sum "
                "(sum, as tutorials that write dW = A^T dZ with no 1/m); docs/conventions.md")]
L2Biases = Annotated[bool, Field(description="the L2 penalty covers the biases too (default: weights only)")]
LayerSizes = Annotated[
    list[Annotated[int, Field(ge=1, le=MAX_NEURONS), Integral]],
    Field(min_length=2, max_length=MAX_LAYERS, description="neurons per layer, input first"),
]
LearningRate = Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False)]
L2 = Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)]


class NetworkCreate(Strict):
    layer_sizes: LayerSizes
    hidden_activation: HiddenName = "sigmoid"
    output_activation: OutputName = "sigmoid"
    loss: LossName = "mse"
    learning_rate: LearningRate = 0.5
    l2: L2 = 0.0
    batch_reduction: Reduction = "mean"
    l2_biases: L2Biases = False
    seed: Seed | None = Field(
        None, description="the same seed gives the same initial weights; random if omitted")
    weights: list[ParamMatrix] | None = Field(None, max_length=MAX_LAYERS - 1,
                                              description="weights[l-1] of shape (n_l, n_{l-1})")
    biases: list[Vector] | None = Field(None, max_length=MAX_LAYERS - 1)

    model_config = {**Strict.model_config, "json_schema_extra": {"examples": [
        {"layer_sizes": [2, 2, 1], "hidden_activation": "sigmoid", "loss": "mse", "learning_rate": 0.5, "seed": 1}]}}


class NetworkPatch(Strict):
    learning_rate: LearningRate | None = None
    l2: L2 | None = None
    loss: LossName | None = Field(None, description="e.g. mse <-> sse; the output activation must fit it")
    batch_reduction: Reduction | None = None
    l2_biases: L2Biases | None = None
    weights: list[ParamMatrix] | None = Field(None, max_length=MAX_LAYERS - 1)
    biases: list[Vector] | None = Field(None, max_length=MAX_LAYERS - 1)

    model_config = {**Strict.model_config, "json_schema_extra": {"examples": [{"learning_rate": 0.1}]}}


class NetworkPublic(BaseModel):
    id: str
    layer_sizes: list[int]
    hidden_activation: HiddenName
    output_activation: OutputName
    loss: LossName
    learning_rate: float
    l2: float
    batch_reduction: Literal["mean", "sum"]
    l2_biases: bool
    seed: int
    weights: list[list[list[float]]]
    biases: list[list[float]]
    steps: int = Field(description="how many updates have been applied")

    @classmethod
    def of(cls, net_id: str, net: Net) -> "NetworkPublic":
        return cls(id=net_id, layer_sizes=net.layer_sizes, hidden_activation=net.hidden_activation,
                   output_activation=net.output_activation, loss=net.loss, learning_rate=net.learning_rate,
                   l2=net.l2, batch_reduction=net.batch_reduction, l2_biases=net.l2_biases, seed=net.seed, weights=[to_list(w) for w in net.weights],
                   biases=[to_list(b) for b in net.biases], steps=net.steps)
