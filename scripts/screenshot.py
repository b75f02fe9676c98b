"""Take the README's screenshot, docs/screenshot.png, of the real page.

Starts the app on a free loopback port with a throw-away store, opens the page in headless
Debian Chromium through Playwright, lets the page create its network, trains a little and runs
Forward then Backward (when those buttons exist), and saves the picture.

    .venv/bin/python scripts/screenshot.py [--out docs/screenshot.png] [--width 1440 --height 900]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port),
           "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "BACKPROP_DB": str(db)})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start within 30 s")


def click_if_present(page: Page, selector: str, settle_ms: int) -> bool:
    """Click a button if the page has it, then wait until the page is no longer busy."""
    button = page.locator(selector)
    if button.count() == 0 or not button.first.is_enabled():
        return False
    button.first.click()
    busy = page.locator("#busy")
    if busy.count():
        busy.wait_for(state="hidden", timeout=30_000)
    page.wait_for_timeout(settle_ms)
    return True


def take(url: str, out: Path, width: int, height: int) -> list[str]:
    done: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
            page.goto(url)
            page.wait_for_load_state("networkidle")
            page.wait_for_function(  # the page created and drew its network (neurons, not markers)
                "() => [...document.querySelectorAll('#network circle')]"
                ".filter(c => c.getBoundingClientRect().width > 4).length >= 3", timeout=15_000)
            if click_if_present(page, "#btn-train", 2_500):
                done.append("Train")
                if page.locator("#btn-train").inner_text().strip().lower() == "pause":  # a toggle
                    click_if_present(page, "#btn-train", 300)
            for name, selector, settle in [("Forward", "#btn-forward", 2_500), ("Backward", "#btn-backward", 3_000)]:
                if click_if_present(page, selector, settle):
                    done.append(name)
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out))
        finally:
            browser.close()
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=900)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="backprop-shot-") as tmp:
        port = free_port()
        server = start_server(Path(tmp) / "shot.sqlite", port)
        try:
            done = take(f"http://127.0.0.1:{port}/", args.out, args.width, args.height)
        finally:
            server.terminate()
            server.wait(timeout=15)
    print(f"saved {args.out} ({args.width}x{args.height}); clicked: {', '.join(done) or 'nothing'}")


if __name__ == "__main__":
    main()
