"""JSON in and out of the hot routes: request bodies read raw and validated by pydantic in
one step, and results written by their one encoder (app.schemas.common.to_json).

FastAPI's own body handling parses the JSON with the standard library and then validates
the Python objects (two passes over a 10,000-point grid), and each declared parameter costs
a share of its dependency solving (docs/performance.md). `read_json` instead hands the raw
bytes to the model's `model_validate_json` (pydantic's JSON parser validates as it reads),
off the event loop when the body is large. `documented` puts the same model in
/openapi.json as the route's request body, so the schema stays the model's own.
"""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import JSONResponse
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from app.schemas import to_json

M = TypeVar("M", bound=BaseModel)
# Above this many bytes the body is parsed in a worker thread (a 4 MB body takes ~0.5 s of
# CPU to parse; on the event loop it would stall every other request of the worker).
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


async def read_json(request: Request, model: type[M]) -> M:
    """The body as `model`; a RequestValidationError (422, where and what) if it is not one."""
    raw = await request.body()
    if not is_json(request.headers.get("content-type", "")):
        raise RequestValidationError([{"loc": ("body",), "type": "content_type",
                                       "msg": "the body must be JSON, sent with Content-Type: application/json"}])
    try:
        if len(raw) <= INLINE_BODY_BYTES:
            return model.model_validate_json(raw)
        return await run_in_threadpool(model.model_validate_json, raw)
    except ValidationError as err:
        raise RequestValidationError([{"loc": ("body", *e["loc"]), "msg": e["msg"], "type": e["type"]}
                                      for e in err.errors(include_url=False, include_input=False)]) from None


class ModelResponse(JSONResponse):
    """The JSON of a result model, written by its one encoder (to_json); bytes already
    written (in a worker thread, for a large result) are sent as they are. A JSONResponse,
    so that /openapi.json documents the route's response_model as its body."""

    def render(self, content: BaseModel | bytes) -> bytes:
        return content if isinstance(content, bytes) else to_json(content)
