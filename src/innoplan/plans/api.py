"""Plan figures over the API, read through the same selector as the dashboard."""

from datetime import date
from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema

from innoplan.accounts.permissions import authorise
from innoplan.plans import selectors

router = Router(tags=["plans"])


class TargetOut(Schema):
    comparator: str
    value: Decimal
    year: int
    text: str


class FigureOut(Schema):
    id: int
    name: str
    unit: str
    display_unit: str
    annual: bool
    goal_group: str | None
    task: int | None
    department: str | None
    as_of: date
    current: Decimal | None
    target: TargetOut | None
    progress: Decimal | None
    status: str
    forecast: Decimal | None
    forecast_method: str
    needed_monthly: Decimal | None


class Refusal(Schema):
    detail: str


def _out(figure: selectors.Figure) -> FigureOut:
    indicator, assessment = figure.indicator, figure.assessment
    target = figure.target
    return FigureOut(
        id=indicator.id,
        name=indicator.name,
        unit=indicator.unit,
        display_unit=indicator.display_unit,
        annual=indicator.annual,
        goal_group=indicator.goal_group.name if indicator.goal_group else None,
        task=indicator.task.number if indicator.task else None,
        department=indicator.department.name if indicator.department else None,
        as_of=figure.as_of,
        current=assessment.current,
        target=TargetOut(
            comparator=target.comparator, value=target.value, year=target.year, text=target.text
        )
        if target
        else None,
        progress=assessment.progress,
        status=str(assessment.status),
        forecast=assessment.forecast,
        forecast_method=assessment.forecast_method,
        needed_monthly=assessment.needed_monthly,
    )


@router.get(
    "/figures",
    response={200: list[FigureOut], 403: Refusal},
    summary="Every target's figure on a date",
)
def figures(request, as_of: date | None = None):
    """Values in base units (元, 家). Reporters get their department's indicators only."""
    authorise(request.user, "plans.view_dashboard")
    plan = selectors.current_plan()
    if plan is None:
        return []
    indicators = selectors.restrict_indicators(
        request.user, selectors.indicators_with_targets(plan)
    )
    as_of = as_of or timezone.localdate()
    return [_out(f) for f in selectors.plan_figures(plan=plan, as_of=as_of, indicators=indicators)]


@router.get(
    "/figures/{indicator_id}",
    response={200: FigureOut, 403: Refusal, 404: Refusal},
    summary="One target's figure",
)
def figure(request, indicator_id: int, as_of: date | None = None):
    authorise(request.user, "plans.view_dashboard")
    plan = selectors.current_plan()
    if plan is None:
        raise Http404
    indicators = selectors.restrict_indicators(
        request.user, selectors.indicators_with_targets(plan)
    )
    indicator = get_object_or_404(indicators, pk=indicator_id)
    authorise(request.user, "plans.view_indicator", indicator)
    return _out(
        selectors.indicator_figure(indicator=indicator, as_of=as_of or timezone.localdate())
    )
