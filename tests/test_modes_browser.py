"""Exam practice, the XOR story and save/load in headless Chromium, end to end.

Expected values come from the API (httpx) or are computed here, never read from the page's code."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def watch_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def open_mode(page: Page, base_url: str, path: str) -> None:
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{base_url}{path}")
    page.wait_for_selector("body[data-ready=true]", timeout=20_000)


def expected_answer(base_url: str, quiz_id: str) -> float | list[float]:
    res = httpx.post(f"{base_url}/api/quizzes/{quiz_id}/answer", json={"value": None})
    assert res.status_code == 200
    return res.json()["expected"]


def score(page: Page) -> tuple[int, int]:
    s = page.locator("#score")
    return int(s.get_attribute("data-right")), int(s.get_attribute("data-tried"))


def type_answer(page: Page, value: float | list[float]) -> None:
    values = value if isinstance(value, list) else [value]
    fields = page.locator("#answer-fields input")
    expect(fields).to_have_count(len(values))
    for i, v in enumerate(values):
        fields.nth(i).fill(repr(v))
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#verdict")).to_be_visible()
    expect(page.locator("#verdict")).to_have_attribute("data-correct", re.compile("true|false"))


def test_practice_right_answer_scores_wrong_answer_shows_solution(page: Page, base_url: str, artifacts: Path) -> None:
    errors = watch_errors(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    open_mode(page, base_url, "/practice?q=hidden_delta-5")
    assert page.get_attribute("body", "data-quiz") == "hidden_delta-5"
    # the drawing is the question's network
    q = httpx.get(f"{base_url}/api/quizzes/hidden_delta-5").json()
    assert page.locator("#network .neuron").count() == sum(q["network"]["layer_sizes"])
    before = score(page)
    type_answer(page, expected_answer(base_url, "hidden_delta-5"))
    expect(page.locator("#verdict")).to_have_attribute("data-correct", "true")
    assert score(page) == (before[0] + 1, before[1] + 1)
    page.screenshot(path=str(artifacts / "practice-correct.png"), full_page=True)

    # a vector answer (a layer's activations), answered right
    page.select_option("#kind", "activations")
    page.get_by_role("button", name="New question").click()
    expect(page.locator("#verdict")).to_be_hidden()
    quiz_id = page.get_attribute("body", "data-quiz")
    assert quiz_id.startswith("activations-")
    type_answer(page, expected_answer(base_url, quiz_id))
    expect(page.locator("#verdict")).to_have_attribute("data-correct", "true")
    assert score(page) == (before[0] + 2, before[1] + 2)

    # a wrong answer: not scored, the solution appears and walks the drawing step by step
    page.select_option("#kind", "weight_gradient")
    page.get_by_role("button", name="New question").click()
    expect(page.locator("#verdict")).to_be_hidden()
    quiz_id = page.get_attribute("body", "data-quiz")
    right = expected_answer(base_url, quiz_id)
    type_answer(page, right + 1.0)
    expect(page.locator("#verdict")).to_have_attribute("data-correct", "false")
    assert score(page) == (before[0] + 2, before[1] + 3)
    expect(page.locator("#solution-box")).to_be_visible()
    steps = page.locator("#steps li")
    assert steps.count() == 4
    assert page.locator("#steps li:not([hidden])").count() == 1
    assert page.locator("#network .highlight").count() >= 1  # step 1 lights its neurons and edges
    page.get_by_role("button", name="Next step").click()
    assert page.locator("#steps li:not([hidden])").count() == 2
    page.get_by_role("button", name="All steps").click()
    assert page.locator("#steps li:not([hidden])").count() == 4
    # the last step ends with the API's answer (4 significant digits, a real minus sign)
    shown = page.locator("#steps li").last.locator(".nums").inner_text().rsplit("=", 1)[1].strip()
    assert float(shown.replace("−", "-")) == pytest.approx(right, rel=1e-3)
    page.screenshot(path=str(artifacts / "practice-solution.png"), full_page=True)
    # the score survives a reload (localStorage)
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert score(page) == (before[0] + 2, before[1] + 3)
    assert errors == []


def test_practice_and_story_at_phone_width(page: Page, base_url: str, artifacts: Path) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    open_mode(page, base_url, "/practice?q=weight_update-3")
    page.get_by_role("button", name="Show solution").click()
    expect(page.locator("#solution-box")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    page.screenshot(path=str(artifacts / "practice-phone.png"), full_page=True)
    open_mode(page, base_url, "/story")
    page.get_by_role("button", name="Build the 2-2-1 network").click()
    expect(page.locator("#heatmaps canvas")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    page.screenshot(path=str(artifacts / "story-phone.png"), full_page=True)


def test_story_perceptron_never_learns_xor_and_backprop_does(page: Page, base_url: str, artifacts: Path) -> None:
    errors = watch_errors(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    open_mode(page, base_url, "/story")
    expect(page.locator("#perceptron-summary")).to_have_attribute("data-outcome", "converged")  # AND first
    page.get_by_role("button", name="Learn OR").click()
    expect(page.locator("#perceptron-summary")).to_have_attribute("data-dataset", "or")
    expect(page.locator("#perceptron-summary")).to_have_attribute("data-outcome", "converged")
    page.get_by_role("button", name="Try XOR").click()
    expect(page.locator("#perceptron-summary")).to_have_attribute("data-dataset", "xor")
    expect(page.locator("#perceptron-summary")).to_have_attribute("data-outcome", "cycles")
    chart = page.locator("#perceptron-errors")
    assert chart.get_attribute("data-epochs") == "1000"
    bars = page.eval_on_selector_all("#perceptron-errors .bar", "els => els.map(e => Number(e.dataset.errors))")
    assert len(bars) == 1000 and min(bars) >= 1  # mistakes in every one of 1,000 epochs
    assert int(chart.get_attribute("data-min-errors")) == min(bars)
    assert page.locator("#perceptron-plane .wrong").count() >= 1  # the shown line gets a point wrong
    page.screenshot(path=str(artifacts / "story-perceptron.png"), full_page=True)

    page.get_by_role("button", name="Build the 2-2-1 network").click()
    expect(page.get_by_role("button", name="Train with backprop")).to_be_enabled()
    page.get_by_role("button", name="Train with backprop").click()
    expect(page.locator("#xor-cost")).to_have_attribute("data-epochs", "2000", timeout=60_000)
    assert float(page.get_attribute("#xor-cost", "data-cost")) < 0.01
    expect(page.locator("#heatmaps canvas")).to_have_count(3)
    page.screenshot(path=str(artifacts / "story-backprop.png"), full_page=True)
    assert errors == []


def test_save_then_load_gives_an_identical_network(page: Page, base_url: str, artifacts: Path, tmp_path: Path) -> None:
    errors = watch_errors(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    open_mode(page, base_url, "/")
    start = parse_qs(urlparse(page.url).query)["network"][0]
    page.select_option("#preset", "two-outputs")
    page.wait_for_url(lambda url: "network=" in url and start not in url)
    page.wait_for_selector("body[data-ready=true]")
    first = parse_qs(urlparse(page.url).query)["network"][0]
    original = httpx.get(f"{base_url}/api/networks/{first}").json()
    preset = httpx.get(f"{base_url}/api/presets/two-outputs").json()
    assert original["weights"] == preset["network"]["weights"] and original["layer_sizes"] == [2, 2, 2]
    page.get_by_role("button", name="Step").click()  # change it once, so steps = 1 must survive
    page.wait_for_function(f"fetch('/api/networks/{first}').then(r => r.json()).then(n => n.steps === 1)")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download JSON").click()
    saved_path = tmp_path / "saved.json"
    info.value.save_as(saved_path)
    doc = json.loads(saved_path.read_text())
    now = httpx.get(f"{base_url}/api/networks/{first}").json()
    assert doc["format"] == "backprop-lab/1" and doc["network"] == now and now["steps"] == 1
    assert doc["data"] == preset["data"]
    page.screenshot(path=str(artifacts / "saveload-before.png"), full_page=True)

    page.set_input_files("#load-file", str(saved_path))
    page.wait_for_url(lambda url: "network=" in url and first not in url)
    page.wait_for_selector("body[data-ready=true]")
    second = parse_qs(urlparse(page.url).query)["network"][0]
    loaded = httpx.get(f"{base_url}/api/networks/{second}").json()
    assert {**loaded, "id": ""} == {**now, "id": ""}  # weights, biases, settings, seed and steps
    assert page.locator(".neuron").count() == 6
    assert errors == []

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**doc, "network": {**doc["network"], "weights": [[[1.0]]]}}))
    page.set_input_files("#load-file", str(bad))
    expect(page.locator("#message")).to_be_visible()
    expect(page.locator("#message-text")).to_contain_text("weight matrices")
    notjson = tmp_path / "notjson.json"
    notjson.write_text("{oops")
    page.set_input_files("#load-file", str(notjson))
    expect(page.locator("#message-text")).to_contain_text("not JSON")
    assert parse_qs(urlparse(page.url).query)["network"][0] == second  # nothing was loaded
    page.screenshot(path=str(artifacts / "saveload-error.png"), full_page=True)
