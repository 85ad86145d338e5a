"""Writes of notifications: telling people (``notify``), draining the outbox (``drain``), the
daily digest (``send_digests``) and marking notifications read.

How a notification travels
--------------------------
``notify`` writes, in one transaction, a ``Notification`` per person (what the site shows) and
the outbox rows (``Delivery``) for what leaves the site: an email per person with an address
when the matter is urgent (a rejection, a new 督办), one message per group-chat robot when asked.
A reminder is not emailed on its own: it waits for the person's daily digest, one email a day
listing them all (``send_digests``). Everything is keyed: calling ``notify`` again with the same
key (the daily job run twice) adds nothing.

Once the transaction commits, a background task (``tasks.drain_outbox``) is queued to drain the
outbox. ``drain`` claims the due rows — ``select_for_update(skip_locked=True)`` where the
database has it (PostgreSQL), a conditional update on the attempt count elsewhere (SQLite) — so
two workers draining at once never send a row twice, and sends each outside any transaction.
A failed send is logged and tried again after ``INNOPLAN_NOTIFY_RETRY_MINUTES`` (1, 5, 30
minutes, 2 and 12 hours by default), and given up after ``INNOPLAN_NOTIFY_MAX_ATTEMPTS``
attempts; the row keeps its status and last error (``innoplan notify status`` lists them).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Min
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from innoplan.accounts.permissions import authorise
from innoplan.notifications.choices import Channel, DeliveryStatus
from innoplan.notifications.models import Delivery, Notification

logger = logging.getLogger(__name__)

# A claimed row is not due again for this long: if its worker dies mid-send, another worker
# takes it up after the lease. Longer than a batch of sends can take (each times out in 10 s).
LEASE = timedelta(minutes=15)
# Rows claimed at a time by one worker.
BATCH = 20


def absolute(link: str) -> str:
    """The link as a reader outside the site follows it: the site's address (INNOPLAN_SITE_URL)
    before a path of the site; nothing when that address is not configured."""
    if not link:
        return ""
    if link.startswith(("http://", "https://")):
        return link
    if not settings.INNOPLAN_SITE_URL or not link.startswith("/"):
        return ""
    return settings.INNOPLAN_SITE_URL + link


def _one_line(text: str) -> str:
    # A mail header takes no line break; a subject is one line everywhere.
    return " ".join(str(text).split())


def notify(
    *,
    recipients: Iterable,
    subject: str,
    body: str,
    link: str = "",
    urgent: bool,
    key: str,
    chat: bool = False,
) -> list[Notification]:
    """Tell ``recipients`` (users) about one matter, known by ``key``: in the site, by email
    (at once when ``urgent``, else in the next daily digest) and, with ``chat``, to every
    configured group-chat robot. Idempotent by key: the notifications it creates (none when
    the key was seen before). Works inside or outside a transaction; the outbox is drained
    after the commit."""
    subject = _one_line(subject)[:200]
    payload = {"subject": subject, "body": body, "link": absolute(link)}
    created: list[Notification] = []
    queued = False
    people = {user.pk: user for user in recipients if user is not None and user.is_active}
    with transaction.atomic():
        for user in people.values():
            notification = Notification(
                recipient=user,
                subject=subject,
                body=body,
                link=link,
                key=key,
                urgent=urgent,
                awaits_digest=not urgent and bool(user.email),
            )
            try:
                with transaction.atomic():
                    notification.save()
            except IntegrityError:
                continue  # told already
            created.append(notification)
            if urgent and user.email:
                queued |= _enqueue(Channel.EMAIL, user.email, key, payload)
        if chat:
            for webhook in settings.INNOPLAN_CHAT_WEBHOOKS:
                queued |= _enqueue(Channel.WEBHOOK, webhook.name, key, payload)
        if queued:
            transaction.on_commit(schedule_drain, robust=True)
    return created


def _enqueue(channel: str, target: str, key: str, payload: dict) -> bool:
    """Put one message in the outbox unless it is there already; whether it was added."""
    try:
        with transaction.atomic():
            Delivery.objects.create(channel=channel, target=target, key=key, payload=payload)
    except IntegrityError:
        return False
    return True


# --- draining the outbox ----------------------------------------------------------------------


@dataclass
class DrainSummary:
    sent: int = 0
    retrying: int = 0
    given_up: int = 0
    # When the earliest delivery still waiting is due (None when nothing waits).
    next_attempt_at: datetime | None = None

    def __str__(self) -> str:
        text = f"{self.sent} sent, {self.retrying} to retry, {self.given_up} given up"
        if self.next_attempt_at:
            text += f"; next attempt at {timezone.localtime(self.next_attempt_at):%Y-%m-%d %H:%M}"
        return text


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    minutes = settings.INNOPLAN_NOTIFY_RETRY_MINUTES
    return timedelta(minutes=minutes[min(attempts, len(minutes)) - 1])


def drain(now: datetime | None = None) -> DrainSummary:
    """Send every delivery that is due at ``now`` (the present by default). Safe to run twice
    and from two workers at once: each row is claimed before it is sent."""
    from innoplan.notifications.senders import send

    now = now or timezone.now()
    summary = DrainSummary()
    while True:
        candidates, claimed = _claim(now)
        if not candidates:
            break
        for delivery in claimed:
            try:
                send(delivery)
            except Exception as error:  # any failure is recorded and retried, never lost
                _record_failure(delivery, error, now, summary)
            else:
                Delivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(
                    status=DeliveryStatus.SENT, sent_at=now, last_error=""
                )
                summary.sent += 1
    summary.next_attempt_at = Delivery.objects.filter(status=DeliveryStatus.PENDING).aggregate(
        at=Min("next_attempt_at")
    )["at"]
    return summary


def _due(now: datetime):
    return Delivery.objects.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "pk")


def _claim(now: datetime) -> tuple[list[Delivery], list[Delivery]]:
    """(the due rows looked at, the ones this worker claimed). A claim counts the attempt and
    moves the row's next attempt past the lease, so no other worker takes it meanwhile."""
    lease_end = now + LEASE
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            rows = list(_due(now).select_for_update(skip_locked=True)[:BATCH])
            Delivery.objects.filter(pk__in=[row.pk for row in rows]).update(
                attempts=F("attempts") + 1, next_attempt_at=lease_end
            )
        for row in rows:
            row.attempts += 1
        return rows, rows
    # No row locks (SQLite): claim each row by a conditional update of its attempt count;
    # another worker's claim changed it, and this one then updates nothing.
    rows = list(_due(now)[:BATCH])
    claimed = []
    for row in rows:
        taken = Delivery.objects.filter(
            pk=row.pk, status=DeliveryStatus.PENDING, attempts=row.attempts
        ).update(attempts=F("attempts") + 1, next_attempt_at=lease_end)
        if taken:
            row.attempts += 1
            claimed.append(row)
    return rows, claimed


