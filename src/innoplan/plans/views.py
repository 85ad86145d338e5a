"""Pages of the plan: an indicator and its history, reporting a figure, reviewing figures,
editing an indicator and a task's departments. Each view parses, calls a selector or a
service, and renders; permissions come from plans/rules.py, visibility from the selectors."""

from __future__ import annotations

import posixpath
from datetime import date, timedelta
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innoplan.accounts.permissions import authorise, requires
from innoplan.core.audit import audit_rows
from innoplan.core.forms import add_service_error
from innoplan.core.http import as_of_from
from innoplan.core.numbers import from_display, to_display
from innoplan.plans import selectors, services
from innoplan.plans.forms import (
    IndicatorForm,
    ReportedValueForm,
    ReviewForm,
    TaskAssignmentForm,
)
from innoplan.plans.models import Indicator, Task
from innoplan.plans.templatetags.plan_display import period_label

REPORTS_PER_PAGE = 50


def _visible_indicator(request, pk: int) -> Indicator:
    """The indicator if the user may see it: 403 without a plan role, 404 when it is another
    department's."""
    authorise(request.user, "plans.view_dashboard")
    queryset = Indicator.objects.select_related(
        "plan", "goal_group", "task", "department"
    ).prefetch_related("targets")
    return get_object_or_404(selectors.restrict_indicators(request.user, queryset), pk=pk)


def _chart_data(figure: selectors.Figure, year_rows) -> dict:
    """The indicator chart's series in the display unit, as plain numbers for ECharts."""
    factor = figure.display_factor

    def shown(value):
        return None if value is None else float(value / factor)

    indicator = figure.indicator
    history = []
    for point in figure.history:
        if (
            indicator.annual
            and history
            and point.on.year != date.fromisoformat(history[-1][0]).year
        ):
            # A flow restarts every January: break the line instead of drawing the drop.
            history.append([f"{point.on.year}-01-01", None])
        history.append([point.on.isoformat(), shown(point.value)])
    path = []
    if figure.target is not None:
        if indicator.annual:
            # The required path of a flow restarts from zero every calendar year.
            years = sorted({p.on.year for p in figure.history} | {figure.as_of.year})
            for year in years:
                path += [[f"{year}-01-01", 0], [f"{year}-12-31", shown(figure.target.value)]]
                path.append([f"{year}-12-31", None])
        else:
            baseline = selectors.stock_baseline(indicator, figure.history)
            if baseline is not None:
                path = [[baseline.on.isoformat(), shown(baseline.value)]]
                path += [[f"{row.year}-12-31", shown(row.value)] for row in year_rows if row.value]
    return {
        "history": history,
        "required": path,
        "target": shown(figure.target.value) if figure.target else None,
        "as_of": figure.as_of.isoformat(),
        "unit": indicator.display_unit,
        "labels": {
            "history": _("Counted from the registry")
            if figure.source == "measured"
            else _("Approved figures"),
            "required": _("Required path"),
            "target": _("Target"),
        },
    }


def indicator_detail(request, pk: int):
    indicator = _visible_indicator(request, pk)
    authorise(request.user, "plans.view_indicator", indicator)
    as_of, as_of_error = as_of_from(request)
    figure = selectors.indicator_figure(indicator=indicator, as_of=as_of)
    year_rows = selectors.year_targets(figure)
    values = list(selectors.reported_values_for(indicator))
    return render(
        request,
        "plans/indicator_detail.html",
        {
            "indicator": indicator,
            "plan": indicator.plan,
            "figure": figure,
            "as_of": as_of,
            "as_of_error": as_of_error,
            "baseline": selectors.stock_baseline(indicator, figure.history),
            "year_rows": year_rows,
            "values": values,
            "audit": audit_rows(selectors.indicator_audit_entries(indicator)),
            "chart": _chart_data(figure, year_rows),
            "can_edit": request.user.has_perm("plans.manage_plan"),
            "can_report": request.user.has_perm("plans.report_value", indicator),
        },
    )


@requires("plans.manage_plan")
def indicator_edit(request, pk: int):
    indicator = _visible_indicator(request, pk)
    factor_unit = (indicator.unit, indicator.display_unit)
    if request.method == "POST":
        form = IndicatorForm(request.POST, indicator=indicator)
        if form.is_valid():
            data = form.cleaned_data
            baseline = data["baseline_value"]
            try:
                services.indicator_update(
                    indicator=indicator,
                    actor=request.user,
                    version=data["version"],
                    definition=data["definition"],
                    department=data["department"],
                    baseline_value=None
                    if baseline is None
                    else from_display(baseline, *factor_unit),
                    baseline_on=data["baseline_on"],
                )
            except ValidationError as error:
                add_service_error(form, error, {})
            else:
                messages.success(request, _("Indicator saved."))
                return redirect("plans:indicator_detail", pk=indicator.pk)
        status = 400
    else:
        baseline = indicator.baseline_value
        form = IndicatorForm(
            indicator=indicator,
            initial={
                "definition": indicator.definition,
                "department": indicator.department,
                "baseline_value": None
                if baseline is None
                else _plain(to_display(baseline, *factor_unit)),
                "baseline_on": indicator.baseline_on,
                "version": indicator.version,
            },
        )
        status = 200
    return render(
        request, "plans/indicator_edit.html", {"indicator": indicator, "form": form}, status=status
    )


