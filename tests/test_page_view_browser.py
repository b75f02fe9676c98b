"""What the page draws agrees with itself (issue 16 items 2, 3, 4 and 6), in Chromium.

Expected numbers come from the API (httpx) or are worked out here, never from the page's code."""

from __future__ import annotations

import math
import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from test_browser import XOR_X, XOR_Y, api_network, network_id, open_page
from test_page_state_browser import instant, press

pytestmark = pytest.mark.browser


def inspect_edge(page: Page, l: int, k: int, j: int) -> None:
    page.locator(f".edge[data-layer='{l}'][data-from='{k}'][data-to='{j}']").dispatch_event("click")
    page.keyboard.press("Escape")   # the weight editor opens too
    expect(page.locator("#inspector .inspector-title")).to_contain_text("Weight")


def overflowing(page: Page, root: str) -> list[str]:
    """Maths under `root` that sticks out of the inspector panel, or is scrolled out of view."""
    return page.evaluate("""(root) => {
        const panel = document.querySelector('#inspector').getBoundingClientRect();
        const bad = [];
        for (const m of document.querySelectorAll(root + ' math')) {
            const r = m.getBoundingClientRect();
            if (r.left < panel.left - 0.5 || r.right > panel.right + 0.5) bad.push(m.textContent.slice(0, 40));
        }
        for (const line of document.querySelectorAll(root + ' .insp-line, ' + root + ' .matrix-eq')) {
            if (line.scrollWidth > line.clientWidth + 1) bad.push('scrolls: ' + line.textContent.slice(0, 40));
        }
        return bad;
    }""", root)


