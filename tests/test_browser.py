"""The page at / in headless Chromium: what it draws and shows equals the API's numbers.

Expected values are fetched from the API with httpx (or computed with numpy from the API's
own gradients), never read back from the page's code."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import numpy as np
import pytest
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.browser

XOR_X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
XOR_Y = [[0.0], [1.0], [1.0], [0.0]]


def open_page(page: Page, base_url: str, query: str = "") -> str:
    """Load the page (animations off), wait until it has a network; return the network id."""
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{base_url}/{query}")
    page.wait_for_selector("body[data-ready=true]", timeout=20_000)
    return network_id(page)


def network_id(page: Page) -> str:
    return parse_qs(urlparse(page.url).query)["network"][0]


def api_network(base_url: str, net_id: str) -> dict:
    res = httpx.get(f"{base_url}/api/networks/{net_id}")
    assert res.status_code == 200
    return res.json()


def floats(page: Page, selector: str, attr: str) -> dict[tuple[int, int], float]:
    values = page.eval_on_selector_all(
        selector, f"els => els.map(e => [e.dataset.layer, e.dataset.neuron, e.getAttribute('{attr}')])")
    return {(int(l), int(j)): float(v) for l, j, v in values if v is not None}


def choose_sample(page: Page, index: int) -> None:
    page.select_option("#sample", str(index))


def test_page_loads_with_no_console_error_and_no_foreign_request(page: Page, base_url: str) -> None:
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    open_page(page, base_url)
    page.get_by_role("button", name="Forward").click()
    page.wait_for_selector(".neuron[data-layer='2'][data-a]")
    page.get_by_role("button", name="Backward").click()
    page.wait_for_selector(".neuron[data-layer='1'][data-delta]")
    assert errors == []
    assert requests and all(u.startswith(base_url + "/") for u in requests), requests
    assert any("/static/js/main.js" in u for u in requests)
    for name in ("Forward", "Backward", "Step", "Train", "Reset"):
        expect(page.get_by_role("button", name=name, exact=True)).to_be_visible()


CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "frame-ancestors 'none'")


def test_page_works_under_the_strict_content_security_policy(page: Page, base_url: str) -> None:
    """Served with the project's CSP, nothing is refused: no inline script or style attribute."""
    def with_csp(route: Route) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    page.route(lambda url: urlparse(url).path == "/", with_csp)
    page.add_init_script("window.__violations = [];"
                         "document.addEventListener('securitypolicyviolation', e => window.__violations.push("
                         "e.violatedDirective + ' ' + e.blockedURI));")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    open_page(page, base_url, "?data=circle&n=60")
    page.emulate_media(reduced_motion="no-preference")
    page.get_by_role("button", name="Forward").click()
    page.get_by_role("button", name="Backward").click()
    page.get_by_role("button", name="Step").click()
    page.wait_for_selector(".neuron[data-layer='1'][data-delta]")
    page.locator(".neuron[data-layer='1'][data-neuron='0']").hover()
    expect(page.locator("#tooltip")).to_be_visible()
    page.locator(".edge[data-layer='1'][data-from='0'][data-to='0']").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#edge-editor")).to_be_visible()
    page.keyboard.press("Escape")
    page.wait_for_timeout(2500)  # let the animations run through
    assert page.evaluate("window.__violations") == [] and errors == []
    assert page.locator("#surface-figure").is_visible()


def test_drawing_matches_the_network(page: Page, base_url: str) -> None:
    net = api_network(base_url, open_page(page, base_url))
    sizes = net["layer_sizes"]
    for l, n in enumerate(sizes):
        assert page.locator(f".neuron[data-layer='{l}']").count() == n
    edges = page.eval_on_selector_all(".edge", "els => els.map(e => [+e.dataset.layer, +e.dataset.from, +e.dataset.to, +e.dataset.w])")
    expected = {(l, k, j) for l in range(1, len(sizes)) for j in range(sizes[l]) for k in range(sizes[l - 1])}
    assert {(l, k, j) for l, k, j, _ in edges} == expected and len(edges) == len(expected)
    for l, k, j, w in edges:  # each edge carries the API's weight w_jk of the layer it feeds
        assert w == net["weights"][l - 1][j][k]


