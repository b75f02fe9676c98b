"""Dependencies as Annotated aliases: the store, and get-or-404 for a network, written once."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from app.nn.engine import Net
from app.store import Store

NetworkId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
                                description="the opaque id returned on creation")]


async def get_store(request: Request) -> Store:
    # async: a sync dependency, however trivial, costs a hop to the thread pool per request
    return request.app.state.store


StoreDep = Annotated[Store, Depends(get_store)]


def get_network(network_id: NetworkId, store: StoreDep) -> Net:
    return store.get(network_id)  # NetworkNotFound becomes a 404 in app.api.errors


NetworkDep = Annotated[Net, Depends(get_network)]
