"""Security headers, a request-body limit, a creation rate limit, optional CORS and a
last-resort 500, as ASGI layers.

Order, outermost first: security headers (so every answer carries them, even a 413 or a
500) -> CORS (only when origins are configured) -> body limit -> creation rate limit ->
Allow on 405s -> catch-all -> the app.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import math
import re
import time
from collections import OrderedDict
from typing import Any

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect
from starlette.routing import get_route_path
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
                allowed = self.allowed(get_route_path(scope))  # without a --root-path prefix
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


CREATE_PATHS = {"/api/networks", "/api/networks/import"}
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class CreateRateLimit:
    """At most `per_minute` network creations per client and minute (a token bucket that
    allows a burst of `per_minute`), so one client cannot crowd the store; above it, 429
    with Retry-After. The client is the connection's address, or, when that address is one
    of the trusted proxies, the last X-Forwarded-For entry that is not a trusted proxy (a
    client's own X-Forwarded-For is ignored). Counted per worker process."""

    MAX_CLIENTS = 100_000  # buckets kept (least recently seen dropped first): bounded memory

    def __init__(self, app: ASGIApp, per_minute: int, trusted_proxies: tuple[str, ...]) -> None:
        self.app, self.per_minute = app, per_minute
        self.trusted = [ipaddress.ip_network(p, strict=False) for p in trusted_proxies]
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client: (tokens, at)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] in CREATE_PATHS:
            wait = self.take(self.client(scope))
            if wait > 0:
                await _json(send, 429, f"this client created {self.per_minute} networks within a minute, the most "
                                       f"allowed; try again in {math.ceil(wait)} s",
                            [(b"retry-after", str(math.ceil(wait)).encode())])
                return
        await self.app(scope, receive, send)

    def take(self, client: str) -> float:
        """Take one token; 0 if there was one, else the seconds until there is."""
        now = time.monotonic()
        tokens, at = self.buckets.pop(client, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - at) * self.per_minute / 60)
        wait = 0.0 if tokens >= 1 else (1 - tokens) * 60 / self.per_minute
        self.buckets[client] = (tokens - 1 if tokens >= 1 else tokens, now)
        if len(self.buckets) > self.MAX_CLIENTS:
            self.buckets.popitem(last=False)
        return wait

    def client(self, scope: Scope) -> str:
        peer = (scope.get("client") or ("unknown", 0))[0]
        if not self.is_trusted(peer):
            return peer
        forwarded = b",".join(v for k, v in scope["headers"] if k == b"x-forwarded-for").decode("latin-1")
        for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
            if not self.is_trusted(hop):
                return hop
            peer = hop
        return peer

    def is_trusted(self, address: str) -> bool:
        try:
            ip: Address = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in self.trusted)


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
        except ClientDisconnect:
            return  # the client left before its body was whole: nobody to answer, not a bug
        except Exception:
            # method and path only: bodies may hold a student's data and can be huge
            log.exception("unexpected error in %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await _json(send, 500, "internal error")


async def _json(send: Send, status: int, detail: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close"), *(extra or [])]})
    await send({"type": "http.response.body", "body": body})


def install_middleware(app: FastAPI, settings: Settings) -> None:
    """Wrap the app; add_middleware puts each new layer outside the previous ones."""
    app.add_middleware(CatchAll)
    app.add_middleware(AllowHeader, api=app)
    app.add_middleware(CreateRateLimit, per_minute=settings.create_rate, trusted_proxies=settings.trusted_proxies)
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
            for method, op in ops.items():
                responses = op.setdefault("responses", {})
                extra = {"422": "invalid input: the detail says what is wrong"}
                if "/networks" in path:  # errors.py: StoreError -> 503
                    extra["503"] = ("the database cannot be used now (unavailable, disk full, or, for a create, "
                                    "full of recently used networks): the detail says why; Retry-After when known")
                if method == "post" and path in CREATE_PATHS:
                    extra["429"] = (f"this client created {settings.create_rate} networks within the last minute; "
                                    "Retry-After says when it may create the next")
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
