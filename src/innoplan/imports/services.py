"""Import jobs: an upload checked row by row, then, once a user confirms, imported — every row
or none — for every importer (``imports.importers``).

``import_job_create`` reads the upload at once, so that a file that is no spreadsheet is
refused there and then with nothing kept; otherwise it keeps the file (encrypted,
``imports.storage``) and checks it: in the request when it is small, by the background worker
(``imports.tasks``) when it has more than ``INNOPLAN_IMPORT_BACKGROUND_ROWS`` rows. When the
check found no error the user confirms (``import_job_confirm``) and the rows are imported in the
same way. The import is refused when its rows would no longer do what the check reported (the
data changed in between), and the audited import confirmation (``Event.IMPORT_CONFIRM``) is
written inside the transaction that writes the rows: both or neither.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import PurePath

from auditlog.context import set_actor
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from innoplan.audit.events import Event, Outcome
from innoplan.audit.services import record_event
from innoplan.core.spreadsheets import Table
from innoplan.imports import storage, tasks
from innoplan.imports.importers import importer_for, importers_in
from innoplan.imports.models import ImportJob
from innoplan.tabular.report import ImportFileError, ImportReport
from innoplan.tabular.rows import check_upload_size, data_rows, read_upload

logger = logging.getLogger(__name__)

# A running job that has not moved for this long has most likely lost its worker (stopped or
# killed mid-task): its transaction was rolled back, and the page says so.
STALLED_AFTER = timedelta(minutes=10)


class ImportChanged(ValidationError):
    """The data changed between the check and the confirmation: the rows would no longer do
    what the check reported. Nothing was written."""


def _in_background(rows: int) -> bool:
    return rows > settings.INNOPLAN_IMPORT_BACKGROUND_ROWS


def import_job_create(*, importer: str, upload: UploadedFile, actor) -> ImportJob:
    """Keep an uploaded file as an import job and check it: in this call when it is small,
    else in the background. A file that cannot be read as a spreadsheet raises
    ``ImportFileError`` (its message says why) and leaves nothing behind."""
    declared = importer_for(importer)
    declared.authorise(actor)
    check_upload_size(upload.size)
    data = upload.read()
    table = read_upload(data, upload.name or "")
    rows = data_rows(table)
    job = ImportJob(
        importer=declared.key,
        file_name=PurePath(upload.name or "").name[:255],
        created_by=actor,
        rows_total=rows,
    )
    storage.keep(job, data, suffix=table.source)
    try:
        with transaction.atomic(), set_actor(actor):
            job.full_clean()
            job.save()
            if _in_background(rows):
                # Queued in the same transaction as the job (django-tasks-db): both or neither.
                tasks.import_job_check.enqueue(job.pk)
    except BaseException:
        storage.discard(job)
        raise
    if not _in_background(rows):
        import_job_run(job.pk, apply=False, table=table)
    job.refresh_from_db()
    return job


def import_job_confirm(*, job: ImportJob, actor, warnings_checked: bool = False) -> ImportJob:
    """Import a checked job's rows, all or none: in this call when the file is small, else in
    the background. Only a job whose check found no error can be confirmed, and only once; a
    file whose rows carry warnings (a credit code failing only its check character) only when
    the user says he has checked them."""
    importer_for(job.importer).authorise(actor)
    try:
        with transaction.atomic(), set_actor(actor):
            locked = ImportJob.objects.select_for_update().get(pk=job.pk)
            if locked.status != ImportJob.Status.CHECKED:
                raise ValidationError(
                    _("This file is not waiting to be imported (it is %(status)s).")
                    % {"status": locked.get_status_display()}
                )
            if locked.has_errors:
                raise ValidationError(
                    _("Rows of this file have errors: correct them and upload the file again.")
                )
            if importer_for(locked.importer).warnings_need_checking:
                _require_checked_warnings(ImportReport.from_json(locked.report), warnings_checked)
            locked.status = ImportJob.Status.APPLYING
            locked.applied_by = actor
            locked.rows_done = 0
            locked.save(update_fields=["status", "applied_by", "rows_done", "updated"])
            background = _in_background(locked.rows_total)
            if background:
                tasks.import_job_apply.enqueue(locked.pk)
    except ValidationError as error:
        _record_confirm(
            importer=job.importer,
            file_name=job.file_name,
            obj=job,
            actor=actor,
            outcome=Outcome.FAILURE,
            error=" ".join(error.messages),
        )
        raise
    if not background:
        import_job_run(locked.pk, apply=True)
    locked.refresh_from_db()
    return locked


def _require_checked_warnings(report: ImportReport, checked: bool) -> None:
    if report.rows_with_warnings and not checked:
        raise ValidationError(
            _(
                "%(rows)s row(s) carry a warning: check each against its source and say so "
                "before importing."
            )
            % {"rows": report.rows_with_warnings}
        )


def _record_confirm(
    *, importer: str, file_name: str, obj, actor, outcome: str, report=None, error: str = ""
) -> None:
    detail = {"register": importer, "file": file_name}
    if report is not None:
        detail.update(rows=len(report.rows), **report.counts())
    if error:
        detail["error"] = error
    record_event(Event.IMPORT_CONFIRM, actor=actor, obj=obj, outcome=outcome, detail=detail)


def import_table(
    *,
    importer: str,
    table: Table,
    apply: bool,
    actor,
    file_name: str,
    progress=None,
    expected: str | None = None,
    obj=None,
    warnings_checked: bool = False,
) -> ImportReport:
    """Check ``table`` (``apply`` false: writes nothing) or import it: every row or none, and
    with ``expected`` (the fingerprint of the check the user confirmed) only when the rows
    still do what the check said, else ``ImportChanged``. An import is recorded in the audit
    trail as an import confirmation (``obj``: the job, else the model imported into), inside
    the transaction that writes the rows when it succeeds. ``actor`` None: a scripted load."""
    declared = importer_for(importer)
    if actor is not None:
        declared.authorise(actor)
    audit = {"importer": declared.key, "file_name": file_name, "obj": obj or declared.model}
    try:
        with transaction.atomic():
            report = declared.run(table, apply=apply, actor=actor, progress=progress)
            if apply and report.applied:
                if declared.warnings_need_checking:
                    _require_checked_warnings(report, warnings_checked)
                if expected is not None and report.fingerprint() != expected:
                    raise ImportChanged(
                        _(
                            "The data has changed since this file was checked; nothing was "
                            "imported. Upload the file again to check it anew."
                        )
                    )
                _record_confirm(**audit, actor=actor, outcome=Outcome.SUCCESS, report=report)
    except (ImportChanged, ValidationError) as error:
        if apply:
            _record_confirm(**audit, actor=actor, outcome=Outcome.FAILURE, error=error.messages[0])
        raise
    if apply and not report.applied:
        _record_confirm(**audit, actor=actor, outcome=Outcome.FAILURE, report=report)
    return report


def import_check(importer: str, table: Table, *, actor=None, progress=None) -> ImportReport:
    """What importing ``table`` would do to each row; writes nothing."""
    return import_table(
        importer=importer, table=table, apply=False, actor=actor, file_name="", progress=progress
    )


def import_apply(
    importer: str,
    table: Table,
    *,
    actor=None,
    progress=None,
    file_name: str = "",
    warnings_checked: bool = False,
) -> ImportReport:
    """Import every row of ``table``, or none when any row has an error (the report then
    says which); audited as an import confirmation under ``actor`` (None: a scripted load)."""
    return import_table(
        importer=importer,
        table=table,
        apply=True,
        actor=actor,
        file_name=file_name,
        progress=progress,
        warnings_checked=warnings_checked,
    )


def import_template(importer: str) -> bytes:
    """The importer's .xlsx template: headers, an example row, drop-down lists."""
    return importer_for(importer).template()


