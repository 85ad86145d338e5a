"""Writes that belong to core: the office's working-day calendar."""

from __future__ import annotations

from dataclasses import dataclass

from auditlog.context import set_actor
from django.db import transaction

from innoplan.core.holiday_schedule import YearSchedule
from innoplan.core.models import CalendarDay, CalendarYear


@dataclass(frozen=True)
class ScheduleLoad:
    year: int
    created: int
    updated: int
    removed: int
    notice_changed: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed or self.notice_changed)


def calendar_year_load(*, schedule: YearSchedule, actor=None) -> ScheduleLoad:
    """Make the office's data for ``schedule.year`` exactly the schedule's days, in one
    transaction: days it no longer lists are removed, changed ones updated in place, so that
    loading the same file again changes nothing and leaves no audit entry. Each write is a
    single save, which django-auditlog records (a year has a few dozen days)."""
    with transaction.atomic(), set_actor(actor):
        year, created_year = CalendarYear.objects.get_or_create(
            year=schedule.year, defaults={"notice": schedule.notice}
        )
        notice_changed = not created_year and year.notice != schedule.notice
        if notice_changed:
            year.notice = schedule.notice
            year.full_clean()
            year.save()
        existing = {day.date: day for day in year.days.all()}
        created = updated = 0
        for spec in schedule.days:
            day = existing.pop(spec.date, None)
            if day is None:
                day = CalendarDay(schedule=year, date=spec.date)
                created += 1
            elif (day.is_workday, day.name) == (spec.is_workday, spec.name):
                continue
            else:
                updated += 1
            day.is_workday, day.name = spec.is_workday, spec.name
            day.full_clean()
            day.save()
        for day in existing.values():
            day.delete()
        return ScheduleLoad(
            year=schedule.year,
            created=created,
            updated=updated,
            removed=len(existing),
            notice_changed=notice_changed,
        )
