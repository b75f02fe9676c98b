"""The pass endpoints, POST /api/networks/{network_id}/<name>, served by one ASGI layer of
their own: their one implementation, with their entries in /openapi.json declared here
from the same pydantic models.

Why not FastAPI routes: a one-sample /forward computes in ~40 us, and FastAPI's request,
exception and routing layers cost more than that again for every request (docs/performance.md,
issue 13). The layer sits inside every middleware (security headers, body limit, catch-all),
so those apply as to any route; it reads the body, validates it with the model's
`model_validate_json`, and answers the endpoint's JSON, or `errors.answer` for any exception,
the same error answers FastAPI's handlers give.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.encoders import jsonable_encoder
from fastapi.openapi.models import OpenAPI
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.datastructures import URL
from starlette.requests import ClientDisconnect
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import get_route_path
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api import errors
from app.api.body import documented, parse_json
from app.api.deps import ID_DOC, ID_MAX, ID_PATTERN, checked_id, heavy_of, store_of
from app.api.heavy import HeavyPool
from app.store import Store

PREFIX = "/api/networks/"
TEMPLATE = PREFIX + "{network_id}/"
# the path parameter as FastAPI documents deps.NetworkId
ID_PARAMETER = {"name": "network_id", "in": "path", "required": True,
                "schema": {"type": "string", "minLength": 1, "maxLength": ID_MAX, "pattern": ID_PATTERN,
                           "description": ID_DOC, "title": "Network Id"},
                "description": ID_DOC}


@dataclass(frozen=True)
class Endpoint:
    """POST /api/networks/{network_id}/`name`: `run(network_id, body, store, heavy)` gives
    the JSON of a `result` (app.schemas.to_json) for a valid `request` body."""
    name: str
    request: type[BaseModel]
    result: type[BaseModel]
    run: Callable[[str, Any, Store, HeavyPool], Awaitable[bytes]]
    description: str = ""  # for /docs; run's docstring if empty
    tag: str = "passes"


class NetworkEndpoints:
    """ASGI layer: answers the endpoints' paths (any method: a 405 with Allow: POST but for
    POST), passes every other request on to `app`."""

    def __init__(self, app: ASGIApp, api: FastAPI, endpoints: Sequence[Endpoint]) -> None:
        self.app, self.api = app, api
        self.endpoints = {e.name: e for e in endpoints}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = get_route_path(scope)
            if path.startswith(PREFIX):
                network_id, _, name = path[len(PREFIX):].partition("/")
                endpoint = self.endpoints.get(name)
                if endpoint is not None and network_id:
                    await self.serve(endpoint, network_id, scope, receive, send)
                    return
                if name.endswith("/") and name.rstrip("/") in self.endpoints and network_id:
                    # FastAPI's redirect_slashes: 307 to the path without its trailing slash
                    url = URL(scope={**scope, "path": scope["path"].rstrip("/")})
                    await RedirectResponse(str(url))(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    async def serve(self, endpoint: Endpoint, network_id: str, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "POST":  # what FastAPI answers for a route's other methods
            response = JSONResponse({"detail": "Method Not Allowed"}, 405, headers={"Allow": "POST"})
            await response(scope, receive, send)
            return
        try:
            network_id = checked_id(network_id)
            raw = await read_body(receive)
            content_type = next((v for k, v in scope["headers"] if k == b"content-type"), b"").decode("latin-1")
            body = await parse_json(raw, content_type, endpoint.request)
            content = await endpoint.run(network_id, body, store_of(self.api), heavy_of(self.api))
        except ClientDisconnect:
            return  # nobody to answer
        except Exception as exc:  # noqa: BLE001 - every exception gets its one answer (errors.answer)
            await errors.answer(exc, scope["method"], scope["path"])(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(content)).encode())]})
        await send({"type": "http.response.body", "body": content})


async def read_body(receive: Receive) -> bytes:
    """The whole request body (the body limit is enforced outside: app.api.middleware.BodyLimit)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def openapi_paths(endpoints: Sequence[Endpoint]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(paths, component schemas) of the endpoints, in the form FastAPI gives its routes."""
    refs, top = models_json_schema([(e.result, "serialization") for e in endpoints],
                                   ref_template="#/components/schemas/{model}")
    paths: dict[str, Any] = {}
    for e in endpoints:
        template = TEMPLATE + e.name
        paths[template] = {"post": {
            "tags": [e.tag], "summary": e.name.replace("_", " ").title(),
            "description": e.description or inspect.cleandoc(e.run.__doc__ or ""),
            # FastAPI's own operationId for such a route, so that generated clients keep their names
            "operationId": re.sub(r"\W", "_", e.name + template) + "_post",
            "parameters": [ID_PARAMETER],
            "responses": {"200": {"description": "Successful Response",
                                  "content": {"application/json": {"schema": refs[(e.result, "serialization")]}}},
                          "404": dict(errors.NOT_FOUND[404]),
                          "422": {"description": "Validation Error"}},
            **documented(e.request)}}
    return paths, top.get("$defs", {})


def install(api: FastAPI, endpoints: Sequence[Endpoint]) -> None:
    """Serve `endpoints` below every middleware added after this call, and document them
    first in /openapi.json (the hottest requests first, as in the code)."""
    api.add_middleware(NetworkEndpoints, api=api, endpoints=endpoints)
    build = api.openapi

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is not None:
            return api.openapi_schema
        schema = build()
        paths, components = openapi_paths(endpoints)
        schema["paths"] = {**paths, **schema.get("paths", {})}
        schema.setdefault("components", {}).setdefault("schemas", {}).update(components)
        schema["components"]["schemas"] = dict(sorted(schema["components"]["schemas"].items()))
        # through FastAPI's own OpenAPI model, as get_openapi does: the same output as its routes'
        api.openapi_schema = jsonable_encoder(OpenAPI(**schema), by_alias=True, exclude_none=True)
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]
