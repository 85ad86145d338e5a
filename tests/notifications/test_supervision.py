"""The supervision ladder tells people through the outbox: reminders in the digest, 督办 and
通报 at once by email and to the group chat; the daily job run twice tells nobody twice."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from innoplan.notifications import services
from innoplan.notifications.choices import Channel
from innoplan.notifications.models import Delivery, Notification
from tests.notifications.conftest import robots

pytestmark = pytest.mark.django_db


def test_the_ladder_notifies_once_however_often_it_runs(
    settings,
    supervision_scene,
    mail,
    with_email,
    robot_server,
    django_capture_on_commit_callbacks,
):
    from innoplan.supervision.choices import NoticeLevel
    from innoplan.supervision.models import Notice
    from innoplan.supervision.services import supervise

    robot = robot_server()
    robots(settings, f"wecom:ops={robot.url}/send?key=K")
    morning = datetime.combine(supervision_scene.day, time(7), tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(morning, tick=False):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                supervise(as_of=supervision_scene.day)
    levels = {f"notice:{n.pk}": n.level for n in Notice.objects.all()}
    told = sorted(
        (n.recipient.username, levels[n.key], n.urgent)
        for n in Notification.objects.select_related("recipient")
    )
    assert told == [
        ("owner", NoticeLevel.CIRCULAR, True),
        ("reporter_a", NoticeLevel.CIRCULAR, True),
        ("reporter_a", NoticeLevel.REMINDER, False),
        ("reporter_a", NoticeLevel.SUPERVISION, True),
        ("reporter_b", NoticeLevel.SUPERVISION, True),
    ]

    urgent = Notification.objects.filter(urgent=True)
    assert Delivery.objects.filter(channel=Channel.EMAIL).count() == urgent.count()
    assert Delivery.objects.filter(channel=Channel.WEBHOOK).count() == (
        urgent.values("key").distinct().count()
    )
    services.drain()
    assert len(mail.outbox) == urgent.count()
    assert len(robot.calls) == urgent.values("key").distinct().count()
    assert all("/supervision/notices/" in call.body["markdown"]["content"] for call in robot.calls)

    assert services.send_digests(supervision_scene.day) == 1
    services.drain()
    assert len(mail.outbox) == urgent.count() + 1
