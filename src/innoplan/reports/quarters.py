"""Quarters as the district names them (2026Q3). No Django import here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

QUARTER_PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]\s*([1-4])\s*$")


class QuarterError(ValueError):
    """A text that does not name a quarter; the message says what was expected."""


@dataclass(frozen=True, order=True)
class Quarter:
    """季度 — one quarter of a year; a quarterly report is written as of its last day."""

    year: int
    number: int

    def __post_init__(self):
        if not 1 <= self.number <= 4:
            raise QuarterError(f"quarter {self.number} of {self.year}: a quarter is 1 to 4")
        if not 1 <= self.year <= 9999:
            raise QuarterError(f"year {self.year} is out of range")

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        if self.number == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.number + 1, 1) - timedelta(days=1)

    def running_on(self, day: date) -> bool:
        """Whether the quarter has not yet ended on ``day`` (its last day counts as ended, as
        ``last_complete_quarter`` has it)."""
        return day < self.last_day

    def report_day(self, day: date) -> date:
        """The day a report on the quarter written on ``day`` takes its figures on: the
        quarter's last day once it has ended, ``day`` itself while it runs."""
        return min(self.last_day, day)

    def __contains__(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @classmethod
    def of(cls, day: date) -> Quarter:
        """The quarter a day falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)


def parse_quarter(text: str) -> Quarter:
    """'2026Q3' (also '2026-Q3', '2026q3') -> Quarter(2026, 3); anything else raises
    ``QuarterError`` saying what was expected."""
    match = QUARTER_PATTERN.match(text or "")
    if match is None:
        raise QuarterError(f"{text!r} is not a quarter: expected a year and a quarter, as 2026Q3")
    return Quarter(int(match.group(1)), int(match.group(2)))


def last_complete_quarter(today: date) -> Quarter:
    """The latest quarter that has ended by ``today``: the one a quarterly report is usually
    written for."""
    current = Quarter.of(today)
    return current if today == current.last_day else current.previous
