"""The reports page: ask for a quarterly report or a supervision circular, follow the jobs
being built, download the finished .docx. The plan owner and the district leaders use it
(``reports.request_report``); a built report is downloaded by whoever asked for it and by
the plan owner (``reports.download_report``), anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from innoplan.accounts.permissions import authorise, requires
from innoplan.audit.events import Event
from innoplan.audit.services import record_event
from innoplan.plans.selectors import current_plan
from innoplan.reports import selectors, services
from innoplan.reports.choices import ReportKind
from innoplan.reports.documents import DOCX
from innoplan.reports.forms import CircularForm, QuarterlyReportForm
from innoplan.reports.models import ReportJob


def _plan_or_404():
    plan = current_plan()
    if plan is None:
        raise Http404(_("No plan has been loaded yet."))
    return plan


def _page(request, plan, *, quarterly=None, circular=None, status=200):
    today = timezone.localdate()
    return render(
        request,
        "reports/index.html",
        {
            "plan": plan,
            "quarterly_form": quarterly or QuarterlyReportForm(plan=plan, today=today),
            "circular_form": circular or CircularForm(today=today),
            "jobs": selectors.recent_jobs(request.user),
        },
        status=status,
    )


@require_GET
@requires("reports.request_report")
def index(request):
    """The two request forms and the user's recent reports."""
    return _page(request, _plan_or_404())


@require_POST
@requires("reports.request_report")
def request_report(request):
    """Queue the report the form names (``kind``) and go back to the list, where it is
    followed until it is ready."""
    plan = _plan_or_404()
    today = timezone.localdate()
    kind = request.POST.get("kind")
    if kind == ReportKind.QUARTERLY:
        form = QuarterlyReportForm(request.POST, plan=plan, today=today)
        if form.is_valid():
            services.report_job_request(
                plan=plan, kind=kind, quarter=form.cleaned_data["quarter"], actor=request.user
            )
            messages.success(request, _("The quarterly report is being built."))
            return redirect("reports:index")
        return _page(request, plan, quarterly=form, status=400)
    if kind == ReportKind.SUPERVISION:
        form = CircularForm(request.POST, today=today)
        if form.is_valid():
            services.report_job_request(
                plan=plan, kind=kind, as_of=form.cleaned_data["as_of"], actor=request.user
            )
            messages.success(request, _("The supervision circular is being built."))
            return redirect("reports:index")
        return _page(request, plan, circular=form, status=400)
    messages.error(request, _("Choose which report to build."))
    return _page(request, plan, status=400)


def _job(request, pk: int) -> ReportJob:
    authorise(request.user, "reports.request_report")
    job = get_object_or_404(
        selectors.restrict_report_jobs(request.user).select_related("created_by"), pk=pk
    )
    if not request.user.has_perm("reports.download_report", job):
        raise Http404
    return job


@require_GET
def download(request, pk: int):
    """The built .docx, recorded in the audit trail as an export."""
    job = _job(request, pk)
    if not job.is_ready:
        raise Http404(_("This report is not ready."))
    name = f"{job.get_kind_display()}-{job.period}.docx"
    record_event(
        Event.EXPORT,
        request=request,
        obj=job,
        detail={"kind": job.kind, "period": job.period, "file": name},
    )
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=name, content_type=DOCX)


@require_GET
def status(request, pk: int):
    """The job's row of the list, polled while the report is being built."""
    job = _job(request, pk)
    # A poll is not the user's activity, and it must not write the session.
    request.session.modified = False
    return render(request, "reports/_job.html", {"job": job})
