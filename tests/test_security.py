"""Security: unguessable ids, no listing, headers, CORS, no leaks in errors or logs, body and work limits."""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.api.deps import get_store
from app.config import Settings
from app.nn.engine import Net
from app.main import create_app
from app.store import SQLiteStore, new_id

if TYPE_CHECKING:
    from playwright.sync_api import Page

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
XOR = {"inputs": [[0, 0], [0, 1], [1, 0], [1, 1]], "targets": [[0], [1], [1], [0]]}


def client_for(application: FastAPI, store: SQLiteStore) -> TestClient:
    application.dependency_overrides[get_store] = lambda: store
    return TestClient(application)


def create(client: TestClient, sizes: list[int] = [2, 2, 1], **extra: object) -> str:  # noqa: B006
    r = client.post("/api/networks", json={"layer_sizes": sizes, "seed": 1, **extra})
    assert r.status_code == 201, r.text
    return r.json()["id"]


# --- ids and listing

def test_ids_are_url_safe_with_128_random_bits(client: TestClient) -> None:
    ids = [create(client) for _ in range(5)]
    assert len(set(ids)) == 5
    for net_id in ids:
        assert re.fullmatch(r"[A-Za-z0-9_-]{22,}", net_id)
        assert len(base64.urlsafe_b64decode(net_id + "=" * (-len(net_id) % 4))) >= 16


def test_id_bits_are_independent_of_each_other() -> None:
    # 400 ids: every one of the 128 bits is set in about half of them (a counter, a clock or a
    # hash of the previous id would leave bits stuck), and no two ids share a 6-char prefix.
    ids = [new_id() for _ in range(400)]
    raw = np.array([list(base64.urlsafe_b64decode(i + "==")[:16]) for i in ids], dtype=np.uint8)
    bits = np.unpackbits(raw, axis=1).mean(axis=0)
    assert bits.shape == (128,) and bits.min() > 0.35 and bits.max() < 0.65
    assert len({i[:6] for i in ids}) == len(ids)


def test_no_endpoint_lists_networks(client: TestClient) -> None:
    create(client)
    assert client.get("/api/networks").status_code in (404, 405)
    paths = client.get("/openapi.json").json()["paths"]
    listing = [p for p, ops in paths.items() if "get" in ops and "network" in p and "{network_id}" not in p]
    assert listing == []


def test_unknown_id_is_404_and_says_nothing_of_others(client: TestClient) -> None:
    create(client)
    r = client.get("/api/networks/" + new_id())
    assert r.status_code == 404 and set(r.json()) == {"detail"}


# --- headers

@pytest.mark.parametrize("path", ["/", "/api/health", "/api/networks/nope", "/openapi.json"])
def test_security_headers_on_every_answer(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.headers["content-security-policy"] == CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] in ("no-referrer", "strict-origin")
    assert r.headers["x-frame-options"] == "DENY"


