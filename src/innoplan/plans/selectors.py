"""Reads of the plan that pages, the API and reports share, so a figure is the same everywhere.

``plan_figures`` is the one place a target's current value, progress, status and forecast are
computed for a date.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from innoplan.accounts.selectors import department_scope
from innoplan.plans import progress
from innoplan.plans.choices import AssignmentRole, ReviewStatus
from innoplan.plans.models import (
    GoalGroup,
    Indicator,
    Plan,
    ReportedValue,
    Section,
    Target,
    Task,
    TaskAssignment,
)


def current_plan() -> Plan | None:
    """The plan being run: the most recently issued one."""
    return Plan.objects.order_by("-issued_on", "-id").first()


def restrict_indicators(user, queryset: QuerySet[Indicator] | None = None) -> QuerySet[Indicator]:
    """The indicators a user may see: all for the plan owner and leaders, the department's own
    for a reporter, none for anyone else."""
    queryset = Indicator.objects.all() if queryset is None else queryset
    return department_scope(user, queryset, lambda department: Q(department_id=department))


def restrict_reported_values(user, queryset: QuerySet[ReportedValue] | None = None):
    queryset = ReportedValue.objects.all() if queryset is None else queryset
    return department_scope(
        user, queryset, lambda department: Q(indicator__department_id=department)
    )


def thresholds() -> progress.Thresholds:
    return progress.Thresholds(
        lagging=settings.INNOPLAN_STATUS_LAGGING,
        severe=settings.INNOPLAN_STATUS_SEVERE,
        about_tolerance=settings.INNOPLAN_ABOUT_TOLERANCE,
    )


@dataclass(frozen=True)
class Figure:
    """A target's standing on a date: what the dashboard card, the report and the API show."""

    indicator: Indicator
    target: Target | None
    as_of: date
    history: tuple[progress.Point, ...]
    assessment: progress.Assessment
    source: str = "reported"

    @property
    def display_factor(self) -> Decimal:
        from innoplan.core.numbers import unit_factor

        return unit_factor(self.indicator.unit, self.indicator.display_unit)

    def shown(self, value: Decimal | None) -> Decimal | None:
        return None if value is None else value / self.display_factor

    @property
    def current_shown(self):
        return self.shown(self.assessment.current)

    @property
    def target_shown(self):
        return self.shown(self.target.value) if self.target else None

    @property
    def forecast_shown(self):
        return self.shown(self.assessment.forecast)

    @property
    def needed_monthly_shown(self):
        return self.shown(self.assessment.needed_monthly)

    @property
    def progress_percent(self) -> Decimal | None:
        if self.assessment.progress is None:
            return None
        return max(Decimal(0), min(Decimal(100), self.assessment.progress * 100))


def _main_target(indicator: Indicator, as_of: date) -> Target | None:
    """The deadline-year target; for an annual flow the one for the year of ``as_of`` if set."""
    targets = sorted(indicator.targets.all(), key=lambda t: t.year)
    if not targets:
        return None
    if indicator.annual:
        for target in targets:
            if target.year == as_of.year:
                return target
    return targets[-1]


def _approved_history(indicator_ids, as_of: date) -> dict[int, list[progress.Point]]:
    """Approved values by indicator, one per date (the last one approved wins).

    A figure stands from the end of its period, or from the day it was reported when that
    came first: a quarter's year-to-date total reported in December was already reached
    that day, and leaving it out until 31 December would show the year below what has been
    approved."""
    day_after = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min))
    rows = (
        ReportedValue.objects.filter(
            Q(period_end__lte=as_of) | Q(created__lt=day_after),
            indicator_id__in=indicator_ids,
            status=ReviewStatus.APPROVED,
        )
        .order_by("indicator_id", "reviewed_at", "id")
        .values_list("indicator_id", "period_end", "created", "value")
    )
    by_date: dict[int, dict[date, Decimal]] = defaultdict(dict)
    for indicator_id, period_end, created, value in rows:
        on = min(period_end, timezone.localdate(created))
        if on <= as_of:
            by_date[indicator_id][on] = value
    return {
        indicator_id: [progress.Point(on=on, value=value) for on, value in sorted(points.items())]
        for indicator_id, points in by_date.items()
    }


def _history_start(indicator: Indicator, as_of: date) -> date:
    """Where a measured indicator's monthly history begins: the year's start for an annual
    flow, else the baseline date (or the plan's issue date without one)."""
    if indicator.annual:
        return date(as_of.year, 1, 1)
    return indicator.baseline_on or indicator.plan.issued_on


