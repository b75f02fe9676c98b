"""The passes' own ASGI layer (app/api/endpoints.py), their only implementation: every answer a
FastAPI route would give (405 with Allow, the id's 422, 404, 503, a bug's 500, 413 for a
chunked body), the security headers, and /openapi.json entries equal to those FastAPI
generates for the same routes declared the usual way."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.testclient import TestClient

from app.api.body import documented
from app.api.deps import NetworkId, get_store
from app.api.errors import BUG, NOT_FOUND
from app.api.passes import ENDPOINTS
from app.config import Settings
from app.main import app, create_app
from app.store import SQLiteStore, StoreError

PASSES = ["forward", "backward", "step", "train"]
XOR = {"inputs": [[0, 0], [1, 1]], "targets": [[0], [0]]}


@pytest.fixture
def net_id(client: TestClient) -> str:
    return client.post("/api/networks", json={"layer_sizes": [2, 2, 1], "seed": 3}).json()["id"]


@pytest.mark.parametrize("name", PASSES)
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_other_methods_get_405_with_allow_post(client: TestClient, net_id: str, name: str, method: str) -> None:
    r = client.request(method, f"/api/networks/{net_id}/{name}")
    assert r.status_code == 405 and r.headers["allow"] == "POST"
    assert r.json() == {"detail": "Method Not Allowed"}
    assert "content-security-policy" in r.headers


@pytest.mark.parametrize("name", PASSES)
def test_a_bad_id_is_422_where_and_what_and_an_unknown_one_404(client: TestClient, name: str) -> None:
    r = client.post(f"/api/networks/no%20spaces/{name}", json=XOR)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["path", "network_id"]
    r = client.post(f"/api/networks/{'x' * 65}/{name}", json=XOR)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["path", "network_id"]
    r = client.post(f"/api/networks/never-made/{name}", json={**XOR, "epochs": 1} if name == "train" else XOR)
    assert r.status_code == 404 and r.json() == {"detail": "no network with id 'never-made'"}
    assert r.headers["x-content-type-options"] == "nosniff"


def test_paths_beside_the_passes_are_fastapis(client: TestClient, net_id: str) -> None:
    assert client.post(f"/api/networks/{net_id}/forwards", json=XOR).status_code == 404
    assert client.post(f"/api/networks/{net_id}/forward/x", json=XOR).status_code == 404
    assert client.post("/api/networks//forward", json=XOR).status_code == 404
    assert client.get(f"/api/networks/{net_id}").json()["id"] == net_id


def test_a_body_that_is_not_json_is_422(client: TestClient, net_id: str) -> None:
    r = client.post(f"/api/networks/{net_id}/forward", content=b"inputs=1", headers={"content-type": "text/plain"})
    assert r.status_code == 422 and "Content-Type: application/json" in r.json()["detail"][0]["msg"]
    r = client.post(f"/api/networks/{net_id}/forward", content=b"{", headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][0] == "body"


def test_a_chunked_body_is_read_whole(client: TestClient, net_id: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"inputs": [[0.5, '
        yield b'-0.25]], "fields": ["a"]}'

    r = client.post(f"/api/networks/{net_id}/forward", content=chunks(), headers={"content-type": "application/json"})
    assert r.request.headers.get("transfer-encoding") == "chunked"
    whole = client.post(f"/api/networks/{net_id}/forward", json={"inputs": [[0.5, -0.25]], "fields": ["a"]})
    assert r.status_code == 200 and r.json() == whole.json()
    assert r.json()["layers"][0]["a"] == [[0.5, -0.25]]


def test_a_chunked_body_over_the_limit_is_413(store: SQLiteStore) -> None:
    small = create_app(Settings(max_body_bytes=1000))
    small.dependency_overrides[get_store] = lambda: store
    c = TestClient(small)
    net = c.post("/api/networks", json={"layer_sizes": [2, 1]}).json()["id"]

    def chunks() -> Iterator[bytes]:
        yield b'{"inputs": [' + b"[0, 0], " * 200

    r = c.post(f"/api/networks/{net}/forward", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and "1000 bytes" in r.json()["detail"]


class Broken(SQLiteStore):
    """A store whose reads fail as `error` says."""

    def __init__(self, path: str, error: Exception) -> None:
        super().__init__(path)
        self.error = error

    def peek(self, net_id: str) -> Any:
        raise self.error

    get = peek


def test_a_store_fault_is_503_with_its_public_reason(tmp_path: Any) -> None:
    down = Broken(str(tmp_path / "s.sqlite"), StoreError("disk /dev/sda1 on fire", "the disk is full", retry_after=7))
    app.dependency_overrides[get_store] = lambda: down
    try:
        r = TestClient(app).post("/api/networks/abc/forward", json=XOR)
    finally:
        app.dependency_overrides.clear()
        down.close()
    assert r.status_code == 503 and r.json() == {"detail": "the disk is full"} and r.headers["retry-after"] == "7"


def test_a_bug_is_a_logged_500_without_internals(tmp_path: Any, caplog: pytest.LogCaptureFixture) -> None:
    buggy = Broken(str(tmp_path / "s.sqlite"), ZeroDivisionError("secret internals"))
    app.dependency_overrides[get_store] = lambda: buggy
    try:
        with caplog.at_level(logging.ERROR):
            r = TestClient(app, raise_server_exceptions=False).post("/api/networks/abc/backward", json=XOR)
    finally:
        app.dependency_overrides.clear()
        buggy.close()
    assert r.status_code == 500 and r.json() == {"detail": BUG} and "secret" not in r.text
    assert "POST /api/networks/abc/backward" in caplog.text and "ZeroDivisionError" in caplog.text


def test_openapi_entries_are_what_fastapi_generates_for_the_same_routes() -> None:
    """The hand-declared entries against FastAPI's own, for routes declared as routes were."""
    router = APIRouter(prefix="/api/networks/{network_id}", tags=["passes"], responses=NOT_FOUND)
    for e in ENDPOINTS:
        async def endpoint(network_id: NetworkId, request: Request) -> None: ...
        endpoint.__name__, endpoint.__doc__ = e.name, e.run.__doc__
        router.add_api_route("/" + e.name, endpoint, methods=["POST"], response_model=e.result,
                             openapi_extra=documented(e.request), description=e.description or None)
    reference = FastAPI()
    reference.include_router(router)
    expected, ours = reference.openapi(), create_app().openapi()
    for e in ENDPOINTS:
        path = f"/api/networks/{{network_id}}/{e.name}"
        mine = ours["paths"][path]["post"]
        theirs = expected["paths"][path]["post"]
        assert {k: v for k, v in mine.items() if k != "responses"} == {k: v for k, v in theirs.items() if k != "responses"}
        assert mine["responses"]["200"] == theirs["responses"]["200"]
        assert mine["responses"]["404"]["description"] == theirs["responses"]["404"]["description"]
    for name, schema in expected["components"]["schemas"].items():
        if name not in ("HTTPValidationError", "ValidationError"):
            assert ours["components"]["schemas"][name] == schema, name


