"""Save files and presets: one JSON format, validated on load."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from app.teaching.presets import FORMAT
from app.schemas.common import Integral, Matrix, Seed, Strict
from app.schemas.networks import Biases, NetworkBase, NetworkPublic, Weights

SettingValue = str | float | bool | None


class SavedNetwork(Strict, NetworkBase):
    """The Network resource as GET /api/networks/{id} returns it (the id is ignored on load)."""

    id: str | None = Field(None, max_length=64, description="ignored: a loaded network gets a new id")
    seed: Seed = 0
    weights: Annotated[Weights, Field(min_length=1)]
    biases: Annotated[Biases, Field(min_length=1)]
    steps: Annotated[int, Field(ge=0, le=2**53), Integral] = Field(0, description="kept: the loaded network continues counting")


class SavedData(Strict):
    inputs: Matrix
    targets: Matrix


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
