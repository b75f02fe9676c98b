"""Links and pasted data that used to leave the page dead or wrong (issue 16, items 7-9), and the
page and the API refusing the same network settings. Limits are read from the API's own
/openapi.json here too; expected costs come from the API (httpx) or from the worked example."""

from __future__ import annotations

import itertools
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def open_page(page: Page, base_url: str, query: str = "") -> list[str]:
    """Load the page (animations off) until it is ready; return the console and page errors."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{base_url}/{query}")
    page.wait_for_selector("body[data-ready=true]", timeout=20_000)
    return errors


def query(page: Page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def dataset_limits(base_url: str) -> dict[str, dict]:
    params = httpx.get(f"{base_url}/openapi.json").json()["paths"]["/api/datasets/{name}"]["get"]["parameters"]
    return {p["name"]: p["schema"] for p in params}


def create(base_url: str, **body: object) -> dict:
    r = httpx.post(f"{base_url}/api/networks", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def forward_works(page: Page, base_url: str) -> float:
    """Press Forward: the readout shows the batch cost the API computes for the page's batch."""
    page.get_by_role("button", name="Forward", exact=True).click()
    cost = page.locator("#batch-cost")
    expect(cost).to_be_visible()
    expect(page.locator("#message")).not_to_contain_text("Cannot read")
    return float(cost.get_attribute("data-value"))

# Which link settings the API's schema bounds, and under which name there.
SCHEMA_NAME = {"n": "samples", "noise": "noise", "test": "test_share"}


def expect_fallback_note(page: Page, base_url: str, link: str, param: str, default: str) -> None:
    """The note names the bad value and the default used (and the API's own range where the
    schema states one); the link then holds the default."""
    bad = parse_qs(link[1:])[param][0]
    note = page.locator("#message")
    expect(note).to_contain_text(f"This link's {param}={bad}")
    expect(note).to_contain_text(f"using {param}={default}")
    if param in SCHEMA_NAME:
        limits = dataset_limits(base_url)[SCHEMA_NAME[param]]
        expect(note).to_contain_text(f"from {limits['minimum']:g} to {limits['maximum']:g}")
    assert query(page)[param] == default


@pytest.mark.parametrize("link,param,default", [
    ("?data=moons&n=2", "n", "100"),
    ("?data=nosuch", "data", "xor"),
    ("?data=moons&n=100000", "n", "100"),
    ("?data=moons&noise=5", "noise", "0.1"),
    ("?data=moons&n=12.5", "n", "100"),
    ("?data=moons&mode=sideways", "mode", "full"),
    ("?data=moons&mode=mini&batch=0", "batch", "8"),
    ("?data=moons&sample=-3", "sample", "0"),
])
def test_a_bad_link_setting_falls_back_to_its_default_with_a_note(
        page: Page, base_url: str, link: str, param: str, default: str) -> None:
    errors = open_page(page, base_url, link)
    expect_fallback_note(page, base_url, link, param, default)
    data = httpx.get(f"{base_url}/api/datasets/{query(page)['data']}",
                     params={"samples": query(page)["n"], "noise": query(page)["noise"], "seed": 0}).json()
    net = query(page)["network"]
    if query(page)["mode"] == "full":
        expected = httpx.post(f"{base_url}/api/networks/{net}/forward",
                              json={"inputs": data["inputs"], "targets": data["targets"]}).json()["cost"]
        assert forward_works(page, base_url) == pytest.approx(expected, rel=1e-12)
    else:
        forward_works(page, base_url)
    assert errors == []


def test_good_link_settings_are_kept_without_a_note(page: Page, base_url: str) -> None:
    open_page(page, base_url, "?data=moons&n=10000&noise=1&mode=mini&batch=10000&sample=9999")
    q = query(page)
    assert (q["data"], q["n"], q["noise"], q["mode"], q["batch"], q["sample"]) == ("moons", "10000", "1", "mini", "10000", "9999")
    expect(page.locator("#message")).to_be_hidden()


@pytest.mark.parametrize("link,param,default", [
    ("?data=moons&test=0.95", "test", "0"),            # beyond the API's test_share maximum (0.9)
    ("?data=moons&test=half", "test", "0"),
    ("?data=moons&feat=x1,x3", "feat", "x1,x2"),       # x3: not a feature input moons offers
    ("?data=moons&feat=x1,x1", "feat", "x1,x2"),       # each feature once
    ("?data=moons&shuffle=maybe", "shuffle", "true"),
])
def test_a_bad_held_out_feature_or_shuffle_setting_falls_back_with_a_note(
        page: Page, base_url: str, link: str, param: str, default: str) -> None:
    errors = open_page(page, base_url, link)
    expect_fallback_note(page, base_url, link, param, default)
    expect(page.locator(".neuron[data-layer='0']")).to_have_count(2)
    forward_works(page, base_url)
    assert errors == []


