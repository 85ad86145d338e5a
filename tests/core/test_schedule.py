"""The daily jobs: registered by the apps, queued once for the next run, run one by one."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from innoplan.core import schedule
from innoplan.core.tasks import run_daily_jobs

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def test_the_supervision_ladder_is_a_daily_job():
    assert "supervise" in schedule.daily_jobs()


def test_the_next_run_is_today_before_the_hour_and_tomorrow_after_it(settings):
    settings.INNOPLAN_DAILY_AT = "07:00"
    assert schedule.next_run(local(date(2026, 9, 30), 6, 59)) == local(date(2026, 9, 30), 7)
    assert schedule.next_run(local(date(2026, 9, 30), 7)) == local(date(2026, 10, 1), 7)


@pytest.mark.django_db
def test_the_run_is_queued_once(settings):
    settings.INNOPLAN_DAILY_AT = "07:30"
    first = schedule.schedule_next(local(date(2026, 9, 30), 12))
    second = schedule.schedule_next(local(date(2026, 9, 30), 13))
    assert first == second == local(date(2026, 10, 1), 7, 30)
    queued = DBTaskResult.objects.filter(
        task_path=run_daily_jobs.module_path, status=TaskResultStatus.READY
    )
    assert queued.count() == 1
    assert queued.get().run_after == first


@pytest.mark.django_db
def test_one_failing_job_does_not_stop_the_others(monkeypatch):
    ran = []

    def broken(day):
        raise RuntimeError("boom")

    def fine(day):
        ran.append(day)
        return "ok"

    monkeypatch.setattr(schedule, "_DAILY", {"broken": broken, "fine": fine})
    assert schedule.run_all(date(2026, 9, 30)) == {"broken": "failed", "fine": "ok"}
    assert ran == [date(2026, 9, 30)]
