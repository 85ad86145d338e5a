"""``innoplan notify drain|digest|status|retry``: the notification outbox by hand or from cron.

- ``drain``: send every email and group-chat message that is due (the worker does this after
  each notification and for each retry on its own);
- ``digest [--day YYYY-MM-DD]``: queue the day's digests (one email per person listing the
  reminders waiting for it; today by default) and drain; safe to run twice;
- ``status``: how many deliveries wait, were sent or were given up, and the recent failures;
- ``retry [ID …]``: put given-up deliveries (all, or those named) back in the outbox.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from innoplan.notifications import selectors, services
from innoplan.notifications.choices import DeliveryStatus


class Command(BaseCommand):
    help = "Drain the notification outbox, build the daily digests, show or retry failures."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("drain", help="send what is due in the outbox")
        digest = actions.add_parser("digest", help="queue the day's digests and send them")
        digest.add_argument("--day", metavar="YYYY-MM-DD", help="the day (default: today)")
        actions.add_parser("status", help="the outbox's counts and recent failures")
        retry = actions.add_parser("retry", help="send given-up deliveries again")
        retry.add_argument("ids", nargs="*", type=int, metavar="ID")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _drain(self, **options):
        self.stdout.write(str(services.drain_and_reschedule()))

    def _digest(self, *, day=None, **options):
        when = timezone.localdate()
        if day:
            try:
                when = date.fromisoformat(day)
            except ValueError as error:
                raise CommandError(f"--day {day!r}: expected a date as YYYY-MM-DD") from error
        made = services.send_digests(when)
        self.stdout.write(f"{when}: {made} digests queued; {services.drain_and_reschedule()}")

    def _status(self, **options):
        counts = selectors.outbox_counts()
        self.stdout.write(
            ", ".join(f"{DeliveryStatus(status).label}: {n}" for status, n in counts.items())
        )
        for delivery in selectors.troubled_deliveries():
            when = timezone.localtime(delivery.next_attempt_at)
            state = (
                "given up" if delivery.status == DeliveryStatus.FAILED else f"retry at {when:%F %R}"
            )
            self.stdout.write(
                f"#{delivery.pk} {delivery.channel} {delivery.target} {delivery.key} "
                f"({delivery.attempts} attempts, {state}): {delivery.last_error}"
            )

    def _retry(self, *, ids=(), **options):
        count = services.retry_given_up(ids=ids or None)
        self.stdout.write(f"{count} deliveries back in the outbox")
        if count:
            self._drain()
