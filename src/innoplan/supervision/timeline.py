"""The dates of supervision, as plain rules (no Django): a milestone's state on a day, the
notices the escalation ladder owes it on a day, where a notice stands, and a department's
scoreboard.

The state values, notice levels and notice statuses are the values of ``choices.State``,
``choices.NoticeLevel`` and ``choices.NoticeStatus``; a test keeps them in step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
DONE = "done"
OVERDUE = "overdue"
DONE_LATE = "done_late"
STATES = (NOT_STARTED, IN_PROGRESS, DONE, OVERDUE, DONE_LATE)

REMINDER = "reminder"
SUPERVISION = "supervision"
CIRCULAR = "circular"
LADDER = (REMINDER, SUPERVISION, CIRCULAR)


def days_late(due_on: date, on: date) -> int:
    """Days past the due date on a day: 0 on the due date, negative before it."""
    return (on - due_on).days


def state_on(
    *,
    due_on: date,
    as_of: date,
    started_on: date | None,
    completed_on: date | None,
    submitted_on: date | None = None,
) -> str:
    """未开始, 推进中, 已完成, 逾期 or 逾期完成 on the day ``as_of``.

    A milestone is overdue from the day after its due date until it is completed; completed
    after its due date it is done late for good. Work counts as started from its first
    progress update; completion from the day the department reported the work done (the plan
    owner accepted it later). A completion reported by the due date and still waiting for
    acceptance (``submitted_on``) is not overdue: the department met its date, and the wait is
    the plan owner's."""
    if completed_on is not None and completed_on <= as_of:
        return DONE_LATE if completed_on > due_on else DONE
    if submitted_on is not None and submitted_on <= as_of and submitted_on <= due_on:
        return IN_PROGRESS
    if as_of > due_on:
        return OVERDUE
    if started_on is not None and started_on <= as_of:
        return IN_PROGRESS
    return NOT_STARTED


WAITING = "waiting"
ANSWERED = "answered"
SETTLED = "settled"
NO_ANSWER_NEEDED = "no_answer_needed"
NOTICE_STATUSES = (WAITING, ANSWERED, SETTLED, NO_ANSWER_NEEDED)


def notice_status(*, level: str, answered: bool, milestone_done: bool) -> str:
    """Where a notice stands: 待答复, 已答复, 已办结 or no answer needed.

    A reminder needs no answer. A 督办 or 通报 waits for its department's answer until it is
    answered, and is settled (已办结) once its milestone is accepted as done, answered or not:
    the work it pressed for is finished, so there is nothing left to answer."""
    if level == REMINDER:
        return NO_ANSWER_NEEDED
    if milestone_done:
        return SETTLED
    return ANSWERED if answered else WAITING


def first_overdue_day(due_on: date) -> date:
    return date.fromordinal(due_on.toordinal() + 1)


def notices_owed(
    *,
    due_on: date,
    as_of: date,
    remind_days_before: int,
    circular_after_days: int,
    closed: bool,
) -> list[str]:
    """The ladder's levels a milestone should have been given by ``as_of``, lowest first.

    提醒 from ``remind_days_before`` days before the due date up to the due date itself; 督办
    from the first overdue day; 通报 once it has been overdue ``circular_after_days`` days. A
    closed milestone (done, or its completion waiting for acceptance) is owed nothing more. A
    job that did not run for some days catches up with every level owed, except a reminder
    for a milestone already overdue: it would remind of a date that has passed."""
    if closed:
        return []
    late = days_late(due_on, as_of)
    if late < -remind_days_before:
        return []
    if late <= 0:
        return [REMINDER]
    owed = [SUPERVISION]
    if late >= circular_after_days:
        owed.append(CIRCULAR)
    return owed


@dataclass(frozen=True)
class MilestoneDates:
    due_on: date
    completed_on: date | None


@dataclass(frozen=True)
class Score:
    """One department's record on the milestones it leads, on a day."""

    due: int  # milestones completed or past their due date
    on_time: int  # of those, completed on or before their due date
    overdue: int  # past their due date and not completed
    done_late: int  # completed after their due date
    average_days_late: Decimal | None  # over the late ones, done late or still overdue

    @property
    def on_time_rate(self) -> Decimal | None:
        """Completed on time as a share of those scored, 0–1, or None when none is scored yet."""
        if not self.due:
            return None
        return (Decimal(self.on_time) / Decimal(self.due)).quantize(
            Decimal("0.0001"), ROUND_HALF_UP
        )


def score(milestones: Iterable[MilestoneDates], *, as_of: date) -> Score:
    """The scoreboard line: on-time completion rate, overdue count, average days late.

    A milestone counts once it is completed or past its due date; one still open on or before
    its due date is not scored yet. Days late are those of completion for a milestone done
    late, those to ``as_of`` for one still overdue."""
    due = on_time = overdue = done_late = 0
    late_days: list[int] = []
    for m in milestones:
        completed = m.completed_on if m.completed_on and m.completed_on <= as_of else None
        if completed is not None:
            due += 1
            if completed <= m.due_on:
                on_time += 1
            else:
                done_late += 1
                late_days.append(days_late(m.due_on, completed))
        elif as_of > m.due_on:
            due += 1
            overdue += 1
            late_days.append(days_late(m.due_on, as_of))
    average = None
    if late_days:
        average = (Decimal(sum(late_days)) / Decimal(len(late_days))).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )
    return Score(
        due=due, on_time=on_time, overdue=overdue, done_late=done_late, average_days_late=average
    )
