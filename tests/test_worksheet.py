"""Worked-solution sheets: every number on the sheet against an independent numpy computation,
the exercise variant's blanks and answer key, the size limit, LaTeX that compiles."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

CHAIN = re.compile(r"\$\$\n\\begin\{aligned\}\n(.*?)\n\\end\{aligned\}\n\$\$", re.S)
NUMBER = re.compile(r"^(-?[0-9.]+)(?: \\times 10\^\{(-?\d+)\})?$")
ACT = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0),
       "linear": lambda z: z, "softmax": lambda z: np.exp(z) / np.exp(z).sum()}
D_ACT = {"sigmoid": lambda z, a: a * (1 - a), "tanh": lambda z, a: 1 - a ** 2, "relu": lambda z, a: (z > 0) * 1.0,
         "linear": lambda z, a: np.ones_like(z)}


def number(text: str) -> float:
    m = NUMBER.match(text.strip())
    assert m, f"not a number: {text!r}"
    return float(m.group(1)) * (10.0 ** int(m.group(2)) if m.group(2) else 1.0)


def chains(markdown: str) -> dict[str, str]:
    """Each aligned chain's symbol -> the text after its last '='."""
    out = {}
    for body in CHAIN.findall(markdown):
        lines = [line.rstrip(" \\") for line in body.split("\n")]
        out[lines[0].split(" &= ")[0]] = lines[-1].split("&= ")[-1]
    return out


def independent(net: dict, x: list[float], y: list[float]) -> dict[str, float]:
    """Every quantity of the sheet, computed here with plain numpy (lecture layer numbers)."""
    ws, bs = [np.array(w) for w in net["weights"]], [np.array(b) for b in net["biases"]]
    hidden, out, loss, lam, alpha = (net["hidden_activation"], net["output_activation"], net["loss"], net["l2"],
                                     net["learning_rate"])
    n_layers = len(ws)
    a, zs, acts = np.array(x, float), [], [np.array(x, float)]
    for i, (w, b) in enumerate(zip(ws, bs)):
        z = w @ a + b
        a = ACT[out if i == n_layers - 1 else hidden](z)
        zs.append(z)
        acts.append(a)
    t = np.array(y, float)
    data_cost = {"mse": 0.5 * np.sum((t - a) ** 2), "bce": -np.sum(t * np.log(a) + (1 - t) * np.log(1 - a)),
                 "cross_entropy": -np.sum(t * np.log(a))}[loss]
    cost = data_cost + lam / 2 * sum(np.sum(w ** 2) for w in ws)
    dcda = {"mse": a - t, "bce": (a - t) / (a * (1 - a)), "cross_entropy": -t / a}[loss]
    if out == "softmax":
        jac = np.diag(a) - np.outer(a, a)  # da_i/dz_j
        delta = jac.T @ dcda
    else:
        delta = dcda * D_ACT[out](zs[-1], a)
    deltas = [delta]
    for i in range(n_layers - 1, 0, -1):
        deltas.insert(0, (ws[i].T @ deltas[0]) * D_ACT[hidden](zs[i - 1], acts[i]))
    want = {"C": cost}
    for i in range(n_layers):
        ll = i + 2
        for j in range(len(zs[i])):
            want[f"z_{{{j + 1}}}^{{({ll})}}"] = zs[i][j]
            want[f"a_{{{j + 1}}}^{{({ll})}}"] = acts[i + 1][j]
            want[f"\\delta_{{{j + 1}}}^{{({ll})}}"] = deltas[i][j]
            name = out if i == n_layers - 1 else hidden
            if name in D_ACT:
                want[f"g'(z_{{{j + 1}}}^{{({ll})}})"] = D_ACT[name](zs[i], acts[i + 1])[j]
            want[f"\\frac{{\\partial C}}{{\\partial b_{{{j + 1}}}^{{({ll})}}}}"] = deltas[i][j]
            want[f"b_{{{j + 1}}}^{{({ll})}}\\,\\text{{new}}"] = bs[i][j] - alpha * deltas[i][j]
            for k in range(len(acts[i])):
                grad = deltas[i][j] * acts[i][k] + lam * ws[i][j, k]
                want[f"\\frac{{\\partial C}}{{\\partial w_{{{j + 1}{k + 1}}}^{{({ll})}}}}"] = grad
                want[f"w_{{{j + 1}{k + 1}}}^{{({ll})}}\\,\\text{{new}}"] = ws[i][j, k] - alpha * grad
    for j in range(len(a)):
        want[f"\\frac{{\\partial C}}{{\\partial a_{{{j + 1}}}^{{({n_layers + 1})}}}}"] = dcda[j]
    return want