def test_forward_shows_the_api_activations(page: Page, base_url: str) -> None:
    net_id = open_page(page, base_url)
    choose_sample(page, 2)
    page.get_by_role("button", name="Forward").click()
    page.wait_for_selector(".neuron[data-layer='2'][data-a]")
    shown = floats(page, ".neuron", "data-a")
    api = httpx.post(f"{base_url}/api/networks/{net_id}/forward", json={"inputs": XOR_X, "targets": XOR_Y}).json()
    expected = {(l, j): v for l, layer in enumerate(api["layers"]) for j, v in enumerate(layer["a"][2])}
    assert shown.keys() == expected.keys()
    for key, v in expected.items():
        assert abs(shown[key] - v) <= 1e-12, key
    assert float(page.get_attribute("#batch-cost", "data-value")) == pytest.approx(api["cost"], abs=1e-12)
    expect(page.locator("#readout")).to_contain_text("Sample #3 of 4")


def test_backward_shows_the_api_deltas_and_targets(page: Page, base_url: str) -> None:
    net_id = open_page(page, base_url)
    page.select_option("#mode", "one")
    choose_sample(page, 1)
    page.get_by_role("button", name="Forward").click()
    page.wait_for_selector(".neuron[data-layer='2'][data-a]")
    page.get_by_role("button", name="Backward").click()
    page.wait_for_selector(".neuron[data-layer='2'][data-delta]")
    body = {"inputs": [XOR_X[1]], "targets": [XOR_Y[1]]}
    api = httpx.post(f"{base_url}/api/networks/{net_id}/backward", json=body).json()
    deltas = floats(page, ".neuron", "data-delta")
    expected = {(l, j): v for l, layer in enumerate(api["layers"]) if layer.get("delta")
                for j, v in enumerate(layer["delta"][0])}
    assert deltas.keys() == expected.keys() and (0, 0) not in deltas
    for key, v in expected.items():
        assert abs(deltas[key] - v) <= 1e-12, key
    targets = floats(page, ".neuron", "data-target")
    assert targets == {(2, 0): 1.0}
    assert float(page.get_attribute("#batch-cost", "data-value")) == pytest.approx(api["cost"], abs=1e-12)


def test_step_changes_the_stored_weights_exactly_once(page: Page, base_url: str) -> None:
    net_id = open_page(page, base_url)
    before = api_network(base_url, net_id)
    grads = httpx.post(f"{base_url}/api/networks/{net_id}/backward",
                       json={"inputs": XOR_X, "targets": XOR_Y}).json()["gradients"]
    page.get_by_role("button", name="Step").click()
    expect(page.locator("#readout")).to_contain_text("before the update")
    page.wait_for_timeout(500)  # any second, unwanted update would land by now
    after = api_network(base_url, net_id)
    assert after["steps"] == before["steps"] + 1
    lr = before["learning_rate"]
    for w0, g, w1 in zip(before["weights"], grads["weights"], after["weights"]):
        np.testing.assert_allclose(np.array(w1), np.array(w0) - lr * np.array(g), rtol=0, atol=1e-12)
    for b0, g, b1 in zip(before["biases"], grads["biases"], after["biases"]):
        np.testing.assert_allclose(np.array(b1), np.array(b0) - lr * np.array(g), rtol=0, atol=1e-12)
    # the drawing re-thickened to the new weights
    w = page.eval_on_selector(".edge[data-layer='1'][data-from='0'][data-to='0']", "e => +e.dataset.w")
    assert w == after["weights"][0][0][0]


