"""Built-in datasets, with Playground's feature inputs and a held-out test share."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query

from app.limits import MAX_SAMPLES
from app.nn import datasets
from app.schemas import Dataset, DatasetInfo, FeatureInfo, FeaturesRequest, FeaturesResult, to_array, to_list
from app.schemas.datasets import FeatureName

router = APIRouter(tags=["datasets"])
FEATURE_INFO = [FeatureInfo(name=n, label=label) for n, (label, _) in datasets.FEATURES.items()]


@router.get("/api/datasets")
def list_datasets() -> list[DatasetInfo]:
    return [DatasetInfo(name=name, description=s.description, inputs=s.inputs, outputs=s.outputs, task=s.task,
                        features=FEATURE_INFO if s.inputs == 2 else [])
            for name, s in datasets.DATASETS.items()]


@router.get("/api/datasets/{name}", responses={404: {"description": "no dataset of this name"}})
def read_dataset(
    name: Annotated[str, Path(max_length=32)],
    samples: Annotated[int, Query(ge=4, le=MAX_SAMPLES, description="ignored by xor, and, or")] = 200,
    noise: Annotated[float, Query(ge=0, le=1, allow_inf_nan=False)] = 0.1,
    seed: Annotated[int, Query(ge=0, le=2**53 - 1)] = 0,
    features: Annotated[list[FeatureName] | None, Query(
        max_length=7, description="input columns, in order, repeated: ?features=x1&features=x1_sq; default x1, x2")
    ] = None,
    test_share: Annotated[float, Query(ge=0, le=0.9, allow_inf_nan=False, description=(
        "share of the samples held out as test_inputs / test_targets (seeded by seed); 0 holds out none"))] = 0.0,
) -> Dataset:
    if name not in datasets.DATASETS:
        raise HTTPException(404, f"no dataset {name!r}; choose one of {', '.join(datasets.DATASETS)}")
    names = list(features or datasets.DEFAULT_FEATURES)
    points, y = datasets.make(name, samples, noise, seed)
    x = datasets.features(points, names)
    train, test = datasets.split(len(x), test_share, seed)
    return Dataset(name=name, task=datasets.DATASETS[name].task, features=names,
                   inputs=to_list(x[train]), targets=to_list(y[train]), points=to_list(points[train]),
                   test_inputs=to_list(x[test]), test_targets=to_list(y[test]), test_points=to_list(points[test]))


@router.post("/api/features")
def compute_features(body: FeaturesRequest) -> FeaturesResult:
    """Feature columns of any 2-D points (e.g. the decision surface's grid): x1, x2, x1², x2²,
    x1 x2, sin x1, sin x2, as GET /api/datasets/{name}?features=... computes them."""
    return FeaturesResult(features=body.features, inputs=to_list(datasets.features(to_array(body.points),
                                                                                   body.features)))
