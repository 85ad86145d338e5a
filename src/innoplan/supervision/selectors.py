"""Reads of task supervision that pages, reports, the API and other apps share.

A milestone's state is never stored: it is computed for a day by ``timeline.state_on`` from
its due date, its first progress update and its completion date, so the battle map, the
department lists, the scoreboard and the reports agree for any ``as_of``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max, Min, Prefetch, Q, QuerySet

from innoplan.accounts.models import Department
from innoplan.accounts.selectors import department_scope
from innoplan.plans.models import Plan, Section, Task
from innoplan.supervision import timeline
from innoplan.supervision.choices import NoticeLevel, NoticeStatus, Review, Stage, State
from innoplan.supervision.models import (
    Milestone,
    Notice,
    ProgressUpdate,
    Project,
    SupervisionPolicy,
    days_text,
)


def policy_for(plan: Plan) -> SupervisionPolicy:
    """The plan's escalation ladder; the defaults until the plan owner changes them."""
    policy = SupervisionPolicy.objects.filter(plan=plan).first()
    return policy if policy is not None else SupervisionPolicy(plan=plan)


# --- scope ---------------------------------------------------------------------------------


def restrict_milestones(user, queryset: QuerySet[Milestone] | None = None) -> QuerySet[Milestone]:
    """All milestones for the plan owner and leaders; for a department's reporter the ones it
    leads or co-operates on; none for anyone else."""
    queryset = Milestone.objects.all() if queryset is None else queryset
    return department_scope(
        user,
        queryset,
        lambda department: (
            Q(lead_department_id=department)
            | Q(
                pk__in=Milestone.cooperating_departments.through.objects.filter(
                    department_id=department
                ).values("milestone_id")
            )
        ),
    )


def restrict_notices(user, queryset: QuerySet[Notice] | None = None) -> QuerySet[Notice]:
    """All notices for the plan owner and leaders, a department's own for its reporter."""
    queryset = Notice.objects.all() if queryset is None else queryset
    return department_scope(user, queryset, lambda department: Q(department_id=department))


def restrict_projects(user, queryset: QuerySet[Project] | None = None) -> QuerySet[Project]:
    """All projects for the plan owner and leaders; for a reporter those his department leads
    or has a milestone in."""
    queryset = Project.objects.all() if queryset is None else queryset
    return department_scope(
        user,
        queryset,
        lambda department: (
            Q(lead_department_id=department)
            | Q(pk__in=restrict_milestones(user).values("project_id"))
        ),
    )


# --- milestones as of a day -------------------------------------------------------------------


def milestones_with_dates() -> QuerySet[Milestone]:
    """Milestones with what a row shows, in a fixed number of queries; each carries
    ``started_on`` (the day of its first progress update) and ``submitted_on`` (the day of a
    completion waiting for acceptance), which its state on a day is computed from."""
    return (
        Milestone.objects.select_related(
            "task", "task__plan", "task__section", "lead_department", "project", "created_by"
        )
        .prefetch_related(
            Prefetch(
                "cooperating_departments",
                queryset=Department.objects.order_by("position", "code"),
            )
        )
        .annotate(
            started_on=Min("updates__reported_on"),
            submitted_on=Max("updates__reported_on", filter=Q(updates__review=Review.PENDING)),
        )
        .order_by("due_on", "task__number", "id")
    )


def milestones_of(plan: Plan) -> QuerySet[Milestone]:
    """The plan's milestones, as ``milestones_with_dates``."""
    return milestones_with_dates().filter(task__plan=plan)


@dataclass(frozen=True)
class MilestoneRow:
    """A milestone as of a day: its state, and days late (negative: days left), counted to
    the day it was completed or its completion reported (``finished``) or else to the day."""

    milestone: Milestone
    state: str
    days_late: int
    finished: bool = False

    @property
    def state_label(self) -> str:
        return State(self.state).label

    @property
    def days_text(self) -> str:
        """逾期 N 天 or 剩余 N 天 (今天到期 on the day); for work finished on time, nothing."""
        if self.finished and self.days_late <= 0:
            return ""
        return days_text(self.days_late)

    @property
    def is_late(self) -> bool:
        return self.state in (State.OVERDUE, State.DONE_LATE)


