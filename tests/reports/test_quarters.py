"""Quarters as the district names them: parsing and the days they span."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from innoplan.reports.quarters import Quarter, QuarterError, last_complete_quarter, parse_quarter


@pytest.mark.parametrize("text", ["2026Q3", "2026q3", "2026-Q3", " 2026 Q3 "])
def test_it_reads_a_quarter_written_the_usual_ways(text):
    assert parse_quarter(text) == Quarter(2026, 3)


@pytest.mark.parametrize("text", ["", "2026", "2026Q5", "2026Q0", "Q3 2026", "26Q3", "2026Q3x"])
def test_it_refuses_what_is_not_a_quarter_and_says_what_it_expects(text):
    with pytest.raises(QuarterError, match="2026Q3"):
        parse_quarter(text)


@pytest.mark.parametrize(
    ("quarter", "first", "last"),
    [
        (Quarter(2026, 1), date(2026, 1, 1), date(2026, 3, 31)),
        (Quarter(2024, 1), date(2024, 1, 1), date(2024, 3, 31)),
        (Quarter(2026, 2), date(2026, 4, 1), date(2026, 6, 30)),
        (Quarter(2026, 3), date(2026, 7, 1), date(2026, 9, 30)),
        (Quarter(2026, 4), date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_a_quarter_spans_its_three_months(quarter, first, last):
    assert (quarter.first_day, quarter.last_day) == (first, last)


def test_the_last_complete_quarter_is_the_current_one_only_on_its_last_day():
    assert last_complete_quarter(date(2026, 9, 30)) == Quarter(2026, 3)
    assert last_complete_quarter(date(2026, 10, 8)) == Quarter(2026, 3)
    assert last_complete_quarter(date(2026, 1, 15)) == Quarter(2025, 4)


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(9998, 12, 31)))
def test_every_day_falls_in_its_quarter_and_the_quarters_tile_the_year(day):
    quarter = Quarter.of(day)
    assert day in quarter
    assert parse_quarter(str(quarter)) == quarter
    following = Quarter.of(quarter.last_day + timedelta(days=1))
    assert following.previous == quarter
    assert following.first_day == quarter.last_day + timedelta(days=1)


def test_a_running_quarter_is_reported_as_of_the_day_an_ended_one_as_of_its_last_day():
    q4 = Quarter(2026, 4)
    assert q4.running_on(date(2026, 11, 5)) and q4.report_day(date(2026, 11, 5)) == date(
        2026, 11, 5
    )
    assert not q4.running_on(date(2026, 12, 31))
    assert q4.report_day(date(2027, 1, 8)) == date(2026, 12, 31)
    assert not q4.running_on(q4.report_day(date(2027, 1, 8)))
