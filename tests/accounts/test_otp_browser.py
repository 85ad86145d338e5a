"""An administrator's first sign-in in a real browser: password, then setting up the
authenticator app from the key on the page, then the start page of his role."""

from __future__ import annotations

from base64 import b32decode

import pytest
from django_otp.oath import totp

from innoplan.accounts.models import User
from tests.browser import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_enrols_the_authenticator_and_lands_on_his_start_page(page, live_server):
    User.objects.create_user(username="secadmin", password=PASSWORD, role="secadmin")
    log_in(page, live_server, "secadmin", PASSWORD)
    assert "/accounts/otp/enrol/" in page.url
    qr = page.locator("#otp-qr")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")

    secret = page.locator("#otp-secret").inner_text().strip()
    token = f"{totp(b32decode(secret)):06d}"
    page.fill("input[name=token]", token)
    page.click("form:has(input[name=token]) button[type=submit]")
    page.wait_for_load_state("networkidle")

    assert page.url.endswith("/accounts/secadmin/")
    assert page.locator("#security-policy").is_visible()
    # The start page is reachable again without another code, and no CSP or script error.
    page.goto(f"{live_server.url}/accounts/secadmin/lockouts/")
    assert page.url.endswith("/accounts/secadmin/lockouts/")
    assert page.console_problems == []
