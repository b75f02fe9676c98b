"""Built-in datasets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query

from app.nn import datasets
from app.limits import MAX_SAMPLES
from app.schemas import Dataset, DatasetInfo, to_list

router = APIRouter(prefix="/api/datasets", tags=["datasets"])


@router.get("")
def list_datasets() -> list[DatasetInfo]:
    return [DatasetInfo(name=name, description=s.description, inputs=s.inputs, outputs=s.outputs)
            for name, s in datasets.DATASETS.items()]


@router.get("/{name}", responses={404: {"description": "no dataset of this name"}})
def read_dataset(
    name: Annotated[str, Path(max_length=32)],
    samples: Annotated[int, Query(ge=4, le=MAX_SAMPLES, description="ignored by xor, and, or")] = 200,
    noise: Annotated[float, Query(ge=0, le=1, allow_inf_nan=False)] = 0.1,
    seed: Annotated[int, Query(ge=0, le=2**53 - 1)] = 0,
) -> Dataset:
    if name not in datasets.DATASETS:
        raise HTTPException(404, f"no dataset {name!r}; choose one of {', '.join(datasets.DATASETS)}")
    x, y = datasets.make(name, samples, noise, seed)
    return Dataset(name=name, inputs=to_list(x), targets=to_list(y))
