"""The 作战图: every target of the plan on one page, as of a date, then the key tasks."""

from django.shortcuts import redirect, render

from innoplan.accounts import selectors as account_selectors
from innoplan.accounts.permissions import authorise
from innoplan.core.http import as_of_from
from innoplan.plans import selectors


def _sparklines(figures) -> dict[int, dict]:
    """Each figure's approved history in its display unit, for the cards' small charts."""
    return {
        figure.indicator.id: {
            "dates": [point.on.isoformat() for point in figure.history],
            "values": [float(point.value / figure.display_factor) for point in figure.history],
        }
        for figure in figures
    }


def home(request):
    if not request.user.has_perm("plans.view_dashboard"):
        # The administrators, and an account without a role yet, start elsewhere.
        start = account_selectors.start_page(request.user)
        if start != request.path:
            return redirect(start)
    authorise(request.user, "plans.view_dashboard")
    as_of, as_of_error = as_of_from(request)
    plan = selectors.current_plan()
    context = {
        "plan": plan,
        "as_of": as_of,
        "as_of_error": as_of_error,
        "can_manage": request.user.has_perm("plans.manage_plan"),
    }
    if plan is not None:
        groups = selectors.dashboard_groups(plan=plan, as_of=as_of)
        quotas = selectors.task_quota_figures(plan=plan, as_of=as_of)
        figures = [figure for group in groups for figure in group.figures]
        context.update(
            groups=groups,
            quotas=quotas,
            summary=selectors.status_counts(figures),
            target_count=len(figures),
            sections=selectors.sections_with_tasks(plan),
            # Cards link to the indicator page only where the user may open it.
            linked=set(
                selectors.restrict_indicators(request.user, plan.indicators.all()).values_list(
                    "id", flat=True
                )
            ),
            sparklines=_sparklines(figures + quotas),
        )
    return render(request, "dashboard/home.html", context)
