"""app.config: one Settings class read from BACKPROP_* variables; a bad value stops the start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings, load_settings
from app.main import create_app

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_without_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BACKPROP_DB", "BACKPROP_MAX_NETWORKS", "BACKPROP_CORS_ORIGINS", "BACKPROP_MAX_BODY_BYTES"):
        monkeypatch.delenv(name, raising=False)
    assert load_settings() == Settings(db="data/backprop.sqlite", max_networks=10_000, cors_origins=(),
                                       max_body_bytes=4_000_000)


def test_variables_are_read_and_empty_ones_mean_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKPROP_DB", "  /tmp/x.sqlite ")
    monkeypatch.setenv("BACKPROP_MAX_NETWORKS", "50")
    monkeypatch.setenv("BACKPROP_CORS_ORIGINS", "https://a.example, https://b.example,")
    monkeypatch.setenv("BACKPROP_MAX_BODY_BYTES", "")
    s = load_settings()
    assert (s.db, s.max_networks, s.max_body_bytes) == ("/tmp/x.sqlite", 50, 4_000_000)
    assert s.cors_origins == ("https://a.example", "https://b.example")


@pytest.mark.parametrize(("name", "value"), [("BACKPROP_MAX_NETWORKS", "lots"), ("BACKPROP_MAX_BODY_BYTES", "0"),
                                             ("BACKPROP_MAX_NETWORKS", "2.5")])
def test_a_bad_value_is_one_clear_line(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as stop:
        load_settings()
    assert str(stop.value).startswith(f"invalid setting: {name} ") and repr(value) in str(stop.value)


def test_the_server_refuses_to_start_with_a_bad_value(tmp_path: Path) -> None:
    env = {**os.environ, "BACKPROP_DB": str(tmp_path / "x.sqlite"), "BACKPROP_MAX_NETWORKS": "many"}
    proc = subprocess.run([sys.executable, "-c", "import app.main"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode != 0
    assert "invalid setting: BACKPROP_MAX_NETWORKS should be a valid integer" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_create_app_takes_its_settings(tmp_path: Path) -> None:
    """The store of create_app(settings) is the one its settings name: the way tests swap it."""
    app = create_app(Settings(db=str(tmp_path / "own.sqlite"), max_networks=2, max_body_bytes=100,
                              keep_recent_hours=0))
    with TestClient(app) as client:
        ids = [client.post("/api/networks", json={"layer_sizes": [1, 1]}).json()["id"] for _ in range(3)]
        assert client.get(f"/api/networks/{ids[0]}").status_code == 404  # evicted: at most 2 kept
        assert client.post("/api/networks", content=b"{" + b" " * 200 + b"}",
                           headers={"content-type": "application/json"}).status_code == 413
    assert (tmp_path / "own.sqlite").exists()


def test_fastapi_telemetry_is_off_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """BACKPROP_TELEMETRY turns FastAPI's OpenTelemetry spans, metrics and logs on; off by default
    (with nothing configured they would still cost a check per request: docs/performance.md)."""
    monkeypatch.delenv("BACKPROP_TELEMETRY", raising=False)
    assert load_settings().telemetry is False
    assert {create_app(load_settings())._telemetry[k] for k in ("tracing", "metrics", "logs")} == {False}
    monkeypatch.setenv("BACKPROP_TELEMETRY", "true")
    assert {create_app(load_settings())._telemetry[k] for k in ("tracing", "metrics", "logs")} == {True}
    monkeypatch.setenv("BACKPROP_TELEMETRY", "sometimes")
    with pytest.raises(SystemExit):
        load_settings()
