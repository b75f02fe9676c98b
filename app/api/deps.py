"""Dependencies as Annotated aliases: the store, and get-or-404 for a network, written once;
and the same store and heavy pool for the pass endpoints, which FastAPI's solver does not serve."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Path, Request
from fastapi.exceptions import RequestValidationError
from pydantic import StringConstraints, TypeAdapter, ValidationError

from app.api.heavy import HeavyPool, get_heavy, pool_of
from app.nn.engine import Net
from app.store import Store

ID_PATTERN, ID_MAX, ID_DOC = r"^[A-Za-z0-9_-]+$", 64, "the opaque id returned on creation"
NetworkId = Annotated[str, Path(min_length=1, max_length=ID_MAX, pattern=ID_PATTERN, description=ID_DOC)]
# The same rule, for the pass endpoints: validated by pydantic as FastAPI validates NetworkId
_ID = TypeAdapter(Annotated[str, StringConstraints(min_length=1, max_length=ID_MAX, pattern=ID_PATTERN)])


async def get_store(request: Request) -> Store:
    # async: a sync dependency, however trivial, costs a hop to the thread pool per request
    return request.app.state.store


StoreDep = Annotated[Store, Depends(get_store)]


def get_network(network_id: NetworkId, store: StoreDep) -> Net:
    return store.get(network_id)  # NetworkNotFound becomes a 404 in app.api.errors


NetworkDep = Annotated[Net, Depends(get_network)]


def checked_id(network_id: str) -> str:
    """NetworkId's rule, with the 422 FastAPI gives for it (where and what)."""
    try:
        return _ID.validate_python(network_id)
    except ValidationError as err:
        raise RequestValidationError([{"loc": ("path", "network_id"), "msg": e["msg"], "type": e["type"]}
                                      for e in err.errors(include_url=False, include_input=False)]) from None


def store_of(app: FastAPI) -> Store:
    """The store get_store gives, or its override (tests: app.dependency_overrides[get_store]
    = lambda: store), for code that serves requests below FastAPI's routing (app.api.endpoints)."""
    override = app.dependency_overrides.get(get_store)
    return override() if override is not None else app.state.store


def heavy_of(app: FastAPI) -> HeavyPool:
    """The heavy pool get_heavy gives, or its override; as store_of."""
    override = app.dependency_overrides.get(get_heavy)
    return override() if override is not None else pool_of(app.state)