@pytest.mark.parametrize("width,height", [(1024, 768), (390, 844)])
def test_inspector_maths_wraps_and_the_drawing_keeps_its_width(page: Page, base_url: str, width: int,
                                                               height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    open_page(page, base_url)
    instant(page)
    before = page.locator("#network").bounding_box()["width"]
    press(page, "Forward")
    press(page, "Backward")
    page.wait_for_selector(".neuron[data-layer='2'][data-delta]")
    inspect_edge(page, 1, 0, 1)   # a hidden weight: the five-factor chain and the mean over 4 samples
    page.wait_for_selector("#inspector .insp-line[data-role='mean']")
    page.wait_for_timeout(400)   # the drawing is laid out again after the panel opened
    assert overflowing(page, "#inspector") == []
    after = page.locator("#network").bounding_box()["width"]
    assert after >= min(before, 0.5 * width) and after >= 340
    page.get_by_role("tab", name="Matrix view").click()
    page.select_option("#matrix-layer", "2")
    page.check("#matrix-theta")
    assert overflowing(page, "#inspector") == []


def test_matrix_view_of_the_output_layer_shows_its_bias_in_brackets(page: Page, base_url: str) -> None:
    page.set_viewport_size({"width": 1024, "height": 768})
    net_id = open_page(page, base_url)
    net = httpx.patch(f"{base_url}/api/networks/{net_id}", json={"biases": [[0.1, -0.2, 0.3, 0.4], [0.75]]}).json()
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    instant(page)
    press(page, "Forward")
    page.wait_for_selector(".neuron[data-layer='2'][data-a]")
    page.click("#btn-matrix")
    page.select_option("#matrix-layer", "2")
    z_eq = page.locator(".matrix-eq[data-eq='z']")
    bias = z_eq.locator("mn[data-ref='n:2:0']").first
    expect(bias).to_be_visible()
    assert float(bias.get_attribute("data-value")) == net["biases"][1][0] == 0.75
    assert "+" in z_eq.locator(".math-flow").nth(0).text_content()   # z = W a + b, written out
    assert overflowing(page, ".matrix-eq") == []
    # brackets: the side lines end in serifs (drawn as CSS gradients), not bare bars
    assert "linear-gradient" in page.eval_on_selector("mtable.mat", "t => getComputedStyle(t).backgroundImage")
    page.check("#matrix-theta")
    assert "\u00a0with\u00a0" in z_eq.text_content()   # "Θ a with a₀ = 1", not "witha0"


def test_step_shows_each_update_with_enough_digits_in_one_table(page: Page, base_url: str) -> None:
    net_id = open_page(page, base_url)
    before = api_network(base_url, net_id)
    grads = httpx.post(f"{base_url}/api/networks/{net_id}/backward",
                       json={"inputs": XOR_X, "targets": XOR_Y}).json()["gradients"]
    press(page, "Step")
    table = page.locator("#update-view")
    expect(table).to_be_visible()
    after = api_network(base_url, net_id)
    olds = [w for m in before["weights"] for r in m for w in r] + [b for v in before["biases"] for b in v]
    news = [w for m in after["weights"] for r in m for w in r] + [b for v in after["biases"] for b in v]
    gs = [w for m in grads["weights"] for r in m for w in r] + [b for v in grads["biases"] for b in v]
    rows = table.locator("tbody tr")
    assert rows.count() == len(olds) == 17
    for i in range(rows.count()):
        cells = [c.strip().replace("−", "-") for c in rows.nth(i).locator("td").all_inner_texts()]
        w, alpha, g, new = float(cells[0]), float(cells[2]), float(cells[4]), float(cells[6])
        assert float(rows.nth(i).locator("td.new").get_attribute("data-value")) == news[i]
        assert alpha == before["learning_rate"]
        assert w == pytest.approx(olds[i], rel=1e-3) and g == pytest.approx(gs[i], rel=1e-3)
        assert new == pytest.approx(news[i], rel=1e-3)
        if olds[i] != news[i]:
            assert cells[0] != cells[6]   # enough digits to see the change
            assert rows.nth(i).locator("td.new strong").inner_text() != ""   # the changed digits stand out
    stage = page.locator(".stage").bounding_box()
    box = table.bounding_box()
    assert box["x"] >= stage["x"] and box["x"] + box["width"] <= stage["x"] + stage["width"] + 0.5


def test_weight_editor_opens_on_a_readable_value(page: Page, base_url: str) -> None:
    net_id = open_page(page, base_url)
    w = api_network(base_url, net_id)["weights"][0][1][0]
    page.locator(".edge[data-layer='1'][data-from='0'][data-to='1']").dispatch_event("click")
    field = page.locator("#edge-editor-value")
    expect(field).to_be_focused()
    text = field.input_value()
    assert len(re.sub(r"[-.]", "", text).lstrip("0")) <= 6 and float(text) == pytest.approx(w, rel=1e-5)
    assert field.evaluate("f => f.scrollWidth <= f.clientWidth + 1")
    page.keyboard.press("Enter")   # unchanged: the weight keeps its full value
    page.wait_for_timeout(300)
    assert api_network(base_url, net_id)["weights"][0][1][0] == w


def test_cost_chart_axes_never_repeat_a_tick(page: Page, base_url: str) -> None:
    open_page(page, base_url)
    ticks = lambda: page.eval_on_selector_all("#cost-chart .tick", "ts => ts.map(t => t.textContent)")  # noqa: E731
    y_top, y_bottom, x_start, x_end = ticks()
    assert x_start != x_end
    press(page, "Step")
    page.wait_for_function("() => document.querySelector('#train-stats').textContent.includes('updates 1')")
    page.check("#log-scale")
    y_top, y_bottom, x_start, x_end = ticks()
    assert y_top != y_bottom and (x_start, x_end) == ("0", "1")


def test_a_message_moves_nothing_and_gradient_check_colours_are_in_the_legend(page: Page, base_url: str) -> None:
    open_page(page, base_url)
    y = page.locator("#network").bounding_box()["y"]
    page.locator("#csv-box summary").click()
    page.fill("#csv", "0,x,1")
    page.click("#csv-use")
    expect(page.locator("#message")).to_be_visible()
    assert page.locator("#network").bounding_box()["y"] == y
    page.click("#btn-gradient-check")
    expect(page.locator("#legend #gradcheck-key")).to_contain_text("agrees")
    page.get_by_role("button", name="Hide").click()
    expect(page.locator("#legend #gradcheck-key")).to_have_count(0)


def test_the_page_opens_on_a_sample_whose_input_weights_have_gradients(page: Page, base_url: str) -> None:
    net_id = open_page(page, base_url)
    expect(page.locator("#readout")).to_contain_text("x = (1, 1)")
    instant(page)
    press(page, "Forward")
    press(page, "Backward")
    page.wait_for_selector(".neuron[data-layer='2'][data-delta]")
    inspect_edge(page, 1, 0, 0)
    shown = float(page.locator("#inspector .insp-line[data-role='sample'] mn.num").last.get_attribute("data-value"))
    ref = httpx.post(f"{base_url}/api/networks/{net_id}/backward", json={"inputs": [XOR_X[3]], "targets": [XOR_Y[3]]})
    assert shown != 0 and shown == pytest.approx(ref.json()["gradients"]["weights"][0][0][0], rel=1e-12)


def test_practice_gives_a_hint_and_a_second_try(page: Page, base_url: str) -> None:
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{base_url}/practice?q=weight_gradient-3")
    page.wait_for_selector("body[data-ready=true]")
    right = httpx.post(f"{base_url}/api/quizzes/weight_gradient-3/answer", json={"value": None}).json()["expected"]
    tried = int(page.get_attribute("#score", "data-tried"))
    page.locator("#answer-fields input").fill(repr(right + 1.0))
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#verdict")).to_contain_text("Try again")
    assert "the answer is" not in page.inner_text("#verdict")
    expect(page.locator("#steps li:not([hidden])")).to_have_count(1)   # the hint
    expect(page.get_by_role("button", name="Check")).to_be_enabled()
    page.locator("#answer-fields input").fill(repr(right))
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#verdict")).to_have_attribute("data-correct", "true")
    assert int(page.get_attribute("#score", "data-tried")) == tried + 1   # one question, one try counted


def test_story_perceptron_lines_keep_clear_of_the_points(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/story")
    page.wait_for_selector("body[data-ready=true]")
    for dataset in ("Learn AND", "Learn OR", "Try XOR"):
        page.get_by_role("button", name=dataset).click()
        page.wait_for_timeout(300)
        last = int(page.get_attribute("#epoch", "max"))
        for epoch in range(1, min(last, 40) + 1):
            page.eval_on_selector("#epoch", "(s, v) => { s.value = v; s.dispatchEvent(new Event('input')); }", str(epoch))
            line = page.query_selector("#perceptron-plane line.line")
            if line is None:
                continue
            x1, y1, x2, y2 = (float(line.get_attribute(a)) for a in ("x1", "y1", "x2", "y2"))
            for p in page.query_selector_all("#perceptron-plane circle.point"):
                cx, cy, r = (float(p.get_attribute(a)) for a in ("cx", "cy", "r"))
                dist = abs((y2 - y1) * cx - (x2 - x1) * cy + x2 * y1 - y2 * x1) / math.hypot(x2 - x1, y2 - y1)
                assert dist > r, (dataset, epoch)


def test_training_counters_never_move_the_drawing_at_projector_width(page: Page, base_url: str) -> None:
    page.set_viewport_size({"width": 1024, "height": 768})
    open_page(page, base_url)
    y = page.locator("#network").bounding_box()["y"]
    press(page, "Train")
    page.wait_for_function("() => /updates\\/s/.test(document.querySelector('#train-stats').textContent)")
    assert page.locator("#network").bounding_box()["y"] == y
    press(page, "Pause")
    expect(page.get_by_role("button", name="Train")).to_be_visible(timeout=15_000)
    assert page.locator("#network").bounding_box()["y"] == y
