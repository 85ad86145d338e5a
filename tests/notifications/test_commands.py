"""``innoplan notify``: drain, digest (twice on a day sends one), status and retry."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from innoplan.notifications import services
from innoplan.notifications.choices import DeliveryStatus
from innoplan.notifications.models import Delivery

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("notify", *args, stdout=out)
    return out.getvalue()


def _tell(users, *, urgent, key):
    services.notify(
        recipients=users, subject="提醒: 节点", body="还剩 5 天", urgent=urgent, key=key
    )


def test_drain_sends_what_is_due(mail, with_email):
    reporter_a, _, _ = with_email
    _tell([reporter_a], urgent=True, key="notice:1")
    assert _run("drain").startswith("1 sent, 0 to retry, 0 given up")
    assert _run("drain").startswith("0 sent")
    assert len(mail.outbox) == 1


def test_digest_for_a_day_sends_one_email_per_person_once(mail, with_email):
    reporter_a, reporter_b, _ = with_email
    _tell([reporter_a, reporter_b], urgent=False, key="notice:1")
    _tell([reporter_a], urgent=False, key="notice:2")
    day = timezone.localdate().isoformat()
    assert _run("digest", "--day", day).startswith(f"{day}: 2 digests queued; 2 sent")
    assert _run("digest", "--day", day).startswith(f"{day}: 0 digests queued; 0 sent")
    assert sorted(m.to[0] for m in mail.outbox) == ["a@dept-a.example.cn", "b@dept-b.example.cn"]


def test_digest_refuses_a_day_that_is_not_a_date(db):
    with pytest.raises(CommandError, match="--day '30/9': expected a date"):
        _run("digest", "--day", "30/9")


def test_status_lists_the_failures_and_retry_sends_them_again(
    settings, mail, broken_mail_server, with_email
):
    settings.INNOPLAN_NOTIFY_MAX_ATTEMPTS = 1
    reporter_a, _, _ = with_email
    _tell([reporter_a], urgent=True, key="notice:1")
    assert "1 given up" in _run("drain")
    status = _run("status")
    delivery = Delivery.objects.get()
    assert f"#{delivery.pk} email a@dept-a.example.cn notice:1 (1 attempts, given up)" in status
    assert "ConnectionRefusedError" in status

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert _run("retry", str(delivery.pk)).startswith("1 deliveries back in the outbox\n1 sent")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1


def test_status_shows_when_a_failed_send_is_tried_again(mail, broken_mail_server, with_email):
    reporter_a, _, _ = with_email
    _tell([reporter_a], urgent=True, key="notice:1")
    services.drain()
    retry_at = timezone.localtime(Delivery.objects.get().next_attempt_at)
    assert retry_at - timezone.now() <= timedelta(minutes=1)
    assert f"retry at {retry_at:%Y-%m-%d %H:%M}" in _run("status")
