"""``innoplan workdays``: the mainland working-day calendar that deadlines are counted in.

- ``load FILE [--actor USERNAME]`` makes the office's data for the file's year exactly the
  file's holidays and adjusted working days (the YAML of ``innoplan.core.holiday_schedule``),
  in one transaction; loading it again changes nothing, a bad file changes nothing.
- ``add DATE N [--format text|json]`` prints the N-th working day after DATE. When a year it
  counts through has no known schedule, Monday to Friday are counted and the text form warns
  on standard error; the JSON form says so in ``calendar_known`` and ``unknown_years``.
- ``show YEAR`` lists the year's holidays and adjusted working days and where each comes from.
"""

from __future__ import annotations

import json
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from innoplan.core.choices import DaySource
from innoplan.core.holiday_schedule import ScheduleError, read_schedule_file
from innoplan.core.models import CalendarYear
from innoplan.core.services import calendar_year_load
from innoplan.core.workdays import Day, WorkdayCalendar


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("%(value)s is not a date (YYYY-MM-DD)") % {"value": text}) from None


def unknown_years_warning(years: list[int]) -> str:
    return _(
        "The holiday schedule of %(years)s is not loaded: Monday to Friday were counted as "
        "working days."
    ) % {"years": "、".join(str(year) for year in years)}


def _kind(day: Day) -> str:
    return _("adjusted working day") if day.is_workday else _("holiday")


def _entry(day: Day) -> dict:
    return {"date": day.date.isoformat(), "name": day.name, "source": day.source}


class Command(BaseCommand):
    help = "Load a year's holiday schedule, count working days, or show a year's holidays."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser(
            "load", help="replace the office's data for a year with a schedule file (YAML)"
        )
        load.add_argument("file")
        load.add_argument("--actor", help="username the audit log attributes the load to")
        add = actions.add_parser("add", help="the N-th working day after a date")
        add.add_argument("date", help="YYYY-MM-DD")
        add.add_argument("n", type=int, help="working days to count (0: the day or the next)")
        add.add_argument("--format", choices=("text", "json"), default="text")
        show = actions.add_parser("show", help="a year's holidays and adjusted working days")
        show.add_argument("year", type=int)

    def handle(self, *args, action, **options):
        if action == "load":
            return self._load(options["file"], options.get("actor"))
        if action == "add":
            return self._add(_date(options["date"]), options["n"], options["format"])
        return self._show(options["year"])

    def _load(self, file, actor):
        user = None
        if actor:
            user = get_user_model().objects.filter(username=actor).first()
            if user is None:
                raise CommandError(_("--actor %(name)s: no such user") % {"name": actor})
        try:
            result = calendar_year_load(schedule=read_schedule_file(file), actor=user)
        except (ScheduleError, ValidationError) as error:
            problems = error.problems if isinstance(error, ScheduleError) else error.messages
            raise CommandError(
                _("%(file)s was not loaded:") % {"file": file}
                + "".join(f"\n{problem}" for problem in problems)
            ) from error
        if not result.changed:
            self.stdout.write(_("%(year)s: unchanged") % {"year": result.year})
            return
        self.stdout.write(
            _("%(year)s: %(created)s days added, %(updated)s changed, %(removed)s removed")
            % {
                "year": result.year,
                "created": result.created,
                "updated": result.updated,
                "removed": result.removed,
            }
        )

    def _add(self, day, n, format):
        if n < 0:
            raise CommandError(_("N must be 0 or more, not %(n)s") % {"n": n})
        calendar = WorkdayCalendar()
        try:
            result = calendar.add_workdays(day, n)
        except OverflowError:
            message = _("%(n)s working days run past the calendar's end") % {"n": n}
            raise CommandError(message) from None
        first = day if n == 0 else date.fromordinal(day.toordinal() + 1)
        unknown = calendar.unknown_years(first, result)
        if format == "json":
            passed = calendar.special_days(first, result)
            answer = {
                "from": day.isoformat(),
                "workdays": n,
                "date": result.isoformat(),
                "calendar_known": not unknown,
                "unknown_years": unknown,
                "holidays": [_entry(d) for d in passed if not d.is_workday],
                "adjusted_workdays": [_entry(d) for d in passed if d.is_workday],
            }
            if unknown:
                answer["warning"] = unknown_years_warning(unknown)
            self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))
            return
        self.stdout.write(result.isoformat())
        if unknown:
            self.stderr.write(unknown_years_warning(unknown))

    def _show(self, year):
        calendar = WorkdayCalendar()
        try:
            days = calendar.special_days(date(year, 1, 1), date(year, 12, 31))
        except ValueError:
            raise CommandError(_("%(year)s is not a year") % {"year": year}) from None
        self.stdout.write(_("Holidays and adjusted working days of %(year)s") % {"year": year})
        loaded = CalendarYear.objects.filter(year=year).first()
        if loaded is not None:
            self.stdout.write(
                _("Office data loaded from %(notice)s; its days take precedence.")
                % {"notice": loaded.notice}
                if loaded.notice
                else _("Office data loaded; its days take precedence.")
            )
        if not calendar.known(year):
            self.stderr.write(unknown_years_warning([year]))
        # Consecutive days of the same holiday, kind and source on one line.
        runs: list[list[Day]] = []
        for day in days:
            last = runs[-1][-1] if runs else None
            if (
                last is not None
                and day.date.toordinal() == last.date.toordinal() + 1
                and (day.is_workday, day.name, day.source)
                == (last.is_workday, last.name, last.source)
            ):
                runs[-1].append(day)
            else:
                runs.append([day])
        for run in runs:
            first, last = run[0], run[-1]
            span = first.date.isoformat()
            if last is not first:
                span += f" – {last.date.isoformat()}"
            self.stdout.write(
                f"{span:<23}  {_kind(first)}  {first.name}  ({DaySource(first.source).label})"
            )
