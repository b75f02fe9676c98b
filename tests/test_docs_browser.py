"""The API docs at /docs render offline (vendored Swagger UI) under the strict CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_docs_render_every_endpoint_without_errors(page: Page, base_url: str) -> None:
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base_url + "/docs")
    page.wait_for_selector(".opblock")
    paths = {p.inner_text().replace("\u200b", "") for p in page.locator(".opblock-summary-path").all()}
    assert {"/api/networks", "/api/networks/{network_id}/step", "/api/networks/{network_id}/train"} <= paths
    assert errors == []
    assert all(u.startswith(base_url) or u.startswith("data:") for u in requests), requests
