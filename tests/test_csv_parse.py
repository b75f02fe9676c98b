"""Pasted-data parsing (static/js/csv.js over the vendored Papa Parse) under node's test runner,
against the limits of the app's own OpenAPI document."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from app.main import app

ROOT = Path(__file__).resolve().parents[1]
NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="needs node 18+ (apt-get install -y nodejs) to run tests/js/*.spec.mjs")
def test_csv_parsing_in_node(tmp_path: Path) -> None:
    # a copy under a {"type": "module"} package, so node 18 reads static/js as ES modules
    for part in ("static/js", "static/vendor/papaparse", "tests/js"):
        shutil.copytree(ROOT / part, tmp_path / part)
    (tmp_path / "package.json").write_text('{"type": "module"}\n')
    schema = tmp_path / "openapi.json"
    schema.write_text(json.dumps(app.openapi()))
    proc = subprocess.run([NODE, "--test", str(tmp_path / "tests" / "js" / "csv.spec.mjs")], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, env={"OPENAPI_JSON": str(schema), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "# fail 0" in proc.stdout and "# pass 8" in proc.stdout
