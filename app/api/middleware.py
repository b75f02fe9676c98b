"""Security headers, a request-body limit, optional CORS and a last-resort 500, as ASGI layers.

Order, outermost first: security headers (so every answer carries them, even a 413 or a
500) -> CORS (only when origins are configured) -> body limit -> Allow on 405s -> catch-all
-> the app.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings

log = logging.getLogger("app.errors")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
           (b"cross-origin-opener-policy", b"same-origin")]


class SecurityHeaders:
    """Adds CSP, nosniff, Referrer-Policy and X-Frame-Options to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class AllowHeader:
    """A 405's Allow lists the documented methods of the most specific path template that
    matches (Starlette lists those of the first partial match only: GET where PATCH and
    DELETE exist too, or GET for /api/networks/import, taken for an id)."""

    def __init__(self, app: ASGIApp, api: FastAPI) -> None:
        self.app, self.api = app, api
        self.templates: list[tuple[int, re.Pattern[str], set[str]]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                allowed = self.allowed(scope["path"])
                if allowed:
                    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
                    message["headers"] = [*headers, (b"allow", ", ".join(sorted(allowed)).encode())]
            await send(message)

        await self.app(scope, receive, send_allow)

    def allowed(self, path: str) -> set[str]:
        if self.templates is None:
            paths = self.api.openapi().get("paths", {})
            self.templates = sorted(
                ((template.count("{"), re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$"),
                  {m.upper() for m in ops}) for template, ops in paths.items()),
                key=lambda t: t[0])
        for _, pattern, methods in self.templates:  # fewest {parameters} first: literal segments win
            if pattern.match(path):
                return methods
        return set()


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


class BodyLimit:
    """Refuses bodies above `limit` bytes with 413: at once from Content-Length, and for a
    chunked body as soon as the bytes received pass the limit (nothing is parsed)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        length = headers.get(b"content-length")
        if length is not None:
            if not length.isdigit():
                await _json(send, 400, "Content-Length must be a whole number of bytes")
                return
            if int(length) > self.limit:
                await _json(send, 413, BodyTooLarge(self.limit).detail)
                return
            if b"transfer-encoding" not in headers:  # the server delivers exactly Content-Length bytes
                await self.app(scope, receive, send)
                return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    # FastAPI re-raises HTTPExceptions from body reading: this becomes a 413.
                    raise BodyTooLarge(self.limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge as exc:  # raised where no handler turned it into a response
            if started:
                raise
            await _json(send, 413, exc.detail)


class CatchAll:
    """Any exception the app did not expect: log its traceback (never the body), answer a
    bare 500 with no stack trace or path in it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            # method and path only: bodies may hold a student's data and can be huge
            log.exception("unexpected error in %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await _json(send, 500, "internal error")


async def _json(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def install_middleware(app: FastAPI, settings: Settings) -> None:
    """Wrap the app; add_middleware puts each new layer outside the previous ones."""
    app.add_middleware(CatchAll)
    app.add_middleware(AllowHeader, api=app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_credentials=False,
                           allow_methods=["GET", "POST", "PATCH", "DELETE"], allow_headers=["content-type"])
    app.add_middleware(SecurityHeaders)
    document_errors(app, settings)


ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error", "type": "object", "required": ["detail"],
    "properties": {"detail": {"anyOf": [
        {"type": "string", "description": "what is wrong, as a sentence"},
        {"type": "array", "description": "one entry per invalid field; the input is never echoed",
         "items": {"type": "object", "required": ["loc", "msg", "type"], "properties": {
             "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
             "msg": {"type": "string"}, "type": {"type": "string"}}}}]}},
}


def document_errors(app: FastAPI, settings: Settings) -> None:
    """Every error answer in /openapi.json, with the one shape errors.py and this module give."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        ref = {"$ref": "#/components/schemas/Error"}
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Error"] = ERROR_SCHEMA
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        for path, ops in schema.get("paths", {}).items():
            for op in ops.values():
                responses = op.setdefault("responses", {})
                extra = {"422": "invalid input: the detail says what is wrong"}
                if "/networks" in path:  # errors.py: StoreError -> 503
                    extra["503"] = "the database is unavailable; try again shortly"
                if "requestBody" in op:
                    extra["400"] = "the Content-Length header is not a number"
                    extra["413"] = f"the body is larger than {settings.max_body_bytes} bytes (refused unread)"
                for code, text in extra.items():
                    if code == "422" and not (op.get("parameters") or "requestBody" in op):
                        continue
                    responses.setdefault(code, {"description": text})
                for code, response in responses.items():
                    if code[0] in "45":
                        response["content"] = {"application/json": {"schema": ref}}
                responses.setdefault("500", {"description": "a bug: logged on the server, no details given",
                                             "content": {"application/json": {"schema": ref}}})
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
