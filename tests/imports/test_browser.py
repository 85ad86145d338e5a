"""A register import in a real browser: upload a large file from the import page, watch the
page wait for the worker and then show every row's outcome by itself, confirm, and find the
import done after a reload."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from innoplan.imports.models import ImportJob
from innoplan.registry.models import Organisation
from tests.browser import log_in
from tests.conftest import PASSWORD
from tests.registry.builders import credit_code
from tests.spreadsheets import ORG_HEADERS, XLSX, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run_worker():
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0
    )


def state(page, status):
    return page.wait_for_selector(f"[data-testid=job-state][data-status={status}]")


def test_a_steward_uploads_watches_the_check_confirms_and_finds_it_imported(
    live_server, page, plan_owner, town, settings
):
    settings.INNOPLAN_IMPORT_BACKGROUND_ROWS = 1  # this small file goes to the worker too
    rows = [
        [credit_code(), f"北京第{n}科技有限公司", "企业", "数字经济", "宋庄镇", "2020-01-01"]
        for n in range(3)
    ]
    log_in(page, live_server, plan_owner.username, PASSWORD)
    page.goto(f"{live_server.url}/registry/")
    page.click("[data-testid=import-link]")
    page.wait_for_load_state("networkidle")
    form = page.locator("[data-testid=upload-form]")
    form.locator("select[name=importer]").select_option("organisations")
    form.locator("input[name=file]").set_input_files(
        files=[{"name": "机构名单.xlsx", "mimeType": XLSX, "buffer": xlsx(ORG_HEADERS, rows)}]
    )
    form.locator("[data-testid=upload-button]").click()
    page.wait_for_load_state("networkidle")
    job = ImportJob.objects.get()
    assert page.url.endswith(f"/registry/imports/{job.pk}/")

    # Queued: the page waits for the worker, and a reload finds it waiting still.
    state(page, "checking")
    assert page.locator("[data-testid=progress]").count() == 1
    page.reload()
    state(page, "checking")

    run_worker()
    # The polled fragment swaps itself for the preview without a reload.
    state(page, "checked")
    assert page.locator("[data-testid=report-row]").count() == 3
    assert page.locator("[data-testid=count-new] .ip-summary-count").inner_text() == "3"
    assert not Organisation.objects.exists()

    page.click("[data-testid=confirm-button]")
    page.wait_for_load_state("domcontentloaded")
    state(page, "applying")
    run_worker()
    state(page, "applied")

    page.reload()
    state(page, "applied")
    assert page.locator("[data-testid=job-outcome]").count() == 1
    assert page.locator("[data-testid=confirm-button]").count() == 0
    assert Organisation.objects.count() == 3
    page.goto(f"{live_server.url}/registry/imports/")
    assert page.locator("[data-testid=job-row]").count() == 1
    assert page.console_problems == []