def _record_failure(delivery: Delivery, error: Exception, now: datetime, summary) -> None:
    reason = f"{type(error).__name__}: {error}"[:2000]
    mine = Delivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts)
    if delivery.attempts >= settings.INNOPLAN_NOTIFY_MAX_ATTEMPTS:
        mine.update(status=DeliveryStatus.FAILED, last_error=reason)
        summary.given_up += 1
        logger.error(
            "notification %s to %s %s given up after %s attempts: %s",
            delivery.key,
            delivery.channel,
            delivery.target,
            delivery.attempts,
            reason,
        )
        return
    retry_at = now + retry_delay(delivery.attempts)
    mine.update(next_attempt_at=retry_at, last_error=reason)
    summary.retrying += 1
    logger.warning(
        "notification %s to %s %s failed (attempt %s), retrying at %s: %s",
        delivery.key,
        delivery.channel,
        delivery.target,
        delivery.attempts,
        retry_at.isoformat(),
        reason,
    )


def schedule_drain(at: datetime | None = None) -> None:
    """Queue a drain of the outbox (at ``at``, else as soon as a worker is free), unless one is
    queued already for that time or earlier."""
    from django_tasks import TaskResultStatus, default_task_backend

    from innoplan.notifications.tasks import drain_outbox

    if not default_task_backend.supports_defer:
        # The immediate backend of development runs the drain now; it cannot wait.
        if at is None:
            drain_outbox.enqueue()
        return
    if "django_tasks_db" in settings.INSTALLED_APPS:
        from django.db.models import Q
        from django_tasks_db.models import DBTaskResult, get_date_max

        wanted = at or timezone.now()
        if DBTaskResult.objects.filter(
            Q(run_after=get_date_max()) | Q(run_after__lte=wanted),
            task_path=drain_outbox.module_path,
            status=TaskResultStatus.READY,
        ).exists():
            return
    (drain_outbox.using(run_after=at) if at else drain_outbox).enqueue()


