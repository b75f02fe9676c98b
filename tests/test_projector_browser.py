"""The projector view at 1024x768 in headless Chromium: type sizes, nothing cut off or
overlapping (element boxes), the presenter's keys going through a pass layer by layer with
the API's numbers, and the toggles. Screenshots go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser
MIN_PX = 20


def open_projector(page: Page, base_url: str) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": 1024, "height": 768})
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{base_url}/?view=projector")
    page.wait_for_selector("body[data-ready=true]", timeout=20_000)
    return errors


def network_id(page: Page) -> str:
    return parse_qs(urlparse(page.url).query)["network"][0]


# Every visible element with its own text: [tag, text, effective px size, box]. SVG text is
# scaled by the drawing (rendered width / viewBox width), so its size on screen is computed.
TEXTS = """() => {
  const out = [];
  const visible = (e) => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const svg = document.getElementById('network');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  for (const e of document.querySelectorAll('#toolbar *, #formula-bar *, #readout *, #network text')) {
    const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !visible(e)) continue;
    const px = parseFloat(getComputedStyle(e).fontSize) * (e instanceof SVGElement ? scale : 1);
    const r = e.getBoundingClientRect();
    out.push([e.tagName, e.textContent.trim().slice(0, 40), px, [r.left, r.top, r.right, r.bottom]]);
  }
  return out;
}"""

BOXES = """(sel) => [...document.querySelectorAll(sel)].filter((e) => e.getBoundingClientRect().width > 0)
  .map((e) => { const r = e.getBoundingClientRect(); return [e.id || e.className.baseVal || e.className || e.tagName,
    [r.left, r.top, r.right, r.bottom]]; })"""


def overlap(a: list[float], b: list[float], slack: float = 0.5) -> bool:
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack


def inside(box: list[float], width: int = 1024, height: int = 768) -> bool:
    return box[0] >= -0.5 and box[1] >= -0.5 and box[2] <= width + 0.5 and box[3] <= height + 0.5


def test_large_type_and_nothing_cut_off_or_overlapping(page: Page, base_url: str, artifacts: Path) -> None:
    errors = open_projector(page, base_url)
    page.keyboard.press("f")
    page.wait_for_selector('#formula-bar[data-stages="3"]')
    for _ in range(2):
        page.keyboard.press("Space")
    page.wait_for_selector('#formula-bar[data-stage="2"]')
    page.screenshot(path=str(artifacts / "projector-1024x768-forward.png"))
    assert page.evaluate("document.body.classList.contains('projector')")
    assert not page.locator("#config").is_visible() and not page.locator(".top").is_visible()
    texts = page.evaluate(TEXTS)
    assert len(texts) > 20
    small = [t for t in texts if t[2] < MIN_PX - 0.01]
    assert not small, small
    # every value label (a number) is there and large: the whole network fits the screen
    labels = [t for t in texts if t[0] == "text" and t[1].startswith("a")]
    assert len(labels) == 2 + 4 + 1
    for _, text, _, box in texts:
        assert inside(box), (text, box)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1024
    # no two texts of the drawing overlap, nor the toolbar's buttons, nor the bands of the page
    svg_texts = [t for t in texts if t[0] == "text"]
    for i, a in enumerate(svg_texts):
        for b in svg_texts[i + 1:]:
            assert not overlap(a[3], b[3]), (a[1], b[1])
    buttons = page.evaluate(BOXES, "#toolbar button")
    assert len(buttons) == 7 and all(inside(b[1]) for b in buttons)
    for i, a in enumerate(buttons):
        for b in buttons[i + 1:]:
            assert not overlap(a[1], b[1]), (a[0], b[0])
    bands = page.evaluate(BOXES, "#toolbar, #formula-bar, #readout, #network")
    assert [b[0] for b in bands] == ["toolbar", "formula-bar", "readout", "network"]
    for i, a in enumerate(bands):
        assert inside(a[1]), a
        for b in bands[i + 1:]:
            assert not overlap(a[1], b[1]), (a[0], b[0])
    # the formula bar's lines are not clipped
    assert page.evaluate("[...document.querySelectorAll('#formula-bar > div')].every((d) => d.scrollWidth <= d.clientWidth)")
    assert not errors


def test_inspector_is_an_overlay_that_never_shrinks_the_network(page: Page, base_url: str, artifacts: Path) -> None:
    open_projector(page, base_url)
    page.keyboard.press("b")
    page.wait_for_selector('#formula-bar[data-stages="4"]')
    before = page.evaluate("document.getElementById('network').getBoundingClientRect().toJSON()")
    page.locator('.neuron[data-layer="1"][data-neuron="0"]').focus()  # by keyboard: focus, then Enter
    page.keyboard.press("Enter")
    page.wait_for_selector("#inspector:not([hidden])")
    page.screenshot(path=str(artifacts / "projector-1024x768-inspector.png"))
    after = page.evaluate("document.getElementById('network').getBoundingClientRect().toJSON()")
    assert after == before
    box = page.evaluate("document.getElementById('inspector').getBoundingClientRect().toJSON()")
    assert page.evaluate("getComputedStyle(document.getElementById('inspector')).position") == "fixed"
    assert inside([box["left"], box["top"], box["right"], box["bottom"]])
    sizes = page.evaluate("""() => [...document.querySelectorAll('#inspector *')].filter((e) =>
      [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()) && e.getBoundingClientRect().width > 0)
      .map((e) => [e.textContent.trim().slice(0, 30), parseFloat(getComputedStyle(e).fontSize)])""")
    assert sizes and min(s for _, s in sizes) >= MIN_PX - 0.01, [s for s in sizes if s[1] < MIN_PX]
    page.keyboard.press("Escape")
    page.wait_for_selector("#inspector", state="hidden")


def test_presenter_goes_layer_by_layer_with_the_apis_numbers(page: Page, base_url: str, artifacts: Path) -> None:
    open_projector(page, base_url)
    nid = network_id(page)
    bar = page.locator("#formula-bar")
    lit = lambda l: page.locator(f'.neuron.lit[data-layer="{l}"]').count()  # noqa: E731
    page.keyboard.press("f")
    page.wait_for_selector('#formula-bar[data-stages="3"]')
    assert bar.get_attribute("data-stage") == "0" and (lit(0), lit(1), lit(2)) == (2, 0, 0)
    page.keyboard.press("Space")
    page.wait_for_selector('#formula-bar[data-stage="1"]')
    assert (lit(1), lit(2)) == (4, 0)
    assert "z⁽²⁾ = W⁽²⁾ a⁽¹⁾ + b⁽²⁾" in bar.inner_text()
    data = httpx.get(f"{base_url}/api/datasets/xor").json()
    i = int(page.locator("#sample").input_value())  # the sample shown
    fwd = httpx.post(f"{base_url}/api/networks/{nid}/forward", json={"inputs": data["inputs"][i:i + 1]}).json()
    z2 = fwd["layers"][1]["z"][0]
    shown = page.locator(".formula-values").inner_text()
    for v in z2:  # the API's numbers, 4 significant digits
        assert f"{abs(v):.4g}" in shown, (v, shown)
    page.keyboard.press("ArrowRight")
    page.wait_for_selector('#formula-bar[data-stage="2"]')
    assert lit(2) == 1 and "done" in bar.inner_text()
    page.keyboard.press("ArrowRight")  # past the end: stays
    page.keyboard.press("ArrowLeft")
    page.wait_for_selector('#formula-bar[data-stage="1"]')
    assert (lit(1), lit(2)) == (4, 0)
    page.keyboard.press("b")
    page.wait_for_selector('#formula-bar[data-stages="4"]')
    assert "δ⁽³⁾" in bar.inner_text()
    for stage in range(1, 4):
        page.keyboard.press("Space")
        page.wait_for_selector(f'#formula-bar[data-stage="{stage}"]')
    assert page.locator(".edge-glow.on").count() == 2 * 4 + 4 * 1
    page.screenshot(path=str(artifacts / "projector-1024x768-backward.png"))
    page.keyboard.press("s")
    page.wait_for_selector('#formula-bar[data-stages="3"]')
    assert page.locator(".edge.changed").count() == 0
    page.keyboard.press("Space")
    page.wait_for_selector('#formula-bar[data-stage="1"]')
    changed = page.locator(".edge.changed")
    assert changed.count() >= 1 and all(changed.nth(i).get_attribute("data-layer") == "1" for i in range(changed.count()))
    assert "W⁽²⁾ ← W⁽²⁾ − α" in bar.inner_text()
    page.keyboard.press("n")  # another sample: the stage shown would be stale, so the bar starts over
    page.wait_for_selector('#formula-bar[data-stages="0"]')
    assert "F forward" in bar.inner_text() and page.locator('.neuron.lit[data-layer="2"]').count() == 1


def test_toggles_and_keys(page: Page, base_url: str) -> None:
    open_projector(page, base_url)
    page.keyboard.press("v")
    page.wait_for_selector("body:not(.projector)")
    assert "view=" not in page.url and not page.locator("#formula-bar").is_visible()
    assert page.locator("#config").is_visible()
    page.keyboard.press("f")  # the normal animation: every layer at once
    page.wait_for_selector('.neuron.lit[data-layer="2"]')
    assert page.locator(".neuron.lit").count() == 7
    page.keyboard.press("v")
    page.wait_for_selector("body.projector")
    assert "view=projector" in page.url and page.locator("#btn-projector").get_attribute("aria-pressed") == "true"
    page.keyboard.press("c")
    assert page.locator("#config").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#config").is_visible()
    with page.expect_popup() as popup:
        page.keyboard.press("w")
    sheet = popup.value
    sheet.wait_for_selector("body[data-ready=true]", timeout=20_000)
    query = parse_qs(urlparse(sheet.url).query)
    assert sheet.url.split("?")[0].endswith("/worksheet") and query["network"] == [network_id(page)]
    data = httpx.get(f"{base_url}/api/datasets/xor").json()
    i = int(page.locator("#sample").input_value())  # the sample shown
    assert query["x"] == [",".join(f"{v:g}" for v in data["inputs"][i])]
    assert query["y"] == [",".join(f"{v:g}" for v in data["targets"][i])]
    sheet.close()
