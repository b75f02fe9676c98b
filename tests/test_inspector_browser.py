"""The inspector, the matrix view, the gradient check and the saturation warning in Chromium:
every number shown equals the API's (read from data-value), and the decompositions shown
(per-sample terms, mean, L2 term, chain of factors) add up to the API's gradient."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import numpy as np
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

REL = 1e-9   # products and sums done in the page: a few roundings from the API's numbers
CONFIGS = [  # (hidden, output, loss, layer sizes, l2)
    ("sigmoid", "sigmoid", "mse", [2, 3, 2, 1], 0.3),
    ("tanh", "sigmoid", "bce", [2, 3, 1], 0.0),
    ("sigmoid", "softmax", "cross_entropy", [2, 3, 2], 0.2),
]


def api(base_url: str, method: str, path: str, body: dict | None = None) -> dict:
    r = httpx.request(method, base_url + path, json=body, timeout=30)
    assert r.status_code < 300, r.text
    return r.json()


def open_page(page: Page, base_url: str, net: dict, x: np.ndarray, y: np.ndarray, mode: str, sample: int) -> None:
    """The page with this network and this data (pasted CSV, kept in localStorage by the page)."""
    page.goto(base_url + "/")
    page.wait_for_selector("body[data-ready='true']")
    csv = "\n".join(",".join(repr(float(v)) for v in row) for row in np.hstack([x, y]))
    config = {"dataset": "custom", "csv": csv, "csvTargets": y.shape[1], "mode": mode, "sample": sample}
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [f"backprop-lab:config:{net['id']}", json.dumps(config)])
    page.goto(f"{base_url}/?network={net['id']}&mode={mode}&sample={sample}")
    page.wait_for_selector("body[data-ready='true']")
    page.evaluate("document.getElementById('speed').value = '4'")   # instant animations


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Console errors and page errors (a CSP violation, e.g. an inline style, is one)."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def press(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def explained(page: Page) -> None:
    """The inspector has /explain's numbers for the current pass and selection (it fetches them)."""
    expect(page.locator("#inspector[aria-busy='true']")).to_have_count(0)


def values(locator) -> list[float]:
    explained(locator.page)
    return [float(v) for v in locator.evaluate_all("els => els.map(e => e.dataset.value)")]


def line_value(page: Page, role: str) -> float:
    """The last number of the inspector line with this role (its result)."""
    return values(page.locator(f"#inspector .insp-line[data-role='{role}']").first.locator("mn[data-value]"))[-1]


def select_edge(page: Page, l: int, k: int, j: int) -> None:
    page.locator(f".edge[data-layer='{l}'][data-from='{k}'][data-to='{j}']").dispatch_event("click")
    page.keyboard.press("Escape")   # the page's weight editor opens on click too
    expect(page.locator("#inspector .inspector-title")).to_contain_text("Weight")
    explained(page)


def select_neuron(page: Page, l: int, j: int) -> None:
    page.locator(f".neuron[data-layer='{l}'][data-neuron='{j}']").dispatch_event("click")
    expect(page.locator("#inspector .inspector-title")).to_contain_text("Neuron")
    explained(page)


def settle(page: Page) -> None:
    """Before a screenshot: no tooltip (pointer and focus away), the drawing re-laid out."""
    page.mouse.move(1, 1)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.wait_for_timeout(400)   # main.js redraws 150 ms after a resize (the panel opening is one)


