"""The inspector's pure JavaScript (static/js/inspector-math.js) under node's test runner."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="needs node 18+ (apt-get install -y nodejs) to run tests/js/*.test.mjs")
def test_inspector_math_in_node(tmp_path: Path) -> None:
    # static/js has no package.json, so node would read its .js files as CommonJS: run a copy
    # under a {"type": "module"} package instead (works on node 18, unlike the newer flags).
    shutil.copytree(ROOT / "static" / "js", tmp_path / "static" / "js")
    shutil.copytree(ROOT / "tests" / "js", tmp_path / "tests" / "js")
    (tmp_path / "package.json").write_text('{"type": "module"}\n')
    files = sorted(str(p) for p in (tmp_path / "tests" / "js").glob("*.test.mjs"))
    assert files
    proc = subprocess.run([NODE, "--test", *files], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "# fail 0" in proc.stdout and "# pass 8" in proc.stdout
