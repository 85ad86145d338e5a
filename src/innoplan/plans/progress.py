"""Progress and forecast of plan targets (目标进度测算). No Django import here.

Two kinds of indicator are measured:

- a *stock* (存量) target such as "高新技术企业突破1500家 by 2027": the current value is set
  against a linear path from the baseline to the target at the deadline;
- an *annual flow* (年度增量) target such as "每年新增专精特新中小企业50家": the cumulative
  value of the calendar year is set against the share of the year already gone.

The comparator says what "met" means: 达到/不低于 (at least), 突破/超过 (strictly greater),
exactly equal, or 左右 (about, within a tolerance below the target).

Arithmetic is in Decimal with 34 significant digits whatever the caller's context. The
building blocks (``stock_progress``, ``required_on``, ``months_between``, ``linear_trend_at``,
``still_needed``) return full precision; the figures of an ``Assessment`` are rounded to six
decimal places (trailing zeros dropped), its status being decided before any rounding.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal, localcontext
from enum import StrEnum
from typing import ParamSpec, TypeVar

DAYS_PER_MONTH = Decimal("365.25") / 12  # 30.4375, the mean Gregorian month
ASSESSMENT_PLACES = Decimal("0.000001")

_CONTEXT = Context(prec=34)
_P = ParamSpec("_P")
_R = TypeVar("_R")


def _exact(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``function`` in this module's own decimal context, not the caller's."""

    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with localcontext(_CONTEXT):
            return function(*args, **kwargs)

    return wrapper


class Comparator(StrEnum):
    """How a value is compared with its target."""

    AT_LEAST = ">="  # 达到/以上/不低于
    GREATER = ">"  # 突破/超过 — strictly greater
    EQUAL = "="
    ABOUT = "~"  # 左右 — at least target*(1 - tolerance)


class Status(StrEnum):
    """Where a target stands on a date."""

    ACHIEVED = "achieved"  # 已达标
    ON_TRACK = "on_track"  # 正常
    LAGGING = "lagging"  # 滞后
    SEVERELY_LAGGING = "severe"  # 严重滞后
    NO_DATA = "no_data"  # 暂无数据


@dataclass(frozen=True)
class Thresholds:
    """Shortfalls (as a fraction of the whole journey, or of the annual target) that mark
    a target as lagging or severely lagging, and the tolerance of "左右"."""

    lagging: Decimal = Decimal("0.05")
    severe: Decimal = Decimal("0.15")
    about_tolerance: Decimal = Decimal("0.10")

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.lagging <= self.severe:
            raise ValueError(
                f"thresholds must satisfy 0 <= lagging <= severe, got {self.lagging} "
                f"and {self.severe}"
            )
        if not Decimal(0) <= self.about_tolerance < 1:
            raise ValueError(f"the about tolerance must lie in [0, 1), got {self.about_tolerance}")


@dataclass(frozen=True)
class Point:
    """A value of an indicator on a date (an approved reported or measured figure)."""

    on: date
    value: Decimal


@dataclass(frozen=True)
class Assessment:
    """Where a target stands on ``as_of`` and where it is heading."""

    current: Decimal | None
    progress: Decimal | None  # fraction of the journey done; may exceed 1 or be negative
    required: Decimal | None  # the value the linear required path asks for on as_of
    status: Status
    forecast: Decimal | None  # the value expected at the deadline (year end for a flow)
    forecast_method: str  # "trend", "pace" or "none"
    needed_monthly: Decimal | None  # 需月均新增: pace still needed per month; 0 when met
    met: bool


@_exact
def target_met(
    value: Decimal,
    comparator: Comparator,
    target: Decimal,
    tolerance: Decimal = Decimal("0.10"),
) -> bool:
    """Whether ``value`` meets ``target`` under ``comparator``.

    ``tolerance`` only matters for ABOUT (左右): met from ``target * (1 - tolerance)`` up.
    A plain string such as ">=" is accepted for the comparator.
    """
    match Comparator(comparator):
        case Comparator.AT_LEAST:
            return value >= target
        case Comparator.GREATER:
            return value > target
        case Comparator.EQUAL:
            return value == target
        case Comparator.ABOUT:
            return value >= target * (1 - tolerance)
    raise AssertionError(f"unhandled comparator {comparator!r}")  # pragma: no cover


