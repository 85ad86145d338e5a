"""A year's holiday schedule (节假日安排) in YAML -> a checked :class:`YearSchedule`, with every
problem located by file, line and entry. Nothing here touches the database; ``services``
loads the result.

The format follows the State Council's notice, published each November for the next year::

    year: 2026
    notice: 国务院办公厅关于2026年部分节假日安排的通知   # optional: its source
    holidays:              # the days off, as ranges; both ends included, `to` optional
      - name: 元旦
        from: 2026-01-01
        to: 2026-01-03
    workdays:              # adjusted working days (调休上班), `name` optional
      - date: 2026-01-04
        name: 元旦调休

Both lists may be left out, but the file must list at least one day.

The YAML is composed rather than loaded, so that every entry keeps its line, and dates are read
from the scalar's text: ``2026-02-30`` is reported as not a date instead of failing inside the
YAML loader.
"""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.utils.translation import gettext as _
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

NAME_MAX_LENGTH = 50
NOTICE_MAX_LENGTH = 200
# The years a schedule may be for: any the office could be given, none a typo far off.
YEARS = range(2000, 2101)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DOCUMENT_KEYS = ("year", "notice", "holidays", "workdays")
_HOLIDAY_KEYS = ("name", "from", "to")
_WORKDAY_KEYS = ("date", "name")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a schedule file: where (file, 1-based line, entry) and why."""

    source: str
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        place = f"{self.source}:{self.line}" if self.line is not None else self.source
        if self.where:
            return f"{place}: {self.where}: {self.message}"
        return f"{place}: {self.message}"


class ScheduleError(Exception):
    """A schedule file that cannot be loaded; ``problems`` lists all that was found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class ScheduleDay:
    """A day the schedule names: a holiday (``is_workday`` False) or an adjusted working day."""

    date: datetime.date
    is_workday: bool
    name: str
    line: int


@dataclass(frozen=True)
class YearSchedule:
    year: int
    notice: str
    days: tuple[ScheduleDay, ...]  # in date order, each date once


