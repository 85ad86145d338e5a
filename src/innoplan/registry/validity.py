"""When a registry record holds, as plain rules. No Django import here.

Validity is half-open everywhere: a record counts on day ``d`` when ``valid_from <= d`` and
(``valid_to`` is None or ``d < valid_to``). ``valid_to`` is the first day it no longer counts,
so a certificate stops counting on its expiry date without anyone touching it.

The qualification kinds are spelled here as the values ``registry.choices.QualificationKind``
stores, so that the rules can be tested without Django.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

TECH_SME = "tech_sme"
HIGH_TECH = "high_tech"
INNOVATIVE_SME = "innovative_sme"
SPECIALISED_SME = "specialised_sme"
LITTLE_GIANT = "little_giant"
INNOVATION_PARTNER = "innovation_partner"


def holds_on(valid_from: date | None, valid_to: date | None, day: date) -> bool:
    """Whether a period [valid_from, valid_to) covers ``day``; no start means it never held."""
    if valid_from is None or day < valid_from:
        return False
    return valid_to is None or day < valid_to


def years_later(day: date, years: int) -> date:
    """The same month and day ``years`` later; 29 February becomes 1 March in a common year
    (a certificate issued on a leap day still runs its full term)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def _end_of_evaluation_year(issued_on: date) -> date | None:
    # 科技型中小企业 are evaluated (评价入库) for one calendar year: valid through 31 December.
    return date(issued_on.year + 1, 1, 1)


def _three_years(issued_on: date) -> date | None:
    return years_later(issued_on, 3)


def _open_ended(issued_on: date) -> date | None:
    # Programme membership (创新伙伴) holds until someone ends it.
    return None


EXPIRY_RULES: dict[str, Callable[[date], date | None]] = {
    TECH_SME: _end_of_evaluation_year,
    HIGH_TECH: _three_years,
    INNOVATIVE_SME: _three_years,
    SPECIALISED_SME: _three_years,
    LITTLE_GIANT: _three_years,
    INNOVATION_PARTNER: _open_ended,
}


def expiry_for(kind: str, issued_on: date) -> date | None:
    """The first day a qualification of ``kind`` issued on ``issued_on`` no longer counts, or
    None when it is open-ended."""
    try:
        rule = EXPIRY_RULES[kind]
    except KeyError:
        raise ValueError(f"no validity rule for qualification kind {kind!r}") from None
    return rule(issued_on)