def _finish(job: ImportJob, actor, **changes) -> None:
    for name, value in changes.items():
        setattr(job, name, value)
    with set_actor(actor):
        job.save(update_fields=[*changes, "updated"])


def import_job_run(job_id: int, *, apply: bool, table: Table | None = None) -> ImportJob:
    """The check (``apply`` false: writes nothing) or the import (every row or none) of a
    job's file, with the report kept on the job; the background worker runs the same. A job
    that is not waiting for this work is left as it is, so a task run twice changes nothing."""
    job = ImportJob.objects.select_related("created_by", "applied_by").get(pk=job_id)
    expected = ImportJob.Status.APPLYING if apply else ImportJob.Status.CHECKING
    if job.status != expected:
        return job
    actor = job.applied_by if apply else job.created_by
    progress = storage.ProgressFile(job)
    progress.write(0, job.rows_total)  # started: no longer waiting for a worker
    try:
        _work(job, apply=apply, table=table, actor=actor, progress=progress)
    finally:
        # Only once the row says how the work ended, so the page never shows a gap.
        progress.clear()
    return job


def _work(job: ImportJob, *, apply: bool, table: Table | None, actor, progress) -> None:
    try:
        if table is None:
            if not job.file:
                raise ImportFileError(
                    _(
                        "The file is no longer kept (an unconfirmed file is kept %(days)s days): "
                        "upload it again."
                    )
                    % {"days": settings.INNOPLAN_IMPORT_KEEP_DAYS}
                )
            table = read_upload(storage.read(job), f"{job.file_name}.{storage.stored_suffix(job)}")
        report = import_table(
            importer=job.importer,
            table=table,
            apply=apply,
            actor=actor,
            file_name=job.file_name,
            progress=progress,
            expected=ImportReport.from_json(job.report).fingerprint() if apply else None,
            obj=job,
            # The confirmation asked for the warnings to be checked; rows the check saw clean
            # that now warn change the fingerprint and are refused there.
            warnings_checked=True,
        )
    except (ImportFileError, PermissionDenied, ImportChanged) as error:
        message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        storage.discard(job)
        _finish(job, actor, status=ImportJob.Status.FAILED, error=message, file=job.file)
        return
    except Exception:
        logger.exception("import job %s stopped", job.pk)
        message = _(
            "The work stopped unexpectedly and nothing was written. Upload the file again; "
            "if it happens again, tell the system administrator."
        )
        _finish(job, actor, status=ImportJob.Status.FAILED, error=message)
        raise
    now = timezone.now()
    changes = {
        "report": report.as_json(),
        "rows_done": len(report.rows),
        "rows_total": len(report.rows),
    }
    if not apply:
        changes.update(status=ImportJob.Status.CHECKED, checked_at=now)
    elif report.applied:
        changes.update(status=ImportJob.Status.APPLIED, applied_at=now)
    else:
        changes.update(status=ImportJob.Status.REFUSED)
    if apply:
        # Ended: the file is no longer needed, and it may hold personal data.
        storage.discard(job)
        changes["file"] = job.file
    _finish(job, actor, **changes)