def make_data(sizes: list[int], output: str, m: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    x = np.round(rng.normal(0, 1, (m, sizes[0])), 3)
    if output == "softmax":
        y = np.eye(sizes[-1])[np.arange(m) % sizes[-1]]
    else:
        y = np.round(rng.uniform(0, 1, (m, sizes[-1])), 2)
    return x, y


@pytest.mark.parametrize("mode", ["full", "one"])
@pytest.mark.parametrize("hidden,output,loss,sizes,l2", CONFIGS)
def test_inspector_numbers_equal_the_api(page: Page, base_url: str, hidden: str, output: str, loss: str,
                                         sizes: list[int], l2: float, mode: str) -> None:
    rng = np.random.default_rng(len(loss) + len(mode))
    net = api(base_url, "POST", "/api/networks", {"layer_sizes": sizes, "hidden_activation": hidden,
                                                   "output_activation": output, "loss": loss, "l2": l2, "seed": 5})
    x, y = make_data(sizes, output, 5, rng)
    shown = 2
    open_page(page, base_url, net, x, y, mode, shown)
    press(page, "Backward")
    page.wait_for_selector(".neuron[data-layer='1'][data-delta]")
    rows = list(range(5)) if mode == "full" else [shown]
    s = shown if mode == "full" else 0
    bx, by = x[rows], y[rows]
    ref = api(base_url, "POST", f"/api/networks/{net['id']}/backward", {"inputs": bx.tolist(), "targets": by.tolist()})
    L, m = len(sizes) - 1, len(rows)
    a = [np.array(layer["a"]) for layer in ref["layers"]]
    delta = [None] + [np.array(layer["delta"]) for layer in ref["layers"][1:]]
    for l in range(1, L + 1):   # several weights in every layer: the first and the last
        for j, k in {(0, 0), (sizes[l] - 1, sizes[l - 1] - 1)}:
            select_edge(page, l, k, j)
            grad = ref["gradients"]["weights"][l - 1][j][k]
            w = net["weights"][l - 1][j][k]
            assert line_value(page, "total") == grad
            shown_line = page.locator("#inspector .insp-line[data-role='sample']").locator("mn[data-value]")
            # the symbols' values: delta_j^(l) and a_k^(l-1) of the shown sample, then their product
            d_val, a_val, prod = values(shown_line)
            assert (d_val, a_val) == (delta[l][s][j], a[l - 1][s][k])
            assert prod == pytest.approx(delta[l][s][j] * a[l - 1][s][k], rel=REL, abs=1e-300)
            if m > 1:
                terms = [values(page.locator(f"#inspector .insp-line[data-sample='{i}'] mn[data-value]"))[-1] for i in range(m)]
                assert terms == pytest.approx(delta[l][:, j] * a[l - 1][:, k], rel=REL, abs=1e-300)
                mean = line_value(page, "mean")
                assert mean == pytest.approx(np.mean(terms), rel=REL, abs=1e-15)
            else:
                mean = prod
            l2_term = line_value(page, "l2") if l2 else 0.0
            assert l2_term == pytest.approx(l2 / m * w, rel=REL)
            assert mean + l2_term == pytest.approx(grad, rel=1e-8, abs=1e-14)
            if l < L:   # the chain of factors multiplies out to delta_j a_k of the shown sample
                chain = page.locator("#inspector .insp-line[data-role='chain']")
                products = [values(chain.nth(i).locator("mn.num"))[-1] for i in range(chain.count())]
                assert sum(products) == pytest.approx(delta[l][s][j] * a[l - 1][s][k], rel=1e-8, abs=1e-15)
                assert chain.first.locator(".factors li").count() >= 3
    for l in range(1, L + 1):
        for j in {0, sizes[l] - 1}:
            select_neuron(page, l, j)
            sections = page.locator("#inspector .insp-section")
            z_line = sections.nth(0).locator(".insp-line").last.locator("mn.api")
            assert values(z_line)[-1] == ref["layers"][l]["z"][s][j]
            act = sections.nth(1).locator("mn.api")
            assert values(act) == [ref["layers"][l]["a"][s][j], ref["layers"][l]["g_prime"][s][j]]
            assert values(sections.nth(2).locator("mn.api"))[-1] == ref["layers"][l]["delta"][s][j]
            assert line_value(page, "total") == ref["gradients"]["biases"][l - 1][j]


@pytest.mark.parametrize("hidden,output,loss,sizes,l2", CONFIGS)
def test_matrix_view_numbers_equal_the_api(page: Page, base_url: str, hidden: str, output: str, loss: str,
                                           sizes: list[int], l2: float) -> None:
    rng = np.random.default_rng(7)
    net = api(base_url, "POST", "/api/networks", {"layer_sizes": sizes, "hidden_activation": hidden,
                                                   "output_activation": output, "loss": loss, "l2": l2, "seed": 9})
    x, y = make_data(sizes, output, 4, rng)
    open_page(page, base_url, net, x, y, "full", 1)
    press(page, "Backward")
    page.wait_for_selector(".neuron[data-layer='1'][data-delta]")
    ref = api(base_url, "POST", f"/api/networks/{net['id']}/backward", {"inputs": x.tolist(), "targets": y.tolist()})
    page.click("#btn-matrix")
    for l in range(1, len(sizes)):
        page.select_option("#matrix-layer", str(l))
        for theta in (False, True):
            page.locator("#matrix-theta").set_checked(theta)
            z_eq = page.locator(".matrix-eq[data-eq='z']")
            expect(z_eq).to_be_visible()
            for cell in z_eq.locator("mn[data-ref^='e:']").all():   # every weight, by its edge
                _, lay, k, j = (int(v) if i else v for i, v in enumerate(cell.get_attribute("data-ref").split(":")))
                assert float(cell.get_attribute("data-value")) == net["weights"][lay - 1][j][k]
            maths = z_eq.locator("math")
            assert values(maths.last.locator("mn[data-value]")) == ref["layers"][l]["z"][1]
            a_prev = [float(c.get_attribute("data-value")) for c in z_eq.locator(f"mn[data-ref^='n:{l - 1}:']").all()]
            assert a_prev == ref["layers"][l - 1]["a"][1]
            if theta:   # the bias column of Theta, with a_0 = 1
                assert z_eq.locator("mn.one").count() == 1
                assert values(z_eq.locator(f"mn[data-ref^='n:{l}:']"))[:sizes[l]] == net["biases"][l - 1]
        d_eq = page.locator(".matrix-eq[data-eq='delta']")
        assert values(d_eq.locator("math").last.locator("mn[data-value]")) == ref["layers"][l]["delta"][1]
        assert d_eq.locator("mtext.shape").last.text_content() == f"{sizes[l]} × 1"
        assert z_eq.locator("mtext.shape").first.text_content() == f"{sizes[l]} × {sizes[l - 1] + 1}"  # Theta


def test_step_shows_the_update_with_the_new_weight(page: Page, base_url: str, artifacts: Path) -> None:
    net = api(base_url, "POST", "/api/networks", {"layer_sizes": [2, 3, 1], "seed": 3, "l2": 0.1, "learning_rate": 0.7})
    x, y = np.array([[0.5, -1.0], [1.0, 0.25]]), np.array([[1.0], [0.0]])
    open_page(page, base_url, net, x, y, "one", 0)
    press(page, "Step")
    page.wait_for_function("() => document.querySelector('#inspector') !== null")
    expect(page.locator(".neuron[data-layer='1'][data-delta]").first).to_be_attached()
    select_edge(page, 1, 1, 2)
    after = api(base_url, "GET", f"/api/networks/{net['id']}")
    assert after["steps"] == 1
    update = page.locator("#inspector .insp-line[data-role='update'] mn[data-value]")
    old_w, alpha, grad, new_w = values(update)
    assert old_w == net["weights"][0][2][1] and alpha == 0.7
    assert new_w == after["weights"][0][2][1]
    assert old_w - alpha * grad == pytest.approx(new_w, rel=1e-12)
    settle(page)
    page.screenshot(path=str(artifacts / "inspector-step-1280.png"), full_page=True)


def test_gradient_check_ui(page: Page, base_url: str, artifacts: Path, console_errors: list[str]) -> None:
    net = api(base_url, "POST", "/api/networks", {"layer_sizes": [2, 4, 3, 1], "hidden_activation": "tanh", "seed": 2,
                                                   "l2": 0.05})
    x, y = np.array([[0.1, 0.9], [0.7, -0.4], [-1.2, 0.3]]), np.array([[1.0], [0.0], [1.0]])
    open_page(page, base_url, net, x, y, "full", 0)
    press(page, "Backward")
    page.click("#btn-gradient-check")
    expect(page.locator("#gradcheck-summary")).to_be_visible()
    ref = api(base_url, "POST", f"/api/networks/{net['id']}/gradient-check", {"inputs": x.tolist(), "targets": y.tolist()})
    shown_max = float(page.locator("#gradcheck-max").get_attribute("data-value"))
    assert shown_max == ref["max_relative_error"] and shown_max < 1e-6
    assert page.locator(".edge.gc-ok").count() == 2 * 4 + 4 * 3 + 3
    assert page.locator(".edge.gc-bad, .edge.gc-warn").count() == 0
    select_edge(page, 2, 3, 1)
    check = values(page.locator("#inspector .insp-section[data-role='check'] mn.api"))
    assert check == [ref["backprop"]["weights"][1][1][3], ref["numerical"]["weights"][1][1][3],
                     ref["relative_error"]["weights"][1][1][3]]
    assert check[2] < 1e-6
    settle(page)
    assert page.locator(".edge.gc-ok").count() == 2 * 4 + 4 * 3 + 3   # still coloured after the re-layout
    page.screenshot(path=str(artifacts / "inspector-gradient-check-1280.png"), full_page=True)
    page.click("#btn-matrix")
    page.locator("#matrix-theta").check()
    expect(page.locator(".matrix-eq[data-eq='delta']")).to_be_visible()
    assert console_errors == []


def test_saturation_warning(page: Page, base_url: str, artifacts: Path) -> None:
    rng = np.random.default_rng(1)
    sizes = [2, 5, 5, 5, 5, 1]
    weights = [(rng.choice([-1, 1], (n, p)) * rng.uniform(6, 9, (n, p))).tolist() for p, n in zip(sizes[:-1], sizes[1:])]
    biases = [[0.0] * n for n in sizes[1:]]
    x, y = np.array([[1.0, -1.0], [0.5, 1.0], [-1.0, 0.2]]), np.array([[0.0], [1.0], [1.0]])
    sat = api(base_url, "POST", "/api/networks", {"layer_sizes": sizes, "weights": weights, "biases": biases})
    open_page(page, base_url, sat, x, y, "full", 0)
    press(page, "Backward")
    warning = page.locator("#saturation-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Vanishing gradients")
    expect(warning).to_contain_text("σ′(z) ≤ 0.25")
    page.check("#show-gprime")
    expect(page.locator("#gprime-note")).to_contain_text("≤ 0.25")
    ref = api(base_url, "POST", f"/api/networks/{sat['id']}/forward", {"inputs": x.tolist()})
    shown = values(page.locator("text.gprime[data-layer='1']"))
    assert shown == ref["layers"][1]["g_prime"][0]
    assert page.locator("text.gprime").count() == sum(sizes[1:])
    # the worst layer named by the page is the one whose mean |delta| is smallest relative to the output's
    back = api(base_url, "POST", f"/api/networks/{sat['id']}/backward", {"inputs": x.tolist(), "targets": y.tolist()})
    means = [np.abs(np.array(layer["delta"])).mean() for layer in back["layers"][1:]]
    assert int(warning.get_attribute("data-layer")) == int(np.argmin(means[:-1])) + 1
    assert min(means[:-1]) / means[-1] <= 1e-2
    settle(page)
    page.screenshot(path=str(artifacts / "inspector-saturation-1280.png"), full_page=True)

    healthy = api(base_url, "POST", "/api/networks", {"layer_sizes": [2, 3, 1], "seed": 4})
    open_page(page, base_url, healthy, x, y, "full", 0)
    press(page, "Backward")
    page.wait_for_selector(".neuron[data-layer='1'][data-delta]")
    expect(warning).to_be_hidden()


def test_hover_links_symbols_and_drawing(page: Page, base_url: str, artifacts: Path) -> None:
    net = api(base_url, "POST", "/api/networks", {"layer_sizes": [2, 2, 1], "seed": 1})
    open_page(page, base_url, net, np.array([[0.0, 1.0], [1.0, 1.0]]), np.array([[1.0], [0.0]]), "one", 0)
    press(page, "Backward")
    select_edge(page, 2, 1, 0)
    page.wait_for_timeout(400)   # the panel opening re-lays the drawing out (150 ms after the resize)
    page.locator("#inspector [data-ref='e:2:1:0']").first.hover()
    expect(page.locator(".edge[data-layer='2'][data-from='1'][data-to='0']")).to_have_class(re.compile(r"\bhighlight\b"))
    page.locator("#inspector [data-ref='n:1:1']").first.hover()
    expect(page.locator(".neuron[data-layer='1'][data-neuron='1']")).to_have_class(re.compile(r"\bhighlight\b"))
    page.locator(".neuron[data-layer='2'][data-neuron='0']").hover(force=True)
    expect(page.locator("#inspector .hl[data-ref='n:2:0']").first).to_be_attached()
    page.set_viewport_size({"width": 390, "height": 844})
    settle(page)
    page.locator("#inspector").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "inspector-390.png"), full_page=True)
