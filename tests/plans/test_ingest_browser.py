"""The plan upload page in a real browser: the plan owner finds it from the empty dashboard,
uploads the seed document, sees each target's words marked in the source text with what was
read from them in the plan's units, follows a doubt to its measure, corrects a figure, checks
what loading changes and confirms the load."""

from __future__ import annotations

import pytest

from innoplan.plans.models import Indicator, Plan
from tests.browser import log_in
from tests.conftest import PASSWORD
from tests.seed import seed_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_owner_uploads_checks_corrects_and_loads_a_plan(live_server, page, plan_owner):
    log_in(page, live_server, plan_owner.username, PASSWORD)
    page.goto(f"{live_server.url}/")
    page.click("[data-testid=plan-ingest-link]")
    page.wait_for_load_state("networkidle")
    page.locator("input[name=file]").set_input_files(str(seed_file("000_8890667eab5c8e20.txt")))
    page.get_by_role("button", name="读取文件").click()
    page.wait_for_load_state("networkidle")

    assert page.locator("[data-testid=goal-targets] tbody tr").count() == 16
    marked = page.locator("[data-testid=source-text] mark")
    assert marked.count() == 18
    high_tech = page.locator('mark[data-path="goal_groups[0].targets[1]"]')
    assert high_tech.inner_text() == "高新技术企业突破1500家"
    # The row's source link leads to the marked line of the text.
    row = page.locator('tr[data-path="goal_groups[0].targets[1]"]')
    row.locator("[data-testid=source-link]").click()
    assert page.evaluate("location.hash").startswith("#line-")
    assert high_tech.is_visible()
    assert page.locator("[data-testid=unsure]").count() >= 1
    # Figures in the plan's own units: 30 亿元, not 3000000000.
    fund = page.locator('tr[data-path="goal_groups[4].targets[1]"]')
    assert fund.locator("input[name$='-value']").input_value() == "30"
    reading = page.locator('mark[data-path="goal_groups[4].targets[1]"] + [data-testid=reading]')
    assert reading.inner_text() == "≥ 30 亿元"
    # The doubt about the measures' numbering leads to the measure it means.
    page.locator("[data-testid=general-unsure] a[href='#measure-m1']").click()
    assert page.evaluate("location.hash") == "#measure-m1"
    assert page.locator("#measure-m1 [data-testid=unsure]").is_visible()
    assert "文件未写明" in page.locator("#no-leads").inner_text()

    row.locator("input[name$='-value']").fill("1600")
    page.get_by_role("button", name="核对载入变更").click()
    page.wait_for_load_state("networkidle")
    # Nothing is loaded until the summary is confirmed.
    assert "目标分组" in page.locator("#summary-new").inner_text()
    assert Plan.objects.count() == 0
    page.get_by_role("button", name="载入规划").click()
    page.wait_for_load_state("networkidle")

    assert page.url == f"{live_server.url}/"
    assert "北京城市副中心科技创新资源倍增工程实施方案" in page.locator("h1").inner_text()
    plan = Plan.objects.get()
    assert plan.tasks.count() == 20
    assert Indicator.objects.get(name="高新技术企业").targets.get().value == 1600
    assert page.console_problems == []
