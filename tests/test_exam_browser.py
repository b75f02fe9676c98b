"""The new exam practice in the browser: the pseudocode answered with a select per blank and
marked blank by blank; the regression presets' inspector showing regression's dC/dw."""

from __future__ import annotations

import httpx
import numpy as np
import pytest
from playwright.sync_api import Page

from exam_reference import exam_answer

pytestmark = pytest.mark.browser


def ready(page: Page, url: str) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.emulate_media(reduced_motion="reduce")
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]", timeout=20_000)
    return errors


def test_pseudocode_blanks_are_selects_marked_one_by_one(page: Page, base_url: str) -> None:
    errors = ready(page, f"{base_url}/practice?q=backprop_pseudocode-3")
    q = httpx.get(f"{base_url}/api/quizzes/backprop_pseudocode-3").json()
    right = [int(v) for v in exam_answer(q)]
    selects = page.locator("select.answer-choice")
    assert selects.count() == len(right)
    assert page.locator(".given .blank-line").count() == len(right)
    page.click("#check")  # nothing chosen yet: says so, sends nothing
    assert "Choose a step for blank 1" in page.locator("#message").inner_text()
    wrong = next(c for c in range(1, len(q["choices"]) + 1) if c not in right)
    page.select_option("select.answer-choice >> nth=0", str(wrong))
    for i, c in enumerate(right[1:], 1):
        page.select_option(f"select.answer-choice >> nth={i}", str(c))
    page.click("#check")
    page.wait_for_selector("#verdict:not([hidden])")
    assert page.locator("#verdict").get_attribute("data-correct") == "false"
    assert f"choice {wrong} is wrong" in page.locator("#verdict").inner_text()
    marks = [selects.nth(i).get_attribute("data-mark") for i in range(len(right))]
    assert marks == ["wrong"] + ["right"] * (len(right) - 1)
    assert not errors


@pytest.mark.parametrize("name", ["linear-regression", "logistic-regression"])
def test_regression_presets_show_regressions_gradient(page: Page, base_url: str, name: str) -> None:
    errors = ready(page, f"{base_url}/")
    page.select_option("#preset", name)
    page.wait_for_function("() => new URL(location.href).searchParams.get('data') === 'custom'")
    doc = httpx.get(f"{base_url}/api/presets/{name}").json()
    page.keyboard.press("b")
    page.wait_for_selector('.neuron.lit[data-layer="1"]')
    page.locator('.edge[data-layer="1"]').focus()
    page.keyboard.press("Enter")  # selects the weight: the inspector derives its gradient
    page.keyboard.press("Escape")  # and closes the weight editor, should one have opened
    total = page.locator('#inspector .insp-line[data-role="total"] .num.api')
    total.first.wait_for()
    x = np.array(doc["data"]["inputs"])[:, 0]
    y = np.array(doc["data"]["targets"])[:, 0]
    w, b = doc["network"]["weights"][0][0][0], doc["network"]["biases"][0][0]
    h = w * x + b if name == "linear-regression" else 1 / (1 + np.exp(-(w * x + b)))
    want = float(np.mean((h - y) * x))  # dC/dw = 1/m sum (h - y) x, for both regressions
    shown = float(total.first.get_attribute("data-value"))
    assert shown == pytest.approx(want, rel=1e-9)
    assert not errors
