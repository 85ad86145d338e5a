"""A data steward keeps a register in a real browser: corrects an organisation's town, ends a
qualification before its time with a reason; the 作战图 changes from that day, and the history
reads in Chinese."""

from __future__ import annotations

from datetime import date

import pytest

from innoplan.registry.choices import QualificationKind
from innoplan.registry.models import Qualification
from tests.browser import log_in
from tests.conftest import PASSWORD, PLAN_FIXTURE
from tests.registry.builders import make, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def measured_plan(plan):
    from innoplan.plans.services import metric_bindings_load, read_bindings_file

    bindings = PLAN_FIXTURE.with_name("tongzhou_2024_metrics.yaml")
    metric_bindings_load(plan=plan, bindings=read_bindings_file(bindings), source=bindings.name)
    return plan


@pytest.fixture
def towns(db):
    from innoplan.accounts.choices import DepartmentKind
    from innoplan.accounts.models import Department

    return (
        Department.objects.create(code="songzhuang", name="宋庄镇", kind=DepartmentKind.TOWN),
        Department.objects.create(code="zhangjiawan", name="张家湾镇", kind=DepartmentKind.TOWN),
    )


def high_tech_figure(page, live_server, day: date) -> str:
    page.goto(f"{live_server.url}/?as_of={day.isoformat()}")
    card = page.locator("[data-testid=target-card]", has_text="高新技术企业").first
    return card.locator(".ip-figure-value").inner_text().strip()


def test_a_steward_corrects_a_town_and_ends_a_qualification_with_its_reason(
    live_server, page, steward, measured_plan, towns
):
    songzhuang, zhangjiawan = towns
    organisation = make_organisation("北京运河智造科技有限公司", town=songzhuang)
    certificate = make(
        Qualification,
        organisation=organisation,
        kind=QualificationKind.HIGH_TECH,
        valid_from=date(2024, 3, 1),
    )
    log_in(page, live_server, steward.username, PASSWORD)
    # A data steward starts on the registry, his registers marked.
    assert page.url.endswith("/registry/")
    assert page.locator("[data-testid=register-kept]").count() == 2
    assert high_tech_figure(page, live_server, date(2025, 6, 30)) == "1"

    # Correct the town on the organisation's page.
    page.goto(f"{live_server.url}/registry/organisations/{organisation.pk}/")
    page.click("[data-testid=edit-link]")
    page.select_option("select[name=town]", label="张家湾镇")
    page.click("[data-testid=save-button]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/registry/organisations/{organisation.pk}/")
    assert zhangjiawan.name in page.locator("[data-testid=fields]").inner_text()
    history = page.locator("body").inner_text()
    assert "宋庄镇" in history and "张家湾镇" in history and "乡镇（街道）" in history

    # End the certificate from 2025-07-01, with the reason.
    page.goto(f"{live_server.url}/registry/qualifications/{certificate.pk}/")
    page.click("[data-testid=retire-link]")
    page.fill("input[name=on]", "2025-07-01")
    page.click("[data-testid=retire-button]")  # no reason: refused, nothing changes
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=field-error]").count() == 1
    page.fill("textarea[name=reason]", "复核不合格，撤销高新技术企业资格")
    page.click("[data-testid=retire-button]")
    page.wait_for_load_state("networkidle")
    details = page.locator("body").inner_text()
    assert "复核不合格，撤销高新技术企业资格" in details
    assert "2025-07-01" in details

    # The 作战图 counts it until the day before, and not from that day.
    assert high_tech_figure(page, live_server, date(2025, 6, 30)) == "1"
    assert high_tech_figure(page, live_server, date(2025, 7, 1)) == "0"
    certificate.refresh_from_db()
    assert certificate.end_reason == "复核不合格，撤销高新技术企业资格"
