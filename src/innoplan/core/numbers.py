"""Numbers as the plan states them: 1,500 家, 30 亿元, 3.5%. No Django import here."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# How many base units one display unit holds (30 亿元 = 3,000,000,000 元).
UNIT_FACTORS: dict[tuple[str, str], Decimal] = {
    ("元", "万元"): Decimal(10_000),
    ("元", "亿元"): Decimal(100_000_000),
    ("元", "元"): Decimal(1),
}


def unit_factor(unit: str, display_unit: str) -> Decimal:
    """The factor from base unit to display unit; 1 when they are the same word."""
    if unit == display_unit:
        return Decimal(1)
    try:
        return UNIT_FACTORS[(unit, display_unit)]
    except KeyError:
        raise ValueError(f"no conversion from {unit} to {display_unit}") from None


def to_display(value: Decimal, unit: str, display_unit: str) -> Decimal:
    return Decimal(value) / unit_factor(unit, display_unit)


def from_display(value: Decimal, unit: str, display_unit: str) -> Decimal:
    return Decimal(value) * unit_factor(unit, display_unit)


def format_number(value: Decimal | int | float | None, places: int | None = None) -> str:
    """Thousands separators, trailing zeros dropped: 1500 -> '1,500', 2.50 -> '2.5'.

    ``places`` caps the decimals shown (rounded half up); None keeps up to two.
    """
    if value is None:
        return "—"
    number = Decimal(value)
    places = 2 if places is None else places
    quantum = Decimal(1).scaleb(-places)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{number:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def format_quantity(value: Decimal | None, unit: str, display_unit: str) -> str:
    """'1,500 家', '30 亿元': a base-unit value in the unit the plan uses to state it."""
    if value is None:
        return "—"
    return f"{format_number(to_display(value, unit, display_unit))} {display_unit}"