def read_schedule_file(path: str | os.PathLike) -> YearSchedule:
    """Read a schedule from a UTF-8 file; any failure is a :class:`ScheduleError`."""
    source = os.fsdecode(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        message = _("cannot be read: %(reason)s") % {"reason": reason}
        raise ScheduleError([Problem(source, None, "", message)]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ScheduleError([Problem(source, line, "", _("not UTF-8 text"))]) from None
    return parse_schedule(text, source=source)


def parse_schedule(text: str, *, source: str) -> YearSchedule:
    """Check a schedule's YAML; raise :class:`ScheduleError` listing every problem."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        message = _("not valid YAML: %(problem)s") % {"problem": error.problem or error}
        raise ScheduleError([Problem(source, line, "", message)]) from None
    reader = _Reader(source)
    schedule = reader.document(root)
    if reader.problems:
        raise ScheduleError(reader.problems)
    return schedule


class _Reader:
    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []

    def problem(self, node: Node | None, where: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.problems.append(Problem(self.source, line, where, message))

    def mapping(self, node, where, keys, required) -> dict[str, tuple[Node, Node]] | None:
        if not isinstance(node, MappingNode):
            self.problem(node, where, _("expected the keys %(keys)s") % {"keys": ", ".join(keys)})
            return None
        found: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key not in keys:
                self.problem(
                    key_node,
                    where,
                    _("unknown key %(key)s; expected %(keys)s")
                    % {"key": key, "keys": ", ".join(keys)},
                )
            elif key in found:
                self.problem(key_node, where, _("%(key)s is given twice") % {"key": key})
            else:
                found[key] = (key_node, value_node)
        for key in required:
            if key not in found:
                self.problem(node, where, _("%(key)s is missing") % {"key": key})
        return found

    def text(self, node, where, max_length) -> str | None:
        if not isinstance(node, ScalarNode) or not str(node.value).strip():
            self.problem(node, where, _("expected a text"))
            return None
        value = str(node.value).strip()
        if len(value) > max_length:
            self.problem(
                node,
                where,
                _("longer than %(max)s characters") % {"max": max_length},
            )
            return None
        return value

    def date(self, node, where, year) -> datetime.date | None:
        value = str(node.value).strip() if isinstance(node, ScalarNode) else ""
        try:
            if not _DATE.fullmatch(value):
                raise ValueError
            day = datetime.date.fromisoformat(value)
        except ValueError:
            self.problem(
                node, where, _("%(value)s is not a date (YYYY-MM-DD)") % {"value": value or "—"}
            )
            return None
        if year is not None and day.year != year:
            self.problem(
                node,
                where,
                _("%(day)s is not in %(year)s, the file's year")
                % {"day": day.isoformat(), "year": year},
            )
            return None
        return day

    def sequence(self, node, where) -> list[Node] | None:
        """The list's items ([] for an empty value), or None when it is not a list."""
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            return []
        if not isinstance(node, SequenceNode):
            self.problem(node, where, _("expected a list"))
            return None
        return node.value

    def document(self, root) -> YearSchedule | None:
        if root is None:
            self.problem(None, "", _("the file is empty"))
            return None
        found = self.mapping(root, "", _DOCUMENT_KEYS, ("year",))
        if found is None:
            return None
        year = None
        if "year" in found:
            node = found["year"][1]
            value = str(node.value).strip() if isinstance(node, ScalarNode) else ""
            if value.isdigit() and int(value) in YEARS:
                year = int(value)
            else:
                message = _("expected a year such as 2027, not %(value)s")
                self.problem(node, "year", message % {"value": value or "—"})
        notice = ""
        if "notice" in found:
            notice = self.text(found["notice"][1], "notice", NOTICE_MAX_LENGTH) or ""

        days: dict[datetime.date, ScheduleDay] = {}

        def add(day: ScheduleDay, node: Node, where: str) -> None:
            earlier = days.get(day.date)
            if earlier is None:
                days[day.date] = day
            elif earlier.is_workday == day.is_workday:
                self.problem(
                    node,
                    where,
                    _("%(day)s is already listed on line %(line)s")
                    % {"day": day.date.isoformat(), "line": earlier.line},
                )
            else:
                self.problem(
                    node,
                    where,
                    _("%(day)s is both a holiday and a working day (line %(line)s)")
                    % {"day": day.date.isoformat(), "line": earlier.line},
                )

        holidays = self.sequence(found["holidays"][1], "holidays") if "holidays" in found else []
        for index, node in enumerate(holidays or [], start=1):
            where = f"holidays[{index}]"
            entry = self.mapping(node, where, _HOLIDAY_KEYS, ("name", "from"))
            if entry is None:
                continue
            name = self.text(entry["name"][1], where, NAME_MAX_LENGTH) if "name" in entry else None
            if name:
                where = f"{where} ({name})"
            start = self.date(entry["from"][1], f"{where}.from", year) if "from" in entry else None
            end = self.date(entry["to"][1], f"{where}.to", year) if "to" in entry else start
            if name is None or start is None or end is None:
                continue
            if end < start:
                self.problem(
                    entry["to"][1],
                    where,
                    _("the range ends on %(end)s, before it starts (%(start)s)")
                    % {"end": end.isoformat(), "start": start.isoformat()},
                )
                continue
            line = node.start_mark.line + 1
            day = start
            while day <= end:
                add(ScheduleDay(day, False, name, line), node, where)
                day += datetime.timedelta(days=1)

        workdays = self.sequence(found["workdays"][1], "workdays") if "workdays" in found else []
        for index, node in enumerate(workdays or [], start=1):
            where = f"workdays[{index}]"
            entry = self.mapping(node, where, _WORKDAY_KEYS, ("date",))
            if entry is None:
                continue
            name = ""
            if "name" in entry:
                name = self.text(entry["name"][1], f"{where}.name", NAME_MAX_LENGTH)
                if name is None:
                    continue
            day = self.date(entry["date"][1], f"{where}.date", year) if "date" in entry else None
            if day is not None:
                add(ScheduleDay(day, True, name, node.start_mark.line + 1), node, where)

        if not days and not self.problems:
            # An empty file is one not yet filled in; loading it would mark the year known.
            self.problem(root, "", _("the schedule lists no day"))
        if year is None:
            return None
        return YearSchedule(year=year, notice=notice, days=tuple(days[d] for d in sorted(days)))
