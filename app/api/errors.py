"""Every exception the app expects, mapped to a JSON error in one place."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from app.nn.engine import InvalidInput
from app.store import NetworkNotFound, StoreError

NOT_FOUND = {404: {"description": "no network has this id (never created, deleted, or evicted)"}}


def install(app: FastAPI) -> None:
    @app.exception_handler(NetworkNotFound)
    async def not_found(request: Request, exc: NetworkNotFound) -> JSONResponse:
        return JSONResponse({"detail": f"no network with id {exc.args[0]!r}"}, status_code=404)

    @app.exception_handler(StoreError)
    async def store_down(request: Request, exc: StoreError) -> JSONResponse:
        # The full reason may name hosts or paths: it goes to the log; the client gets exc.public.
        logging.getLogger("uvicorn.error").error("store unavailable: %s", exc)
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
        return JSONResponse({"detail": exc.public}, status_code=503, headers=headers)

    @app.exception_handler(InvalidInput)
    async def bad_value(request: Request, exc: InvalidInput) -> JSONResponse:
        # The engine and the API raise InvalidInput with a sentence meant for the user.
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> JSONResponse:
        # Anything else is a bug: logged with its traceback, answered without internals.
        logging.getLogger("uvicorn.error").error("unexpected error on %s %s", request.method, request.url.path,
                                                 exc_info=exc)
        return JSONResponse({"detail": "internal error: this is a bug in Backprop Lab, and it has been logged"},
                            status_code=500)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # Where and what, but never the input itself: it may be huge, or NaN (not JSON).
        detail = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
                  for e in exc.errors()]
        return JSONResponse({"detail": detail}, status_code=422)