def row_for(milestone: Milestone, *, as_of: date) -> MilestoneRow:
    started = getattr(milestone, "started_on", None)
    if started is None and milestone.stage != Stage.PLANNED:
        # Moved on by the plan owner without an update: started, but not before it was made.
        started = milestone.created.date()
    completed = milestone.completed_on
    submitted = getattr(milestone, "submitted_on", None)
    state = timeline.state_on(
        due_on=milestone.due_on,
        as_of=as_of,
        started_on=started,
        completed_on=completed,
        submitted_on=submitted,
    )
    finished = True
    if completed is not None and completed <= as_of:
        late = timeline.days_late(milestone.due_on, completed)
    elif submitted is not None and submitted <= as_of:
        late = timeline.days_late(milestone.due_on, submitted)
    else:
        finished = False
        late = timeline.days_late(milestone.due_on, as_of)
    return MilestoneRow(milestone=milestone, state=state, days_late=late, finished=finished)


def milestone_rows(
    *,
    plan: Plan,
    as_of: date,
    user=None,
    department: Department | None = None,
    states: tuple[str, ...] | None = None,
) -> list[MilestoneRow]:
    """The plan's milestones as of a day, seen by ``user`` (all when None), led by or
    co-operated on by ``department`` when given, in ``states`` when given."""
    queryset = milestones_of(plan)
    if user is not None:
        queryset = restrict_milestones(user, queryset)
    if department is not None:
        queryset = queryset.filter(
            Q(lead_department=department) | Q(cooperating_departments=department)
        ).distinct()
    rows = [row_for(m, as_of=as_of) for m in queryset]
    if states:
        rows = [row for row in rows if row.state in states]
    return rows


def state_counts(rows: list[MilestoneRow]) -> list[tuple[State, int]]:
    counts = defaultdict(int)
    for row in rows:
        counts[row.state] += 1
    return [(state, counts[state.value]) for state in State]


# --- the battle map ---------------------------------------------------------------------------


@dataclass
class TaskLine:
    task: Task
    rows: list[MilestoneRow] = field(default_factory=list)

    @property
    def state(self) -> str:
        """The task's colour: overdue if any milestone is, done when all are, else in progress
        once any has started, else not started."""
        states = {row.state for row in self.rows}
        if not states:
            return State.NOT_STARTED
        if State.OVERDUE in states:
            return State.OVERDUE
        if states <= {State.DONE, State.DONE_LATE}:
            return State.DONE_LATE if State.DONE_LATE in states else State.DONE
        if states == {State.NOT_STARTED}:
            return State.NOT_STARTED
        return State.IN_PROGRESS


@dataclass
class SectionLine:
    section: Section
    tasks: list[TaskLine]


def battle_map(
    *, plan: Plan, as_of: date, user=None, department: Department | None = None
) -> list[SectionLine]:
    """Every section of the plan with each of its tasks and the tasks' milestones as of a day
    (only ``department``'s when given); a task without milestones is shown all the same."""
    rows_by_task: dict[int, list[MilestoneRow]] = defaultdict(list)
    for row in milestone_rows(plan=plan, as_of=as_of, user=user, department=department):
        rows_by_task[row.milestone.task_id].append(row)
    sections = plan.sections.prefetch_related(
        Prefetch("tasks", queryset=Task.objects.order_by("number"))
    ).order_by("position")
    return [
        SectionLine(
            section=section,
            tasks=[
                TaskLine(task=task, rows=rows_by_task.get(task.pk, []))
                for task in section.tasks.all()
            ],
        )
        for section in sections
    ]


# --- the scoreboard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreLine:
    department: Department
    milestones: int
    score: timeline.Score


def scoreboard(*, plan: Plan, as_of: date) -> list[ScoreLine]:
    """Each lead department's on-time completion rate, overdue count and average days late on
    the milestones it leads, best first (rate, then fewer overdue, then fewer days late)."""
    by_department: dict[int, list[Milestone]] = defaultdict(list)
    departments: dict[int, Department] = {}
    for milestone in Milestone.objects.filter(task__plan=plan).select_related("lead_department"):
        by_department[milestone.lead_department_id].append(milestone)
        departments[milestone.lead_department_id] = milestone.lead_department
    lines = [
        ScoreLine(
            department=departments[pk],
            milestones=len(items),
            score=timeline.score(
                (timeline.MilestoneDates(m.due_on, m.completed_on) for m in items), as_of=as_of
            ),
        )
        for pk, items in by_department.items()
    ]

    def order(line: ScoreLine):
        rate = line.score.on_time_rate
        return (
            rate is None,
            -(rate or 0),
            line.score.overdue,
            line.score.average_days_late or 0,
            line.department.position,
            line.department.code,
        )

    return sorted(lines, key=order)


# --- a department's list (清单) ----------------------------------------------------------------


