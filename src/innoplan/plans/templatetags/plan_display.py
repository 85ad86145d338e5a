"""How the plan's figures look on a page: status words and colours, comparator signs."""

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from innoplan.core.numbers import to_display
from innoplan.plans import selectors
from innoplan.plans.choices import PeriodKind, ReviewStatus
from innoplan.plans.progress import Status

register = template.Library()

STATUS_LABELS = {
    Status.ACHIEVED: _("Achieved"),
    Status.ON_TRACK: _("On track"),
    Status.LAGGING: _("Lagging"),
    Status.SEVERELY_LAGGING: _("Severely lagging"),
    Status.NO_DATA: _("No data"),
}

# Bootstrap contextual colours: green when achieved or on track, amber lagging, red severe.
STATUS_TONES = {
    Status.ACHIEVED: "success",
    Status.ON_TRACK: "success",
    Status.LAGGING: "warning",
    Status.SEVERELY_LAGGING: "danger",
    Status.NO_DATA: "secondary",
}

REVIEW_TONES = {
    ReviewStatus.PENDING: "warning",
    ReviewStatus.APPROVED: "success",
    ReviewStatus.REJECTED: "danger",
}

# How a target's comparator reads before its value: "> 1,500 家", "≥ 160 家", "约 20 个".
COMPARATOR_SIGNS = {
    ">": ">",
    ">=": "≥",
    "=": "=",
    "~": pgettext_lazy("comparator before a value", "approx."),
}

FORECAST_METHODS = {
    "trend": _("linear trend of the history"),
    "pace": _("pace since the baseline"),
    "none": _("not enough data"),
}


@register.filter
def status_label(status):
    return STATUS_LABELS.get(status, status)


@register.filter
def status_tone(status):
    return STATUS_TONES.get(status, "secondary")


@register.filter
def review_tone(status):
    return REVIEW_TONES.get(status, "secondary")


@register.filter
def comparator_sign(comparator):
    return COMPARATOR_SIGNS.get(comparator, comparator)


@register.filter
def forecast_method(method):
    return FORECAST_METHODS.get(method, method)


@register.filter
def whole_places(indicator):
    """Decimal places to show for an indicator's forecast: none for counts (家, 名)."""
    return 0 if indicator.counts_whole_units else 2


@register.filter
def period_label(reported_value):
    """2025年6月 for a month, 2025 Q2 for a quarter (the locale decides the words)."""
    start = reported_value.period_start
    if reported_value.period_kind == PeriodKind.QUARTER:
        return _("%(year)s Q%(quarter)s") % {"year": start.year, "quarter": (start.month + 2) // 3}
    return date_format(start, "YEAR_MONTH_FORMAT")


@register.filter
def lead_departments(task):
    return selectors.lead_departments(task)


@register.filter
def cooperating_departments(task):
    return selectors.cooperating_departments(task)


@register.filter
def shown_in(value, indicator):
    """A base-unit value in the unit the plan states the indicator in (元 -> 亿元)."""
    if value is None or value == "":
        return None
    return to_display(value, indicator.unit, indicator.display_unit)
