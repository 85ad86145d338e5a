"""``innoplan supervise [--as-of YYYY-MM-DD]``: the daily supervision job, by hand or from cron.

Moves milestones past their due date to overdue and raises the notices the plan's escalation
ladder owes on the day; safe to run twice. The background worker runs it every day at
``INNOPLAN_DAILY_AT`` on its own (``innoplan serve``)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from innoplan.supervision import services
from innoplan.supervision.choices import NoticeLevel


class Command(BaseCommand):
    help = "Move milestones to overdue and raise the escalation ladder's notices for a day."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of", metavar="YYYY-MM-DD", help="the day to supervise (default: today)"
        )

    def handle(self, *args, as_of=None, **options):
        day = timezone.localdate()
        if as_of:
            try:
                day = date.fromisoformat(as_of)
            except ValueError as error:
                raise CommandError(f"--as-of {as_of!r}: expected a date as YYYY-MM-DD") from error
        result = services.supervise(as_of=day)
        raised = ", ".join(
            f"{NoticeLevel(level).label} {count}" for level, count in sorted(result.raised.items())
        )
        self.stdout.write(
            f"{day}: {result.checked} open milestones checked, "
            f"{result.became_overdue} became overdue, {result.notices} notices raised"
            + (f" ({raised})" if raised else "")
        )