def import_jobs_visible(user, *, scope: str) -> QuerySet[ImportJob]:
    """The import jobs of ``scope``'s importers that ``user`` may import with, every job of
    those (the users who may import share the data); without the reports, which can be
    large."""
    keys = [i.key for i in importers_in(scope) if i.allows(user)]
    return ImportJob.objects.filter(importer__in=keys).select_related("created_by").defer("report")


def import_job_progress(job: ImportJob) -> tuple[int, int] | None:
    """(rows done, rows in all) of a job: while it runs, as far as its worker has come (None
    while it waits for one); once it has ended, as its row says."""
    if job.is_running:
        return storage.read_progress(job)
    return job.rows_done, job.rows_total


def import_job_stalled(job: ImportJob) -> bool:
    """Whether a running job has made no progress for ``STALLED_AFTER``: no worker has taken
    it, or its worker stopped."""
    if not job.is_running:
        return False
    since = storage.progress_time(job) or job.updated
    return timezone.now() - since > STALLED_AFTER


def kept_files_discard(day: date | None = None) -> int:
    """Delete the kept files of jobs uploaded ``INNOPLAN_IMPORT_KEEP_DAYS`` or more days
    before ``day`` (today) and not running; their rows and reports stay. A job that has ended
    discarded its file already. Safe to run twice. How many files were deleted."""
    day = day or timezone.localdate()
    keep_from = datetime.combine(day - timedelta(days=settings.INNOPLAN_IMPORT_KEEP_DAYS), time.min)
    stale = ImportJob.objects.exclude(file="").filter(created__lt=timezone.make_aware(keep_from))
    count = 0
    for job in stale.exclude(status__in=ImportJob.RUNNING):
        storage.discard(job)
        job.save(update_fields=["file", "updated"])
        count += 1
    return count


def kept_files_reseal(ring) -> Counter:
    """Encrypt every kept file again under the current key of ``ring``: a step of
    ``rotate-field-key``. How many were rewritten."""
    jobs = ImportJob.objects.exclude(file="")
    return Counter({"imports.kept_file": sum(storage.reseal(job, ring) for job in jobs)})
