"""The outbox: notify once per key, urgent mail at once and reminders in the daily digest,
retries with backoff, giving up, and draining that is safe to run twice."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
from django.utils import timezone

from innoplan.notifications import services
from innoplan.notifications.choices import Channel, DeliveryStatus
from innoplan.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db


def _notify(recipients, *, urgent=True, key="notice:1", chat=False, **extra):
    values = {
        "subject": "督办: 新型研发机构落地",
        "body": "任务3 — 节点已逾期 20 天。",
        "link": "/supervision/notices/1/",
    }
    values.update(extra)
    return services.notify(recipients=recipients, urgent=urgent, key=key, chat=chat, **values)


def test_notifying_twice_with_one_key_makes_one_notification_and_one_delivery(mail, with_email):
    reporter_a, _, _ = with_email
    first = _notify([reporter_a])
    second = _notify([reporter_a])
    assert len(first) == 1 and second == []
    assert Notification.objects.filter(recipient=reporter_a).count() == 1
    assert Delivery.objects.count() == 1


def test_a_person_named_twice_is_told_once_and_an_inactive_one_not_at_all(mail, with_email):
    reporter_a, reporter_b, _ = with_email
    reporter_b.is_active = False
    reporter_b.save()
    _notify([reporter_a, reporter_a, reporter_b])
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == [
        "reporter_a"
    ]


def test_an_urgent_notification_is_mailed_at_the_next_drain(mail, with_email):
    reporter_a, reporter_b, _ = with_email
    _notify([reporter_a, reporter_b])
    summary = services.drain()
    assert summary.sent == 2 and summary.next_attempt_at is None
    assert sorted(m.to[0] for m in mail.outbox) == ["a@dept-a.example.cn", "b@dept-b.example.cn"]
    message = mail.outbox[0]
    assert message.subject == "督办: 新型研发机构落地"
    assert "节点已逾期 20 天" in message.body
    assert "https://innoplan.example.gov.cn/supervision/notices/1/" in message.body
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_a_person_without_an_email_address_is_told_in_the_site_only(mail, reporter_a):
    _notify([reporter_a])
    assert Notification.objects.filter(recipient=reporter_a).exists()
    assert not Delivery.objects.exists()


def test_reminders_wait_for_one_digest_per_person_per_day(mail, with_email):
    reporter_a, reporter_b, _ = with_email
    _notify([reporter_a], urgent=False, key="notice:1", subject="提醒: 节点一")
    _notify([reporter_a, reporter_b], urgent=False, key="notice:2", subject="提醒: 节点二")
    assert services.drain().sent == 0
    assert mail.outbox == []

    today = timezone.localdate()
    assert services.send_digests(today) == 2
    assert services.send_digests(today) == 0  # the job run twice
    services.drain()
    by_address = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 2
    digest_a = by_address["a@dept-a.example.cn"]
    assert "（2 条）" in digest_a.subject  # in the site's language, Chinese
    assert "1. 提醒: 节点一" in digest_a.body and "2. 提醒: 节点二" in digest_a.body
    assert "https://innoplan.example.gov.cn/notifications/" in digest_a.body
    assert "提醒: 节点一" not in by_address["b@dept-b.example.cn"].body
    assert Delivery.objects.get(target="a@dept-a.example.cn").key == (
        f"digest:{reporter_a.pk}:{today.isoformat()}"
    )


def test_a_reminder_after_the_days_digest_waits_for_the_next_day(mail, with_email):
    reporter_a, _, _ = with_email
    today = timezone.localdate()
    _notify([reporter_a], urgent=False, key="notice:1")
    services.send_digests(today)
    _notify([reporter_a], urgent=False, key="notice:2", subject="提醒: 午后的节点")
    assert services.send_digests(today) == 0
    assert services.send_digests(today + timedelta(days=1)) == 1
    services.drain()
    assert [("午后的节点" in m.body) for m in mail.outbox] == [False, True]


def test_a_digest_for_an_earlier_day_leaves_out_later_reminders(mail, with_email):
    reporter_a, _, _ = with_email
    _notify([reporter_a], urgent=False)
    assert services.send_digests(timezone.localdate() - timedelta(days=1)) == 0
    assert Notification.objects.get().awaits_digest


def test_a_failed_send_is_retried_with_backoff_then_sent(
    settings, mail, broken_mail_server, with_email, caplog
):
    reporter_a, _, _ = with_email
    _notify([reporter_a])
    now = timezone.now()
    with caplog.at_level(logging.WARNING, logger="innoplan.notifications.services"):
        summary = services.drain(now)
    assert (summary.sent, summary.retrying) == (0, 1)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.next_attempt_at == now + timedelta(minutes=1)
    assert "ConnectionRefusedError" in delivery.last_error
    assert "retrying" in caplog.text and "a@dept-a.example.cn" in caplog.text
    assert summary.next_attempt_at == delivery.next_attempt_at

    # Not due before its time; the second failure waits 5 minutes.
    assert services.drain(now + timedelta(seconds=30)).retrying == 0
    services.drain(now + timedelta(minutes=1))
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at == now + timedelta(minutes=1 + 5)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # mended
    assert services.drain(now + timedelta(minutes=6)).sent == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 3
    assert delivery.last_error == ""
    assert len(mail.outbox) == 1


def test_a_send_is_given_up_after_the_last_attempt_and_kept_with_its_error(
    settings, mail, broken_mail_server, with_email, caplog
):
    settings.INNOPLAN_NOTIFY_MAX_ATTEMPTS = 3
    settings.INNOPLAN_NOTIFY_RETRY_MINUTES = (1, 5)
    reporter_a, _, _ = with_email
    _notify([reporter_a])
    now = timezone.now()
    with caplog.at_level(logging.WARNING, logger="innoplan.notifications.services"):
        for minutes in (0, 1, 6):
            summary = services.drain(now + timedelta(minutes=minutes))
    assert summary.given_up == 1 and summary.next_attempt_at is None
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 3
    assert delivery.last_error
    assert "given up after 3 attempts" in caplog.text
    assert services.drain(now + timedelta(days=1)).given_up == 0  # nothing left to try

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.retry_given_up() == 1
    assert services.drain(timezone.now()).sent == 1
    assert len(mail.outbox) == 1


def test_the_retry_delays_repeat_the_last_one(settings):
    settings.INNOPLAN_NOTIFY_RETRY_MINUTES = (1, 5, 30, 120, 720)
    assert [services.retry_delay(n) for n in (1, 2, 5, 6, 9)] == [
        timedelta(minutes=m) for m in (1, 5, 720, 720, 720)
    ]


def test_draining_twice_sends_each_message_once(mail, with_email):
    reporter_a, reporter_b, plan_owner = with_email
    _notify([reporter_a, reporter_b, plan_owner])
    now = timezone.now()
    assert services.drain(now).sent == 3
    assert services.drain(now).sent == 0
    assert services.drain(now + timedelta(hours=1)).sent == 0
    assert len(mail.outbox) == 3


def test_a_row_another_worker_claimed_is_not_sent_again(mail, with_email):
    reporter_a, reporter_b, _ = with_email
    _notify([reporter_a, reporter_b])
    now = timezone.now()
    # A first worker has claimed the rows and is still sending them.
    _, claimed = services._claim(now)
    assert len(claimed) == 2
    # A second worker, draining meanwhile, finds nothing of theirs to send.
    assert services.drain(now).sent == 0
    assert mail.outbox == []
    # Should the first worker die, the rows are due again after the lease.
    assert services.drain(now + services.LEASE + timedelta(seconds=1)).sent == 2
    assert Delivery.objects.filter(attempts=2, status=DeliveryStatus.SENT).count() == 2


def test_a_stale_claim_on_a_row_taken_meanwhile_fails(mail, with_email):
    reporter_a, _, _ = with_email
    _notify([reporter_a])
    row = Delivery.objects.get()
    Delivery.objects.filter(pk=row.pk).update(attempts=1)  # another worker's claim
    stale = Delivery.objects.filter(pk=row.pk, status=DeliveryStatus.PENDING, attempts=0)
    assert stale.update(attempts=1) == 0


def test_notify_queues_one_drain_after_the_commit(
    mail, with_email, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from innoplan.notifications.tasks import drain_outbox

    reporter_a, reporter_b, _ = with_email
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _notify([reporter_a], key="review:1")
        assert not DBTaskResult.objects.filter(task_path=drain_outbox.module_path).exists()
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True):
        _notify([reporter_b], key="review:2")
        _notify([reporter_a], urgent=False, key="completion:3")  # nothing to send now
    assert DBTaskResult.objects.filter(task_path=drain_outbox.module_path).count() == 1


def test_the_drain_task_queues_itself_for_the_next_retry(
    mail, broken_mail_server, with_email, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from innoplan.notifications.tasks import drain_outbox

    reporter_a, _, _ = with_email
    _notify([reporter_a])
    result = drain_outbox.call()
    assert "1 to retry" in result
    queued = DBTaskResult.objects.get(task_path=drain_outbox.module_path)
    assert queued.run_after == Delivery.objects.get().next_attempt_at


def test_the_daily_job_sends_the_days_digests(mail, with_email):
    from innoplan.core.schedule import daily_jobs

    reporter_a, _, _ = with_email
    _notify([reporter_a], urgent=False)
    jobs = daily_jobs()
    assert list(jobs).index("notification_digest") > list(jobs).index("supervise")
    outcome = jobs["notification_digest"](timezone.localdate())
    assert outcome.startswith("1 digests; 1 sent")
    assert len(mail.outbox) == 1


def test_a_chat_message_goes_once_to_every_robot(settings, mail, with_email, robot_server):
    from tests.notifications.conftest import robots

    wecom, dingtalk = robot_server(), robot_server()
    robots(settings, f"wecom:ops={wecom.url}/w", f"dingtalk:leaders={dingtalk.url}/d")
    reporter_a, _, _ = with_email
    _notify([reporter_a], chat=True)
    _notify([reporter_a], chat=True)
    assert sorted(Delivery.objects.values_list("channel", "target")) == [
        (Channel.EMAIL, "a@dept-a.example.cn"),
        (Channel.WEBHOOK, "leaders"),
        (Channel.WEBHOOK, "ops"),
    ]
    assert services.drain().sent == 3
    assert len(wecom.calls) == len(dingtalk.calls) == 1


def test_reading_marks_only_the_readers_own_notification(mail, with_email):
    from django.core.exceptions import PermissionDenied

    reporter_a, reporter_b, _ = with_email
    _notify([reporter_a, reporter_b])
    mine = Notification.objects.get(recipient=reporter_a)
    services.notification_read(notification=mine, actor=reporter_a)
    first = mine.read_at
    services.notification_read(notification=mine, actor=reporter_a)
    assert Notification.objects.get(pk=mine.pk).read_at == first
    with pytest.raises(PermissionDenied):
        services.notification_read(notification=mine, actor=reporter_b)
    assert services.notifications_read_all(actor=reporter_b) == 1
    assert services.notifications_read_all(actor=reporter_b) == 0


def test_a_digest_key_names_the_person_and_the_day():
    assert services.digest_key(7, date(2026, 9, 30)) == "digest:7:2026-09-30"
