"""Mainland working days: the package's statutory holidays and adjusted working days, the
office's data over them, and Monday to Friday for a year nobody knows.

The office schedules here are for 2031 and are made up: no real schedule beyond the package's
is shipped or assumed."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from innoplan.core.choices import DaySource
from innoplan.core.holiday_schedule import parse_schedule
from innoplan.core.services import calendar_year_load
from innoplan.core.workdays import (
    WorkdayCalendar,
    add_workdays,
    calendar_known,
    is_workday,
    package_covers,
    workdays_between,
)

pytestmark = pytest.mark.django_db

MADE_UP_2031 = """
year: 2031
notice: 测试用，虚构
holidays:
  - name: 测试假期
    from: 2031-03-03
    to: 2031-03-05
workdays:
  - date: 2031-03-08
    name: 测试调休
"""


def load(text: str):
    return calendar_year_load(schedule=parse_schedule(text, source="test.yaml"))


def test_the_first_working_day_after_30_september_2026_is_after_national_day():
    # 国庆节 2026: 1–7 October off (the package's 2026 schedule).
    assert add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert not is_workday(date(2026, 10, 1))
    assert not is_workday(date(2026, 10, 7))


def test_an_adjusted_working_day_on_a_weekend_counts():
    assert date(2026, 10, 10).weekday() == 5  # a Saturday, worked for 国庆节
    assert is_workday(date(2026, 10, 10))
    assert add_workdays(date(2026, 10, 9), 1) == date(2026, 10, 10)
    assert workdays_between(date(2026, 9, 30), date(2026, 10, 11)) == 3  # 8, 9, 10 October


def test_n_zero_is_the_day_itself_or_the_next_working_day():
    assert add_workdays(date(2026, 10, 8), 0) == date(2026, 10, 8)
    assert add_workdays(date(2026, 10, 1), 0) == date(2026, 10, 8)


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        add_workdays(date(2026, 10, 8), -1)


def test_counting_backwards_is_the_same_count_negated():
    assert workdays_between(date(2026, 10, 11), date(2026, 9, 30)) == -3
    assert workdays_between(date(2026, 10, 1), date(2026, 10, 1)) == 0


def test_office_data_overrides_the_package_day_by_day():
    load(
        """
        year: 2026
        holidays:
          - name: 国庆节（延长）
            from: 2026-10-08
        workdays:
          - date: 2026-10-07
            name: 恢复上班
        """
    )
    assert is_workday(date(2026, 10, 7))
    assert not is_workday(date(2026, 10, 8))
    assert add_workdays(date(2026, 10, 6), 2) == date(2026, 10, 9)
    # The days the file does not list keep the package's word.
    assert not is_workday(date(2026, 10, 6))
    assert is_workday(date(2026, 10, 10))
    day = WorkdayCalendar().day(date(2026, 10, 8))
    assert (day.source, day.name) == (DaySource.OFFICE, "国庆节（延长）")


def test_a_year_nobody_knows_falls_back_to_monday_to_friday():
    assert not package_covers(2027)
    assert not calendar_known(2027)
    assert is_workday(date(2027, 1, 1))  # a Friday; its real status is not known here
    assert not is_workday(date(2027, 1, 2))
    assert add_workdays(date(2026, 12, 31), 2) == date(2027, 1, 4)
    assert WorkdayCalendar().unknown_years(date(2026, 12, 31), date(2027, 1, 4)) == [2027]


def test_a_year_the_office_loaded_is_known_and_counted_by_its_schedule():
    assert not calendar_known(2031)
    load(MADE_UP_2031)
    assert calendar_known(2031)
    # Friday 28 February + 1: Monday to Wednesday are off, Saturday 8 March is worked.
    assert add_workdays(date(2031, 2, 28), 1) == date(2031, 3, 6)
    assert add_workdays(date(2031, 2, 28), 3) == date(2031, 3, 8)
    assert is_workday(date(2031, 3, 10))  # not listed: Monday to Friday


def test_the_package_covers_2004_to_2026():
    assert package_covers(2004) and package_covers(2026)
    assert calendar_known(2026)
    assert not package_covers(2003)


def test_counting_through_a_loaded_year_asks_the_database_twice(django_assert_num_queries):
    load(MADE_UP_2031)
    with django_assert_num_queries(2):  # the loaded years, then that year's days
        WorkdayCalendar().add_workdays(date(2031, 1, 1), 200)


def test_counting_through_the_package_years_asks_once(django_assert_num_queries):
    with django_assert_num_queries(1):
        workdays_between(date(2010, 1, 1), date(2026, 12, 31))


days = st.dates(min_value=date(2002, 1, 1), max_value=date(2032, 12, 31))


@settings(max_examples=60, deadline=None)
@given(start=days, n=st.integers(min_value=1, max_value=80))
def test_the_nth_working_day_is_a_working_day_after_the_start_with_n_between(start, n):
    load(MADE_UP_2031)  # loading the same schedule again changes nothing
    calendar = WorkdayCalendar()
    result = calendar.add_workdays(start, n)
    assert result > start
    assert calendar.is_workday(result)
    assert calendar.workdays_between(start, result) == n
    assert calendar.workdays_between(start, result - timedelta(days=1)) == n - 1


@settings(max_examples=60, deadline=None)
@given(a=days, b=days, c=days)
def test_counts_add_up_over_adjacent_spans(a, b, c):
    calendar = WorkdayCalendar()
    between = calendar.workdays_between
    assert between(a, b) + between(b, c) == between(a, c)
    assert between(a, b) == -between(b, a)


@settings(max_examples=100, deadline=None)
@given(day=st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31)))
def test_without_office_data_the_package_decides(day):
    assert is_workday(day) == chinese_calendar.is_workday(day)


def test_the_documented_example_is_the_packages_2026_schedule():
    text = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text(
        encoding="utf-8"
    )
    section = text[text.index("## Working days") :]
    example = section[section.index("```yaml") + len("```yaml") :]
    example = example[: example.index("```")]
    schedule = parse_schedule(example, source="operations.md")
    assert schedule.year == 2026
    days = {day.date: day.is_workday for day in schedule.days}
    package = {
        day: chinese_calendar.is_workday(day)
        for day in (date(2026, 1, 1) + timedelta(days=i) for i in range(365))
        if chinese_calendar.get_holiday_detail(day)[1] is not None
    }
    assert days == package
