"""高价值发明专利 — whether an invention patent counts as high value on a day, after CNIPA's
five categories. A plain rule with no Django import; ``selectors.high_value_invention_patents``
is the same rule in the database's terms.

An invention patent in force on the day (granted on or before it, not yet lapsed) is high value
when at least one holds: it belongs to a strategic emerging industry (战略性新兴产业); it has
a family member filed abroad (有海外同族专利); it has been maintained for more than 10 years
since filing (维持年限超过10年); it has secured pledge financing of more than 10 million 元
(质押融资金额超过1000万元); it has won a national science and technology award or the China
Patent Award (获国家科学技术奖或中国专利奖).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

INVENTION = "invention"
# 质押融资金额超过1000万元: strictly more than this many 元.
PLEDGE_THRESHOLD = Decimal(10_000_000)
# 维持年限超过10年: strictly more than this many years since the filing date.
MAINTAINED_YEARS = 10


def years_after(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February in a common
    year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def maintained_over_ten_years(*, filed_on: date, as_of: date) -> bool:
    """More than 10 years since filing: ``as_of`` falls after the 10th anniversary."""
    return years_after(filed_on, MAINTAINED_YEARS) < as_of


def maintained_cutoff(as_of: date) -> date:
    """The earliest filing date not yet maintained for more than 10 years on ``as_of``: a
    patent filed before it is (``filed_on < cutoff`` exactly when
    ``maintained_over_ten_years``), for a query to compare with. Found from the same date 10
    years back, moved a day where 29 February makes the anniversaries uneven."""
    cutoff = as_of.replace(year=as_of.year - MAINTAINED_YEARS, day=min(as_of.day, 28))
    one_day = timedelta(days=1)
    while maintained_over_ten_years(filed_on=cutoff, as_of=as_of):
        cutoff += one_day
    while not maintained_over_ten_years(filed_on=cutoff - one_day, as_of=as_of):
        cutoff -= one_day
    return cutoff


def in_force(*, granted_on: date | None, lapsed_on: date | None, as_of: date) -> bool:
    """Granted on or before ``as_of`` and not lapsed (``lapsed_on`` is the first day it no
    longer counts)."""
    return (
        granted_on is not None and granted_on <= as_of and (lapsed_on is None or as_of < lapsed_on)
    )


def is_high_value(
    *,
    kind: str,
    filed_on: date,
    granted_on: date | None,
    lapsed_on: date | None,
    strategic_emerging_industry: bool,
    overseas_family: bool,
    pledge_amount: Decimal,
    award: bool,
    as_of: date,
) -> bool:
    """Whether the patent counts as a 高价值发明专利 on ``as_of``."""
    if kind != INVENTION or not in_force(granted_on=granted_on, lapsed_on=lapsed_on, as_of=as_of):
        return False
    return (
        strategic_emerging_industry
        or overseas_family
        or maintained_over_ten_years(filed_on=filed_on, as_of=as_of)
        or Decimal(pledge_amount) > PLEDGE_THRESHOLD
        or award
    )
