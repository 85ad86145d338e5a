"""The milestone import pages: download the template, upload a file and read the check of
every row, confirm. Each needs ``supervision.manage_milestones`` (the plan owner).

The checked file is kept in the default storage (shared by every web worker) under a name of
our own; the confirm form carries a signed token naming it, its SHA-256 digest, the user and
what the check found (``imports.report_fingerprint``). The confirmation reads that file
again, refuses when its bytes are not the ones checked or when the rows would now do
something else, and otherwise imports every row or none. A file with errors is not kept.

``urlpatterns_import`` is included in ``supervision.urls``.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePath
from urllib.parse import quote
from uuid import uuid4

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from innoplan.audit.events import Event
from innoplan.audit.services import record_event
from innoplan.core.excel import XLSX
from innoplan.core.spreadsheets import SpreadsheetError, Table, check_size
from innoplan.registry.imports import read_upload
from innoplan.supervision import imports
from innoplan.supervision.models import Milestone

STORED_UNDER = "supervision/imports"
TOKEN_SALT = "innoplan.supervision.milestone-import"
# A check older than this must be done again before it is confirmed.
TOKEN_MAX_AGE = 24 * 60 * 60
ACCEPTED = (".xlsx", ".csv")
OUTCOME_LABELS = {
    imports.NEW: gettext_lazy("New"),
    imports.UPDATE: gettext_lazy("Update"),
    imports.UNCHANGED: gettext_lazy("Unchanged"),
    imports.ERROR: gettext_lazy("Error"),
}


def _require_plan_owner(request) -> None:
    if not request.user.has_perm("supervision.manage_milestones"):
        raise PermissionDenied


class MilestoneImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(ACCEPTED), "class": "form-control"}
        ),
    )


def _read(upload: UploadedFile) -> tuple[bytes, Table]:
    """The upload's bytes and table; too large or not .xlsx/.csv is refused before it is
    read into memory."""
    if not (upload.name or "").lower().endswith(ACCEPTED):
        raise imports.ImportFileError(_("upload an .xlsx or .csv file"))
    if upload.size is not None:
        try:
            check_size(upload.size, max_bytes=settings.INNOPLAN_IMPORT_MAX_BYTES)
        except SpreadsheetError as error:
            raise imports.ImportFileError(error.render(_)) from error
    data = upload.read()
    return data, read_upload(data, upload.name or "")


def _rows_for_display(report) -> list[dict]:
    rows = []
    # Rows with errors first, then those with warnings, each in the file's order.
    for row in sorted(
        report.rows, key=lambda r: (r.outcome != imports.ERROR, not r.warnings, r.row)
    ):
        rows.append(
            {
                "row": row.row,
                "outcome": row.outcome,
                "label": OUTCOME_LABELS[row.outcome],
                "task": row.task,
                "title": row.title,
                "errors": row.errors,
                "warnings": row.warnings,
            }
        )
    return rows


def _max_mb() -> str:
    return f"{settings.INNOPLAN_IMPORT_MAX_BYTES / 1024 / 1024:g}"


@require_http_methods(["GET", "POST"])
def milestone_import(request):
    """The upload form; an uploaded file is checked at once and every row's outcome shown,
    with the button that confirms the import when no row has an error."""
    _require_plan_owner(request)
    form = MilestoneImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data, table = _read(upload)
            report = imports.milestone_import_check(table, actor=request.user)
        except imports.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            file_name = PurePath(upload.name or "").name[:255]
            token = None
            if not report.has_errors:
                token = _keep(request, data, table.source, file_name, report)
            return render(
                request,
                "supervision/import/check.html",
                {
                    "file_name": file_name,
                    "report": report,
                    "counts": report.counts(),
                    "rows": _rows_for_display(report),
                    "token": token,
                },
            )
    return render(
        request,
        "supervision/import/upload.html",
        {"form": form, "max_mb": _max_mb()},
        status=400 if form.errors else 200,
    )


def _keep(request, data: bytes, source: str, file_name: str, report) -> str:
    """Store the checked file under a name of our own; the signed token the confirmation
    needs to find it again."""
    stored = default_storage.save(f"{STORED_UNDER}/{uuid4().hex}.{source}", ContentFile(data))
    return signing.dumps(
        {
            "stored": stored,
            "sha256": hashlib.sha256(data).hexdigest(),
            "user": request.user.pk,
            "file": file_name,
            "outcomes": imports.report_fingerprint(report),
        },
        salt=TOKEN_SALT,
    )


def _checked_upload(request) -> dict:
    """The confirm form's token, if it is ours, recent, and names a kept file."""
    try:
        checked = signing.loads(
            request.POST.get("token", ""), salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE
        )
    except signing.BadSignature:
        raise ValidationError(
            _("This check has expired or is not valid: upload the file again.")
        ) from None
    if checked.get("user") != request.user.pk or not str(checked.get("stored", "")).startswith(
        f"{STORED_UNDER}/"
    ):
        raise ValidationError(_("This check is not yours: upload the file again."))
    return checked


def _apply_kept(request, checked: dict):
    """Import the kept file if it is the one checked. It is tried once: whatever the outcome,
    it is not kept, and another attempt starts with a new upload and check."""
    stored = checked["stored"]
    if not default_storage.exists(stored):
        raise ValidationError(
            _("This file was imported already or is no longer kept: upload it again.")
        )
    try:
        with default_storage.open(stored, "rb") as kept:
            data = kept.read()
        if hashlib.sha256(data).hexdigest() != checked["sha256"]:
            raise ValidationError(_("The stored file is not the one checked: upload it again."))
        return imports.milestone_import_apply(
            read_upload(data, stored),
            actor=request.user,
            expected=checked["outcomes"],
            file_name=checked["file"],
        )
    finally:
        default_storage.delete(stored)


@require_POST
def milestone_import_confirm(request):
    """Import the checked file: every row or none, exactly as the check reported."""
    _require_plan_owner(request)
    try:
        checked = _checked_upload(request)
        report = _apply_kept(request, checked)
    except (ValidationError, imports.ImportFileError) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
        return redirect("supervision:milestone_import")
    if report.applied:
        counts = report.counts()
        messages.success(
            request,
            _("Imported %(file)s: %(new)s new, %(update)s updated, %(unchanged)s unchanged.")
            % {"file": checked["file"], **counts},
        )
    else:
        messages.error(
            request,
            _("Rows of this file now have errors; nothing was imported. Check the file again."),
        )
    return redirect("supervision:milestone_import")


@require_GET
def milestone_import_template(request):
    """The .xlsx template: the district's headers, an example row, drop-down lists."""
    _require_plan_owner(request)
    try:
        template = imports.milestone_import_template()
    except imports.ImportFileError:
        raise Http404 from None  # no plan loaded: no tasks to plan
    response = HttpResponse(template, content_type=XLSX)
    record_event(
        Event.EXPORT,
        request=request,
        obj=Milestone,
        detail={"template": "milestones", "rows": 0},
    )
    name = _("milestone import template")
    response["Content-Disposition"] = (
        f"attachment; filename=\"milestones-template.xlsx\"; filename*=UTF-8''{quote(name)}.xlsx"
    )
    return response


urlpatterns_import = [
    path("milestones/import/", milestone_import, name="milestone_import"),
    path(
        "milestones/import/template/", milestone_import_template, name="milestone_import_template"
    ),
    path("milestones/import/confirm/", milestone_import_confirm, name="milestone_import_confirm"),
]
