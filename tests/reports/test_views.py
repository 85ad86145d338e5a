"""The reports page: who may ask for a report, building it in the background, following it,
and downloading it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from innoplan.audit.models import AuditEvent
from innoplan.reports.choices import JobStatus
from innoplan.reports.documents import DOCX
from innoplan.reports.models import ReportJob
from innoplan.reports.tasks import run_job
from tests.reports.conftest import all_text, open_docx

pytestmark = pytest.mark.django_db

INDEX = reverse("reports:index")
REQUEST = reverse("reports:request")


@pytest.fixture(autouse=True)
def _october():
    """The pages are used on 8 October 2026, after the third quarter has ended."""
    moment = datetime(2026, 10, 8, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=False):
        yield


def download_url(job):
    return reverse("reports:download", args=[job.pk])


def status_url(job):
    return reverse("reports:status", args=[job.pk])


def test_the_plan_owner_asks_for_a_quarterly_report_and_downloads_it_when_built(
    client, plan_owner, report_scene
):
    client.force_login(plan_owner)
    page = client.get(INDEX)
    assert page.status_code == 200
    assert b'value="2026Q3" selected' in page.content  # the last complete quarter

    response = client.post(REQUEST, {"kind": "quarterly", "quarter": "2026Q3"})
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert (job.status, job.quarter, str(job.as_of), job.created_by) == (
        JobStatus.QUEUED,
        "2026Q3",
        "2026-09-30",
        plan_owner,
    )
    # Queued for the worker: the page polls the job's row and offers no download yet.
    row = client.get(status_url(job))
    assert row.status_code == 200
    assert f'hx-get="{status_url(job)}"'.encode() in row.content
    assert client.get(download_url(job)).status_code == 404

    run_job(job.pk)  # what the worker does
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.finished is not None
    row = client.get(status_url(job))
    assert b"hx-get" not in row.content and download_url(job).encode() in row.content
    assert download_url(job).encode() in client.get(INDEX).content

    download = client.get(download_url(job))
    assert download.status_code == 200
    assert download["Content-Type"] == DOCX
    assert "attachment" in download["Content-Disposition"]
    document = open_docx(b"".join(download.streaming_content))
    assert report_scene.overdue.title in all_text(document)
    event = AuditEvent.objects.filter(event="export").latest("pk")
    assert (event.actor_uid, event.object_type, event.object_id) == (
        plan_owner.pk,
        "reports.reportjob",
        str(job.pk),
    )
    assert event.detail["period"] == "2026Q3"


def test_a_report_for_the_running_quarter_is_taken_on_the_day_it_is_asked_for(
    client, plan_owner, report_scene
):
    client.force_login(plan_owner)
    assert client.post(REQUEST, {"kind": "quarterly", "quarter": "2026Q4"}).status_code == 302
    job = ReportJob.objects.get()
    assert (job.quarter, str(job.as_of)) == ("2026Q4", "2026-10-08")
    run_job(job.pk)
    job.refresh_from_db()
    with job.file.open("rb") as file:
        lines = [p.text for p in open_docx(file.read()).paragraphs[:6]]
    assert "本季度尚未结束，数据截至2026年10月8日" in lines


def test_a_leader_asks_for_a_circular_built_at_once_by_the_immediate_backend(
    client, leader, plan_owner, report_scene, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(leader)
    response = client.post(REQUEST, {"kind": "supervision", "as_of": "2026-09-30"})
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert job.status == JobStatus.DONE
    download = client.get(download_url(job))
    assert download.status_code == 200
    assert report_scene.overdue_b.title in all_text(open_docx(b"".join(download.streaming_content)))
    # The plan owner may download a leader's report too.
    client.force_login(plan_owner)
    assert client.get(download_url(job)).status_code == 200


def test_only_the_plan_owner_and_leaders_use_the_reports(
    client, plan, plan_owner, leader, reporter_a
):
    client.force_login(reporter_a)
    assert client.get(INDEX).status_code == 403
    assert client.post(REQUEST, {"kind": "quarterly", "quarter": "2026Q3"}).status_code == 403
    assert not ReportJob.objects.exists()
    client.force_login(leader)
    assert client.get(INDEX).status_code == 200


def test_another_users_report_is_not_found(client, plan, plan_owner, leader, reporter_a):
    from innoplan.reports.services import report_job_request

    job = report_job_request(plan=plan, kind="supervision", as_of=plan.issued_on, actor=plan_owner)
    run_job(job.pk)
    client.force_login(leader)
    assert client.get(download_url(job)).status_code == 404
    assert client.get(status_url(job)).status_code == 404
    assert b'data-testid="report-job"' not in client.get(INDEX).content
    client.force_login(reporter_a)
    assert client.get(download_url(job)).status_code == 403


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, None),
        ({"kind": "quarterly", "quarter": "2027Q1"}, "quarter"),
        ({"kind": "quarterly", "quarter": "nonsense"}, "quarter"),
        ({"kind": "supervision", "as_of": "2026-12-31"}, "as_of"),
        ({"kind": "supervision", "as_of": "30/09/2026"}, "as_of"),
    ],
)
def test_a_request_it_cannot_build_is_refused_with_the_reason(
    client, plan, plan_owner, data, error
):
    client.force_login(plan_owner)
    response = client.post(REQUEST, data)
    assert response.status_code == 400
    assert not ReportJob.objects.exists()
    if error:
        assert b'data-testid="field-error"' in response.content


def test_a_report_that_cannot_be_built_is_marked_failed_and_says_so(client, plan, plan_owner):
    from innoplan.reports.quarters import QuarterError

    job = ReportJob.objects.create(
        kind="quarterly", quarter="bad", as_of=plan.issued_on, plan=plan, created_by=plan_owner
    )
    with pytest.raises(QuarterError):
        run_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error and not job.file
    assert run_job(job.pk).status == JobStatus.FAILED  # run again: nothing changes
    client.force_login(plan_owner)
    row = client.get(status_url(job))
    assert b'data-testid="job-error"' in row.content and b"hx-get" not in row.content
    assert client.get(download_url(job)).status_code == 404
