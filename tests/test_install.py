"""Replay the image's recipe without Docker: copy what the Dockerfile COPYs into a fresh
folder, run its pip RUN steps in a fresh venv, start its CMD from that folder (the image's
WORKDIR) as a non-root user with BACKPROP_DB in a fresh folder, and use the app."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import free_port
from dockerfile_recipe import ROOT, copy_sources, env, parse

STEPS = parse()


def run_user() -> pwd.struct_passwd:
    """As root (CI) the app runs as `nobody`, like the image's own unprivileged user."""
    return pwd.getpwnam("nobody") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())


def as_run_user() -> dict:
    """Popen arguments that drop root to run_user(); nothing when already unprivileged."""
    if os.geteuid() != 0:
        return {}
    user = run_user()
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


def base_python() -> str:
    """A Python 3.11+ with venv that run_user() may execute: this one may live under /root
    (pyenv), where `nobody` cannot read it; then the system's python3 stands in."""
    check = "import sys, venv, ensurepip; assert sys.version_info >= (3, 11)"
    for candidate in [sys._base_executable, "/usr/bin/python3", "/usr/local/bin/python3"]:
        try:
            if subprocess.run([candidate, "-c", check], cwd="/", capture_output=True,
                              **as_run_user()).returncode == 0:
                return candidate
        except OSError:  # missing, or not executable by that user
            continue
    pytest.fail(f"no Python 3.11+ with venv that user {run_user().pw_name} can run: apt-get install -y python3-venv")


@pytest.fixture(scope="module")
def installed() -> Iterator[Path]:
    """A folder laid out like the image's /app, with the image's pip steps run into .venv."""
    base = Path(tempfile.mkdtemp(prefix="backprop-install-"))
    base.chmod(0o755)  # readable by the unprivileged user
    work = base / "app"
    work.mkdir()
    for source in copy_sources(STEPS):
        src = ROOT / source
        if src.is_dir():
            shutil.copytree(src, work / source, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, work / source)
    venv = base / "venv"
    subprocess.run([base_python(), "-m", "venv", str(venv)], check=True)
    path = f"{venv / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}"
    for i, step in enumerate(STEPS):
        if step.keyword == "RUN" and "pip install" in step.args:
            subprocess.run(["sh", "-c", step.args], cwd=work, check=True,
                           env={**os.environ, **env(STEPS[:i]), "PATH": path, "VIRTUAL_ENV": str(venv)})
    yield base
    shutil.rmtree(base, ignore_errors=True)


def test_the_package_is_installed_into_the_venv_not_linked(installed: Path) -> None:
    out = subprocess.run([str(installed / "venv/bin/python"), "-m", "pip", "show", "-f", "backprop-lab"],
                         capture_output=True, text=True, check=True).stdout
    assert "Name: backprop-lab" in out
    assert "app/nn/engine.py" in out and "app/api/pages.py" in out  # a real copy, not an editable link
    assert not (installed / "app/build").exists()  # the RUN step cleans up after itself


def test_the_image_command_serves_the_api_and_the_page_as_a_non_root_user(installed: Path) -> None:
    user = run_user()
    assert user.pw_uid != 0
    data = installed / "data"
    data.mkdir()
    os.chown(data, user.pw_uid, user.pw_gid)
    port = free_port()
    cmd = [a.replace("0.0.0.0", "127.0.0.1").replace("8000", str(port)) for a in parse_cmd()]
    venv_bin = installed / "venv/bin"
    image_env = env(STEPS)
    proc_env = {**image_env, "PATH": f"{venv_bin}:/usr/bin:/bin", "HOME": str(data),
                "BACKPROP_DB": str(data / Path(image_env["BACKPROP_DB"]).name)}
    proc = subprocess.Popen([str(venv_bin / cmd[0]), *cmd[1:]], cwd=installed / "app", env=proc_env,
                            **as_run_user())
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/api/health", proc)
        assert uid_of(proc.pid) == user.pw_uid
        assert httpx.get(url + "/api/health").json() == {"status": "ok"}

        page = httpx.get(url + "/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "<html" in page.text
        assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)
        assert assets, "the page links no static files"
        for asset in assets:
            assert httpx.get(url + asset).status_code == 200, asset

        created = httpx.post(url + "/api/networks", json={"layer_sizes": [2, 2, 1], "seed": 3})
        assert created.status_code == 201
        db = Path(proc_env["BACKPROP_DB"])
        assert db.exists() and db.stat().st_uid == user.pw_uid
        got = httpx.get(f"{url}/api/networks/{created.json()['id']}")
        assert got.json() == created.json()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def parse_cmd() -> list[str]:
    (cmd,) = [s for s in STEPS if s.keyword == "CMD"]
    return cmd.exec_form()


def uid_of(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^Uid:\s+(\d+)", status, re.M).group(1))


def wait_for(url: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the server exited with code {proc.returncode}"
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"no answer from {url} within {timeout} s")
