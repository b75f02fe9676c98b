"""Presets, and loading a saved network (the same JSON format) back with validation."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path

from app.nn import engine
from app.api.deps import StoreDep
from app import limits
from app.teaching.presets import PRESETS
from app.schemas import ImportResult, NetworkPublic, PresetInfo, SavedDocument, to_array
from app.nn.engine import InvalidInput

router = APIRouter(tags=["presets"])


@router.get("/api/presets")
def list_presets() -> list[PresetInfo]:
    return [PresetInfo(name=p.name, title=p.title, description=p.description, layer_sizes=p.layer_sizes)
            for p in PRESETS.values()]


@router.get("/api/presets/{name}", responses={404: {"description": "no preset of this name"}})
def read_preset(name: Annotated[str, Path(max_length=32)]) -> SavedDocument:
    """A ready-made network as a save file: POST it to /api/networks/import to load it."""
    if name not in PRESETS:
        raise HTTPException(404, f"no preset {name!r}; choose one of {', '.join(PRESETS)}")
    return SavedDocument.model_validate(PRESETS[name].document())


@router.post("/api/networks/import", status_code=201, tags=["networks"])
def import_network(body: SavedDocument, store: StoreDep) -> ImportResult:
    """Create a network from a save file: identical weights, biases, settings, seed and steps."""
    saved = body.network
    limits.check_network_size(saved.layer_sizes)
    net = engine.new_net(**saved.definition(), seed=saved.seed,
                         weights=[to_array(w) for w in saved.weights], biases=[to_array(b) for b in saved.biases])
    net = replace(net, steps=saved.steps)
    if body.data is not None:
        x, y = to_array(body.data.inputs), to_array(body.data.targets)
        if len(x) != len(y):
            raise InvalidInput(f"data has {len(x)} input rows but {len(y)} target rows")
        engine.check_batch(net, x, y)  # the data must fit the network, or nothing is created
    return ImportResult(network=NetworkPublic.of(store.create(net), net), data=body.data, settings=body.settings,
                        name=body.name)
