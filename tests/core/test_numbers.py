"""Numbers as the plan states them: 1,500 家, 30 亿元, 2.5."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from innoplan.core.numbers import (
    format_number,
    format_quantity,
    from_display,
    to_display,
    unit_factor,
)

UNIT_PAIRS = [("元", "元"), ("元", "万元"), ("元", "亿元"), ("家", "家"), ("%", "%")]

# Values as the database holds them: up to 20 digits, 4 of them decimals.
stored_values = st.decimals(
    min_value=0, max_value=Decimal("9999999999999999.9999"), places=4, allow_nan=False
)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1500, "1,500"),
        (Decimal("1213"), "1,213"),
        (Decimal("2.50"), "2.5"),
        (Decimal("3.00"), "3"),
        (Decimal("3.5"), "3.5"),
        (Decimal("1234567.891"), "1,234,567.89"),
        (Decimal("0.005"), "0.01"),
        (Decimal("0.004"), "0"),
        (Decimal("-0.004"), "0"),
        (Decimal("-1500"), "-1,500"),
        (0, "0"),
        (None, "—"),
    ],
)
def test_format_number_shows_separators_and_drops_trailing_zeros(value, shown):
    assert format_number(value) == shown


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (Decimal("63.45"), 1, "63.5"),
        (Decimal("2.5"), 0, "3"),
        (Decimal("1499.5"), 0, "1,500"),
        (Decimal("1.23456"), 4, "1.2346"),
    ],
)
def test_format_number_rounds_half_up_to_the_places_asked(value, places, shown):
    assert format_number(value, places) == shown


@pytest.mark.parametrize(
    ("value", "unit", "display_unit", "shown"),
    [
        (Decimal(3_000_000_000), "元", "亿元", "30 亿元"),
        (Decimal(250_000_000), "元", "亿元", "2.5 亿元"),
        (Decimal(5_000_000), "元", "万元", "500 万元"),
        (Decimal(1500), "家", "家", "1,500 家"),
        (Decimal("3.5"), "%", "%", "3.5 %"),
        (None, "元", "亿元", "—"),
    ],
)
def test_format_quantity_states_a_base_value_in_the_plans_unit(value, unit, display_unit, shown):
    assert format_quantity(value, unit, display_unit) == shown


@pytest.mark.parametrize(
    ("unit", "display_unit", "factor"),
    [("元", "万元", 10_000), ("元", "亿元", 100_000_000), ("元", "元", 1), ("家", "家", 1)],
)
def test_unit_factor_is_how_many_base_units_one_display_unit_holds(unit, display_unit, factor):
    assert unit_factor(unit, display_unit) == Decimal(factor)


@pytest.mark.parametrize(("unit", "display_unit"), [("家", "亿元"), ("亿元", "元"), ("元", "美元")])
def test_an_unknown_unit_pair_is_refused_naming_both_units(unit, display_unit):
    with pytest.raises(ValueError, match=f"no conversion from {unit} to {display_unit}"):
        unit_factor(unit, display_unit)
    with pytest.raises(ValueError):
        format_quantity(Decimal(1), unit, display_unit)


def test_to_display_and_from_display_convert_between_units():
    assert to_display(Decimal(3_000_000_000), "元", "亿元") == 30
    assert from_display(Decimal(30), "元", "亿元") == 3_000_000_000


@given(value=stored_values, pair=st.sampled_from(UNIT_PAIRS))
def test_a_value_survives_the_round_trip_through_its_display_unit(value, pair):
    assert from_display(to_display(value, *pair), *pair) == value


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_a_whole_number_is_shown_with_thousands_separators(n):
    assert format_number(n) == f"{n:,}"


@given(stored_values)
def test_the_shown_number_is_the_value_rounded_to_two_places(value):
    shown = format_number(value)
    assert "." not in shown or len(shown.split(".")[1]) <= 2
    assert not shown.endswith(".") and not (("." in shown) and shown.endswith("0"))
    assert abs(Decimal(shown.replace(",", "")) - value) <= Decimal("0.005")
