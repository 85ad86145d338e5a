"""Background work of notifications: draining the outbox (queued after each ``notify`` and
again for each pending retry) and the daily digest (a daily job of ``core.schedule``)."""

from __future__ import annotations

from datetime import date

from django_tasks import task

from innoplan.core.schedule import daily
from innoplan.notifications import services


@task()
def drain_outbox() -> str:
    """Send what is due; when retries wait, queue this task again for the earliest of them."""
    return str(services.drain_and_reschedule())


@daily("notification_digest")
def digest_day(day: date) -> str:
    # Registered after supervision's daily job (INSTALLED_APPS order), so the reminders the
    # ladder raises this morning are in this morning's digest.
    made = services.send_digests(day)
    return f"{made} digests; {services.drain_and_reschedule()}"
