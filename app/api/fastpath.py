"""A short way through the app for the hottest requests: small POST .../forward and
.../backward, answered 200 straight from the cached network.

FastAPI's request machinery (routing through every route, dependency solving, body
handling) costs about as much as the pass itself for a one-sample /forward (README,
performance). This ASGI layer sits just outside FastAPI's router, inside every security
layer, and does only the work of the happy path: parse the JSON, validate it with the
route's own pydantic model, take the network from the store's cache (`Store.peek`), and
write the bytes the route itself would write (the same functions make them). Whenever
anything is not plain, it answers nothing itself and hands the request, body included,
to the FastAPI route unchanged: invalid JSON or fields, an unknown id, a pass too large for
the event loop, a network that is not cached, no Content-Length, a store swapped by a
dependency override that needs arguments. So every error, and the schema in /openapi.json,
stays FastAPI's; only answers that FastAPI would give 200 with the same body come from here.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from functools import lru_cache

import orjson
from pydantic import BaseModel, ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.deps import get_store
from app.api.passes import backward_json, forward_json, inline
from app.nn.engine import Net
from app.schemas import BackwardRequest, ForwardRequest
from app.store import NetworkNotFound, Store

# The NetworkId path parameter's own pattern and length (app.api.deps).
PATH = re.compile(r"/api/networks/([A-Za-z0-9_-]{1,64})/(forward|backward)")
PASSES: dict[str, tuple[type[BaseModel], Callable[[Net, BaseModel], bytes]]] = {
    "forward": (ForwardRequest, forward_json), "backward": (BackwardRequest, backward_json)}
JSON = b"application/json"


class FastPasses:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = PATH.fullmatch(scope["path"]) if scope["type"] == "http" and scope["method"] == "POST" else None
        # Only a body of known length (BodyLimit, outside, has bounded it) of plain JSON. The
        # first Content-Type counts, as in Starlette; dict() would keep the last.
        headers = dict(reversed(scope["headers"])) if match else {}
        if not match or b"content-length" not in headers or headers.get(b"content-type", b"").split(b";")[0] != JSON:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client left: there is no one to answer
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        answer = self.answer(scope, match[1], match[2], body)
        if answer is None:
            await self.app(scope, replay(body, receive), send)
            return
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", str(len(answer)).encode()), (b"content-type", JSON)]})
        await send({"type": "http.response.body", "body": answer})

    @staticmethod
    def answer(scope: Scope, network_id: str, kind: str, body: bytes) -> bytes | None:
        """The route's 200 body, or None where the route must decide."""
        store = app_store(scope)
        if store is None:
            return None
        model, compute = PASSES[kind]
        try:
            net = store.peek(network_id)
            if net is None:
                return None
            data = orjson.loads(body)
            rows = data.get("inputs") if isinstance(data, dict) else None
            # Sized before validating: a large pass (the page's decision surface) is the
            # route's, and validating its thousands of numbers here too would be wasted.
            if not isinstance(rows, list) or not inline(net, len(rows)):
                return None
            return compute(net, model.model_validate(data))
        except (orjson.JSONDecodeError, ValidationError, NetworkNotFound, ValueError):
            return None  # the route answers it again, with FastAPI's own 4xx


def app_store(scope: Scope) -> Store | None:
    """The store the route would get: the app's, or a test's argument-free override."""
    override = scope["app"].dependency_overrides.get(get_store)
    if override is None:
        return scope["app"].state.store
    return override() if takes_no_arguments(override) else None


@lru_cache(maxsize=16)
def takes_no_arguments(fn: Callable[..., object]) -> bool:
    return not inspect.signature(fn).parameters and not inspect.iscoroutinefunction(fn)


def replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the body already read, then whatever the client sends next."""
    sent = False

    async def again() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return again
