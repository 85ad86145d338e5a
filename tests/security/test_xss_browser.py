"""Stored and reflected XSS, checked in a real browser: script-like text typed into every
free-text field a user can write (registry names and titles as an import or the admin would
store them, a department's name, an indicator's definition, a report's note, a rejection
reason, the name tried at the login form as the audit trail keeps it) and into search boxes,
dates and redirect targets is shown as text. On every page that displays it: no dialog
opens, no element or event handler from the payload exists, no script runs, and the payload
is visible as the characters typed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from innoplan.plans.services import (
    indicator_update,
    reported_value_reject,
    reported_value_submit,
    task_assignments_set,
)
from tests.conftest import PASSWORD
from tests.registry.builders import make, make_organisation, make_patent, make_talent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SVG = "<svg/onload=alert(1)>"
QUOTE = "'-alert(1)-'\"</textarea><b>bold</b>"
PAYLOADS = [SCRIPT, IMG, SVG, QUOTE]

# Anything the payloads could have planted, looked for in the live DOM.
INJECTED_JS = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attribute of el.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.trim().toLowerCase();
      if (name.startsWith('on')) found.push(`${el.tagName} ${name}`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(name)
          && value.startsWith('javascript:')) found.push(`${el.tagName} ${name}=${value}`);
    }
  }
  for (const script of document.querySelectorAll('script')) {
    if (script.type !== 'application/json' && script.textContent.includes('alert(')) {
      found.push('inline script');
    }
  }
  for (const el of document.querySelectorAll('img[src="x"], svg[onload], b')) {
    if (el.tagName !== 'B' || el.textContent === 'bold') found.push(el.outerHTML);
  }
  return found;
}"""


@pytest.fixture
def hostile_department(db):
    from innoplan.accounts.models import Department

    return Department.objects.create(code="xss-dept", name=IMG[:100], position=99)


@pytest.fixture
def hostile_plan(indicator_of_a, reporter_a, plan_owner, hostile_department):
    """The plan's free text, written through the services users call."""
    indicator_update(indicator=indicator_of_a, actor=plan_owner, definition=SCRIPT + QUOTE)
    task = indicator_of_a.plan.tasks.get(number=1)
    task_assignments_set(
        task=task,
        lead=[indicator_of_a.department],
        cooperating=[hostile_department],
        actor=plan_owner,
    )
    rejected = reported_value_submit(
        indicator=indicator_of_a,
        period_kind="month",
        period_start=date(2025, 1, 1),
        value=Decimal(800),
        note=SVG,
        actor=reporter_a,
    )
    reported_value_reject(value=rejected, actor=plan_owner, reason=IMG)
    pending = reported_value_submit(
        indicator=indicator_of_a,
        period_kind="month",
        period_start=date(2025, 2, 1),
        value=Decimal(810),
        note=SCRIPT,
        actor=reporter_a,
    )
    return {"indicator": indicator_of_a, "task": task, "pending": pending}


@pytest.fixture
def hostile_registry(db):
    from innoplan.accounts.choices import DepartmentKind
    from innoplan.accounts.models import Department
    from innoplan.registry.models import BrandEvent, Fund, Park, Team

    town = Department.objects.create(code="xss-town", name="宋庄镇", kind=DepartmentKind.TOWN)
    organisation = make_organisation(SCRIPT, town=town, former_names=IMG)
    make_talent(SVG, employer=organisation, title=SCRIPT)
    make_patent(owners=[organisation], title=IMG)
    make(Fund, name=QUOTE, manager=SCRIPT, valid_from=date(2021, 1, 1))
    make(BrandEvent, name=IMG, organiser=SVG, valid_from=date(2019, 1, 1))
    make(Park, name=SVG, town=town, valid_from=date(2020, 1, 1))
    make(
        Team,
        name=SCRIPT,
        organisation=organisation,
        recognition_year=2024,
        valid_from=date(2024, 6, 1),
    )
    return organisation


@pytest.fixture
def watched(page):
    """The page, recording every dialog (and dismissing it) and every CSP refusal."""
    page.dialogs = []

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return page


