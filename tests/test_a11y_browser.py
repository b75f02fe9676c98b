"""Accessibility: axe-core's WCAG 2.0-2.2 A and AA rules find no violation on our pages, in the
states a student reaches (after each pass, inspector and matrix view open, a notice shown, the
CSV box asking for data, a phone-width screen, a practice answer checked, the story played).

axe-core is vendored under tests/vendor/axe-core (npm axe-core 4.14.1, MPL-2.0, with its
licences), so the test runs offline. /docs is excluded: it is the vendored Swagger UI, whose
React markup (operation rows that are buttons holding links, its colours) is Swagger's own, and
fixing it would mean patching that library; the rest of the pages are ours."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# axe files this WCAG 2.1 A rule (2.5.3 Label in Name) as experimental: it runs only when asked
EXTRA_RULES = {"label-content-name-mismatch": {"enabled": True}}


def violations(page: Page) -> list[str]:
    """axe.run over the whole document: one line per violated rule, with up to 3 of its nodes."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # evaluated through the DevTools protocol: the page's strict CSP forbids an inline script tag
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    found = page.evaluate("""async ([tags, rules]) => {
        const r = await axe.run(document, { runOnly: { type: "tag", values: tags }, rules, resultTypes: ["violations"] });
        return r.violations.map(v => `${v.id} (${v.impact}, ${v.nodes.length} nodes): ${v.help}: `
            + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
    }""", [TAGS, EXTRA_RULES])
    return found


def ready(page: Page, base_url: str, path: str) -> None:
    page.emulate_media(reduced_motion="reduce")
    page.goto(base_url + path)
    page.wait_for_selector("body[data-ready=true]", timeout=20_000)


def test_axe_finds_the_known_faults_it_is_asked_about(page: Page, base_url: str) -> None:
    # the check itself can fail: an aria-label on a bare <g> and a name without its visible text
    ready(page, base_url, "/")
    page.evaluate("""() => {
        const svg = document.getElementById("network");
        const g = document.createElementNS("http://www.w3.org/2000/svg", "g");
        g.setAttribute("aria-label", "weight"); svg.appendChild(g);
        const b = document.createElement("button"); b.textContent = "+ add hidden layer";
        b.setAttribute("aria-label", "add a hidden layer"); document.body.appendChild(b);
    }""")
    found = " ".join(violations(page))
    assert "aria-prohibited-attr" in found and "label-content-name-mismatch" in found


def test_the_lab_page_has_no_violation_in_any_state(page: Page, base_url: str) -> None:
    ready(page, base_url, "/")
    assert violations(page) == []
    for name in ("Forward", "Backward", "Step"):
        page.get_by_role("button", name=name, exact=True).click()
        page.wait_for_timeout(300)
        assert violations(page) == [], name
    page.locator(".neuron[data-layer='1'][data-neuron='0']").click()   # the inspector opens
    expect(page.locator("#inspector")).to_be_visible()
    assert violations(page) == []
    page.locator(".edge[data-layer='1']").first.focus()   # the weight's tooltip
    assert violations(page) == []
    page.get_by_role("button", name="Matrix view").click()
    assert violations(page) == []
    page.get_by_role("button", name="Gradient check").click()
    page.wait_for_timeout(500)
    assert violations(page) == []
    page.locator("#csv-box summary").click()
    page.fill("#csv", "1,2\n3,x")
    page.get_by_role("button", name="Use this data").click()
    expect(page.locator("#message")).to_contain_text("not a number")
    assert violations(page) == []


def test_the_lab_page_with_a_note_and_a_request_for_data_at_phone_width(page: Page, base_url: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    net = httpx.post(f"{base_url}/api/networks", json={"layer_sizes": [2, 3, 3], "output_activation": "softmax",
                                                     "loss": "cross_entropy", "seed": 3}).json()
    ready(page, base_url, f"/?network={net['id']}&n=2")
    expect(page.locator("#csv-note")).to_contain_text("paste CSV data")
    expect(page.locator("#message")).to_be_visible()
    assert violations(page) == []


@pytest.mark.parametrize("quiz", ["hidden_delta-7", "backprop_pseudocode-7"])   # numbers, and words chosen per blank
def test_the_practice_page_has_no_violation(page: Page, base_url: str, quiz: str) -> None:
    ready(page, base_url, f"/practice?q={quiz}")
    assert violations(page) == []
    for field in page.locator("#answer-fields input").all():
        field.fill("12345")
    for choice in page.locator("#answer-fields select").all():
        choice.select_option(index=1)
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#verdict")).to_be_visible()
    assert violations(page) == []
    for button in ("#give-up", "#all-steps"):   # the solution, then all its steps on the drawing
        if page.is_visible(button) and page.is_enabled(button):
            page.locator(button).click()
            page.wait_for_timeout(300)
            assert violations(page) == [], button


def test_the_story_page_has_no_violation(page: Page, base_url: str) -> None:
    ready(page, base_url, "/story")
    assert violations(page) == []
    for name in ("Learn AND", "Try XOR", "Build the 2-2-1 network", "Train with backprop"):
        page.get_by_role("button", name=name).click()
        page.wait_for_timeout(1500)
        assert violations(page) == [], name


def test_the_worksheet_page_has_no_violation(page: Page, base_url: str) -> None:
    doc = httpx.get(f"{base_url}/api/presets/lecture").json()
    nid = httpx.post(f"{base_url}/api/networks/import", json=doc).json()["network"]["id"]
    x, y = doc["data"]["inputs"][0], doc["data"]["targets"][0]
    ready(page, base_url, f"/worksheet?network={nid}&x={','.join(map(str, x))}&y={','.join(map(str, y))}")
    assert violations(page) == []
