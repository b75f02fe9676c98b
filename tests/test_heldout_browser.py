"""Issue 17 on the page, in Chromium: held-out samples and the test curve, feature inputs as
named input neurons, the regression value map, diagnosis beside the neurons (on the button and
when training stalls), and the textbook conventions in the form and the inspector. Expected
numbers come from the API (httpx) or from hand computation, never from the page's code."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import numpy as np
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
XOR = {"inputs": [[0, 0], [0, 1], [1, 0], [1, 1]], "targets": [[0], [1], [1], [0]]}


def api(base_url: str, method: str, path: str, body: dict | None = None, **params: object) -> dict:
    r = httpx.request(method, base_url + path, json=body, params=params or None, timeout=30)
    assert r.status_code < 300, r.text
    return r.json()


def open_page(page: Page, base_url: str, query: str = "") -> str:
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{base_url}/{query}")
    page.wait_for_selector("body[data-ready=true]", timeout=20_000)
    return parse_qs(urlparse(page.url).query)["network"][0]


def current_id(page: Page) -> str:
    return parse_qs(urlparse(page.url).query)["network"][0]


def wait_network(page: Page, base_url: str, check) -> dict:
    """Poll the API for the page's current network until check(net) holds."""
    for _ in range(100):
        net = api(base_url, "GET", f"/api/networks/{current_id(page)}")
        if check(net):
            return net
        page.wait_for_timeout(100)
    raise AssertionError(f"the page's network never satisfied the check: {net}")


def train_for(page: Page, ms: int) -> None:
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_timeout(ms)
    page.get_by_role("button", name="Pause", exact=True).click()
    expect(page.get_by_role("button", name="Train", exact=True)).to_be_visible()


def test_held_out_share_draws_a_test_curve(page: Page, base_url: str, artifacts: Path) -> None:
    open_page(page, base_url)
    page.select_option("#dataset", "moons")
    page.select_option("#test-share", "0.3")
    expect(page.locator("#surface-note")).to_contain_text("squares: test samples")
    train_for(page, 2500)
    label = page.locator("#cost-chart .current.test").text_content()
    shown = float(label.split()[-1])
    assert page.locator("#cost-chart .line.test").get_attribute("d").count("L") > 5
    # independently: the same split from the API, the stored network's cost on its test samples
    data = api(base_url, "GET", "/api/datasets/moons", samples=100, noise=0.1, seed=0, test_share=0.3)
    assert len(data["test_inputs"]) == 30 and len(data["inputs"]) == 70
    cost = api(base_url, "POST", f"/api/networks/{current_id(page)}/forward",
               {"inputs": data["test_inputs"], "targets": data["test_targets"]})["cost"]
    assert shown == pytest.approx(cost, rel=1e-3)
    page.screenshot(path=str(artifacts / "issue17-test-curve.png"), full_page=True)


def test_feature_inputs_are_named_input_neurons(page: Page, base_url: str) -> None:
    open_page(page, base_url)
    page.select_option("#dataset", "circle")
    page.locator("#features input[value='x1_sq']").check()
    wait_network(page, base_url, lambda n: n["layer_sizes"][0] == 3)
    page.locator("#features input[value='x2_sq']").check()
    net = wait_network(page, base_url, lambda n: n["layer_sizes"][0] == 4)
    expect(page.locator(".neuron-text[data-layer='0'] .input-name")).to_have_text(["x₁", "x₂", "x₁²", "x₂²"])
    # the page's sample line shows the feature columns the API computed for that sample
    data = api(base_url, "GET", "/api/datasets/circle", samples=100, noise=0.1, seed=0,
               features=["x1", "x2", "x1_sq", "x2_sq"])
    x1, x2, sq1, sq2 = data["inputs"][page.evaluate("Number(document.getElementById('sample').value)")]
    assert sq1 == pytest.approx(x1 * x1) and sq2 == pytest.approx(x2 * x2)
    assert net["layer_sizes"][-1] == 1


def test_regression_set_gets_a_linear_output_and_a_value_map(page: Page, base_url: str, artifacts: Path) -> None:
    open_page(page, base_url)
    page.select_option("#dataset", "bumps")
    net = wait_network(page, base_url, lambda n: n["output_activation"] == "linear")
    assert net["loss"] in ("mse", "sse")
    expect(page.locator("#surface-caption")).to_have_text("Value map: the output over the input plane")
    expect(page.locator("#surface-note")).to_contain_text("Value map: the output")
    page.screenshot(path=str(artifacts / "issue17-value-map.png"), full_page=True)


def test_why_stuck_marks_the_dead_neuron(page: Page, base_url: str, artifacts: Path) -> None:
    # z_1 = -x1 - x2 - 0.5 <= -0.5 on XOR's inputs: a dead ReLU (hand computation, as in test_diagnose)
    net = api(base_url, "POST", "/api/networks", {
        "layer_sizes": [2, 3, 1], "hidden_activation": "relu", "learning_rate": 0.5, "seed": 1,
        "weights": [[[1, 1], [-1, -1], [0.5, -0.5]], [[0.3, 0.3, 0.3]]], "biases": [[0, -0.5, 0], [0]]})
    open_page(page, base_url, f"?network={net['id']}&data=xor")
    page.get_by_role("button", name="Why stuck?").click()
    item = page.locator("#findings li[data-kind='dead_relu']")
    expect(item).to_contain_text("Dead ReLU")
    expect(item).to_contain_text("layer 2, neuron 2")     # the API's layer 1, neuron 1, as the page numbers them
    expect(item).to_contain_text("largest z −0.5")
    badges = page.locator(".finding-badge")
    expect(badges).to_have_count(1)
    assert (badges.get_attribute("data-layer"), badges.get_attribute("data-neuron")) == ("1", "1")
    # the badge sits beside that neuron's circle
    box, neuron = badges.bounding_box(), page.locator(".neuron[data-layer='1'][data-neuron='1'] .body").bounding_box()
    assert abs(box["x"] - neuron["x"]) < neuron["width"] and abs(box["y"] - neuron["y"]) < neuron["height"]
    assert api(base_url, "GET", f"/api/networks/{net['id']}")["weights"] == net["weights"]   # nothing changed
    page.screenshot(path=str(artifacts / "issue17-dead-relu.png"), full_page=True)


