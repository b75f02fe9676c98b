"""Dependencies as Annotated aliases: the store, and get-or-404 for a network, written once;
and the route class of the passes, which supplies the same two without FastAPI's solver."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Path, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.routing import request_response
from starlette.types import Receive, Scope, Send

from app.api.heavy import get_heavy
from app.nn.engine import Net
from app.store import Store

ID_PATTERN, ID_MAX = r"^[A-Za-z0-9_-]+$", 64
NetworkId = Annotated[str, Path(min_length=1, max_length=ID_MAX, pattern=ID_PATTERN,
                                description="the opaque id returned on creation")]
_ID = re.compile(ID_PATTERN)


async def get_store(request: Request) -> Store:
    # async: a sync dependency, however trivial, costs a hop to the thread pool per request
    return request.app.state.store


StoreDep = Annotated[Store, Depends(get_store)]


def get_network(network_id: NetworkId, store: StoreDep) -> Net:
    return store.get(network_id)  # NetworkNotFound becomes a 404 in app.api.errors


NetworkDep = Annotated[Net, Depends(get_network)]


def checked_id(network_id: str) -> str:
    """NetworkId's rule, with the 422 FastAPI gives for it (where and what)."""
    if len(network_id) <= ID_MAX and _ID.match(network_id):
        return network_id
    raise RequestValidationError([{"loc": ("path", "network_id"), "type": "string_pattern_mismatch",
                                   "msg": f"String should match pattern '{ID_PATTERN}' and have at most {ID_MAX} "
                                          "characters"}])


class NetworkRoute(APIRoute):
    """A route whose endpoint takes exactly (network_id: NetworkId, request: Request, store:
    StoreDep) and optionally heavy: HeavyDep: FastAPI documents it from that signature as any
    route, and this handler supplies them itself, each from the same dependency (or its
    override, which tests set with app.dependency_overrides[get_store] = lambda: store).
    FastAPI's dependency solving costs ~70 us per request for these (docs/performance.md,
    issue 13), more than a one-sample /forward; the endpoint is the route's one
    implementation either way."""

    SIGNATURE = ["network_id", "request", "store"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Starlette's request_response: FastAPI's adds two AsyncExitStacks per request for
        # dependencies with yield, which these endpoints do not have.
        self.lean_app = request_response(self.get_route_handler())

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        params = list(inspect.signature(self.endpoint).parameters)
        if params not in (self.SIGNATURE, self.SIGNATURE + ["heavy"]):
            raise TypeError(f"{self.endpoint.__name__} must take exactly {self.SIGNATURE} (and optionally heavy)")
        endpoint, wants_heavy = self.endpoint, params[-1] == "heavy"

        async def handler(request: Request) -> Response:
            network_id = checked_id(request.path_params["network_id"])
            overrides = request.app.dependency_overrides
            store = overrides[get_store]() if get_store in overrides else await get_store(request)
            if not wants_heavy:
                return await endpoint(network_id, request, store)
            heavy = overrides[get_heavy]() if get_heavy in overrides else await get_heavy(request)
            return await endpoint(network_id, request, store, heavy)

        return handler

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] not in self.methods:  # FastAPI's 405
            await super().handle(scope, receive, send)
        else:
            await self.lean_app(scope, receive, send)
