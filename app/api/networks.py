"""Create, read, change and delete networks."""

from __future__ import annotations

import secrets
from dataclasses import replace

from fastapi import APIRouter, Response

from app.nn import engine
from app.api.deps import NetworkDep, NetworkId, StoreDep
from app.api.errors import NOT_FOUND
from app import limits
from app.schemas import NetworkCreate, NetworkPatch, NetworkPublic, to_array

router = APIRouter(prefix="/api/networks", tags=["networks"])


@router.post("", status_code=201)
def create_network(body: NetworkCreate, store: StoreDep) -> NetworkPublic:
    limits.check_network_size(body.layer_sizes)
    seed = body.seed if body.seed is not None else secrets.randbelow(2**31)
    net = engine.new_net(**body.definition(), seed=seed,
                         weights=[to_array(w) for w in body.weights] if body.weights is not None else None,
                         biases=[to_array(b) for b in body.biases] if body.biases is not None else None)
    return NetworkPublic.of(store.create(net), net)


@router.get("/{network_id}", responses=NOT_FOUND)
def read_network(network_id: NetworkId, net: NetworkDep) -> NetworkPublic:
    return NetworkPublic.of(network_id, net)


@router.patch("/{network_id}", responses=NOT_FOUND)
def update_network(network_id: NetworkId, body: NetworkPatch, store: StoreDep) -> NetworkPublic:
    def change(net: engine.Net) -> tuple[engine.Net, engine.Net]:
        # null, like an absent field, leaves a setting as it is (found by schemathesis: an l2 of None
        # was stored and broke every later pass)
        new = replace(net, **body.model_dump(exclude_none=True, exclude={"weights", "biases"}))
        if body.weights is not None:
            new.weights = [to_array(w) for w in body.weights]
        if body.biases is not None:
            new.biases = [to_array(b) for b in body.biases]
        engine.check_params(new)  # a ValueError here rolls back: nothing is half-changed
        return new, new

    return NetworkPublic.of(network_id, store.update(network_id, change))


@router.delete("/{network_id}", status_code=204, responses=NOT_FOUND)
def delete_network(network_id: NetworkId, store: StoreDep) -> Response:
    store.delete(network_id)
    return Response(status_code=204)
