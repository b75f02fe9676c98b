"""The inspector's pure JavaScript (static/js/inspector-math.js) under node's test runner."""

from __future__ import annotations

import re
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


def code_of(path: Path) -> str:
    """The file without comments and string literals (their "1/m" and "a · b" are text, not maths)."""
    s = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    s = re.sub(r"//[^\n]*", "", s)
    s = re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', s)
    return re.sub(r"`(?:[^`\\]|\\.)*`", "``", s, flags=re.S)


def test_the_page_multiplies_no_api_numbers() -> None:
    """A narrow check of issue 13's "the page computes no maths": the derivations and the
    vanishing-gradient warning neither multiply, divide nor sum (reduce, Math.*) what the API
    sent; what remains is index arithmetic (l - 1, l + 1) and, in diagnostics.js, the label
    offsets of the drawing (layout.r * 0.75)."""
    maths = code_of(ROOT / "static" / "js" / "inspector-math.js")
    diagnostics = code_of(ROOT / "static" / "js" / "diagnostics.js")
    for code in (maths, diagnostics):
        assert ".reduce(" not in code and "Math." not in code
        assert re.search(r"[\w)\]]\s*/\s*[\w(]", code) is None
    assert re.search(r"[\w)\]]\s*\*\s*[\w(]", maths) is None
    assert re.findall(r"[\w.)\]]+\s*\*\s*[\w.(]+", diagnostics) == ["layout.r * 0.75", "layout.r * 0.8"]
