"""Take the README's screenshots from a running demo (`make demo`), in Chinese: the 作战图, an
indicator, the task battle map with its scoreboard, and the check of an organisations file
with a few wrong rows (uploaded, never confirmed).

    .venv/bin/python scripts/screenshots.py [--url http://127.0.0.1:8000] [--out docs/images]

Drives Debian's Chromium through Playwright, logged in as the demo plan owner.
"""

import argparse
import shutil
import tempfile
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import sync_playwright

from innoplan.core.identifiers import (
    credit_code_check_character,
    organisation_code_check_character,
)

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
        page.goto(f"{options.url}/supervision/")
        page.wait_for_selector("[data-testid=battle-map]")
        page.screenshot(path=out / "task-battle-map.png", full_page=False)
        page.goto(f"{options.url}/registry/imports/")
        with tempfile.TemporaryDirectory() as folder:
            upload = _organisations_file(page, options.url, Path(folder))
            page.select_option("select[name=register]", "organisations")
            page.set_input_files("input[name=file]", str(upload))
            page.click("[data-testid=upload-button]")
            page.wait_for_selector("[data-testid=job-state][data-status=checked]")
        page.screenshot(path=out / "import-check.png", full_page=False)
        browser.close()


def _credit_code(body: str) -> str:
    first17 = "91110112" + body + organisation_code_check_character(body)
    return first17 + credit_code_check_character(first17)


def _organisations_file(page, url: str, folder: Path) -> Path:
    """The organisations template with a few rows a clerk might send: two right, one in a
    town that does not exist, one repeating a credit code, one with a date typed wrongly."""
    template = folder / "template.xlsx"
    template.write_bytes(
        page.request.get(f"{url}/registry/imports/template/organisations.xlsx").body()
    )
    book = load_workbook(template)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    example = {h: c.value for h, c in zip(headers, sheet[2], strict=False)}
    code = example["统一社会信用代码"]
    rows = [
        {**example, "名称": "北京运河智算科技有限公司（演示）"},
        {
            **example,
            "统一社会信用代码": _credit_code("MA01DEMA"),
            "名称": "北京潞城数科有限公司（演示）",
            "所在镇街": "潞城镇",
        },
        {**example, "统一社会信用代码": code, "名称": "北京重复录入有限公司（演示）"},
        {
            **example,
            "统一社会信用代码": _credit_code("MA02DEMA"),
            "名称": "北京新元材料有限公司（演示）",
            "所在镇街": "通州镇",
        },
        {
            **example,
            "统一社会信用代码": _credit_code("MA03DEMA"),
            "名称": "北京恒道检测有限公司（演示）",
            "入驻日期": "2024.13.01",
        },
    ]
    sheet.delete_rows(2, sheet.max_row)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    path = folder / "机构-2026年11月.xlsx"
    book.save(path)
    return path


if __name__ == "__main__":
    main()