@dataclass
class DepartmentList:
    """What is a department's, on a day: overdue, due within the reminder window, notices
    waiting for its answer, completions sent back, and the rest still open."""

    overdue: list[MilestoneRow]
    due_soon: list[MilestoneRow]
    open: list[MilestoneRow]
    waiting_acceptance: list[MilestoneRow]
    notices_to_answer: list[Notice]
    returned: list[ProgressUpdate]


def department_list(*, plan: Plan, department: Department, as_of: date) -> DepartmentList:
    policy = policy_for(plan)
    rows = [
        row
        for row in milestone_rows(plan=plan, as_of=as_of)
        if row.milestone.lead_department_id == department.pk
    ]
    open_rows = [r for r in rows if r.state in (State.NOT_STARTED, State.IN_PROGRESS)]
    return DepartmentList(
        overdue=[r for r in rows if r.state == State.OVERDUE],
        due_soon=[r for r in open_rows if -policy.remind_days_before <= r.days_late <= 0],
        open=[r for r in open_rows if r.days_late < -policy.remind_days_before],
        waiting_acceptance=[r for r in rows if r.milestone.stage == Stage.SUBMITTED],
        notices_to_answer=list(
            notices_awaiting_answer().filter(department=department, milestone__task__plan=plan)
        ),
        returned=list(
            ProgressUpdate.objects.filter(
                milestone__task__plan=plan,
                milestone__lead_department=department,
                milestone__stage=Stage.IN_PROGRESS,
                review=Review.RETURNED,
            )
            .select_related("milestone", "reviewed_by")
            .order_by("-reviewed_at")
        ),
    )


# --- notices ----------------------------------------------------------------------------------


def notices_with_context() -> QuerySet[Notice]:
    return Notice.objects.select_related(
        "milestone", "milestone__task", "department", "answered_by"
    )


def notices_in_status(queryset: QuerySet[Notice], status: str) -> QuerySet[Notice]:
    """The notices of ``queryset`` whose status (``timeline.notice_status``, computed from the
    level, the answer and the milestone's stage) is ``status``: the same rule as a notice's
    ``status``, as a filter."""
    reminder = Q(level=NoticeLevel.REMINDER)
    done = Q(milestone__stage=Stage.DONE)
    answered = Q(answered_at__isnull=False)
    condition = {
        NoticeStatus.NO_ANSWER_NEEDED: reminder,
        NoticeStatus.SETTLED: ~reminder & done,
        NoticeStatus.ANSWERED: ~reminder & ~done & answered,
        NoticeStatus.WAITING: ~reminder & ~done & ~answered,
    }[NoticeStatus(status)]
    return queryset.filter(condition)


def notices_awaiting_answer() -> QuerySet[Notice]:
    """督办 and 通报 waiting for their department's answer (待答复): not answered, and their
    milestone not yet accepted as done."""
    return notices_in_status(notices_with_context(), NoticeStatus.WAITING)


def pending_acceptances(plan: Plan) -> QuerySet[ProgressUpdate]:
    """Completion claims waiting for the plan owner."""
    return (
        ProgressUpdate.objects.filter(milestone__task__plan=plan, review=Review.PENDING)
        .select_related("milestone", "milestone__task", "department", "author")
        .order_by("created")
    )


def overdue_by_department(
    *, plan: Plan, as_of: date
) -> list[tuple[Department, list[MilestoneRow]]]:
    """The overdue milestones on a day, by lead department (most overdue first), each
    department's worst first: the body of a 督办通报."""
    groups: dict[int, list[MilestoneRow]] = defaultdict(list)
    departments: dict[int, Department] = {}
    for row in milestone_rows(plan=plan, as_of=as_of, states=(State.OVERDUE,)):
        groups[row.milestone.lead_department_id].append(row)
        departments[row.milestone.lead_department_id] = row.milestone.lead_department
    ordered = sorted(
        groups.items(), key=lambda item: (-len(item[1]), departments[item[0]].position)
    )
    return [(departments[pk], sorted(rows, key=lambda r: -r.days_late)) for pk, rows in ordered]


def answers_for(milestone_ids) -> dict[int, list[Notice]]:
    """The notices of these milestones that were answered, newest first, by milestone."""
    answered: dict[int, list[Notice]] = defaultdict(list)
    for notice in (
        Notice.objects.filter(milestone_id__in=list(milestone_ids), answered_at__isnull=False)
        .select_related("answered_by")
        .order_by("-answered_at")
    ):
        answered[notice.milestone_id].append(notice)
    return answered


def updates_for(milestone: Milestone) -> QuerySet[ProgressUpdate]:
    return milestone.updates.select_related("author", "department", "reviewed_by").prefetch_related(
        "evidence"
    )
