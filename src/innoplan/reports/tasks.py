"""Building the Word reports in the background (django-tasks, queued in the database).

A job moves queued -> running -> done (its file kept in the default storage, which every web
process and worker host shares) or failed (with the reason shown on the page). Running a job
a second time changes nothing."""

from __future__ import annotations

import logging
from uuid import uuid4

from auditlog.context import set_actor
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from innoplan.reports.choices import JobStatus, ReportKind
from innoplan.reports.models import ReportJob
from innoplan.reports.quarters import parse_quarter

logger = logging.getLogger(__name__)


def build_bytes(job: ReportJob) -> bytes:
    """The job's .docx, written in the language it was asked for in."""
    from innoplan.reports import documents

    with translation.override(job.language):
        if job.kind == ReportKind.QUARTERLY:
            return documents.quarterly_report(
                plan=job.plan, quarter=parse_quarter(job.quarter), as_of=job.as_of
            )
        return documents.supervision_circular(plan=job.plan, as_of=job.as_of)


def _save(job: ReportJob, **changes) -> None:
    for name, value in changes.items():
        setattr(job, name, value)
    with set_actor(job.created_by):
        job.save(update_fields=[*changes, "updated"])


def run_job(job_id: int) -> ReportJob:
    """Build the job's report and keep it; a job that is not queued is left as it is."""
    with transaction.atomic():
        job = (
            ReportJob.objects.select_for_update()
            .select_related("plan", "created_by")
            .get(pk=job_id)
        )
        if job.status != JobStatus.QUEUED:
            return job
        _save(job, status=JobStatus.RUNNING)
    try:
        data = build_bytes(job)
        job.file.save(f"{uuid4().hex}.docx", ContentFile(data), save=False)
    except Exception:
        logger.exception("report job %s failed", job.pk)
        _save(
            job,
            status=JobStatus.FAILED,
            finished=timezone.now(),
            error=_(
                "The report could not be built. Ask for it again; if it happens again, tell "
                "the system administrator."
            ),
        )
        raise
    _save(job, status=JobStatus.DONE, file=job.file.name, finished=timezone.now())
    return job


@task()
def build_report(job_id: int) -> str:
    return run_job(job_id).status