def _plain(value: Decimal) -> Decimal:
    """760.0000 -> 760, 8.5000 -> 8.5, for a form field (never 7.6E+2)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _last_month(today: date) -> str:
    return (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def report_create(request, pk: int):
    indicator = _visible_indicator(request, pk)
    authorise(request.user, "plans.report_value", indicator)
    if indicator.measured:
        # Counted from the registry: nothing to report, and the page says so (a form sent
        # all the same, from a page opened before the metric was bound, gets the same answer).
        return render(
            request,
            "plans/report_measured.html",
            {"indicator": indicator},
            status=400 if request.method == "POST" else 200,
        )
    kept = None
    if request.method == "POST":
        form = ReportedValueForm(
            request.POST, request.FILES, indicator=indicator, user=request.user
        )
        if form.is_valid():
            data = form.cleaned_data
            chosen, attachment = data["attachment"], form.attachment_to_store()
            try:
                services.reported_value_submit(
                    indicator=indicator,
                    period_kind=data["period_kind"],
                    period_start=data["period_start"],
                    value=from_display(data["value"], indicator.unit, indicator.display_unit),
                    note=data["note"],
                    attachment=attachment,
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_error(form, error, ReportedValueForm.SERVICE_FIELDS)
            else:
                form.discard_kept()
                messages.success(request, _("Submitted, awaiting review."))
                return redirect("plans:my_reports")
            finally:
                if attachment is not None and attachment is not chosen:
                    attachment.close()  # the kept file, opened for the service
        # Refused: the file chosen with the figure waits for the form shown again.
        kept = form.keep_attachment()
        status = 400
    else:
        form = ReportedValueForm(
            indicator=indicator,
            user=request.user,
            initial={"period": _last_month(timezone.localdate())},
        )
        status = 200
    return render(
        request,
        "plans/report_form.html",
        {"indicator": indicator, "form": form, "kept": kept},
        status=status,
    )


@requires("plans.view_department_reports")
def my_reports(request):
    plan = selectors.current_plan()
    indicators = (
        selectors.restrict_indicators(request.user, plan.indicators.all())
        .select_related("goal_group", "task")
        .prefetch_related("targets")
        .order_by("position")
        if plan
        else []
    )
    page = Paginator(selectors.department_reported_values(request.user), REPORTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "plans/my_reports.html",
        {"plan": plan, "indicators": indicators, "page": page},
    )


@requires("plans.review_value")
def review_list(request):
    return render(
        request,
        "plans/review_list.html",
        {"pending": selectors.pending_reviews(request.user), "form": ReviewForm()},
    )


@require_POST
@requires("plans.review_value")
def report_review(request, pk: int):
    value = get_object_or_404(
        selectors.restrict_reported_values(request.user).select_related(
            "indicator", "indicator__department", "submitted_by"
        ),
        pk=pk,
    )
    form = ReviewForm(request.POST)
    error = None
    if not form.is_valid():
        error = (
            _("Choose approve or reject.")
            if "decision" in form.errors
            else " ".join(form.non_field_errors())
        )
    else:
        decide = (
            services.reported_value_approve
            if form.cleaned_data["decision"] == ReviewForm.APPROVE
            else services.reported_value_reject
        )
        try:
            value = decide(
                value=value,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
    if request.headers.get("HX-Request"):
        # htmx swaps the row in place; the outcome is shown inside it.
        return render(
            request, "plans/_review_row.html", {"value": value, "error": error, "form": form}
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            _("%(indicator)s, %(period)s: %(status)s.")
            % {
                "indicator": value.indicator.name,
                "period": period_label(value),
                "status": value.get_status_display(),
            },
        )
    return redirect("plans:review_list")


def report_attachment(request, pk: int):
    """The attachment of a reported figure, to those who may see the figure."""
    authorise(request.user, "plans.view_dashboard")
    value = get_object_or_404(
        selectors.restrict_reported_values(request.user).select_related("indicator"), pk=pk
    )
    authorise(request.user, "plans.view_reported_value", value)
    if not value.attachment:
        raise Http404
    return FileResponse(
        value.attachment.open("rb"),
        as_attachment=True,
        filename=posixpath.basename(value.attachment.name),
    )


@requires("plans.manage_plan")
def task_edit(request, pk: int):
    task = get_object_or_404(
        Task.objects.select_related("plan", "section").prefetch_related("assignments__department"),
        pk=pk,
    )
    if request.method == "POST":
        form = TaskAssignmentForm(request.POST)
        if form.is_valid():
            try:
                services.task_assignments_set(
                    task=task,
                    lead=form.cleaned_data["lead"],
                    cooperating=form.cleaned_data["cooperating"],
                    actor=request.user,
                    version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                add_service_error(form, error, {})
            else:
                messages.success(request, _("Task %(number)s saved.") % {"number": task.number})
                return redirect(reverse("dashboard:home") + f"#task-{task.number}")
        status = 400
    else:
        form = TaskAssignmentForm(
            initial={
                "lead": selectors.lead_departments(task),
                "cooperating": selectors.cooperating_departments(task),
                "version": task.version,
            }
        )
        status = 200
    return render(request, "plans/task_edit.html", {"task": task, "form": form}, status=status)


def indicator_records(request, pk: int):
    """The registry records a measured figure counted on its date, on a page and in Excel."""
    from innoplan.audit.exports import xlsx_response
    from innoplan.metrics.selectors import metric_table

    indicator = _visible_indicator(request, pk)
    authorise(request.user, "plans.view_indicator", indicator)
    if not indicator.metric_key:
        raise Http404
    as_of, as_of_error = as_of_from(request)
    headers, rows = metric_table(key=indicator.metric_key, as_of=as_of)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            filename=f"{indicator.name}-{as_of.isoformat()}.xlsx",
            title=indicator.name,
            headers=headers,
            rows=rows,
            request=request,
            obj=indicator,
            detail={"as_of": as_of.isoformat()},
        )
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/indicator_records.html",
        {
            "indicator": indicator,
            "as_of": as_of,
            "as_of_error": as_of_error,
            "headers": headers,
            "page_obj": page,
            "count": len(rows),
        },
    )