@_exact
def still_needed(
    *,
    current: Decimal,
    comparator: Comparator,
    target: Decimal,
    step: Decimal = Decimal(1),
    tolerance: Decimal = Decimal("0.10"),
) -> Decimal:
    """How much ``current`` must still grow to meet the target (还差 N); 0 when met.

    Breaking a target (GREATER) needs one ``step`` beyond it: 1501 家 for "突破1500家"
    with step 1. Continuous amounts (元) pass step 0, which leaves strictness to
    ``target_met`` alone. Never negative.
    """
    comparator = Comparator(comparator)
    if target_met(current, comparator, target, tolerance):
        return Decimal(0)
    if comparator is Comparator.GREATER:
        goal = target + step
    elif comparator is Comparator.ABOUT:
        goal = target * (1 - tolerance)
    else:
        goal = target
    return max(goal - current, Decimal(0))


@_exact
def stock_progress(*, baseline: Decimal, target: Decimal, current: Decimal) -> Decimal:
    """The fraction of the journey from baseline to target done: (current-b)/(target-b).

    With nowhere to go (target == baseline) it is 1 once current reaches the target, else 0.
    """
    if target == baseline:
        return Decimal(1) if current >= target else Decimal(0)
    return (current - baseline) / (target - baseline)


@_exact
def required_on(
    *, baseline: Decimal, baseline_on: date, target: Decimal, deadline: date, on: date
) -> Decimal:
    """The value a straight path from (baseline_on, baseline) to (deadline, target) asks for.

    The baseline before ``baseline_on``, the target from the deadline on (also when the
    deadline is not after ``baseline_on``).
    """
    if on >= deadline:
        return Decimal(target)
    if on <= baseline_on:
        return Decimal(baseline)
    elapsed = (on - baseline_on).days
    journey = (deadline - baseline_on).days
    return baseline + (target - baseline) * elapsed / journey


@_exact
def months_between(start: date, end: date) -> Decimal:
    """Fractional months from ``start`` to ``end`` (days / 30.4375); 0 when end <= start."""
    return Decimal(max((end - start).days, 0)) / DAYS_PER_MONTH


@_exact
def linear_trend_at(points: Sequence[Point], on: date) -> Decimal:
    """The least-squares line through (day, value) of ``points``, evaluated on ``on``.

    Needs values on at least two different dates; raises ValueError otherwise.
    """
    points = list(points)
    if len({point.on for point in points}) < 2:
        raise ValueError("a trend needs values on at least two different dates")
    origin = min(point.on for point in points)
    n = len(points)
    xs = [(point.on - origin).days for point in points]
    sum_x = sum(xs)
    sum_xx = sum(x * x for x in xs)
    sum_y = sum((point.value for point in points), Decimal(0))
    sum_xy = sum((x * point.value for x, point in zip(xs, points, strict=True)), Decimal(0))
    # Integer day offsets keep the sums exact; only the slope and the final mean are divided.
    slope = (n * sum_xy - sum_x * sum_y) / (n * sum_xx - sum_x * sum_x)
    x_on = (on - origin).days
    return (sum_y + slope * (n * x_on - sum_x)) / n


@_exact
def assess_stock(
    *,
    comparator: Comparator,
    target: Decimal,
    deadline: date,
    baseline: Decimal,
    baseline_on: date,
    history: Sequence[Point],
    as_of: date,
    step: Decimal = Decimal(1),
    thresholds: Thresholds = Thresholds(),
) -> Assessment:
    """Assess a stock target (存量指标) on ``as_of`` from its approved values.

    The current value is the latest point on or before ``as_of``; later points are ignored.
    The forecast at the deadline is the least-squares trend of those points when there are
    at least three on two or more dates, otherwise the pace kept since the baseline.
    """
    comparator = Comparator(comparator)
    required = required_on(
        baseline=baseline, baseline_on=baseline_on, target=target, deadline=deadline, on=as_of
    )
    known = [point for point in history if point.on <= as_of]
    if not known:
        return _no_data(required)
    current = _latest(known).value
    met = target_met(current, comparator, target, thresholds.about_tolerance)
    progress = stock_progress(baseline=baseline, target=target, current=current)
    # Equals (required - current) / (target - baseline), and stays defined when
    # target == baseline: a shortfall of 1 below the target, 0 at or above it.
    shortfall = stock_progress(baseline=baseline, target=target, current=required) - progress

    if _has_trend(known):
        forecast, method = linear_trend_at(known, deadline), "trend"
    else:
        elapsed = (as_of - baseline_on).days
        remaining = max((deadline - as_of).days, 0)
        pace_gain = (current - baseline) * remaining / elapsed if elapsed > 0 else 0
        forecast, method = current + pace_gain, "pace"

    return _assessment(
        current=current,
        progress=progress,
        required=required,
        shortfall=shortfall,
        met=met,
        forecast=forecast,
        method=method,
        comparator=comparator,
        target=target,
        step=step,
        as_of=as_of,
        until=deadline,
        thresholds=thresholds,
    )


