"""The supervision ladder as a daily job of the background worker (``core.schedule``)."""

from __future__ import annotations

from datetime import date

from innoplan.core.schedule import daily
from innoplan.supervision import services


@daily("supervise")
def supervise_day(day: date) -> str:
    result = services.supervise(as_of=day)
    return f"{result.checked} checked, {result.became_overdue} overdue, {result.notices} notices"
