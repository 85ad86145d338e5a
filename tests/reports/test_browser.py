"""The reports page in a real browser: ask for the quarterly report, watch its row follow the
background worker by itself, and download the finished .docx."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from innoplan.reports.models import ReportJob
from tests.browser import log_in
from tests.conftest import PASSWORD
from tests.reports.conftest import open_docx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def run_worker():
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0
    )


def test_the_plan_owner_asks_for_a_report_and_its_row_offers_the_download_once_built(
    live_server, page, plan, plan_owner, tmp_path
):
    log_in(page, live_server, plan_owner.username, PASSWORD)
    page.goto(f"{live_server.url}/reports/")
    page.click("[data-testid=quarterly-button]")
    page.wait_for_load_state("networkidle")
    job = ReportJob.objects.get()
    row = page.locator(f"#report-job-{job.pk}")
    assert row.get_attribute("data-status") == "queued"
    assert page.locator("[data-testid=download-link]").count() == 0

    run_worker()
    page.wait_for_selector(f"#report-job-{job.pk}[data-status=done]", timeout=10_000)
    with page.expect_download() as download:
        page.click("[data-testid=download-link]")
    saved = tmp_path / "report.docx"
    download.value.save_as(saved)
    document = open_docx(saved.read_bytes())
    assert document.tables and job.quarter in download.value.suggested_filename
    assert page.console_problems == []
