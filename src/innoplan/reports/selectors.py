"""Reads of the report jobs that the pages share."""

from __future__ import annotations

from django.db.models import QuerySet

from innoplan.accounts.choices import Role
from innoplan.reports.models import ReportJob

RECENT_JOBS = 20


def restrict_report_jobs(user, queryset: QuerySet[ReportJob] | None = None) -> QuerySet[ReportJob]:
    """Every job for the plan owner, a leader's own, none for anyone else."""
    queryset = ReportJob.objects.all() if queryset is None else queryset
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.role == Role.PLAN_OWNER:
        return queryset
    if user.role == Role.LEADER:
        return queryset.filter(created_by=user)
    return queryset.none()


def recent_jobs(user, *, limit: int = RECENT_JOBS) -> list[ReportJob]:
    """The reports the user asked for, newest first."""
    return list(ReportJob.objects.filter(created_by=user).select_related("created_by")[:limit])