def sign_in(page, live_server, user):
    """Put a signed-in session (past every identity gate) into the browser."""
    client = Client()
    client.force_login(user)
    from tests.conftest import mark_otp_verified

    mark_otp_verified(client, user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def assert_inert(page, url: str, *visible: str) -> None:
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert response.status < 500, f"{url}: {response.status}"
    assert page.dialogs == [], f"{url}: a dialog opened: {page.dialogs}"
    assert page.evaluate(INJECTED_JS) == [], url
    refused = [p for p in page.console_problems if "Content Security Policy" in p]
    assert refused == [], f"{url}: the payload reached the DOM and only CSP stopped it"
    text = page.inner_text("body")
    for payload in visible:
        assert payload in text, f"{url}: {payload!r} is not shown as text"


def test_plan_text_is_inert_for_the_plan_owner(live_server, watched, plan_owner, hostile_plan):
    sign_in(watched, live_server, plan_owner)
    indicator = hostile_plan["indicator"]
    base = live_server.url
    assert_inert(watched, f"{base}/", IMG[:100])
    assert_inert(watched, f"{base}/plans/indicators/{indicator.pk}/", SCRIPT + QUOTE, SVG, IMG)
    assert_inert(watched, f"{base}/plans/indicators/{indicator.pk}/edit/")
    # In the form, the definition is the textarea's value, exactly as it was saved.
    assert watched.input_value("textarea[name=definition]") == SCRIPT + QUOTE
    assert_inert(watched, f"{base}/plans/reports/pending/", SCRIPT)
    assert_inert(watched, f"{base}/plans/tasks/{hostile_plan['task'].pk}/edit/", IMG[:100])


def test_a_rejection_reason_is_inert_for_the_reporter(
    live_server, watched, reporter_a, hostile_plan
):
    sign_in(watched, live_server, reporter_a)
    assert_inert(watched, f"{live_server.url}/plans/reports/mine/", IMG)
    indicator = hostile_plan["indicator"]
    assert_inert(watched, f"{live_server.url}/plans/indicators/{indicator.pk}/", IMG, SVG)
    assert_inert(watched, f"{live_server.url}/plans/indicators/{indicator.pk}/report/")


def test_registry_text_is_inert_on_lists_and_detail_pages(
    live_server, watched, leader, hostile_registry
):
    from innoplan.registry.models import BrandEvent, Fund, Park, Patent, Talent, Team

    sign_in(watched, live_server, leader)
    base = f"{live_server.url}/registry"
    assert_inert(watched, f"{base}/organisations/", SCRIPT)
    assert_inert(watched, f"{base}/organisations/{hostile_registry.pk}/", SCRIPT, IMG, SVG)
    assert_inert(watched, f"{base}/talents/", SVG)
    assert_inert(watched, f"{base}/talents/{Talent.objects.get().pk}/", SVG, SCRIPT)
    assert_inert(watched, f"{base}/patents/", IMG)
    assert_inert(watched, f"{base}/patents/{Patent.objects.get().pk}/", IMG, SCRIPT)
    assert_inert(watched, f"{base}/funds/", QUOTE)
    assert_inert(watched, f"{base}/funds/{Fund.objects.get().pk}/", QUOTE, SCRIPT)
    assert_inert(watched, f"{base}/brand-events/{BrandEvent.objects.get().pk}/", IMG, SVG)
    assert_inert(watched, f"{base}/parks/{Park.objects.get().pk}/", SVG)
    assert_inert(watched, f"{base}/teams/{Team.objects.get().pk}/", SCRIPT)


def test_reflected_input_is_inert(live_server, watched, leader, hostile_registry):
    sign_in(watched, live_server, leader)
    base = live_server.url
    for payload in PAYLOADS:
        q = quote(payload)
        assert_inert(watched, f"{base}/registry/organisations/?q={q}")
        assert_inert(watched, f"{base}/registry/talents/?q={q}&as_of={q}")
        assert_inert(watched, f"{base}/?as_of={q}")
    # The search box shows back what was typed, as typed.
    watched.goto(f"{base}/registry/organisations/?q={quote(SCRIPT)}")
    assert watched.input_value("input[name=q]") == SCRIPT


def test_a_javascript_url_as_the_login_redirect_goes_nowhere(live_server, watched, leader):
    watched.goto(f"{live_server.url}/accounts/login/?next=javascript:alert(1)")
    assert watched.evaluate(INJECTED_JS) == []
    watched.fill("input[name=username]", leader.username)
    watched.fill("input[name=password]", PASSWORD)
    watched.click("button[type=submit]")
    watched.wait_for_load_state("networkidle")
    assert watched.dialogs == []
    assert watched.url.rstrip("/") == live_server.url.rstrip("/") or "/accounts/" in watched.url


def test_the_audit_trail_shows_hostile_names_as_text(
    live_server, watched, audit_admin, hostile_registry
):
    from innoplan.audit.models import AuditEvent

    # A failed login keeps the name that was tried: here, a script.
    Client().post(reverse("accounts:login"), {"username": SCRIPT, "password": "x"})
    failure = AuditEvent.objects.filter(event="login.failure").latest("id")
    created = AuditEvent.objects.filter(object_repr=SCRIPT).first()
    sign_in(watched, live_server, audit_admin)
    assert_inert(watched, f"{live_server.url}/audit/", SCRIPT)
    assert_inert(watched, f"{live_server.url}/audit/{failure.pk}/", SCRIPT)
    if created is not None:
        assert_inert(watched, f"{live_server.url}/audit/{created.pk}/", SCRIPT)
    assert_inert(watched, f"{live_server.url}/audit/?q={quote(IMG)}")
