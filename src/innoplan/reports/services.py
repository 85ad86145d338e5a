"""Asking for a Word report: the job is kept and queued for the background worker."""

from __future__ import annotations

from datetime import date

from auditlog.context import set_actor
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from innoplan.accounts.permissions import authorise
from innoplan.plans.models import Plan
from innoplan.reports import tasks
from innoplan.reports.choices import ReportKind
from innoplan.reports.models import ReportJob
from innoplan.reports.quarters import Quarter


def report_job_request(
    *,
    plan: Plan,
    kind: str,
    actor,
    quarter: Quarter | None = None,
    as_of: date | None = None,
    language: str | None = None,
) -> ReportJob:
    """Queue a quarterly report for ``quarter`` or a supervision circular as of ``as_of``;
    the job and its queue entry are written together or not at all."""
    authorise(
        actor,
        "reports.request_report",
        message=_("Only the plan owner and the district leaders ask for reports."),
    )
    if kind == ReportKind.QUARTERLY:
        if quarter is None:
            raise ValueError("a quarterly report needs its quarter")
        # A quarter still running is reported as of the day it is asked for.
        job = ReportJob(
            kind=kind, quarter=str(quarter), as_of=quarter.report_day(timezone.localdate())
        )
    elif kind == ReportKind.SUPERVISION:
        if as_of is None:
            raise ValueError("a supervision circular needs its date")
        job = ReportJob(kind=kind, as_of=as_of)
    else:
        raise ValueError(f"unknown report kind {kind!r}")
    job.plan = plan
    job.created_by = actor
    job.language = language or get_language() or "zh-hans"
    with transaction.atomic(), set_actor(actor):
        job.full_clean(exclude=["file"])
        job.save()
        # Queued in the same transaction as the job (django-tasks-db): both or neither.
        tasks.build_report.enqueue(job.pk)
    job.refresh_from_db()
    return job