def test_a_bad_view_is_ignored_with_a_note_and_good_new_settings_are_kept(page: Page, base_url: str) -> None:
    errors = open_page(page, base_url, "?data=moons&view=cinema")
    expect(page.locator("#message")).to_contain_text("This link's view=cinema is not projector; ignoring it.")
    assert "view" not in query(page)
    expect(page.locator("body")).not_to_have_class("projector")
    page.goto(f"{base_url}/?data=moons&test=0.2&feat=x1,x2,x1_sq&shuffle=false&view=projector")
    page.wait_for_selector("body[data-ready=true]", timeout=20_000)
    q = query(page)
    assert (q["test"], q["feat"], q["shuffle"], q["view"]) == ("0.2", "x1,x2,x1_sq", "false", "projector")
    expect(page.locator("#message")).to_be_hidden()
    expect(page.locator("body")).to_have_class("projector")
    expect(page.locator(".neuron[data-layer='0']")).to_have_count(3)   # one input neuron per feature
    assert errors == []


MAZUR = {"layer_sizes": [2, 2, 2], "weights": [[[0.15, 0.2], [0.25, 0.3]], [[0.4, 0.45], [0.5, 0.55]]],
         "biases": [[0.35, 0.35], [0.6, 0.6]], "learning_rate": 0.5}


@pytest.mark.parametrize("body,csv,cost", [
    # Matt Mazur's worked example: E_total = 0.298371109 for x = (0.05, 0.10), y = (0.01, 0.99)
    (MAZUR, "0.05,0.10,0.01,0.99", 0.298371109),
    ({"layer_sizes": [2, 3, 3], "output_activation": "softmax", "loss": "cross_entropy", "seed": 3},
     "0,0,1,0,0\n0,1,0,1,0\n1,0,0,0,1\n1,1,1,0,0", None),
])
def test_a_linked_network_of_other_widths_is_kept_and_asks_for_data_that_fits(
        page: Page, base_url: str, body: dict, csv: str, cost: float | None) -> None:
    net = create(base_url, **body)
    n_in, n_out = net["layer_sizes"][0], net["layer_sizes"][-1]
    errors = open_page(page, base_url, f"?network={net['id']}&data=moons")
    assert query(page)["network"] == net["id"]   # kept, not replaced by a new network
    edges = page.eval_on_selector_all(".edge", "els => els.map(e => [+e.dataset.layer, +e.dataset.from, +e.dataset.to, +e.dataset.w])")
    assert len(edges) == sum(a * b for a, b in zip(net["layer_sizes"], net["layer_sizes"][1:]))
    for l, k, j, w in edges:
        assert w == net["weights"][l - 1][j][k]
    ask = f"paste CSV data with {n_in + n_out} columns per line ({n_in} inputs, then {n_out} targets)"
    expect(page.locator("#csv-note")).to_contain_text(ask)
    expect(page.locator("#hint")).to_contain_text(ask)
    assert page.locator("#csv-box").get_attribute("open") is not None
    assert page.input_value("#csv-targets") == str(n_out)
    assert page.input_value("#output-activation") == net["output_activation"]
    page.get_by_role("button", name="Forward", exact=True).click()   # no data yet: it says what to do
    expect(page.locator("#message")).to_contain_text(ask)
    page.fill("#csv", csv)
    page.get_by_role("button", name="Use this data").click()
    got = forward_works(page, base_url)
    assert query(page)["network"] == net["id"]
    rows = [[float(v) for v in line.split(",")] for line in csv.splitlines()]
    expected = httpx.post(f"{base_url}/api/networks/{net['id']}/forward",
                          json={"inputs": [r[:n_in] for r in rows], "targets": [r[n_in:] for r in rows]}).json()["cost"]
    assert got == pytest.approx(expected, rel=1e-12)
    if cost is not None:
        assert got == pytest.approx(cost, abs=1e-9)
    assert errors == []


