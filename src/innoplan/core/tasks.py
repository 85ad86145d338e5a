"""Background tasks of the shared pieces: the daily run of the apps' daily jobs."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from innoplan.core import schedule


@task()
def run_daily_jobs() -> dict[str, str]:
    """Run the daily jobs for today, then queue tomorrow's run."""
    outcome = schedule.run_all(timezone.localdate())
    schedule.schedule_next()
    return outcome
