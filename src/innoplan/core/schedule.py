"""Jobs that run once a day in the background worker, without cron.

An app registers a daily job with ``@daily("name")`` (in its ``tasks`` module, imported from
its ``AppConfig.ready``). ``innoplan serve`` calls ``schedule_next()`` when it starts the worker:
that queues one ``core.tasks.run_daily_jobs`` for the next ``INNOPLAN_DAILY_AT`` (local time),
and each run queues the next. Every daily job must be safe to run twice on a day, so a second
queued run (two servers started at once) changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

_DAILY: dict[str, Callable[[date], object]] = {}


def daily(name: str):
    """Register ``function(day)`` to run once a day."""

    def register(function):
        _DAILY[name] = function
        return function

    return register


def daily_jobs() -> dict[str, Callable[[date], object]]:
    return dict(_DAILY)


def run_all(day: date) -> dict[str, str]:
    """Run every daily job for ``day``; one failing job does not stop the others."""
    outcome = {}
    for name, function in _DAILY.items():
        try:
            result = function(day)
        except Exception:
            logger.exception("daily job %s failed for %s", name, day)
            outcome[name] = "failed"
        else:
            outcome[name] = str(result)
    return outcome


def next_run(now: datetime | None = None) -> datetime:
    """The next ``INNOPLAN_DAILY_AT`` after ``now``, as an aware datetime."""
    now = timezone.localtime(now or timezone.now())
    at = time.fromisoformat(settings.INNOPLAN_DAILY_AT)
    candidate = timezone.make_aware(datetime.combine(now.date(), at))
    if candidate <= now:
        candidate = timezone.make_aware(datetime.combine(now.date() + timedelta(days=1), at))
    return candidate


def schedule_next(now: datetime | None = None) -> datetime | None:
    """Queue the next daily run unless one is queued already; the time it will run, or None
    when the task backend keeps no queue (the immediate backend of development)."""
    from django_tasks import default_task_backend

    from innoplan.core.tasks import run_daily_jobs

    if not default_task_backend.supports_defer:
        return None
    when = next_run(now)
    if "django_tasks_db" in settings.INSTALLED_APPS:
        from django_tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        queued = DBTaskResult.objects.filter(
            task_path=run_daily_jobs.module_path, status=TaskResultStatus.READY
        ).first()
        if queued is not None:
            return queued.run_after
    run_daily_jobs.using(run_after=when).enqueue()
    return when
