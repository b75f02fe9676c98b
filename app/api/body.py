"""JSON request bodies: the passes' read raw and validated by pydantic in one step, and
the other routes' declared bodies parsed in a worker thread when large.

FastAPI's own body handling parses the JSON with the standard library and then validates
the Python objects (two passes over a 10,000-point grid; docs/performance.md). `parse_json`
instead hands the raw bytes to the model's `model_validate_json` (pydantic's JSON parser
validates as it reads), in a worker thread when the body is large. `documented` puts the
same model in /openapi.json as the request body, so the schema stays the model's own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from fastapi import Request, Response
from fastapi.routing import APIRoute
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

M = TypeVar("M", bound=BaseModel)
# Above this many bytes the body is parsed in a worker thread. That does not free the event
# loop: pydantic's and json's parsers hold the GIL throughout, so the worker's other requests
# wait as long as the parse (~6 ms for the largest /forward body, up to ~1 s for a 3.7 MB body
# over the sample limit); only a process would free it (docs/reliability.md, known limits).
INLINE_BODY_BYTES = 64_000


def documented(model: type[BaseModel]) -> dict[str, Any]:
    """The route's `openapi_extra`: `model` as its required JSON request body."""
    schema = model.model_json_schema()
    if "$defs" in schema:  # inline only: nested models would need their own components
        raise TypeError(f"{model.__name__} nests models; declare it as a FastAPI body parameter instead")
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def is_json(content_type: str) -> bool:
    """application/json or any application/...+json, parameters (charset) ignored, as FastAPI reads it."""
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


async def parse_json(raw: bytes, content_type: str, model: type[M]) -> M:
    """`raw` as `model`, validated as it is parsed (in a worker thread when large); a
    RequestValidationError (422, where and what) if it is not JSON or not a `model`."""
    if not is_json(content_type):
        raise RequestValidationError([{"loc": ("body",), "type": "content_type",
                                       "msg": "the body must be JSON, sent with Content-Type: application/json"}])
    try:
        if len(raw) <= INLINE_BODY_BYTES:
            return model.model_validate_json(raw)
        return await run_in_threadpool(model.model_validate_json, raw)
    except ValidationError as err:
        raise RequestValidationError([{"loc": ("body", *e["loc"]), "msg": e["msg"], "type": e["type"]}
                                      for e in err.errors(include_url=False, include_input=False)]) from None


class OffLoopRoute(APIRoute):
    """For routes with a declared JSON body (create, PATCH, import): above INLINE_BODY_BYTES
    the body is parsed in a worker thread first (FastAPI's Request.json then returns that);
    the same json.loads, so the same 422s. As for parse_json, the GIL still stalls the loop."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def parse_off_the_loop(request: Request) -> Response:
            if is_json(request.headers.get("content-type", "")):
                raw = await request.body()  # kept by the Request: FastAPI reads it again from there
                if len(raw) > INLINE_BODY_BYTES:
                    try:
                        request._json = await run_in_threadpool(json.loads, raw)
                    except ValueError:
                        pass  # not JSON: FastAPI parses it again and answers its own 422
            return await handle(request)

        return parse_off_the_loop
