"""Every exception the app expects, mapped to a JSON error in one place (`answer`), for
FastAPI's routes (its exception handlers) and the pass endpoints (app.api.endpoints) alike."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from app.nn.engine import InvalidInput
from app.store import NetworkNotFound, StoreError

NOT_FOUND = {404: {"description": "no network has this id (never created, deleted, or evicted)"}}
BUG = "internal error: this is a bug in Backprop Lab, and it has been logged"
log = logging.getLogger("uvicorn.error")


def answer(exc: Exception, method: str, path: str) -> JSONResponse:
    """The error answer for `exc` raised while serving `method path`."""
    headers: dict[str, str] | None = None
    detail: Any
    if isinstance(exc, NetworkNotFound):
        status, detail = 404, f"no network with id {exc.args[0]!r}"
    elif isinstance(exc, StoreError):
        # The full reason may name hosts or paths: it goes to the log; the client gets exc.public.
        log.error("store unavailable: %s", exc)
        status, detail = 503, exc.public
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
    elif isinstance(exc, InvalidInput):  # raised by the engine and the API with a sentence meant for the user
        status, detail = 422, str(exc)
    elif isinstance(exc, RequestValidationError):
        # Where and what, but never the input itself: it may be huge, or NaN (not JSON).
        status, detail = 422, [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
                               for e in exc.errors()]
    elif isinstance(exc, HTTPException):  # e.g. the body limit's 413 (app.api.middleware)
        status, detail, headers = exc.status_code, exc.detail, exc.headers
    else:  # a bug: logged with its traceback, answered without internals
        log.error("unexpected error on %s %s", method, path, exc_info=exc)
        status, detail = 500, BUG
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        return answer(exc, request.method, request.url.path)

    for kind in (NetworkNotFound, StoreError, InvalidInput, RequestValidationError, Exception):
        app.add_exception_handler(kind, handle)
