"""Save files and presets: one JSON format, validated on load."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from app.teaching.presets import FORMAT
from app.schemas.common import Integral, Matrix, ParamMatrix, Seed, Strict, Vector
from app.schemas.networks import (HiddenName, L2, L2Biases, LayerSizes, LearningRate, LossName, NetworkPublic,
                                  OutputName, Reduction)
from app.limits import MAX_LAYERS

SettingValue = str | float | bool | None


class SavedNetwork(Strict):
    """The Network resource as GET /api/networks/{id} returns it (the id is ignored on load)."""

    id: str | None = Field(None, max_length=64, description="ignored: a loaded network gets a new id")
    layer_sizes: LayerSizes
    hidden_activation: HiddenName = "sigmoid"
    output_activation: OutputName = "sigmoid"
    loss: LossName = "mse"
    learning_rate: LearningRate = 0.5
    l2: L2 = 0.0
    batch_reduction: Reduction = "mean"
    l2_biases: L2Biases = False
    seed: Seed = 0
    weights: Annotated[list[ParamMatrix], Field(min_length=1, max_length=MAX_LAYERS - 1)]
    biases: Annotated[list[Vector], Field(min_length=1, max_length=MAX_LAYERS - 1)]
    steps: Annotated[int, Field(ge=0, le=2**53), Integral] = Field(0, description="kept: the loaded network continues counting")


class SavedData(Strict):
    inputs: Matrix
    targets: Matrix
    # absent rather than null when there are none: the data goes back as it came
    test_inputs: Matrix | None = Field(None, description="held-out samples, never trained on",
                                       exclude_if=lambda v: v is None)
    test_targets: Matrix | None = Field(None, exclude_if=lambda v: v is None)


class SavedDocument(Strict):
    format: Literal["backprop-lab/1"] = Field(description=f"always {FORMAT!r}")
    name: Annotated[str, Field(max_length=64)] | None = None
    title: Annotated[str, Field(max_length=200)] | None = None
    description: Annotated[str, Field(max_length=2000)] | None = None
    network: SavedNetwork
    data: SavedData | None = Field(None, description="samples first: inputs m x n_0, targets m x n_L")
    settings: Annotated[dict[Annotated[str, Field(max_length=64)], SettingValue], Field(max_length=32)] | None = Field(
        None, description="the page's settings (sample shown, batch size, dataset, ...), kept as given")


class PresetInfo(BaseModel):
    name: str
    title: str
    description: str
    layer_sizes: list[int]


class ImportResult(BaseModel):
    network: NetworkPublic
    data: SavedData | None
    settings: dict[str, SettingValue] | None
    name: str | None = None
