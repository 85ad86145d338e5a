"""The 作战图 in a real browser: log in, see the 16 targets and 20 tasks, open an indicator."""

from datetime import date
from decimal import Decimal

import pytest

from innoplan.plans.services import reported_value_approve, reported_value_submit
from tests.browser import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reported_history(indicator_of_a, reporter_a, plan_owner):
    for month, value in ((1, 800), (2, 830), (3, 870), (4, 900)):
        reported = reported_value_submit(
            indicator=indicator_of_a,
            period_kind="month",
            period_start=date(2025, month, 1),
            value=Decimal(value),
            actor=reporter_a,
        )
        reported_value_approve(value=reported, actor=plan_owner)
    return indicator_of_a


def test_the_plan_owner_reads_the_battle_map_and_opens_an_indicator(
    live_server,
    page,
    plan_owner,
    reported_history,
):
    log_in(page, live_server, plan_owner.username, PASSWORD)
    assert page.locator("[data-testid=target-card]").count() == 16
    assert page.locator("[data-testid=task-row]").count() == 20
    card = page.locator("[data-testid=target-card]", has_text="高新技术企业").first
    assert "1,500" in card.inner_text()
    assert "900" in card.inner_text()
    # The trend charts are drawn by ECharts from the page's own static files.
    page.wait_for_selector("[data-testid=target-card] svg")

    card.click()
    page.wait_for_load_state("networkidle")
    assert "/plans/indicators/" in page.url
    body = page.inner_text("body")
    assert "高新技术企业" in body
    assert "1,500" in body
    page.wait_for_selector("svg")
    assert page.console_problems == []


def test_a_figure_reported_in_the_browser_counts_once_the_owner_approves_it(
    live_server, browser, reporter_a, plan_owner, indicator_of_a
):
    reporter = browser.new_page()
    log_in(reporter, live_server, reporter_a.username, PASSWORD)
    reporter.goto(f"{live_server.url}/plans/indicators/{indicator_of_a.pk}/report/")
    form = reporter.locator("[data-testid=report-form]")
    form.locator("select[name=period_kind]").select_option("month")
    form.locator("input[name=period]").fill("2025-05")
    form.locator("input[name=value]").fill("1234")
    form.locator("textarea[name=note]").fill("据市科委认定名单")
    form.locator("button[type=submit]").click()
    reporter.wait_for_load_state("networkidle")
    assert reporter.url.endswith("/plans/reports/mine/")
    row = reporter.locator("[data-testid=value-row]", has_text="1,234").first
    assert row.get_attribute("data-status") == "pending"
    reporter.close()

    owner = browser.new_page()
    log_in(owner, live_server, plan_owner.username, PASSWORD)
    card = owner.locator(f"[data-testid=target-card][data-indicator='{indicator_of_a.pk}']")
    assert "1,234" not in card.inner_text()
    owner.goto(f"{live_server.url}/plans/reports/pending/")
    review = owner.locator("[data-testid=review-row]", has_text="1,234")
    review.locator("button[value=approve]").click()
    owner.wait_for_load_state("networkidle")
    owner.goto(f"{live_server.url}/?as_of=2025-06-01")
    card = owner.locator(f"[data-testid=target-card][data-indicator='{indicator_of_a.pk}']")
    assert "1,234" in card.inner_text()
    owner.close()
