"""Shared fixtures: a temporary store swapped in with dependency_overrides, a TestClient,
and a real uvicorn server in a subprocess for browser and fault tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

# Tests create many networks from one address: the creation rate limit is tested on its own
# (tests/test_crowding.py), with an app made for it. Set before app.main reads the settings.
os.environ.setdefault("BACKPROP_CREATE_RATE", "1000000")

import httpx  # noqa: E402
import pytest  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from app.api.deps import get_store  # noqa: E402
from app.main import app  # noqa: E402
from app.store import SQLiteStore  # noqa: E402
from pg_fixture import pg_cluster, pg_url  # noqa: F401,E402 - throw-away PostgreSQL for the store tests

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(str(tmp_path / "test.sqlite"), max_networks=1000, touch_interval=0)
    yield s
    s.close()


@pytest.fixture
def client(store: SQLiteStore) -> Iterator[TestClient]:
    app.dependency_overrides[get_store] = lambda: store
    yield TestClient(app)  # no lifespan: the default store is never opened
    app.dependency_overrides.clear()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """uvicorn app.main:app in a subprocess on a free loopback port; served=True: started as
    `make run` and the image start it (python -m app.serve, with its bounds)."""

    def __init__(self, db: Path, workers: int = 1, env: dict[str, str] | None = None, served: bool = False) -> None:
        self.db, self.workers, self.port, self.served = db, workers, free_port(), served
        self.env = {**os.environ, "BACKPROP_DB": str(db), **(env or {})}
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> "Server":
        cmd = [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1",
               "--port", str(self.port), "--workers", str(self.workers), "--log-level", "warning"]
        if self.served:
            cmd = [sys.executable, "-m", "app.serve", "--host", "127.0.0.1", "--port", str(self.port)]
            self.env.update(WEB_CONCURRENCY=str(self.workers), UVICORN_LOG_LEVEL="warning")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with code {self.proc.returncode}")
            try:
                if httpx.get(self.url + "/api/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the server did not answer within the timeout")

    def stop(self, sig: int | None = None) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        if sig is None:
            self.proc.terminate()
        else:
            self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = Server(tmp_path_factory.mktemp("live") / "live.sqlite").start()
    yield server.url
    server.stop()


# --- Browser tests: pytest-playwright driving Debian's Chromium (never `playwright install`).
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"


def browser_available() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return os.path.exists(CHROMIUM)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if browser_available():
        return
    skip = pytest.mark.skip(reason=f"browser tests need Chromium at {CHROMIUM} and the playwright package: "
                                   "`apt-get install -y chromium` (or set CHROMIUM_PATH), then `make test`")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    return live_server


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