@pytest.mark.parametrize("name", PASSES)
def test_an_id_with_a_final_newline_is_422_and_a_trailing_slash_redirects(client: TestClient, name: str) -> None:
    r = client.post(f"/api/networks/abc%0A/{name}", json=XOR)
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "string_pattern_mismatch"
    r = client.post(f"/api/networks/abc/{name}/?x=1", json=XOR, follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == f"http://testserver/api/networks/abc/{name}?x=1"
    r = client.post(f"/api/networks/{'x' * 65}/{name}", json=XOR)
    assert r.json()["detail"][0] == {"loc": ["path", "network_id"], "type": "string_too_long",
                                     "msg": "String should have at most 64 characters"}


def test_a_405_behind_a_root_path_allows_what_the_path_allows(store: SQLiteStore) -> None:
    app.dependency_overrides[get_store] = lambda: store
    try:
        c = TestClient(app, root_path="/lab")  # paths arrive with the prefix, as from uvicorn --root-path /lab
        net = c.post("/lab/api/networks", json={"layer_sizes": [2, 1]}).json()["id"]
        assert c.put(f"/lab/api/networks/{net}").headers["allow"] == "DELETE, GET, PATCH"
        assert c.get(f"/lab/api/networks/{net}/forward").headers["allow"] == "POST"
        assert c.post(f"/lab/api/networks/{net}/forward", json={"inputs": [[1, 2]]}).status_code == 200
        r = c.post(f"/lab/api/networks/{net}/step/", json={}, follow_redirects=False)
        assert r.status_code == 307 and r.headers["location"] == f"http://testserver/lab/api/networks/{net}/step"
    finally:
        app.dependency_overrides.clear()


@pytest.mark.parametrize("path", ["/api/networks/abc/forward", "/api/networks/abc/gradient-check"])
def test_a_client_that_leaves_mid_body_is_not_logged_as_a_bug(path: str, caplog: pytest.LogCaptureFixture) -> None:
    messages = [{"type": "http.request", "body": b'{"inputs": [[0', "more_body": True}, {"type": "http.disconnect"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "client": ("1.2.3.4", 5),
             "server": ("x", 80), "headers": [(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")]}
    with caplog.at_level(logging.WARNING), ThreadPoolExecutor(1) as thread:  # its own loop: the browser tests' runs
        thread.submit(asyncio.run, app(scope, receive, send)).result()
    assert sent == [] and "unexpected" not in caplog.text and "Traceback" not in caplog.text