def test_docs_page_is_offline_under_the_strict_csp(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200 and r.headers["content-security-policy"] == CSP
    assert "<script>" not in r.text and "http" not in r.text  # no inline code, nothing remote
    for src in re.findall(r'(?:src|href)="(/static/[^"]+)"', r.text):
        assert client.get(src).status_code == 200, src
    assert client.get("/redoc").status_code == 404


# --- CORS

def test_cors_is_off_by_default(client: TestClient) -> None:
    origin = {"Origin": "https://elsewhere.example"}
    assert "access-control-allow-origin" not in client.get("/api/health", headers=origin).headers
    pre = client.options("/api/networks", headers={**origin, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in pre.headers


def test_cors_allow_list_from_settings(store: SQLiteStore) -> None:
    c = client_for(create_app(Settings(cors_origins=("https://class.example",))), store)
    ok = c.options("/api/networks", headers={"Origin": "https://class.example",
                                              "Access-Control-Request-Method": "POST",
                                              "Access-Control-Request-Headers": "content-type"})
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == "https://class.example"
    assert c.get("/api/health", headers={"Origin": "https://class.example"}).headers[
        "access-control-allow-origin"] == "https://class.example"
    other = c.get("/api/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    assert other.headers["content-security-policy"] == CSP


# --- errors and logs

class BrokenStore(SQLiteStore):
    def get(self, net_id: str) -> Net:
        raise RuntimeError(f"disk on fire at {__file__} reading {net_id}")


@pytest.fixture
def broken(tmp_path: Path) -> Iterator[TestClient]:
    s = BrokenStore(str(tmp_path / "broken.sqlite"))
    application = create_app(Settings())
    yield client_for(application, s)
    s.close()


def test_forced_500_has_no_stack_trace_or_path(broken: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="app.errors"):
        r = broken.get("/api/networks/abc")
    assert r.status_code == 500 and r.json() == {"detail": "internal error"}
    assert "Traceback" not in r.text and "/" not in r.text and "fire" not in r.text
    assert r.headers["content-security-policy"] == CSP
    assert "disk on fire" in caplog.text  # the traceback is kept, on the server


def test_logs_never_contain_request_bodies(client: TestClient, broken: TestClient,
                                           caplog: pytest.LogCaptureFixture) -> None:
    marker = "MARKER-7f3c9e-" * 3
    net = create(client)
    with caplog.at_level(logging.DEBUG):
        client.post("/api/networks", json={"layer_sizes": [2, 1], "note": marker})           # 422: extra field
        client.post("/api/networks", content=f'{{"layer_sizes": [2, "{marker}"', headers={"content-type": "application/json"})
        client.post(f"/api/networks/{net}/step", json={**XOR, "learning_rate": marker})
        client.post(f"/api/networks/{net}/forward", json={"inputs": [[1, 2, 3]], "targets": [[marker]]})
        broken.post("/api/networks/abc/forward", json={"inputs": [[0.123456789, 0]], "x": marker})
        r = broken.get("/api/networks/abc")  # URLs are logged (access log); bodies never
    assert r.status_code == 500
    assert caplog.records, "nothing was logged: the 500 should have been"
    assert marker not in caplog.text and "0.123456789" not in caplog.text


def test_validation_errors_do_not_echo_input(client: TestClient) -> None:
    r = client.post("/api/networks", json={"layer_sizes": [2, "secret-value-123"]})
    assert r.status_code == 422 and "secret-value-123" not in r.text


# --- body size

def test_oversized_body_with_content_length_is_413(store: SQLiteStore) -> None:
    c = client_for(create_app(Settings(max_body_bytes=1000)), store)
    r = c.post("/api/networks", content=b'{"layer_sizes": [' + b"1, " * 600 + b"1]}",
               headers={"content-type": "application/json"})
    assert r.status_code == 413 and "1000 bytes" in r.json()["detail"]
    assert r.headers["content-security-policy"] == CSP
    assert c.post("/api/networks", json={"layer_sizes": [2, 1]}).status_code == 201


def test_oversized_chunked_body_is_413_without_reading_it_all(store: SQLiteStore) -> None:
    c = client_for(create_app(Settings(max_body_bytes=1000)), store)
    sent = []

    def chunks() -> Iterator[bytes]:
        for i in range(100):  # 10 kB, no Content-Length: it arrives chunked
            sent.append(i)
            yield b" " * 100

    r = c.post("/api/networks", content=chunks(), headers={"content-type": "application/json"})
    assert r.request.headers.get("transfer-encoding") == "chunked"
    assert r.status_code == 413


def test_default_limit_refuses_a_5_mb_body(client: TestClient) -> None:
    net = create(client)
    body = b'{"inputs": [' + b"[0, 0], " * 700_000 + b"[0, 0]]}"
    assert len(body) > 4_000_000
    r = client.post(f"/api/networks/{net}/forward", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 413


# --- bounds on work

@pytest.mark.parametrize("sizes, words", [
    ([2] * 11, "at most 10"), ([1025, 1], "less than or equal to 1024"), ([1024, 250, 1], "parameters"),
    ([2, 0, 1], "greater than or equal to 1"), ([2], "at least 2")])
def test_network_size_limits(client: TestClient, sizes: list[int], words: str) -> None:
    r = client.post("/api/networks", json={"layer_sizes": sizes})
    assert r.status_code == 422
    assert words in str(r.json()["detail"])


def test_train_limits(client: TestClient) -> None:
    net = create(client, [1, 1])
    x = [[0.5]] * 200
    cases = [({"inputs": [[0.5]] * 10_001, "targets": [[1.0]] * 10_001, "epochs": 1}, "at most 10000"),
             ({"inputs": x, "targets": x, "epochs": 10_001}, "less than or equal to 10000"),
             ({"inputs": x, "targets": x, "epochs": 0}, "greater than or equal to 1"),
             ({"inputs": [[0.5]] * 1000, "targets": [[1.0]] * 1000, "epochs": 2001}, "samples x epochs"),
             ({"inputs": x, "targets": x, "epochs": 251, "batch_size": 1}, "mini-batches")]
    for body, words in cases:
        r = client.post(f"/api/networks/{net}/train", json=body)
        assert r.status_code == 422, body.keys()
        assert words in str(r.json()["detail"])
    assert client.get(f"/api/networks/{net}").json()["steps"] == 0  # nothing half-done


def test_work_limit_on_big_networks(client: TestClient) -> None:
    net = create(client, [1000, 240, 1])
    x = [[0.0] * 1000] * 100
    r = client.post(f"/api/networks/{net}/train", json={"inputs": x, "targets": [[0.0]] * 100, "epochs": 200})
    assert r.status_code == 422 and "parameters x samples x epochs" in r.json()["detail"]


def test_trace_size_limit(client: TestClient) -> None:
    net = create(client, [1000, 10, 1])
    r = client.post(f"/api/networks/{net}/forward", json={"inputs": [[0] * 1000] * 1000})  # 3 MB: under the body limit
    assert r.status_code == 422 and "values per array" in r.json()["detail"]


@pytest.mark.parametrize("sizes, samples, epochs, batch", [
    ([2, 16, 16, 1], 200, 10_000, None),   # samples x epochs at the limit, full batch
    ([2, 8, 1], 200, 250, 1),              # 50,000 single-sample updates
    ([1000, 240, 1], 100, 166, None)])     # parameters x samples x epochs just under 4e9
def test_maximal_train_calls_finish(client: TestClient, sizes: list[int], samples: int, epochs: int,
                                    batch: int | None) -> None:
    net = create(client, sizes, learning_rate=0.01)
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (samples, sizes[0])).round(3).tolist()
    y = rng.uniform(0, 1, (samples, sizes[-1])).round(3).tolist()
    body = {"inputs": x, "targets": y, "epochs": epochs, **({"batch_size": batch} if batch else {})}
    r = client.post(f"/api/networks/{net}/train", json=body)
    assert r.status_code == 200, r.text[:300]
    out = r.json()
    assert len(out["costs"]) == epochs and all(np.isfinite(out["costs"]))


def test_uvicorn_refuses_big_bodies_early(live_server: str) -> None:
    """Through a real server too: 413 for a 5 MB body, sent whole or chunked, and it keeps serving."""
    body = b'{"inputs": [' + b"[0, 0], " * 700_000 + b"[0, 0]]}"
    for content in (body, (body[i:i + 65536] for i in range(0, len(body), 65536))):
        r = httpx.post(live_server + "/api/networks/abc/forward", content=content,
                       headers={"content-type": "application/json"}, timeout=30)
        assert r.status_code == 413 and "4000000 bytes" in r.json()["detail"]
        assert r.headers["content-security-policy"] == CSP
    assert httpx.get(live_server + "/api/health", timeout=10).status_code == 200


# --- the pages under the policy

UNSAFE_JS = re.compile(r"\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|\beval\(|new Function\b|"
                       r"setAttribute\(\s*['\"](style|on\w+)['\"]")
UNSAFE_HTML = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle\s*=|\son[a-z]+\s*=|javascript:", re.I)


def test_source_never_builds_html_from_strings_or_inline_code() -> None:
    """User text goes in with textContent only; nothing the CSP would have to allow inline."""
    root = Path(__file__).resolve().parents[1]
    scripts = sorted((root / "static" / "js").glob("**/*.js"))
    pages = sorted((root / "templates").glob("*.html"))
    assert scripts and pages
    found = [f"{p.name}: {m.group(0)}" for p in scripts for m in UNSAFE_JS.finditer(p.read_text())]
    found += [f"{p.name}: {m.group(0)}" for p in pages for m in UNSAFE_HTML.finditer(p.read_text())]
    assert found == []


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/", "/practice", "/story"])
def test_pages_run_under_the_served_policy(page: Page, base_url: str, path: str) -> None:
    page.add_init_script("window.__violations = [];"
                         "document.addEventListener('securitypolicyviolation', e => window.__violations.push("
                         "e.violatedDirective + ' ' + e.blockedURI));")
    response = page.goto(base_url + path)
    assert response is not None and response.status == 200
    assert response.headers["content-security-policy"] == CSP
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__violations") == []