def agrees(shown: float, value: float) -> bool:
    """5 significant digits: within half a unit of the 5th digit."""
    return abs(shown - value) <= 5.01e-5 * abs(value) + 1e-300


NETWORKS = [
    {"layer_sizes": [2, 2, 1], "seed": 3},
    {"layer_sizes": [3, 4, 2], "hidden_activation": "tanh", "loss": "bce", "l2": 0.1, "seed": 5},
    {"layer_sizes": [2, 3, 3, 3], "hidden_activation": "relu", "output_activation": "softmax",
     "loss": "cross_entropy", "seed": 8, "learning_rate": 0.3},
    {"layer_sizes": [2, 3, 2], "output_activation": "softmax", "seed": 1},
    {"layer_sizes": [1, 2, 1], "hidden_activation": "linear", "output_activation": "linear", "seed": 2},
]


def sample(net: dict) -> tuple[list[float], list[float]]:
    rng = np.random.default_rng(sum(net["layer_sizes"]))
    x = rng.uniform(-1, 1, net["layer_sizes"][0]).round(2).tolist()
    n_out = net["layer_sizes"][-1]
    y = np.eye(n_out)[n_out - 1].tolist() if net["output_activation"] == "softmax" else \
        rng.integers(0, 2, n_out).astype(float).tolist()
    return x, y


def sheet(client: TestClient, nid: str, x: list, y: list, **extra: object) -> str:
    r = client.post(f"/api/networks/{nid}/worksheet", json={"inputs": [x], "targets": [y], **extra})
    assert r.status_code == 200, r.text
    return r.text


@pytest.mark.parametrize("spec", NETWORKS, ids=lambda s: "-".join(map(str, s["layer_sizes"])) + s.get("loss", ""))
def test_every_number_matches_an_independent_computation(client: TestClient, spec: dict) -> None:
    net = client.post("/api/networks", json=spec).json()
    x, y = sample(net)
    before = client.get(f"/api/networks/{net['id']}").json()
    text = sheet(client, net["id"], x, y)
    assert client.get(f"/api/networks/{net['id']}").json() == before  # nothing stored changes
    shown = chains(text)
    want = independent(net, x, y)
    n_params = sum(n * (m + 1) for m, n in zip(net["layer_sizes"], net["layer_sizes"][1:]))
    assert len(want) >= 2 * n_params + 3  # gradient and update of each parameter, z, a, delta, C
    for sym, value in want.items():
        if sym.startswith("g'") and sym not in shown:
            continue  # g'(z) = 1 (linear), or cancelled (sigmoid output with cross-entropy): not written out
        assert sym in shown, f"{sym} is missing from the sheet"
        assert agrees(number(shown[sym]), value), (sym, shown[sym], value)
    assert "\\leftarrow w - \\alpha" in text and "\\odot" in text  # the update rule; equation 2 vectorised
    # the forward pass in linear algebra, with the matrices
    assert "z^{(2)} = W^{(2)} a^{(1)} + b^{(2)} = \\begin{pmatrix}" in text


def test_hidden_delta_is_written_term_by_term(client: TestClient) -> None:
    net = client.post("/api/networks", json={"layer_sizes": [2, 2, 2], "seed": 4}).json()
    text = sheet(client, net["id"], [0.5, -0.2], [1, 0])
    body = next(b for b in CHAIN.findall(text) if b.startswith("\\delta_{1}^{(2)}"))
    w3 = net["weights"][1]
    formula, numbers = body.split("\n")[0], body.split("\n")[1]
    assert "w_{11}^{(3)} \\delta_{1}^{(3)} + w_{21}^{(3)} \\delta_{2}^{(3)}" in formula  # column 1 of W^(3)
    assert f"{w3[0][0]:.4f}"[:5].lstrip("-") in numbers and f"{w3[1][0]:.4f}"[:5].lstrip("-") in numbers


def test_the_lecture_example_reads_as_on_the_slides(client: TestClient) -> None:
    doc = client.get("/api/presets/lecture").json()
    nid = client.post("/api/networks/import", json=doc).json()["network"]["id"]
    shown = chains(sheet(client, nid, doc["data"]["inputs"][0], doc["data"]["targets"][0]))
    assert number(shown["z_{1}^{(3)}"]) == -0.241
    assert number(shown["C"]) == pytest.approx(0.5 * (1 - 1 / (1 + np.exp(0.241))) ** 2, rel=5e-5)
    assert number(shown["\\frac{\\partial C}{\\partial a_{1}^{(3)}}"]) == pytest.approx(-0.56, abs=0.005)


