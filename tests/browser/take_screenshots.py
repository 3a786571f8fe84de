"""Screenshots of the main pages at desktop (1280 px) and phone (390 px) widths.

    python -m tests.browser.take_screenshots http://127.0.0.1:8000 docs/screenshots [--full] [page ...]

Without --full, each capture is the first screen only (small files for the README).

Uses Debian's Chromium (/usr/bin/chromium) through Playwright, like the browser tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PAGES = {
    "home": "/",
    "partnerships": "/partnerships/?q=green+economy",
    "partnership": "/partnerships/unossc-wgeo-green-economy/",
    "partner": "/partners/unossc/",
    "event": "/events/un-day-for-south-south-cooperation-2023-kigali/",
    "calendar": "/events/calendar/2023/9/",
    "publications": "/publications/",
}
WIDTHS = {"desktop": 1280, "phone": 390}


def take(base: str, folder: Path, names: list[str], full_page: bool = False) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for device, width in WIDTHS.items():
            height = 800 if device == "desktop" else 844
            page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
            for name in names:
                page.goto(base.rstrip("/") + PAGES.get(name, name))
                path = folder / f"{name.strip('/').replace('/', '-') or 'home'}-{device}.png"
                page.screenshot(path=str(path), full_page=full_page)
                written.append(path)
            page.close()
        browser.close()
    return written


if __name__ == "__main__":
    base_url, out, *rest = sys.argv[1:]
    full = "--full" in rest
    chosen = [name for name in rest if name != "--full"] or list(PAGES)
    for written_path in take(base_url, Path(out), chosen, full_page=full):
        print(written_path)
