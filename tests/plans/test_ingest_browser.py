"""The plan upload page in a real browser: the plan owner finds it from the empty dashboard,
uploads the seed document, sees each target's words marked in the source text, corrects a
figure and loads the plan."""

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

    row.locator("input[name$='-value']").fill("1600")
    page.get_by_role("button", name="载入规划").click()
    page.wait_for_load_state("networkidle")

    assert page.url == f"{live_server.url}/"
    assert "北京城市副中心科技创新资源倍增工程实施方案" in page.locator("h1").inner_text()
    plan = Plan.objects.get()
    assert plan.tasks.count() == 20
    assert Indicator.objects.get(name="高新技术企业").targets.get().value == 1600
    assert page.console_problems == []
