"""Built-in datasets and feature inputs."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from app.schemas.common import Matrix, Strict

FeatureName = Literal["x1", "x2", "x1_sq", "x2_sq", "x1_x2", "sin_x1", "sin_x2"]
Task = Literal["classification", "regression"]


class FeatureInfo(BaseModel):
    name: FeatureName
    label: str = Field(description="as the page writes it, e.g. x1²")


class DatasetInfo(BaseModel):
    name: str
    description: str
    inputs: int
    outputs: int
    task: Task = Field(description="regression sets want a linear output and squared error (mse or sse)")
    features: list[FeatureInfo] = Field(description="the feature inputs this set offers (2-D sets)")


class Dataset(BaseModel):
    name: str
    task: Task
    features: list[FeatureName] = Field(description="what each input column is, in order")
    inputs: list[list[float]] = Field(description="training samples x features")
    targets: list[list[float]]
    points: list[list[float]] = Field(description="the training samples' (x1, x2), for drawing")
    test_inputs: list[list[float]] = Field(description="the samples held out (test_share); empty if none")
    test_targets: list[list[float]]
    test_points: list[list[float]]


class FeaturesRequest(Strict):
    points: Matrix = Field(description="m rows of (x1, x2)")
    features: list[FeatureName] = Field(min_length=1, max_length=7, description="the columns wanted, in order")

    model_config = {**Strict.model_config, "json_schema_extra": {"examples": [
        {"points": [[0.5, -0.5], [1, 0]], "features": ["x1", "x2", "x1_sq", "sin_x2"]}]}}


class FeaturesResult(BaseModel):
    features: list[FeatureName]
    inputs: list[list[float]] = Field(description="m rows, one column per feature")
