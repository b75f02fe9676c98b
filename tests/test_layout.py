"""The page's pure JavaScript (layout maths, batches, notation), run with node (CSV: test_csv_parse.py).

Each case evaluates the real ES module in node and compares with values worked out here."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

JS = Path(__file__).resolve().parents[1] / "static" / "js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="these tests need node (apt-get install -y nodejs)")


def js(module: str, expr: str) -> object:
    """Import static/js/<module> as M in node and return JSON of the expression."""
    code = (f"import * as M from {json.dumps((JS / module).as_uri())};\n"
            f"const out = await (async () => {expr})();\nprocess.stdout.write(JSON.stringify(out));")
    res = subprocess.run([NODE, "--input-type=module", "-e", code], capture_output=True, text=True, timeout=30)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


@pytest.mark.parametrize("sizes,width", [([2, 4, 1], 800), ([2, 8, 8, 8, 8, 8, 8, 1], 900), ([3, 1], 330),
                                         ([784, 16, 10], 1000)])
def test_layout_places_every_neuron_in_its_column_inside_the_box(sizes: list[int], width: int) -> None:
    lay = js("layout.js", f"M.computeLayout({json.dumps(sizes)}, {width})")
    assert [len(col) for col in lay["neurons"]] == sizes
    cols = lay["columns"]
    assert all(b - a == pytest.approx(lay["colGap"]) for a, b in zip(cols, cols[1:])) and lay["colGap"] > 0
    centre = None
    for l, col in enumerate(lay["neurons"]):
        ys = [p["y"] for p in col]
        assert all(p["x"] == cols[l] for p in col)
        assert all(b - a == pytest.approx(lay["rowGap"]) for a, b in zip(ys, ys[1:]))  # evenly spaced, top down
        mid = sum(ys) / len(ys)
        centre = mid if centre is None else centre
        assert mid == pytest.approx(centre)  # every column centred on the same line
        for p in col:
            assert lay["r"] <= p["x"] <= width - lay["r"] and lay["r"] <= p["y"] <= lay["height"] - lay["r"]
    assert lay["r"] < lay["rowGap"] / 2 and lay["r"] < lay["colGap"] / 2  # neurons never touch


def test_values_are_shown_up_to_six_hidden_layers_of_eight_and_hidden_beyond() -> None:
    assert js("layout.js", "M.computeLayout([2, 8, 8, 8, 8, 8, 8, 1], 900).showValues") is True
    assert js("layout.js", "M.computeLayout([2, 9, 1], 900).showValues") is False
    assert js("layout.js", "M.computeLayout([2, 3, 3, 3, 3, 3, 3, 3, 1], 900).showValues") is False


def test_edge_width_grows_with_the_magnitude_and_ignores_the_sign() -> None:
    widths = js("layout.js", "[0, 0.5, -0.5, 1, 2, -2, 9].map(w => M.edgeWidth(w, 2))")
    assert widths[1] == widths[2] and widths[4] == widths[5]
    assert widths[0] < widths[1] < widths[3] < widths[4] == widths[6]  # capped at the largest |w|


def test_the_diverging_scale_runs_orange_white_blue() -> None:
    neg, mid, pos, half = js("layout.js", "[M.divergingRGB(-3, 3), M.divergingRGB(0, 3), M.divergingRGB(3, 3), M.divergingRGB(1, 2)]")
    assert (neg, mid, pos) == ([179, 88, 6], [247, 247, 247], [33, 102, 172])
    assert half == [int(247 + (c - 247) / 2 + 0.5) for c in (33, 102, 172)]  # halfway, rounded half up


def test_the_grid_covers_the_data_with_n_by_n_points() -> None:
    g = js("layout.js", "M.gridOver([[0, 0], [1, 2]], 4)")
    assert len(g["points"]) == 16
    box = g["box"]
    assert box["x0"] < 0 and box["x1"] > 1 and box["y0"] < 0 and box["y1"] > 2
    assert g["points"][0][1] > g["points"][-1][1]  # first row at the top (large x2)


def test_the_batch_of_each_mode_and_where_the_shown_sample_sits() -> None:
    one, mini, full, clamp = js("data.js", """[
        M.batchFor(5, {mode: "one", batchSize: 3, sample: 4}),
        M.batchFor(5, {mode: "mini", batchSize: 3, sample: 4}),
        M.batchFor(5, {mode: "full", batchSize: 3, sample: 4}),
        M.batchFor(5, {mode: "mini", batchSize: 9, sample: 1})]""")
    assert one == {"rows": [4], "shown": 0}
    assert mini == {"rows": [4, 0, 1], "shown": 0}
    assert full == {"rows": [0, 1, 2, 3, 4], "shown": 4}
    assert clamp == {"rows": [1, 2, 3, 4, 0], "shown": 0}
    assert js("data.js", '[M.trainBatchSize(5, {mode: "one"}), M.trainBatchSize(5, {mode: "mini", batchSize: 2}), '
                         'M.trainBatchSize(5, {mode: "full"}) ?? null]') == [1, 2, None]


def test_invalid_output_and_loss_pairs_are_named_from_the_engine_rules() -> None:
    from app.api.rules import engine_rules   # what GET /api/rules answers
    rules = json.dumps(engine_rules().model_dump())
    got = js("data.js", f"""(() => {{ const R = {rules}; return [
        M.comboProblem(R, "sigmoid", "bce", 1), M.comboProblem(R, "linear", "bce", 1),
        M.comboProblem(R, "sigmoid", "cross_entropy", 2), M.comboProblem(R, "softmax", "cross_entropy", 2),
        M.comboProblem(R, "softmax", "mse", 1), M.comboProblem(R, "linear", "mse", 3),
        M.rulesText(R, {{bce: "binary cross-entropy", cross_entropy: "cross-entropy"}})]; }})()""")
    assert got[0] is None and got[3] is None and got[5] is None
    assert "sigmoid" in got[1] and "softmax" in got[2] and "at least 2 neurons" in got[4]
    assert got[6] == ("Binary cross-entropy needs a sigmoid output; cross-entropy needs a softmax output; "
                      "softmax needs 2 or more target columns.")


def test_lecture_notation_numbers_layers_from_one() -> None:
    got = js("format.js", """[M.sym("a", 0, 0), M.sym("δ", 2, 1), M.weightSym(1, 0, 1), M.weightSym(2, 10, 0),
        M.layerName(0, 3), M.layerName(2, 3), M.fmt(-0.5), M.fmt(0.000012345), M.fmt(1234.5678), M.fmt(0)]""")
    assert got[:4] == ["a₁⁽¹⁾", "δ₂⁽³⁾", "w₁₂⁽²⁾", "w₁₁,₁⁽³⁾"]
    assert got[4:6] == ["Layer 1: input", "Layer 3: output"]
    assert got[6:] == ["−0.5", "1.23e−5", "1235", "0"]