def answer_key(text: str) -> dict[int, tuple[str, float]]:
    key = text.split("## Answer key")[1]
    out = {}
    for body in CHAIN.findall(key):
        lhs, value = body.split(" &= ")
        m = re.match(r"\((\d+)\)\\; (.*)", lhs)
        out[int(m.group(1))] = (m.group(2), number(value))
    return out


def test_exercise_blanks_are_seeded_and_the_key_is_right(client: TestClient) -> None:
    net = client.post("/api/networks", json={"layer_sizes": [2, 3, 1], "seed": 9}).json()
    x, y = [0.3, -0.7], [1.0]
    want = independent(net, x, y)
    full = chains(sheet(client, net["id"], x, y))
    texts = {s: sheet(client, net["id"], x, y, blanks=True, seed=s) for s in range(6)}
    assert sheet(client, net["id"], x, y, blanks=True, seed=3) == texts[3]  # one version per seed
    assert len({frozenset(v for _, (v, _) in answer_key(t).items()) for t in texts.values()}) >= 5
    for text in texts.values():
        exercise = text.split("## Answer key")[0]
        key = answer_key(text)
        assert 5 <= len(key) <= 12 and sorted(key) == list(range(1, len(key) + 1))
        shown = chains(exercise)
        for n, (sym, value) in key.items():
            assert agrees(value, want[sym]), (sym, value, want[sym])
            assert f"\\underline{{\\qquad({n})\\qquad}}" in exercise
            if sym in shown:  # its own line ends in the blank, not the number
                assert shown[sym] == f"\\underline{{\\qquad({n})\\qquad}}"
                assert full[sym] != shown[sym]
        kinds = {re.sub(r"[_{}0-9^()]", "", s) for s, _ in key.values()}
        assert any("new" in k for k in kinds) and any("partial" in k for k in kinds)  # updates and gradients


def test_html_fragment_for_the_print_view(client: TestClient) -> None:
    net = client.post("/api/networks", json={"layer_sizes": [2, 2, 1], "seed": 3}).json()
    r = client.post(f"/api/networks/{net['id']}/worksheet", json={"inputs": [[1, 0]], "targets": [[1]],
                                                                  "format": "html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.text.startswith('<article class="sheet">') and "<math" in r.text and "<script" not in r.text
    assert r.text.count('class="sheet-section page-break"') == 2 + 1 + 1 + 1 + 2  # forward, cost, deltas, updates


def test_latex_is_a_standalone_document(client: TestClient, tmp_path: Path) -> None:
    net = client.post("/api/networks", json={"layer_sizes": [2, 3, 2], "loss": "bce", "l2": 0.01, "seed": 1}).json()
    r = client.post(f"/api/networks/{net['id']}/worksheet",
                    json={"inputs": [[0.5, 0.25]], "targets": [[0, 1]], "format": "latex", "blanks": True, "seed": 2})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-latex")
    tex = r.text
    assert tex.startswith("\\documentclass") and tex.rstrip().endswith("\\end{document}")
    assert tex.count("\\begin{align*}") == tex.count("\\end{align*}") > 20
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is missing: apt-get install -y texlive-latex-base (.ci/run installs it)")
    (tmp_path / "sheet.tex").write_text(tex)
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "sheet.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    assert (tmp_path / "sheet.pdf").stat().st_size > 10_000


@pytest.mark.parametrize(("spec", "body", "says"), [
    ({"layer_sizes": [2, 6, 1]}, {}, "at most 5 neurons"),
    ({"layer_sizes": [2, 5, 5, 5]}, {}, "at most 50 weights and biases"),
    ({"layer_sizes": [2, 2, 2, 2, 1]}, {}, "at most 4 layers"),
    ({"layer_sizes": [2, 2, 1]}, {"inputs": [[1, 2], [3, 4]], "targets": [[1], [0]]}, "at most 1"),
    ({"layer_sizes": [2, 2, 1]}, {"inputs": [[1, 2, 3]]}, "inputs"),
    ({"layer_sizes": [2, 2, 1]}, {"format": "pdf"}, "format"),
    ({"layer_sizes": [2, 2, 1]}, {"seed": -1}, "seed"),
])
def test_refusals_say_what_is_allowed(client: TestClient, spec: dict, body: dict, says: str) -> None:
    net = client.post("/api/networks", json=spec).json()
    payload = {"inputs": [[0.1] * spec["layer_sizes"][0]], "targets": [[1.0]], **body}
    r = client.post(f"/api/networks/{net['id']}/worksheet", json=payload)
    assert r.status_code == 422
    assert says in str(r.json()["detail"])
    assert client.post("/api/networks/nope/worksheet", json=payload).status_code == 404
