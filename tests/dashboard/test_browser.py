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


def test_a_reporter_reports_a_figure_in_the_browser(live_server, page, reporter_a, indicator_of_a):
    log_in(page, live_server, reporter_a.username, PASSWORD)
    page.goto(f"{live_server.url}/plans/indicators/{indicator_of_a.pk}/report/")
    assert page.console_problems == []