def test_stalled_training_says_why(page: Page, base_url: str, artifacts: Path) -> None:
    """The spiral with the default network: the cost stops falling near 0.118 and the page shows
    the diagnosis on its own, with the capacity hint."""
    open_page(page, base_url)
    page.select_option("#dataset", "spiral")
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.locator("#findings li[data-kind='needs_capacity']")).to_be_visible(timeout=40_000)
    page.get_by_role("button", name="Pause", exact=True).click()
    expect(page.locator("#findings .findings-head")).to_contain_text("The cost has stopped falling")
    expect(page.locator("#findings li[data-kind='needs_capacity']")).to_contain_text("add hidden neurons or a hidden layer")
    page.screenshot(path=str(artifacts / "issue17-stalled.png"), full_page=True)


def test_conventions_in_the_form_and_the_inspector(page: Page, base_url: str, artifacts: Path) -> None:
    open_page(page, base_url, "?data=xor&mode=full")
    page.locator("#conventions-box summary").click()
    page.select_option("#batch-reduction", "sum")
    net = wait_network(page, base_url, lambda n: n["batch_reduction"] == "sum")
    page.select_option("#loss", "sse")
    net = wait_network(page, base_url, lambda n: n["loss"] == "sse")
    assert net["batch_reduction"] == "sum"   # kept when the network is rebuilt
    page.evaluate("document.getElementById('speed').value = '4'")
    page.get_by_role("button", name="Forward", exact=True).click()
    page.get_by_role("button", name="Backward", exact=True).click()
    page.wait_for_selector(".neuron[data-layer='2'][data-delta]")
    page.locator(".edge[data-layer='2'][data-from='0'][data-to='0']").dispatch_event("click")
    page.keyboard.press("Escape")
    insp = page.locator("#inspector")
    expect(insp).to_contain_text("the sum over the m = 4 samples")
    expect(insp).to_contain_text("batch_reduction sum: no 1/m")
    # the sum line's result is the API's gradient: sum_i delta_i a_i, no 1/m
    back = api(base_url, "POST", f"/api/networks/{net['id']}/backward", XOR)
    want = back["gradients"]["weights"][1][0][0]
    total = [float(v) for v in insp.locator(".insp-line[data-role='total'] [data-value]").evaluate_all(
        "els => els.map(e => e.dataset.value)")]
    assert total[-1] == pytest.approx(want, rel=1e-12)
    deltas = np.array(back["layers"][2]["delta"])[:, 0]
    acts = np.array(back["layers"][1]["a"])[:, 0]
    assert want == pytest.approx(float((deltas * acts).sum()), rel=1e-12)
    # the output neuron's delta line: 2 (a - y) g'(z) for sse
    page.locator(".neuron[data-layer='2'][data-neuron='0']").dispatch_event("click")
    expect(insp).to_contain_text("squared error without ½ (sse)")
    page.screenshot(path=str(artifacts / "issue17-conventions.png"), full_page=True)


@pytest.mark.parametrize("width,height", [(1366, 768), (1024, 768), (390, 844)])
def test_issue17_views_fit_the_screen(page: Page, base_url: str, artifacts: Path, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    open_page(page, base_url)
    page.select_option("#dataset", "circle")
    page.select_option("#test-share", "0.5")
    page.locator("#features input[value='x1_sq']").check()
    wait_network(page, base_url, lambda n: n["layer_sizes"][0] == 3)
    page.get_by_role("button", name="Why stuck?").click()
    expect(page.locator("#findings")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"
    page.screenshot(path=str(artifacts / f"issue17-{width}.png"), full_page=True)


def test_overfitting_preset_opens_with_its_held_out_samples(page: Page, base_url: str) -> None:
    open_page(page, base_url)
    page.select_option("#preset", "overfitting")
    page.wait_for_url(re.compile(r"test=0\.5"), timeout=20_000)
    page.wait_for_selector("body[data-ready=true]", timeout=20_000)
    net = api(base_url, "GET", f"/api/networks/{current_id(page)}")
    assert net["layer_sizes"] == [2, 24, 24, 1]
    # the page's held-out samples are the preset's: its test cost before training is the API's on them
    doc = api(base_url, "GET", "/api/presets/overfitting")
    want = api(base_url, "POST", f"/api/networks/{net['id']}/forward",
               {"inputs": doc["data"]["test_inputs"], "targets": doc["data"]["test_targets"]})["cost"]
    expect(page.locator("#cost-chart .current.test")).to_have_text(re.compile(r"test "))
    assert float(page.locator("#cost-chart .current.test").text_content().split()[-1]) == pytest.approx(want, rel=1e-3)
