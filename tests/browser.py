"""Playwright driving Debian's Chromium, for the browser tests.

A missing browser is a failure, not a skip: CI installs it (``.ci/run``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    path = os.environ.get("INNOPLAN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(
            f"Chromium not found at {path}: install Debian's chromium package "
            "or set INNOPLAN_CHROMIUM"
        )
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.console_problems = []
    page.on(
        "console",
        lambda m: (
            m.type in ("error", "warning") and page.console_problems.append(f"{m.type}: {m.text}")
        ),
    )
    page.on("pageerror", lambda e: page.console_problems.append(f"pageerror: {e}"))
    yield page
    context.close()


def log_in(page, live_server, username, password):
    """Sign in through the login page, and give the code of the account's authenticator when
    the second factor is asked for (the administrators, the plan owner)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    if urlsplit(page.url).path == reverse("accounts:otp_verify"):
        from django_otp.oath import totp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        page.fill("input[name=token]", f"{code:06d}")
        page.press("input[name=token]", "Enter")
        page.wait_for_load_state("networkidle")