def _measured_history(indicators, as_of: date) -> dict[int, list[progress.Point]]:
    """Month-end values of the registry metrics that measure the bound indicators."""
    from innoplan.metrics.selectors import metric_histories

    bound = [i for i in indicators if i.metric_key]
    if not bound:
        return {}
    starts: dict[str, date] = {}
    for indicator in bound:
        start = _history_start(indicator, as_of)
        starts[indicator.metric_key] = min(start, starts.get(indicator.metric_key, start))
    histories = metric_histories(starts=starts, as_of=as_of)
    return {
        i.id: [
            progress.Point(on=day, value=value)
            for day, value in histories[i.metric_key]
            if day >= _history_start(i, as_of)
        ]
        for i in bound
    }


def _histories(indicators, as_of: date) -> dict[int, list[progress.Point]]:
    """Each indicator's history: measured from the registry when a metric is bound to it,
    else the approved reported figures."""
    history = _approved_history([i.id for i in indicators if not i.metric_key], as_of)
    history.update(_measured_history(indicators, as_of))
    return history


def bound_targets() -> dict[str, Target]:
    """The current plan's main target for each metric that measures one of its indicators."""
    plan = current_plan()
    if plan is None:
        return {}
    today = timezone.localdate()
    return {
        i.metric_key: target
        for i in indicators_with_targets(plan).exclude(metric_key="")
        if (target := _main_target(i, today)) is not None
    }


def figure_for(indicator: Indicator, *, as_of: date, history: list[progress.Point]) -> Figure:
    plan = indicator.plan
    target = _main_target(indicator, as_of)
    step = Decimal(1) if indicator.counts_whole_units else Decimal(0)
    if target is None:
        assessment = progress.Assessment(
            current=history[-1].value if history else None,
            progress=None,
            required=None,
            status=progress.Status.NO_DATA,
            forecast=None,
            forecast_method="none",
            needed_monthly=None,
            met=False,
        )
        return Figure(indicator, None, as_of, tuple(history), assessment, _source(indicator))
    comparator = progress.Comparator(target.comparator)
    if indicator.annual:
        year_points = [p for p in history if p.on.year == as_of.year]
        assessment = progress.assess_annual(
            comparator=comparator,
            annual_target=target.value,
            year_to_date=year_points,
            as_of=as_of,
            step=step,
            thresholds=thresholds(),
        )
    else:
        baseline, baseline_on = indicator.baseline_value, indicator.baseline_on
        if baseline is None or baseline_on is None:
            # Without a recorded baseline the first approved figure stands in for it.
            first = history[0] if history else progress.Point(on=plan.issued_on, value=Decimal(0))
            baseline, baseline_on = first.value, first.on
        assessment = progress.assess_stock(
            comparator=comparator,
            target=target.value,
            deadline=date(target.year, 12, 31),
            baseline=baseline,
            baseline_on=baseline_on,
            history=history,
            as_of=as_of,
            step=step,
            thresholds=thresholds(),
        )
    return Figure(indicator, target, as_of, tuple(history), assessment, _source(indicator))


def _source(indicator: Indicator) -> str:
    return "measured" if indicator.metric_key else "reported"


def indicators_with_targets(plan: Plan) -> QuerySet[Indicator]:
    return (
        plan.indicators.select_related("plan", "department", "goal_group", "task")
        .prefetch_related("targets")
        .order_by("position")
    )


def plan_figures(*, plan: Plan, as_of: date, indicators=None) -> list[Figure]:
    """Every indicator's figure on ``as_of``, in a fixed number of queries."""
    indicators = list(indicators if indicators is not None else indicators_with_targets(plan))
    history = _histories(indicators, as_of)
    return [figure_for(i, as_of=as_of, history=history.get(i.id, [])) for i in indicators]


def indicator_figure(*, indicator: Indicator, as_of: date) -> Figure:
    history = _histories([indicator], as_of)
    return figure_for(indicator, as_of=as_of, history=history.get(indicator.id, []))


@dataclass(frozen=True)
class GoalGroupFigures:
    group: GoalGroup
    figures: list[Figure]


def dashboard_groups(*, plan: Plan, as_of: date) -> list[GoalGroupFigures]:
    """The 作战图's target cards: the goal groups in order, each with its targets' figures."""
    figures = plan_figures(plan=plan, as_of=as_of)
    by_group: dict[int, list[Figure]] = defaultdict(list)
    for figure in figures:
        if figure.indicator.goal_group_id:
            by_group[figure.indicator.goal_group_id].append(figure)
    return [GoalGroupFigures(g, by_group.get(g.id, [])) for g in plan.goal_groups.all()]


def task_quota_figures(*, plan: Plan, as_of: date) -> list[Figure]:
    """Targets stated inside tasks (task 9's annual support quotas)."""
    indicators = indicators_with_targets(plan).filter(task__isnull=False)
    return plan_figures(plan=plan, as_of=as_of, indicators=indicators)


