"""Built-in datasets."""

from __future__ import annotations

from pydantic import BaseModel


class DatasetInfo(BaseModel):
    name: str
    description: str
    inputs: int
    outputs: int


class Dataset(BaseModel):
    name: str
    inputs: list[list[float]]
    targets: list[list[float]]