def test_training_xor_drives_the_shown_cost_below_0_05(page: Page, base_url: str) -> None:
    open_page(page, base_url)
    page.fill("#learning-rate", "2")
    page.dispatch_event("#learning-rate", "change")
    page.wait_for_function("() => document.querySelector('#learning-rate').value === '2'")
    page.get_by_role("button", name="Train").click()
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    page.wait_for_function(
        "() => { const e = document.querySelector('#batch-cost'); return e && +e.dataset.value < 0.05; }",
        timeout=90_000)
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Train")).to_be_visible(timeout=15_000)
    net_id = network_id(page)
    net = api_network(base_url, net_id)
    assert net["learning_rate"] == 2 and net["steps"] > 0
    api = httpx.post(f"{base_url}/api/networks/{net_id}/forward", json={"inputs": XOR_X, "targets": XOR_Y}).json()
    shown = float(page.get_attribute("#batch-cost", "data-value"))
    assert shown == pytest.approx(api["cost"], abs=1e-12) and shown < 0.05
    expect(page.locator("#train-stats")).to_contain_text("updates/s")


def test_changing_the_architecture_redraws(page: Page, base_url: str) -> None:
    first = open_page(page, base_url)
    page.get_by_role("button", name="+ add hidden layer").click()
    page.wait_for_function(f"() => !location.search.includes('{first}')")
    page.wait_for_selector(".neuron[data-layer='3']")
    net = api_network(base_url, network_id(page))
    assert net["layer_sizes"] == [2, 4, 4, 1]
    assert page.locator(".neuron").count() == 11 and page.locator(".edge").count() == 8 + 16 + 4
    second = network_id(page)
    page.get_by_role("button", name="more neurons in layer 2").click()
    page.wait_for_function(f"() => !location.search.includes('{second}')")
    page.wait_for_function("() => document.querySelectorAll('.neuron').length === 12")
    assert api_network(base_url, network_id(page))["layer_sizes"] == [2, 5, 4, 1]
    third = network_id(page)
    page.select_option("#hidden-activation", "tanh")
    page.wait_for_function(f"() => !location.search.includes('{third}')")
    assert page.locator(".edge").count() == 10 + 20 + 4
    assert api_network(base_url, network_id(page))["hidden_activation"] == "tanh"


def test_invalid_combinations_are_prevented_and_explained(page: Page, base_url: str) -> None:
    open_page(page, base_url)
    assert page.is_disabled("#output-activation option[value='softmax']")  # XOR has one target column
    assert page.is_disabled("#loss option[value='cross_entropy']")
    first = network_id(page)
    page.select_option("#loss", "bce")
    page.wait_for_function(f"() => !location.search.includes('{first}')")
    page.select_option("#output-activation", "linear")
    expect(page.locator("#combo-note")).to_contain_text("Binary cross-entropy needs a sigmoid output")
    assert page.input_value("#loss") == "mse" and page.is_disabled("#loss option[value='bce']")
    page.locator("#csv-box summary").click()
    page.fill("#csv", "a,b,c\n1,2,3\n4,x,6")
    page.get_by_role("button", name="Use this data").click()
    expect(page.locator("#message")).to_contain_text('Line 3, column 2: "x" is not a number')
    page.fill("#csv", "0,0,1,0\n0,1,0,1\n1,0,0,1\n1,1,1,0")
    page.fill("#csv-targets", "2")
    page.get_by_role("button", name="Use this data").click()
    page.wait_for_function("() => document.querySelectorAll(\".neuron[data-layer='2']\").length === 2")
    assert not page.is_disabled("#output-activation option[value='softmax']")
    csv_net = network_id(page)
    page.select_option("#output-activation", "softmax")
    page.wait_for_function(f"() => !location.search.includes('{csv_net}')")
    assert not page.is_disabled("#loss option[value='cross_entropy']") and page.is_disabled("#loss option[value='bce']")
    before = network_id(page)
    page.select_option("#loss", "cross_entropy")
    page.wait_for_function(f"() => !location.search.includes('{before}')")
    net = api_network(base_url, network_id(page))
    assert (net["output_activation"], net["loss"], net["layer_sizes"][-1]) == ("softmax", "cross_entropy", 2)


