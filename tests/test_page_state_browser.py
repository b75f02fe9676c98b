"""The page never goes stale (issue 16 items 1, 5 and 10; issue 15's page part), in Chromium.

Expected numbers come from the API (httpx), never from the page's code."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from test_browser import XOR_X, XOR_Y, api_network, network_id, open_page

pytestmark = pytest.mark.browser


def instant(page: Page) -> None:
    page.evaluate("document.getElementById('speed').value = '4'")


def press(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def stats(page: Page) -> tuple[int, int]:
    text = page.inner_text("#train-stats")
    m = re.search(r"epochs (\d+) · updates (\d+)", text)
    assert m, text
    return int(m.group(1)), int(m.group(2))


def test_the_readout_follows_the_sample_after_forward_backward_and_n(page: Page, base_url: str) -> None:
    net_id = open_page(page, base_url)
    instant(page)
    page.select_option("#sample", "0")
    press(page, "Forward")
    page.wait_for_selector(".neuron[data-layer='2'][data-a]")
    press(page, "Backward")
    page.wait_for_selector(".neuron[data-layer='2'][data-delta]")
    page.locator("h1").click()
    page.keyboard.press("n")
    expect(page.locator("#readout")).to_contain_text("Sample #2 of 4: x = (0, 1)")
    ref = httpx.post(f"{base_url}/api/networks/{net_id}/backward", json={"inputs": XOR_X, "targets": XOR_Y}).json()
    expect(page.locator("#sample-cost")).to_have_attribute("data-value", repr(ref["sample_costs"][1]))
    assert float(page.get_attribute("#batch-cost", "data-value")) == pytest.approx(ref["cost"], abs=1e-15)


def test_a_csv_error_goes_once_good_data_is_used(page: Page, base_url: str) -> None:
    open_page(page, base_url)
    page.locator("#csv-box summary").click()
    page.fill("#csv", "0,0,0\n0,x,1")
    page.click("#csv-use")
    expect(page.locator("#message")).to_contain_text("not a number")
    page.fill("#csv", "0,0,0\n0,1,1\n1,0,1\n1,1,0\n0.5,0.5,1")
    page.click("#csv-use")
    expect(page.locator("#sample option")).to_have_count(5)
    expect(page.locator("#message")).to_be_hidden()


def test_a_notice_expires(page: Page, base_url: str) -> None:
    page.clock.install()
    open_page(page, base_url)
    press(page, "Reset")
    expect(page.locator("#message")).to_contain_text("fresh random initial weights")
    page.clock.fast_forward(9_000)
    expect(page.locator("#message")).to_be_hidden()


def test_reset_zeroes_the_counters_and_step_counts(page: Page, base_url: str) -> None:
    open_page(page, base_url)
    instant(page)
    press(page, "Train")
    page.wait_for_function("() => /epochs [1-9]/.test(document.querySelector('#train-stats').textContent)")
    press(page, "Pause")
    expect(page.get_by_role("button", name="Train")).to_be_visible(timeout=15_000)
    epochs, updates = stats(page)
    assert epochs > 0 and updates == api_network(base_url, network_id(page))["steps"] == epochs  # full batch
    first = network_id(page)
    press(page, "Reset")
    page.wait_for_function(f"() => !location.search.includes('{first}')")
    expect(page.locator("#train-stats")).to_have_text("epochs 0 · updates 0")
    press(page, "Step")
    expect(page.locator("#train-stats")).to_have_text("epochs 0 · updates 1")


def test_five_quick_presses_of_s_make_five_steps(page: Page, base_url: str) -> None:
    net_id = open_page(page, base_url)
    page.locator("h1").click()
    for _ in range(5):
        page.keyboard.press("s")
    expect(page.locator("#train-stats")).to_have_text("epochs 0 · updates 5", timeout=20_000)
    page.wait_for_timeout(300)   # a sixth update, if any, would land by now
    assert api_network(base_url, net_id)["steps"] == 5


def test_after_a_divergence_the_page_says_so_and_keeps_working(page: Page, base_url: str) -> None:
    # Issue 15's example: learning rate 1000 overflows within a few dozen epochs.
    body = {"layer_sizes": [1, 4, 1], "hidden_activation": "tanh", "output_activation": "linear",
            "learning_rate": 1000, "seed": 2}
    net = httpx.post(f"{base_url}/api/networks", json=body).json()
    probe = httpx.post(f"{base_url}/api/networks", json=body).json()
    answer = httpx.post(f"{base_url}/api/networks/{probe['id']}/train",
                        json={"inputs": [[1], [2], [3]], "targets": [[10], [20], [30]], "epochs": 60}).json()
    if "epochs_done" not in answer:
        pytest.skip("needs /train to report the epochs it did (issue 15, the API's part)")
    page.goto(base_url + "/")
    page.wait_for_selector("body[data-ready='true']")
    config = {"dataset": "custom", "csv": "1,10\n2,20\n3,30", "csvTargets": 1, "mode": "full", "sample": 0}
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [f"backprop-lab:config:{net['id']}", json.dumps(config)])
    page.goto(f"{base_url}/?network={net['id']}")
    page.wait_for_selector("body[data-ready='true']")
    instant(page)
    press(page, "Train")
    expect(page.locator("#message")).to_contain_text("Training stopped", timeout=30_000)
    expect(page.locator("#message")).to_contain_text("last good one")
    expect(page.get_by_role("button", name="Train")).to_be_visible()
    stored = api_network(base_url, net["id"])
    epochs, updates = stats(page)
    assert updates == stored["steps"] == epochs == answer["epochs_done"]   # full batch: one update per epoch
    for name, attr in (("Forward", "data-a"), ("Backward", "data-delta")):
        press(page, name)
        page.wait_for_selector(f".neuron[data-layer='2'][{attr}]")
    shown = float(page.get_attribute("#batch-cost", "data-value"))
    ref = httpx.post(f"{base_url}/api/networks/{net['id']}/forward",
                     json={"inputs": [[1], [2], [3]], "targets": [[10], [20], [30]]}).json()
    assert shown == ref["cost"] and shown == shown   # a number, the API's
    press(page, "Step")   # an update the API refuses (it would overflow again) is said, not stored
    page.wait_for_function("() => document.querySelector('#readout').textContent.includes('before the update') "
                           "|| !document.querySelector('#message').hidden")
    after = api_network(base_url, net["id"])
    assert stats(page)[1] == after["steps"]
