"""The import pages, the same for every importer: upload a file, watch it being checked, read
every row's outcome, confirm, watch it being imported. An app that owns importers mounts them
with an ``ImportPages`` (its URL namespace, heading and breadcrumb); each page needs the
permission of the importer it touches.

A running job's page polls a fragment of itself (htmx, every second) that shows the progress
and swaps itself for the outcome once the work is done. Everything shown comes from the job's
row (and, while it runs, its progress file), so a reload shows the same state."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from innoplan.audit.events import Event
from innoplan.audit.services import record_event
from innoplan.core.excel import XLSX
from innoplan.imports import services
from innoplan.imports.importers import importer_for, importers_in
from innoplan.imports.models import ImportJob
from innoplan.tabular.report import (
    ERROR,
    NEW,
    UNCHANGED,
    UPDATE,
    ImportFileError,
    ImportReport,
)

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


@dataclass(frozen=True)
class ImportPages:
    """Where an app shows the import pages of its importers (``scope``)."""

    scope: str
    namespace: str  # the app's URL namespace
    name: str  # route names: <name>_list, <name>_template, <name>_job …
    title: Promise  # the list page's heading
    intro: Promise  # what the list page says first
    home: tuple[Promise, str]  # the breadcrumb's root: (label, route)

    def route(self, page: str) -> str:
        return f"{self.namespace}:{self.name}_{page}"

    def urlpatterns(self) -> list:
        pages = {"pages": self}
        return [
            path("", job_list, pages, name=f"{self.name}_list"),
            path("template/<str:importer>.xlsx", template, pages, name=f"{self.name}_template"),
            path("<int:pk>/", job_page, pages, name=f"{self.name}_job"),
            path("<int:pk>/state/", job_state, pages, name=f"{self.name}_job_state"),
            path("<int:pk>/confirm/", job_confirm, pages, name=f"{self.name}_job_confirm"),
        ]

    def importers_for(self, user) -> list:
        return [i for i in importers_in(self.scope) if i.allows(user)]

    def authorise(self, request) -> list:
        """The importers the user may use here; refused (and audited) when there is none."""
        importers = self.importers_for(request.user)
        if not importers:
            importers_in(self.scope)[0].authorise(request.user)
        return importers


class ImportUploadForm(forms.Form):
    importer = forms.ChoiceField(label=gettext_lazy("Register"), choices=())
    file = forms.FileField(
        label=gettext_lazy("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, importers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["importer"].choices = [(i.key, i.title) for i in importers]
        if len(importers) == 1:
            self.fields["importer"].initial = importers[0].key
            self.fields["importer"].widget = forms.HiddenInput()
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )


def _max_mb() -> str:
    return f"{settings.INNOPLAN_IMPORT_MAX_BYTES / 1024 / 1024:g}"


def _crumbs(pages: ImportPages, *, current: str, job: ImportJob | None = None) -> list[dict]:
    label, route = pages.home
    crumbs = [{"label": label, "url": reverse(route)}]
    if job is not None:
        crumbs.append({"label": _("Imports"), "url": reverse(pages.route("list"))})
    crumbs.append({"label": current, "url": None})
    return crumbs


@require_http_methods(["GET", "POST"])
def job_list(request, pages: ImportPages):
    """The import jobs, newest first, and the form that starts one."""
    importers = pages.authorise(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None, importers=importers)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(
                importer=form.cleaned_data["importer"],
                upload=form.cleaned_data["file"],
                actor=request.user,
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect(pages.route("job"), pk=job.pk)
    jobs = Paginator(services.import_jobs_visible(request.user, scope=pages.scope), JOBS_PER_PAGE)
    return render(
        request,
        "imports/job_list.html",
        {
            "pages": pages,
            "crumbs": _crumbs(pages, current=_("Imports")),
            "form": form,
            "page": jobs.get_page(request.GET.get("page")),
            "templates": [
                {"title": i.title, "url": reverse(pages.route("template"), args=[i.key])}
                for i in importers
            ],
            "job_route": pages.route("job"),
            "max_mb": _max_mb(),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def template(request, pages: ImportPages, importer: str):
    """An importer's .xlsx template: its headers, an example row, drop-down lists."""
    found = next((i for i in importers_in(pages.scope) if i.key == importer), None)
    if found is None:
        pages.authorise(request)
        raise Http404
    found.authorise(request.user)
    try:
        data = found.template()
    except ImportFileError:
        raise Http404 from None  # nothing to import into yet (no plan loaded)
    response = HttpResponse(data, content_type=XLSX)
    record_event(
        Event.EXPORT, request=request, obj=found.model, detail={"template": found.key, "rows": 0}
    )
    name = _("%(register)s import template") % {"register": found.title}
    response["Content-Disposition"] = (
        f"attachment; filename=\"{found.key}-template.xlsx\"; filename*=UTF-8''{quote(name)}.xlsx"
    )
    return response


def _job(request, pages: ImportPages, pk) -> ImportJob:
    pages.authorise(request)
    try:
        return services.import_jobs_visible(request.user, scope=pages.scope).defer(None).get(pk=pk)
    except ImportJob.DoesNotExist:
        raise Http404 from None


def _state(request, pages: ImportPages, job: ImportJob) -> dict:
    """What the job's state fragment shows."""
    importer = importer_for(job.importer)
    context = {
        "pages": pages,
        "job": job,
        "about": importer.about,
        "job_url": reverse(pages.route("job"), args=[job.pk]),
        "state_url": reverse(pages.route("job_state"), args=[job.pk]),
        "confirm_url": reverse(pages.route("job_confirm"), args=[job.pk]),
        "progress": services.import_job_progress(job),
        "stalled": services.import_job_stalled(job),
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
    # In the file's order, as the clerk reads the file; "?show=error" lists only the errors.
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row["label"] = OUTCOME_LABELS[row["outcome"]]
        row["about_values"] = [row.get("about", {}).get(label, "") for label in importer.about]
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
        rows_with_warnings=ImportReport.from_json(job.report).rows_with_warnings
        if importer.warnings_need_checking
        else 0,
    )
    return context


@require_GET
def job_page(request, pages: ImportPages, pk):
    """One import job: its progress while it runs, then each row's outcome."""
    job = _job(request, pages, pk)
    context = _state(request, pages, job)
    context["crumbs"] = _crumbs(pages, current=job.file_name, job=job)
    return render(request, "imports/job.html", context)


@require_GET
def job_state(request, pages: ImportPages, pk):
    """The job page's state fragment, polled while the job runs."""
    job = _job(request, pages, pk)
    # A poll is not the user's activity, and it must not write: on SQLite a running import
    # holds the only write lock, and a session save would wait for it.
    request.session.modified = False
    return render(request, "imports/_job_state.html", _state(request, pages, job))


@require_POST
def job_confirm(request, pages: ImportPages, pk):
    """Import the checked file: every row or none, exactly as the check reported."""
    job = _job(request, pages, pk)
    try:
        services.import_job_confirm(
            job=job, actor=request.user, warnings_checked=bool(request.POST.get("warnings_checked"))
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(pages.route("job"), pk=job.pk)