def test_a_linked_network_whose_data_is_gone_gets_a_built_in_set_of_its_widths(page: Page, base_url: str) -> None:
    net = create(base_url, layer_sizes=[2, 3, 1], hidden_activation="tanh", seed=5)
    open_page(page, base_url, f"?network={net['id']}&data=custom")   # pasted data not in this browser
    assert query(page)["network"] == net["id"] and query(page)["data"] == "xor"
    expect(page.locator("#message")).to_contain_text("showing the data set “xor”, which fits it")
    expected = httpx.post(f"{base_url}/api/networks/{net['id']}/forward",
                          json={"inputs": [[0, 0], [0, 1], [1, 0], [1, 1]], "targets": [[0], [1], [1], [0]]}).json()["cost"]
    assert forward_works(page, base_url) == pytest.approx(expected, rel=1e-12)


def paste(page: Page, text: str, targets: int = 1) -> None:
    if page.locator("#csv-box").get_attribute("open") is None:
        page.locator("#csv-box summary").click()
    page.fill("#csv", text)
    page.fill("#csv-targets", str(targets))
    page.get_by_role("button", name="Use this data").click()


@pytest.mark.parametrize("text,says", [
    ("0,0,0\n\n# note\n0,x,1", 'Line 4, column 2: "x" is not a number'),
    ("0,0,O\n1,1,1", 'Line 1, column 3: "O" is not a number'),
    ("0x10,1\n1,0", 'Line 1, column 1: "0x10" is not a number'),
    ("0,1\n0b11,1", 'Line 2, column 1: "0b11" is not a number'),
    ("1e308,0,0\n1,1,1", 'Line 1, column 1: "1e308" is out of range: the network takes values from −1e12 to 1e12.'),
])
def test_pasted_csv_mistakes_name_the_physical_line(page: Page, base_url: str, text: str, says: str) -> None:
    open_page(page, base_url)
    before = query(page)["network"]
    paste(page, text)
    expect(page.locator("#message")).to_contain_text(says)
    assert page.locator("#csv").get_attribute("aria-invalid") == "true"
    assert query(page)["network"] == before and query(page)["data"] == "xor"   # nothing changed


def test_pasted_csv_reads_decimal_commas_quotes_and_a_header(page: Page, base_url: str) -> None:
    open_page(page, base_url)
    paste(page, "0,5;1,5;1\n-0,25;2;0")
    expect(page.locator("#message")).to_contain_text("decimal mark")
    expect(page.locator("#sample option")).to_have_text(["#1: x = (0.5, 1.5), y = (1)", "#2: x = (−0.25, 2), y = (0)"])
    paste(page, 'x1,x2,y\n"0","1","1"\n"1","0","0"')
    expect(page.locator("#sample option")).to_have_text(["#1: x = (0, 1), y = (1)", "#2: x = (1, 0), y = (0)"])
    assert query(page)["data"] == "custom"
    forward_works(page, base_url)


def test_every_message_is_capped_to_a_readable_length(page: Page, base_url: str) -> None:
    open_page(page, base_url)
    paste(page, "1," + "9" * 5000 + ",1")
    text = page.locator("#message-text").text_content()
    assert "is out of range" in text and len(text) < 200
    paste(page, "1,2," + "x" * 5000)
    text = page.locator("#message-text").text_content()
    assert "is not a number" in text and len(text) < 200


def test_a_link_with_every_setting_bad_still_gives_one_short_note_and_a_network(page: Page, base_url: str) -> None:
    errors = open_page(page, base_url, "?data=" + "z" * 300 + "&n=-1&noise=NaN&mode=x&batch=1e9&sample=abc")
    text = page.locator("#message-text").text_content()
    assert text.startswith("This link's data=zzzzzzzzzzzzzzzzzzzzzzzz… names no data set here") and len(text) <= 300
    q = query(page)
    assert (q["data"], q["n"], q["noise"], q["mode"], q["batch"]) == ("xor", "100", "0.1", "full", "8")
    forward_works(page, base_url)
    assert errors == []


def test_the_page_and_the_api_refuse_the_same_network_settings(page: Page, base_url: str) -> None:
    open_page(page, base_url)
    outputs, losses = ["sigmoid", "linear", "softmax"], ["mse", "bce", "cross_entropy"]
    cases = list(itertools.product(outputs, losses, [1, 2, 3]))
    page_says = page.evaluate("""async (cases) => {
        const { comboProblem } = await import("/static/js/data.js");
        const rules = await (await fetch("/api/rules")).json();
        return cases.map(([o, l, n]) => comboProblem(rules, o, l, n));
    }""", cases)
    for (output, loss, n), problem in zip(cases, page_says):
        r = httpx.post(f"{base_url}/api/networks",
                       json={"layer_sizes": [2, 3, n], "output_activation": output, "loss": loss, "seed": 1})
        assert (r.status_code == 422) == (problem is not None), (output, loss, n, problem, r.text)