@_exact
def assess_annual(
    *,
    comparator: Comparator,
    annual_target: Decimal,
    year_to_date: Sequence[Point],
    as_of: date,
    step: Decimal = Decimal(1),
    thresholds: Thresholds = Thresholds(),
) -> Assessment:
    """Assess an annual flow target (年度增量指标, 每年新增 …) on ``as_of``.

    ``year_to_date`` holds cumulative values within a year; only those in the calendar year
    of ``as_of`` and on or before it count, the latest winning. The required value is the
    annual target times the share of the year gone (``as_of`` included); the forecast is
    the year-end value, by trend when the year has three or more points, otherwise by pace,
    and never below the current value: a year-to-date total does not fall within its year.
    """
    comparator = Comparator(comparator)
    year_start, year_end = date(as_of.year, 1, 1), date(as_of.year, 12, 31)
    days_in_year = (year_end - year_start).days + 1
    days_gone = (as_of - year_start).days + 1
    required = annual_target * days_gone / days_in_year
    known = [point for point in year_to_date if year_start <= point.on <= as_of]
    if not known:
        return _no_data(required)
    current = _latest(known).value
    met = target_met(current, comparator, annual_target, thresholds.about_tolerance)
    progress = stock_progress(baseline=Decimal(0), target=annual_target, current=current)
    shortfall = (
        stock_progress(baseline=Decimal(0), target=annual_target, current=required) - progress
    )

    if _has_trend(known):
        forecast, method = linear_trend_at(known, year_end), "trend"
    else:
        forecast, method = current * days_in_year / days_gone, "pace"
    # A straight line through running totals lags a late jump (a batch approved in
    # December) and can end the year below where it already stands.
    forecast = max(forecast, current)

    return _assessment(
        current=current,
        progress=progress,
        required=required,
        shortfall=shortfall,
        met=met,
        forecast=forecast,
        method=method,
        comparator=comparator,
        target=annual_target,
        step=step,
        as_of=as_of,
        until=year_end,
        thresholds=thresholds,
    )


def _assessment(
    *,
    current,
    progress,
    required,
    shortfall,
    met,
    forecast,
    method,
    comparator,
    target,
    step,
    as_of: date,
    until: date,
    thresholds: Thresholds,
) -> Assessment:
    """The assessment both kinds of indicator end in: status from the shortfall, and the pace
    still needed per month to meet the target by ``until``."""
    needed = still_needed(
        current=current,
        comparator=comparator,
        target=target,
        step=step,
        tolerance=thresholds.about_tolerance,
    )
    return Assessment(
        current=current,
        progress=_rounded(progress),
        required=_rounded(required),
        status=_status(met, shortfall, thresholds),
        forecast=_rounded(forecast),
        forecast_method=method,
        needed_monthly=_rounded(_per_month(needed, as_of, until)),
        met=met,
    )


def _latest(points: Sequence[Point]) -> Point:
    """The point with the latest date; of several on that date, the last one given."""
    return max(enumerate(points), key=lambda item: (item[1].on, item[0]))[1]


def _has_trend(points: Sequence[Point]) -> bool:
    return len(points) >= 3 and len({point.on for point in points}) >= 2


def _per_month(amount: Decimal, start: date, end: date) -> Decimal:
    """``amount`` spread over the months left; all of it when no time is left."""
    if amount == 0:
        return Decimal(0)
    months = months_between(start, end)
    return amount / months if months > 0 else amount


def _status(met: bool, shortfall: Decimal, thresholds: Thresholds) -> Status:
    if met:
        return Status.ACHIEVED
    if shortfall <= thresholds.lagging:
        return Status.ON_TRACK
    if shortfall <= thresholds.severe:
        return Status.LAGGING
    return Status.SEVERELY_LAGGING


def _no_data(required: Decimal) -> Assessment:
    return Assessment(
        current=None,
        progress=None,
        required=_rounded(required),
        status=Status.NO_DATA,
        forecast=None,
        forecast_method="none",
        needed_monthly=None,
        met=False,
    )


def _rounded(value: Decimal) -> Decimal:
    """``value`` to six decimal places, trailing zeros dropped: 1500.000000 -> 1500."""
    value = Decimal(value).quantize(ASSESSMENT_PLACES)
    if value == value.to_integral_value():
        return value.quantize(Decimal(1)) + 0  # + 0 turns -0 into 0
    return value.normalize()
