"""Two workers draining the outbox at the same moment, each on its own database connection,
send every message exactly once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from innoplan.notifications import services
from innoplan.notifications.choices import Channel, DeliveryStatus
from innoplan.notifications.models import Delivery
from tests.notifications.conftest import robots


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two connections at once: PostgreSQL (the SQLite test database is in memory, where "
    "connections share a cache with table locks, unlike a deployment's file in WAL mode)",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_draining_at_once_send_each_message_once(settings, robot_server):
    robot = robot_server()
    robots(settings, f"wecom:ops={robot.url}/send?key=K")
    Delivery.objects.bulk_create(
        Delivery(
            channel=Channel.WEBHOOK,
            target="ops",
            key=f"notice:{number}",
            payload={"subject": f"督办 {number}", "body": "", "link": ""},
        )
        for number in range(2 * services.BATCH + 5)
    )
    now = timezone.now()
    start = threading.Barrier(2)
    summaries = []
    errors = []

    def worker():
        try:
            start.wait()
            summaries.append(services.drain(now))
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    subjects = [call.body["markdown"]["content"] for call in robot.calls]
    assert len(subjects) == len(set(subjects)) == 2 * services.BATCH + 5
    assert sum(summary.sent for summary in summaries) == 2 * services.BATCH + 5
    assert set(Delivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}
