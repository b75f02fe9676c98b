"""The Network resource: one base of its fields, inherited by create, public view and save
file (app.schemas.presets); patch takes the two settings that may change, and the parameters."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from app.limits import MAX_LAYERS, MAX_NEURONS
from app.nn.engine import HIDDEN_ACTIVATIONS, LOSSES, OUTPUT_ACTIVATIONS, Net
from app.schemas.common import Integral, ParamMatrix, Seed, Strict, Vector, to_list

# The engine's tables, so that the schema offers exactly what the engine accepts.
HiddenName = Literal[HIDDEN_ACTIVATIONS]  # type: ignore[valid-type]
OutputName = Literal[OUTPUT_ACTIVATIONS]  # type: ignore[valid-type]
LossName = Literal[tuple(LOSSES)]  # type: ignore[valid-type]
LayerSizes = Annotated[
    list[Annotated[int, Field(ge=1, le=MAX_NEURONS), Integral]],
    Field(min_length=2, max_length=MAX_LAYERS, description="neurons per layer, input first"),
]
LearningRate = Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False)]
L2 = Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)]
Weights = Annotated[list[ParamMatrix], Field(max_length=MAX_LAYERS - 1, description="weights[l-1] of shape (n_l, n_{l-1})")]
Biases = Annotated[list[Vector], Field(max_length=MAX_LAYERS - 1, description="biases[l-1] of n_l entries")]


class NetworkBase(BaseModel):
    """What defines a network besides its parameters: widths, activations, loss, hyper-parameters."""

    layer_sizes: LayerSizes
    hidden_activation: HiddenName = "sigmoid"
    output_activation: OutputName = "sigmoid"
    loss: LossName = "mse"
    learning_rate: LearningRate = 0.5
    l2: L2 = 0.0

    def definition(self) -> dict[str, Any]:
        """These fields as keyword arguments of engine.new_net."""
        return {name: getattr(self, name) for name in NetworkBase.model_fields}


class NetworkCreate(Strict, NetworkBase):
    seed: Seed | None = Field(
        None, description="the same seed gives the same initial weights; random if omitted")
    weights: Weights | None = None
    biases: Biases | None = None

    model_config = {**Strict.model_config, "json_schema_extra": {"examples": [
        {"layer_sizes": [2, 2, 1], "hidden_activation": "sigmoid", "loss": "mse", "learning_rate": 0.5, "seed": 1}]}}


class NetworkPatch(Strict):
    """Only these change in place; the rest of NetworkBase defines a different network."""

    learning_rate: LearningRate | None = None
    l2: L2 | None = None
    weights: Weights | None = None
    biases: Biases | None = None

    @model_validator(mode="before")
    @classmethod
    def _only_what_can_change(cls, data: object) -> object:
        """Say what can change and how to change the rest, not just "extra inputs"."""
        if isinstance(data, dict):
            others = sorted(set(data) - set(cls.model_fields), key=str)
            if others:
                raise PydanticCustomError("extra_forbidden", "{others} cannot be changed in place: PATCH changes "
                                          "only {fields}. For other layer sizes, activations, loss or seed create a "
                                          "new network (POST /api/networks), e.g. with this one's current weights "
                                          "and biases where the shapes still fit",
                                          {"others": ", ".join(map(str, others)), "fields": ", ".join(cls.model_fields)})
        return data

    model_config = {**Strict.model_config, "json_schema_extra": {"examples": [{"learning_rate": 0.1}]}}


class NetworkPublic(NetworkBase):
    id: str
    seed: int
    weights: list[list[list[float]]]
    biases: list[list[float]]
    steps: int = Field(description="how many updates have been applied")

    @classmethod
    def of(cls, net_id: str, net: Net) -> "NetworkPublic":
        return cls(id=net_id, **{name: getattr(net, name) for name in NetworkBase.model_fields}, seed=net.seed,
                   weights=[to_list(w) for w in net.weights], biases=[to_list(b) for b in net.biases],
                   steps=net.steps)