def drain_and_reschedule(now: datetime | None = None) -> DrainSummary:
    """Drain, then queue the next drain for when the earliest retry is due."""
    summary = drain(now)
    if summary.next_attempt_at is not None:
        schedule_drain(max(summary.next_attempt_at, timezone.now()))
    return summary


def retry_given_up(*, ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Put given-up deliveries back in the outbox for a fresh round of attempts (after the
    mail server or the robot is fixed); how many. All of them unless ``ids`` are given."""
    rows = Delivery.objects.filter(status=DeliveryStatus.FAILED)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    count = rows.update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now or timezone.now()
    )
    if count:
        transaction.on_commit(schedule_drain, robust=True)
    return count


# --- the daily digest -------------------------------------------------------------------------


def digest_key(user_id: int, day: date) -> str:
    return f"digest:{user_id}:{day.isoformat()}"


def send_digests(day: date) -> int:
    """Put in the outbox one email per person listing the notifications waiting for a digest
    that were created by the end of ``day``; how many digests. Idempotent: a person gets one
    digest per day (key ``digest:<user>:<day>``), and a notification is in one digest only."""
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))
    waiting = Notification.objects.filter(
        awaits_digest=True, created__lt=end, recipient__is_active=True
    ).exclude(recipient__email="")
    recipients = waiting.values_list("recipient_id", flat=True).distinct().order_by()
    made = 0
    for user_id in list(recipients):
        key = digest_key(user_id, day)
        try:
            with transaction.atomic():
                items = list(
                    waiting.filter(recipient_id=user_id)
                    .select_related("recipient")
                    .order_by("created", "pk")
                )
                if not items:
                    continue
                delivery = Delivery.objects.create(
                    channel=Channel.EMAIL,
                    target=items[0].recipient.email,
                    key=key,
                    payload=_digest_payload(items, day),
                )
                Notification.objects.filter(pk__in=[item.pk for item in items]).update(
                    awaits_digest=False, digest=delivery
                )
        except IntegrityError:
            continue  # this person's digest of the day exists already
        made += 1
    if made:
        transaction.on_commit(schedule_drain, robust=True)
    return made


def _digest_payload(items: list[Notification], day: date) -> dict:
    with translation.override(settings.LANGUAGE_CODE):
        shown_day = formats.date_format(day, "DATE_FORMAT")
        subject = _("Your notifications of %(day)s (%(count)s)") % {
            "day": shown_day,
            "count": len(items),
        }
        parts = []
        for number, item in enumerate(items, start=1):
            lines = [f"{number}. {item.subject}"]
            if item.body:
                lines += [f"   {line}" for line in item.body.splitlines()]
            if absolute(item.link):
                lines.append(f"   {absolute(item.link)}")
            parts.append("\n".join(lines))
        body = "\n\n".join(parts)
        return {
            "subject": _one_line(subject)[:200],
            "body": body,
            "link": absolute(reverse("notifications:inbox")),
        }


# --- reading ---------------------------------------------------------------------------------


def notification_read(*, notification: Notification, actor) -> Notification:
    """Mark the actor's own notification read (once: the first reading time stays)."""
    authorise(
        actor,
        "notifications.read_notification",
        notification,
        message=_("This notification is not yours."),
    )
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notifications_read_all(*, actor) -> int:
    """Mark every unread notification of the actor read; how many."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