def test_reload_keeps_the_network_and_the_configuration(page: Page, base_url: str) -> None:
    net_id = open_page(page, base_url)
    page.select_option("#mode", "one")
    choose_sample(page, 3)
    page.get_by_role("button", name="Step").click()
    expect(page.locator("#readout")).to_contain_text("before the update")
    net = api_network(base_url, net_id)
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert network_id(page) == net_id
    assert page.input_value("#mode") == "one" and page.input_value("#sample") == "3"
    edges = page.eval_on_selector_all(".edge", "els => els.map(e => [+e.dataset.layer, +e.dataset.from, +e.dataset.to, +e.dataset.w])")
    for l, k, j, w in edges:
        assert w == net["weights"][l - 1][j][k]
    assert api_network(base_url, net_id) == net  # loading changed nothing


def test_a_missing_network_starts_a_fresh_one_and_says_so(page: Page, base_url: str) -> None:
    open_page(page, base_url, "?network=no-such-network")
    expect(page.locator("#message")).to_contain_text("no longer exists")
    assert network_id(page) != "no-such-network"
    assert page.locator(".neuron").count() == 7


def test_editing_a_weight_patches_it(page: Page, base_url: str) -> None:
    net_id = open_page(page, base_url)
    page.locator(".edge[data-layer='2'][data-from='1'][data-to='0']").focus()
    expect(page.locator("#tooltip")).to_contain_text("w₁₂⁽³⁾")
    page.keyboard.press("Enter")
    page.fill("#edge-editor-value", "-1.25")
    page.get_by_role("button", name="Set weight").click()
    page.wait_for_function("() => document.querySelector(\".edge[data-layer='2'][data-from='1'][data-to='0']\").dataset.w === '-1.25'")
    assert api_network(base_url, net_id)["weights"][1][0][1] == -1.25


def test_keyboard_shortcuts_run_the_passes(page: Page, base_url: str) -> None:
    open_page(page, base_url)
    page.keyboard.press("f")
    page.wait_for_selector(".neuron[data-layer='2'][data-a]")
    page.keyboard.press("b")
    page.wait_for_selector(".neuron[data-layer='2'][data-delta]")
    expect(page.locator(".keys")).to_contain_text("Train / Pause")


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_layout_at_desktop_and_phone_width(page: Page, base_url: str, artifacts: Path, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    open_page(page, base_url, "?data=moons&n=80")
    page.get_by_role("button", name="Forward").click()
    page.wait_for_selector(".neuron[data-layer='2'][data-a]")
    page.get_by_role("button", name="Backward").click()
    page.wait_for_selector(".neuron[data-layer='2'][data-delta]")
    page.screenshot(path=str(artifacts / f"page-{width}x{height}.png"), full_page=True)
    page.screenshot(path=str(artifacts / f"page-{width}x{height}-viewport.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing sticks out sideways
    svg = page.locator("#network").bounding_box()
    assert svg is not None and svg["x"] >= 0 and svg["x"] + svg["width"] <= width
    for name in ("Forward", "Backward", "Step", "Train", "Reset"):
        box = page.get_by_role("button", name=name, exact=True).bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
    assert re.search(r"Sample #1 of 80", page.inner_text("#readout"))


def test_reset_gives_new_weights_or_the_same_seed_again(page: Page, base_url: str) -> None:
    first = open_page(page, base_url)
    start = api_network(base_url, first)
    page.get_by_role("button", name="Step").click()
    expect(page.locator("#readout")).to_contain_text("before the update")
    page.check("#same-seed")
    page.get_by_role("button", name="Reset").click()
    page.wait_for_function(f"() => !location.search.includes('{first}')")
    again = api_network(base_url, network_id(page))
    assert (again["seed"], again["weights"], again["steps"]) == (start["seed"], start["weights"], 0)
    expect(page.locator("#message")).to_contain_text("same seed")
    page.uncheck("#same-seed")
    second = network_id(page)
    page.locator("h1").click()  # shortcuts are off while a form field has the focus
    page.keyboard.press("r")
    page.wait_for_function(f"() => !location.search.includes('{second}')")
    fresh = api_network(base_url, network_id(page))
    assert fresh["layer_sizes"] == start["layer_sizes"] and fresh["weights"] != start["weights"]
    assert page.locator(".neuron[data-a]").count() == 0  # a fresh network shows no stale numbers
