"""Benchmark 5: frames per second of the page while it trains and animates a 2-8-8-8-1 network
in headless Chromium (Playwright driving Debian's /usr/bin/chromium).

requestAnimationFrame timestamps give the frame rate, the longest and the 95th-percentile
frame; a PerformanceObserver counts long tasks (> 50 ms). Both are installed before the
page's own scripts run. Chromium's own counters (CDP Performance.getMetrics) give the main
thread's busy time per second, less sensitive to a loaded machine than the fps. The
buttons are found by their accessible names, the network through the URL. Proof that the
page really works while measured: the weight updates made on the server, and how often the
shown batch cost (#batch-cost) changed on the page.
"""

from __future__ import annotations

import os
import shutil
import statistics
from dataclasses import dataclass

import httpx

from bench_http import create_network, serve

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
PROBE = """
window.__bench = {on: false, frames: [], long: [], redraws: 0, cost: null};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (window.__bench.on) window.__bench.long.push(e.duration);
}).observe({entryTypes: ["longtask"]});
const tick = (t) => {
  const b = window.__bench;
  if (b.on) {
    b.frames.push(t);
    const c = document.getElementById("batch-cost");   // an attribute read: forces no layout
    const v = c ? c.dataset.value : null;
    if (v !== b.cost) { b.cost = v; b.redraws += 1; }
  }
  requestAnimationFrame(tick);
};
requestAnimationFrame(tick);
"""
BUTTONS = ("Forward", "Backward", "Step", "Train", "Reset")


@dataclass
class PageResult:
    fps: float
    worst_frame_ms: float
    p95_frame_ms: float
    long_tasks: int
    steps: int  # weight updates made while measured: proof that it trained
    redraws: int  # frames in which the shown batch cost had changed: proof that the page followed
    note: str


def main_thread(cdp) -> dict[str, float]:  # noqa: ANN001 - playwright CDPSession
    """Chromium's cumulative main-thread times in seconds (CDP Performance.getMetrics)."""
    keys = ("TaskDuration", "ScriptDuration", "RecalcStyleDuration", "LayoutDuration")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {k: metrics.get(k, 0.0) for k in keys}


def measure(page, url: str, net_id: str, seconds: float) -> PageResult:  # noqa: ANN001 - playwright Page
    page.goto(f"{url}/?network={net_id}&data=circle&n=200")
    button = {name: page.get_by_role("button", name=name, exact=True) for name in BUTTONS}
    missing = [name for name, b in button.items() if b.count() == 0]
    if missing:
        return PageResult(0, 0, 0, 0, 0, 0, f"missing buttons: {', '.join(missing)}")
    for name in ("Forward", "Backward", "Step"):  # the passes work before training starts
        button[name].click()
        page.wait_for_timeout(300)
    steps_before = httpx.get(f"{url}/api/networks/{net_id}").json()["steps"]
    button["Train"].click()  # queued behind the pass animations above; then it reads Pause
    pause = page.get_by_role("button", name="Pause", exact=True)
    try:
        pause.wait_for(state="visible", timeout=30_000)
    except Exception:  # noqa: BLE001 - playwright's TimeoutError: report it, do not crash the table
        alert = page.get_by_role("alert")
        said = alert.inner_text() if alert.count() and alert.is_visible() else "no message shown"
        return PageResult(0, 0, 0, 0, 0, 0, f"Train did not become Pause within 30 s ({said})")
    page.wait_for_timeout(500)  # the first chunk is on its way
    cdp = page.context.new_cdp_session(page)  # main-thread busy time (tasks, script, style, layout)
    cdp.send("Performance.enable")
    busy0 = main_thread(cdp)
    page.evaluate("window.__bench.on = true")
    page.wait_for_timeout(seconds * 1000)
    data = page.evaluate("(() => { window.__bench.on = false; return window.__bench; })()")
    busy = {k: (v - busy0[k]) / seconds * 1000 for k, v in main_thread(cdp).items()}  # ms per second
    pause.click()
    note = "Forward, Backward, Step, Train/Pause clicked by name"
    steps = httpx.get(f"{url}/api/networks/{net_id}").json()["steps"] - steps_before
    frames = data["frames"]
    gaps = sorted(b - a for a, b in zip(frames, frames[1:]))
    p95 = gaps[int(0.95 * (len(gaps) - 1))] if gaps else 0.0
    fps = (len(frames) - 1) / ((frames[-1] - frames[0]) / 1000) if len(frames) > 1 else 0.0
    long = sorted((d for d in data["long"] if d > 50), reverse=True)
    note += "; main thread busy {:.0f} ms/s (script {:.0f}, style+layout {:.0f})".format(
        busy["TaskDuration"], busy["ScriptDuration"], busy["RecalcStyleDuration"] + busy["LayoutDuration"])
    if long:
        note += "; long tasks (ms): " + ", ".join(f"{d:.0f}" for d in long[:6])
    return PageResult(fps, max(gaps, default=0.0), p95, len(long), steps, data["redraws"], note)


def bench_page(repeat: int = 3, seconds: float = 8.0) -> PageResult:
    """Median fps over `repeat` fresh page loads, each on a new 2-8-8-8-1 network."""
    from playwright.sync_api import sync_playwright

    results = []
    with serve("app.main:app") as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for _ in range(repeat):
                with httpx.Client(base_url=url) as client:
                    net_id = create_network(client, {"layer_sizes": [2, 8, 8, 8, 1], "seed": 1})
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.add_init_script(PROBE)
                results.append(measure(page, url, net_id, seconds))
                page.close()
        finally:
            browser.close()
    mid = sorted(results, key=lambda r: r.fps)[len(results) // 2]
    mid.note += (f"; {mid.steps} updates and {mid.redraws} redraws of the shown cost in {seconds:.0f} s; "
                 f"p95 frame {mid.p95_frame_ms:.0f} ms; runs (fps/long tasks): "
                 + ", ".join(f"{r.fps:.0f}/{r.long_tasks}" for r in results)
                 + f" (median fps {statistics.median(r.fps for r in results):.0f}, "
                 f"median long tasks {statistics.median(r.long_tasks for r in results):.0f})")
    return mid
