"""The printable worksheet page in headless Chromium: the API's sheet as MathML, black on white,
print layout on A4 and Letter with a page break before each layer, both downloads, the
exercise version."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser
A4 = (595.28, 841.89)      # points
LETTER = (612.0, 792.0)


def lecture_network(base_url: str) -> tuple[str, list[float], list[float]]:
    doc = httpx.get(f"{base_url}/api/presets/lecture").json()
    nid = httpx.post(f"{base_url}/api/networks/import", json=doc).json()["network"]["id"]
    return nid, doc["data"]["inputs"][0], doc["data"]["targets"][0]


def open_sheet(page: Page, base_url: str) -> tuple[str, list[float], list[float], list[str]]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    nid, x, y = lecture_network(base_url)
    page.goto(f"{base_url}/worksheet?network={nid}&x={','.join(map(str, x))}&y={','.join(map(str, y))}")
    page.wait_for_selector("body[data-ready=true]", timeout=20_000)
    return nid, x, y, errors


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]", pdf)
    return [(float(w), float(h)) for w, h in boxes]


def test_sheet_shows_the_worked_solution_in_black_on_white(page: Page, base_url: str, artifacts: Path) -> None:
    nid, x, y, errors = open_sheet(page, base_url)
    page.screenshot(path=str(artifacts / "worksheet-1024x768.png"))
    sheet = page.locator("article.sheet")
    assert sheet.locator("math").count() > 50
    text = sheet.inner_text()
    assert "Forward pass, layer 2" in text and "Backward pass, output layer 3" in text
    assert "0.241" in text  # the lecture's z^(3) = -0.241
    colours = page.evaluate("""() => { const s = getComputedStyle(document.querySelector('.sheet'));
      return [s.color, getComputedStyle(document.body).backgroundColor]; }""")
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    assert not errors


def test_print_layout_a4_and_letter_with_page_breaks(page: Page, base_url: str, artifacts: Path) -> None:
    open_sheet(page, base_url)
    page.emulate_media(media="print")
    assert not page.locator("#sheet-tools").is_visible()
    breaks = page.evaluate("""[...document.querySelectorAll('.sheet-section')].map((s) =>
      getComputedStyle(s).breakBefore)""")
    # the symbols, then forward 2 and 3, the cost, the output deltas, the hidden deltas, two updates
    assert breaks == ["auto"] + ["page"] * 7
    a4 = page.pdf(prefer_css_page_size=True)
    sizes = page_sizes(a4)
    assert len(sizes) >= 8 and all(abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1 for w, h in sizes)
    page.emulate_media(media="screen")
    page.select_option("#paper", "letter")
    page.emulate_media(media="print")
    sizes = page_sizes(page.pdf(prefer_css_page_size=True))
    assert len(sizes) >= 8 and all(abs(w - LETTER[0]) < 1 and abs(h - LETTER[1]) < 1 for w, h in sizes)
    page.screenshot(path=str(artifacts / "worksheet-print.png"))


def test_downloads_are_the_apis_texts(page: Page, base_url: str) -> None:
    nid, x, y, _ = open_sheet(page, base_url)
    for button, fmt, suffix in (("#download-markdown", "markdown", ".md"), ("#download-latex", "latex", ".tex")):
        with page.expect_download() as info:
            page.click(button)
        download = info.value
        assert download.suggested_filename == f"worksheet-{nid}{suffix}"
        want = httpx.post(f"{base_url}/api/networks/{nid}/worksheet",
                          json={"inputs": [x], "targets": [y], "format": fmt}).text
        assert Path(download.path()).read_text() == want


def test_exercise_version_with_answer_key(page: Page, base_url: str) -> None:
    nid, x, y, _ = open_sheet(page, base_url)
    page.check("#blanks")
    page.wait_for_selector("text=Answer key")
    assert page.locator("#seed-label").is_visible()
    first = page.locator("article.sheet").inner_text()
    page.fill("#seed", "5")
    page.dispatch_event("#seed", "change")
    page.wait_for_selector("h1:has-text('version 5')")
    assert page.locator("article.sheet").inner_text() != first
    with page.expect_download() as info:
        page.click("#download-latex")
    assert info.value.suggested_filename == f"worksheet-{nid}-exercise-5.tex"
    tex = Path(info.value.path()).read_text()
    assert "Answer key" in tex and "\\underline{\\qquad(1)\\qquad}" in tex


def test_a_link_without_a_sample_says_what_to_do(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/worksheet")
    page.wait_for_selector("#message:not([hidden])")
    assert "Worksheet button" in page.locator("#message").inner_text()
