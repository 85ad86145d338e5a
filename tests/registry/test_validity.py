"""How long a qualification holds, and the half-open rule, without Django."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from innoplan.registry.validity import (
    EXPIRY_RULES,
    HIGH_TECH,
    INNOVATION_PARTNER,
    INNOVATIVE_SME,
    LITTLE_GIANT,
    SPECIALISED_SME,
    TECH_SME,
    expiry_for,
    holds_on,
    years_later,
)

issue_dates = st.dates(min_value=date(1985, 1, 1), max_value=date(2200, 12, 31))
dated_kinds = st.sampled_from(sorted(k for k in EXPIRY_RULES if k != INNOVATION_PARTNER))
three_year_kinds = st.sampled_from([HIGH_TECH, INNOVATIVE_SME, SPECIALISED_SME, LITTLE_GIANT])


@given(kind=dated_kinds, issued_on=issue_dates)
def test_a_qualification_always_expires_after_its_issue(kind, issued_on):
    expires_on = expiry_for(kind, issued_on)
    assert expires_on > issued_on
    assert holds_on(issued_on, expires_on, issued_on)
    assert not holds_on(issued_on, expires_on, expires_on)


@given(issued_on=issue_dates)
def test_a_tech_sme_evaluation_never_crosses_into_the_next_year(issued_on):
    expires_on = expiry_for(TECH_SME, issued_on)
    assert expires_on == date(issued_on.year + 1, 1, 1)
    last_day = expires_on - timedelta(days=1)
    assert last_day.year == issued_on.year
    assert holds_on(issued_on, expires_on, date(issued_on.year, 12, 31))


@given(kind=three_year_kinds, issued_on=issue_dates)
def test_the_three_year_kinds_expire_on_the_same_day_three_years_on(kind, issued_on):
    expires_on = expiry_for(kind, issued_on)
    assert expires_on.year == issued_on.year + 3
    if (issued_on.month, issued_on.day) == (2, 29):
        assert (expires_on.month, expires_on.day) in {(2, 29), (3, 1)}
    else:
        assert (expires_on.month, expires_on.day) == (issued_on.month, issued_on.day)
    assert 365 * 3 <= (expires_on - issued_on).days <= 365 * 3 + 1


def test_a_high_tech_certificate_runs_three_years_to_the_day():
    assert expiry_for(HIGH_TECH, date(2022, 12, 14)) == date(2025, 12, 14)


def test_a_certificate_issued_on_a_leap_day_runs_to_the_first_of_march():
    assert expiry_for(HIGH_TECH, date(2024, 2, 29)) == date(2027, 3, 1)
    assert years_later(date(2024, 2, 29), 4) == date(2028, 2, 29)


@given(issued_on=issue_dates)
def test_an_innovation_partner_holds_until_ended(issued_on):
    assert expiry_for(INNOVATION_PARTNER, issued_on) is None
    assert holds_on(issued_on, None, issued_on + timedelta(days=10_000))


def test_an_unknown_kind_has_no_rule():
    with pytest.raises(ValueError, match="no validity rule"):
        expiry_for("gazelle", date(2025, 1, 1))


@given(
    start=issue_dates,
    length=st.integers(min_value=1, max_value=5000),
    day=issue_dates,
)
def test_validity_is_half_open(start, length, day):
    end = start + timedelta(days=length)
    assert holds_on(start, end, day) == (start <= day < end)


def test_a_record_without_a_start_never_holds():
    assert not holds_on(None, None, date(2025, 1, 1))