def targets_and_task_quotas(figures) -> tuple[list[Figure], list[Figure]]:
    """``figures`` split as the 作战图 counts them: the plan's targets (in its goal groups) and
    apart from them the annual quotas set by key tasks (task 9's support quotas)."""
    figures = list(figures)
    return (
        [f for f in figures if f.indicator.goal_group_id is not None],
        [f for f in figures if f.indicator.task_id is not None],
    )


def sections_with_tasks(plan: Plan) -> QuerySet[Section]:
    """Sections with their tasks and each task's departments (lead first), in three queries."""
    assignments = TaskAssignment.objects.select_related("department").order_by(
        "role", "department__position", "department__code"
    )
    tasks = Task.objects.prefetch_related(Prefetch("assignments", queryset=assignments))
    return plan.sections.prefetch_related(Prefetch("tasks", queryset=tasks)).order_by("position")


def lead_departments(task: Task):
    return [a.department for a in task.assignments.all() if a.role == AssignmentRole.LEAD]


def cooperating_departments(task: Task):
    return [a.department for a in task.assignments.all() if a.role == AssignmentRole.COOPERATING]


def reported_values_for(indicator: Indicator) -> QuerySet[ReportedValue]:
    return indicator.reported_values.select_related("submitted_by", "reviewed_by").order_by(
        "-period_end", "-created"
    )


def pending_reviews(user) -> QuerySet[ReportedValue]:
    return (
        restrict_reported_values(user)
        .filter(status=ReviewStatus.PENDING)
        .select_related("indicator", "indicator__department", "submitted_by")
        .order_by("created")
    )


# --- pages: the summary strip, the year targets of an indicator, its audit trail ------------

STATUS_ORDER = (
    progress.Status.ACHIEVED,
    progress.Status.ON_TRACK,
    progress.Status.LAGGING,
    progress.Status.SEVERELY_LAGGING,
    progress.Status.NO_DATA,
)


def status_counts(figures) -> list[tuple[progress.Status, int]]:
    """How many of ``figures`` stand at each status, in a fixed order (all five, zeros kept)."""
    counts = {status: 0 for status in STATUS_ORDER}
    for figure in figures:
        counts[figure.assessment.status] += 1
    return list(counts.items())


@dataclass(frozen=True)
class YearTarget:
    """The value an indicator must reach by the end of ``year``: the plan's own Target when it
    states one for that year, otherwise derived (the linear required path of a stock; the
    annual target, which applies every year, of a flow). ``value`` is None when nothing can
    be derived (a stock without baseline or approved figure)."""

    year: int
    value: Decimal | None
    comparator: str | None
    target: Target | None

    @property
    def derived(self) -> bool:
        return self.target is None


def stock_baseline(indicator: Indicator, history) -> progress.Point | None:
    """The baseline the assessment uses: the recorded one, else the first approved figure."""
    if indicator.baseline_value is not None and indicator.baseline_on is not None:
        return progress.Point(on=indicator.baseline_on, value=indicator.baseline_value)
    return history[0] if history else None


def year_targets(figure: Figure) -> list[YearTarget]:
    """One row per year from the year after the plan starts to its deadline year."""
    indicator, main = figure.indicator, figure.target
    plan = indicator.plan
    stated = {t.year: t for t in indicator.targets.all()}
    baseline = stock_baseline(indicator, figure.history)
    rows = []
    for year in range(plan.start_year + 1, plan.deadline_year + 1):
        if year in stated:
            t = stated[year]
            rows.append(YearTarget(year, t.value, t.comparator, t))
        elif main is None:
            rows.append(YearTarget(year, None, None, None))
        elif indicator.annual:
            rows.append(YearTarget(year, main.value, main.comparator, None))
        elif baseline is None:
            rows.append(YearTarget(year, None, main.comparator, None))
        else:
            value = progress.required_on(
                baseline=baseline.value,
                baseline_on=baseline.on,
                target=main.value,
                deadline=date(main.year, 12, 31),
                on=date(year, 12, 31),
            )
            rows.append(YearTarget(year, value, main.comparator, None))
    return rows


def indicator_audit_entries(indicator: Indicator, *, limit: int = 200):
    """The audit log of an indicator, its targets and its reported values, newest first."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    types = ContentType.objects.get_for_models(Indicator, Target, ReportedValue)
    target_ids = Target.objects.filter(indicator=indicator).values("pk")
    value_ids = ReportedValue.objects.filter(indicator=indicator).values("pk")
    return (
        LogEntry.objects.filter(
            Q(content_type=types[Indicator], object_id=indicator.pk)
            | Q(content_type=types[Target], object_id__in=target_ids)
            | Q(content_type=types[ReportedValue], object_id__in=value_ids)
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")[:limit]
    )


def department_reported_values(user) -> QuerySet[ReportedValue]:
    """A reporter's department's figures (everything for the plan owner), newest first."""
    return (
        restrict_reported_values(user)
        .select_related("indicator", "submitted_by", "reviewed_by")
        .order_by("-created", "-id")
    )
