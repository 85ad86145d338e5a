"""Mainland China working days (工作日): publicity periods (公示 for N working days) and service
levels (respond within N working days) count them here.

A day's word comes from, in order:

1. the office's data (:class:`~innoplan.core.models.CalendarDay`, loaded a year at a time with
   ``innoplan workdays load``): a day listed there is a holiday or a working day as it says;
2. the chinesecalendar package, which knows the statutory holidays and adjusted working days
   (调休) of the years it was released with (2004–2026 for 1.11);
3. for a year neither knows: Monday to Friday are working days.

The override is by day, not by year: a year the office loaded keeps the package's word on the
days its file does not list. A year is *known* when the package covers it or the office has
loaded its schedule (a :class:`~innoplan.core.models.CalendarYear` exists for it); counting
across a year that is not known still answers, Monday to Friday, and says so through
:func:`calendar_known` / :meth:`WorkdayCalendar.unknown_years`.

Counting starts after the given day: :func:`add_workdays` ``(d, 1)`` is the first working day
after ``d``, and :func:`workdays_between` ``(d, e)`` counts the working days in ``(d, e]``, so
that ``workdays_between(d, add_workdays(d, n)) == n``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import chinese_calendar
from django.utils.translation import gettext, gettext_noop

from innoplan.core.choices import DaySource
from innoplan.core.models import CalendarDay, CalendarYear

# The package names its holidays in English (chinese_calendar.Holiday); they are translated in
# our catalogue and marked here for makemessages.
PACKAGE_HOLIDAY_NAMES = (
    gettext_noop("New Year's Day"),
    gettext_noop("Spring Festival"),
    gettext_noop("Tomb-sweeping Day"),
    gettext_noop("Labour Day"),
    gettext_noop("Dragon Boat Festival"),
    gettext_noop("National Day"),
    gettext_noop("Mid-autumn Festival"),
    gettext_noop("Anti-Fascist 70th Day"),
)

ONE_DAY = timedelta(days=1)


@cache
def package_covers(year: int) -> bool:
    """Whether the installed chinesecalendar knows the year's schedule."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@dataclass(frozen=True)
class Day:
    """What the calendar says of one day, and on whose word."""

    date: date
    is_workday: bool
    name: str  # the holiday's (or adjusted working day's) name; "" for an ordinary day
    source: str  # DaySource

    @property
    def special(self) -> bool:
        """A holiday or an adjusted working day, rather than an ordinary weekday or weekend."""
        return self.source == DaySource.OFFICE or bool(self.name)


class WorkdayCalendar:
    """The calendar as the office's data stands when first asked: one query for the loaded
    years, then one per loaded year looked at. Keep one for a batch of computations (a list
    of deadlines); the module's functions make a fresh one per call."""

    def __init__(self) -> None:
        self._loaded: set[int] | None = None
        self._office: dict[int, dict[date, tuple[bool, str]]] = {}

    def loaded_years(self) -> set[int]:
        if self._loaded is None:
            self._loaded = set(CalendarYear.objects.values_list("year", flat=True))
        return self._loaded

    def known(self, year: int) -> bool:
        return package_covers(year) or year in self.loaded_years()

    def unknown_years(self, start: date, end: date) -> list[int]:
        """The years from ``start``'s to ``end``'s (either order) whose schedule is not known."""
        first, last = sorted((start.year, end.year))
        return [year for year in range(first, last + 1) if not self.known(year)]

    def _office_days(self, year: int) -> dict[date, tuple[bool, str]]:
        if year not in self.loaded_years():
            return {}
        if year not in self._office:
            rows = CalendarDay.objects.filter(date__year=year).values_list(
                "date", "is_workday", "name"
            )
            self._office[year] = {day: (workday, name) for day, workday, name in rows}
        return self._office[year]

    def day(self, day: date) -> Day:
        office = self._office_days(day.year).get(day)
        if office is not None:
            workday, name = office
            if not name:
                name = gettext("adjusted working day") if workday else gettext("holiday")
            return Day(day, workday, name, DaySource.OFFICE)
        if package_covers(day.year):
            _on_holiday, holiday = chinese_calendar.get_holiday_detail(day)
            name = gettext(holiday) if holiday else ""
            return Day(day, chinese_calendar.is_workday(day), name, DaySource.PACKAGE)
        return Day(day, day.weekday() < 5, "", DaySource.WEEKDAYS)

    def is_workday(self, day: date) -> bool:
        return self.day(day).is_workday

    def add_workdays(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day``; for ``n == 0``, ``day`` itself when it is a
        working day, else the next one."""
        if n < 0:
            raise ValueError(f"n must be 0 or more, not {n}")
        current = day
        if n == 0:
            while not self.is_workday(current):
                current += ONE_DAY
            return current
        counted = 0
        while counted < n:
            current += ONE_DAY
            if self.is_workday(current):
                counted += 1
        return current

    def workdays_between(self, start: date, end: date) -> int:
        """The working days after ``start`` up to and including ``end``; negative (the same
        count of the reverse span) when ``end`` is before ``start``."""
        if end < start:
            return -self.workdays_between(end, start)
        count, current = 0, start
        while current < end:
            current += ONE_DAY
            count += self.is_workday(current)
        return count

    def special_days(self, start: date, end: date) -> list[Day]:
        """The holidays and adjusted working days from ``start`` to ``end``, both included."""
        days, current = [], start
        while current <= end:
            day = self.day(current)
            if day.special:
                days.append(day)
            current += ONE_DAY
        return days


def is_workday(day: date) -> bool:
    return WorkdayCalendar().is_workday(day)


def calendar_known(year: int) -> bool:
    """Whether the year's holidays are known (package or office data); if not, the year is
    counted Monday to Friday."""
    return WorkdayCalendar().known(year)


def add_workdays(day: date, n: int) -> date:
    return WorkdayCalendar().add_workdays(day, n)


def workdays_between(start: date, end: date) -> int:
    return WorkdayCalendar().workdays_between(start, end)
