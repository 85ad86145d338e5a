"""The register import pages: upload a file, watch it being checked, read every row's outcome,
confirm, watch it being imported. Each needs ``registry.manage_registry``.

A running job's page polls a fragment of itself (htmx, every second) that shows the progress
and swaps itself for the outcome once the work is done. Everything shown comes from the job's
row (and, while it runs, its progress file), so a reload shows the same state."""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from innoplan.audit.events import Event, Outcome
from innoplan.audit.services import record_event
from innoplan.core.excel import XLSX
from innoplan.registry import import_jobs
from innoplan.registry.imports import ERROR, NEW, UNCHANGED, UPDATE, ImportFileError
from innoplan.registry.imports import import_template as template_bytes
from innoplan.registry.models import ImportJob
from innoplan.registry.resources import RESOURCES

JOBS_PER_PAGE = 30
ROWS_PER_PAGE = 100
# Which rows of a report a page shows (?show=…); "all" puts the rows with errors first.
SHOWN = ("all", ERROR, NEW, UPDATE, UNCHANGED)
OUTCOME_LABELS = {
    NEW: gettext_lazy("New"),
    UPDATE: gettext_lazy("Update"),
    UNCHANGED: gettext_lazy("Unchanged"),
    ERROR: gettext_lazy("Error"),
}


def _require_steward(request) -> None:
    if not request.user.has_perm("registry.manage_registry"):
        raise PermissionDenied


class ImportUploadForm(forms.Form):
    register = forms.ChoiceField(label=gettext_lazy("Register"), choices=())
    file = forms.FileField(
        label=gettext_lazy("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["register"].choices = [(key, r.title) for key, r in RESOURCES.items()]
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )


def import_list(request):
    """The import jobs, newest first, and the form that starts one."""
    _require_steward(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_jobs.import_job_create(
                register=form.cleaned_data["register"],
                upload=form.cleaned_data["file"],
                actor=request.user,
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("registry:import_job", pk=job.pk)
    jobs = Paginator(import_jobs.import_jobs_visible(request.user), JOBS_PER_PAGE)
    templates = [{"register": key, "title": r.title} for key, r in RESOURCES.items()]
    return render(
        request,
        "registry/import_list.html",
        {
            "form": form,
            "page": jobs.get_page(request.GET.get("page")),
            "templates": templates,
            "max_mb": _max_mb(),
        },
        status=400 if form.errors else 200,
    )


def _max_mb() -> str:
    return f"{settings.INNOPLAN_IMPORT_MAX_BYTES / 1024 / 1024:g}"


@require_GET
def import_template(request, register):
    """The register's .xlsx template: its headers, an example row, drop-down lists."""
    _require_steward(request)
    resource = RESOURCES.get(register)
    if resource is None:
        raise Http404
    response = HttpResponse(template_bytes(register), content_type=XLSX)
    record_event(
        Event.EXPORT,
        request=request,
        obj=resource._meta.model,
        detail={"template": register, "rows": 0},
    )
    name = _("%(register)s import template") % {"register": resource.title}
    response["Content-Disposition"] = (
        f"attachment; filename=\"{register}-template.xlsx\"; filename*=UTF-8''{quote(name)}.xlsx"
    )
    return response


def _job(request, pk) -> ImportJob:
    _require_steward(request)
    try:
        return import_jobs.import_jobs_visible(request.user).defer(None).get(pk=pk)
    except ImportJob.DoesNotExist:
        raise Http404 from None


def _row_order(row: dict) -> tuple:
    # Rows with errors first, then those with warnings, each in the file's order.
    return (row["outcome"] != ERROR, not row["warnings"], row["row"])


def _state(request, job: ImportJob) -> dict:
    """What the job's state fragment shows."""
    context = {
        "job": job,
        "progress": import_jobs.import_job_progress(job),
        "stalled": import_jobs.import_job_stalled(job),
    }
    if job.is_running or not job.report:
        return context
    counts = job.report["counts"]
    show = request.GET.get("show")
    if show not in SHOWN:
        show = "all"
    rows = job.report["rows"]
    if show != "all":
        rows = [row for row in rows if row["outcome"] == show]
    rows = sorted(rows, key=_row_order)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row["label"] = OUTCOME_LABELS[row["outcome"]]
    context.update(
        counts=counts,
        warnings=job.report.get("warnings", []),
        show=show,
        filters=[
            {
                "key": key,
                "label": _("All rows") if key == "all" else OUTCOME_LABELS[key],
                "count": len(job.report["rows"]) if key == "all" else counts[key],
            }
            for key in SHOWN
        ],
        rows=page,
        can_confirm=job.status == ImportJob.Status.CHECKED and not counts[ERROR],
    )
    return context


@require_GET
def import_job(request, pk):
    """One import job: its progress while it runs, then each row's outcome."""
    job = _job(request, pk)
    return render(request, "registry/import_job.html", _state(request, job))


@require_GET
def import_job_state(request, pk):
    """The job page's state fragment, polled while the job runs."""
    job = _job(request, pk)
    # A poll is not the user's activity, and it must not write: on SQLite a running import
    # holds the only write lock, and a session save would wait for it.
    request.session.modified = False
    return render(request, "registry/_import_job_state.html", _state(request, job))


@require_POST
def import_job_confirm(request, pk):
    """Import the checked file: every row or none."""
    job = _job(request, pk)
    try:
        job = import_jobs.import_job_confirm(job=job, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        _record_confirm(request, job, Outcome.FAILURE, error=" ".join(error.messages))
    else:
        failed = job.status in (ImportJob.Status.FAILED, ImportJob.Status.REFUSED)
        _record_confirm(request, job, Outcome.FAILURE if failed else Outcome.SUCCESS)
    return redirect("registry:import_job", pk=job.pk)


def _record_confirm(request, job: ImportJob, outcome: str, error: str = "") -> None:
    detail = {
        "register": job.register,
        "file": job.file_name,
        "rows": job.rows_total,
        "status": job.status,
    }
    if error or job.error:
        detail["error"] = error or job.error
    record_event(Event.IMPORT_CONFIRM, request=request, obj=job, outcome=outcome, detail=detail)
