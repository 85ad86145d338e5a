"""Take the README's screenshots from a running demo (`make demo`), in Chinese.

    .venv/bin/python scripts/screenshots.py [--url http://127.0.0.1:8000] [--out docs/images]

Drives Debian's Chromium through Playwright, logged in as the demo plan owner.
"""

import argparse
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="docs/images")
    parser.add_argument("--user", default="kewei")
    parser.add_argument("--password", default="Demo-Tz2024!")
    options = parser.parse_args()
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=ARGS
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page.goto(f"{options.url}/accounts/login/")
        page.fill("input[name=username]", options.user)
        page.fill("input[name=password]", options.password)
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=target-card] svg")
        page.screenshot(path=out / "dashboard.png", full_page=False)
        page.locator("[data-testid=target-card]", has_text="高新技术企业").first.click()
        page.wait_for_selector("svg")
        page.screenshot(path=out / "indicator.png", full_page=False)
        browser.close()


if __name__ == "__main__":
    main()
