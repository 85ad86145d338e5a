"""Template filters for numbers and dates as the plan writes them."""

from decimal import Decimal

from django import template

from innoplan.core.numbers import format_number, format_quantity

register = template.Library()


@register.filter
def number(value, places=None):
    """1500 -> 1,500."""
    if value is None or value == "":
        return "—"
    return format_number(Decimal(value), None if places is None else int(places))


@register.filter
def percent(value):
    """0.634 -> 63.4%."""
    if value is None:
        return "—"
    return f"{format_number(Decimal(value) * 100, 1)}%"


@register.simple_tag
def quantity(value, unit, display_unit):
    """A base-unit value in the plan's own unit: 3000000000 元 -> 30 亿元."""
    return format_quantity(value, unit, display_unit)


@register.filter
def whole_minutes(delta):
    """A timedelta in whole minutes, rounded up: 30 min -> 30, 90 s -> 2."""
    if delta is None:
        return ""
    seconds = int(delta.total_seconds())
    return max(1, -(-seconds // 60))
