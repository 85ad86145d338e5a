"""Register imports through the web page, as import jobs (``ImportJob``, 导入任务).

A steward uploads a file (``import_job_create``): it is read at once, so that a file that is
no spreadsheet is refused there and then with nothing stored; otherwise it is kept in the
default storage and checked row by row — in the request when it is small, by the background
worker (``registry.tasks``) when it has more than ``INNOPLAN_IMPORT_BACKGROUND_ROWS`` rows.
When the check found no errors the steward confirms (``import_job_confirm``) and every row is
imported, or none, in the same way. The job's row holds its state, so a page reload or another
steward's browser shows where it stands; the audit log keeps each job as the import's batch
record.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import PurePath
from uuid import uuid4

from auditlog.context import set_actor
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from innoplan.core.spreadsheets import SpreadsheetError, Table, check_size
from innoplan.registry import tasks
from innoplan.registry.imports import ImportFileError, read_upload, resource_for
from innoplan.registry.models import ImportJob

# A running job that has not moved for this long has most likely lost its worker (stopped or
# killed mid-task): its transaction was rolled back, and the page says so.
STALLED_AFTER = timedelta(minutes=10)


def _authorise(actor) -> None:
    if not actor.has_perm("registry.manage_registry"):
        raise PermissionDenied(_("Only the registry's stewards change the registry."))


def _in_background(rows: int) -> bool:
    return rows > settings.INNOPLAN_IMPORT_BACKGROUND_ROWS


def _data_rows(table: Table) -> int:
    """The rows the import will read: an empty line is not a record."""
    return sum(1 for row in table.rows if any(value not in ("", None) for value in row))


def _read(upload: UploadedFile) -> tuple[bytes, Table]:
    if upload.size is not None:
        # Refused before it is read into memory.
        try:
            check_size(upload.size, max_bytes=settings.INNOPLAN_IMPORT_MAX_BYTES)
        except SpreadsheetError as error:
            raise ImportFileError(error.render(_)) from error
    data = upload.read()
    return data, read_upload(data, upload.name or "")


def import_job_create(*, register: str, upload: UploadedFile, actor) -> ImportJob:
    """Keep an uploaded file as an import job and check it: in this call when it is small,
    else in the background. A file that cannot be read as a spreadsheet raises
    ``ImportFileError`` (its message says why) and leaves nothing behind."""
    _authorise(actor)
    resource_for(register)  # an unknown register is refused like an unreadable file
    data, table = _read(upload)
    rows = _data_rows(table)
    job = ImportJob(
        register=register,
        file_name=PurePath(upload.name or "").name[:255],
        created_by=actor,
        rows_total=rows,
    )
    # Stored under a name of our own: the uploader's may be anything. The suffix says how
    # to read it again.
    job.file.save(f"{uuid4().hex}.{table.source}", ContentFile(data), save=False)
    try:
        with transaction.atomic(), set_actor(actor):
            job.full_clean()
            job.save()
            if _in_background(rows):
                # Queued in the same transaction as the job (django-tasks-db): both or neither.
                tasks.import_job_check.enqueue(job.pk)
    except BaseException:
        job.file.delete(save=False)
        raise
    if not _in_background(rows):
        tasks.run_check(job.pk, table=table)
    job.refresh_from_db()
    return job


def import_job_confirm(*, job: ImportJob, actor) -> ImportJob:
    """Import a checked job's rows, all or none: in this call when the file is small, else in
    the background. Only a job whose check found no error can be confirmed, and only once."""
    _authorise(actor)
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
        locked.status = ImportJob.Status.APPLYING
        locked.applied_by = actor
        locked.rows_done = 0
        locked.save(update_fields=["status", "applied_by", "rows_done", "updated"])
        background = _in_background(locked.rows_total)
        if background:
            tasks.import_job_apply.enqueue(locked.pk)
    if not background:
        tasks.run_apply(locked.pk)
    locked.refresh_from_db()
    return locked


def import_jobs_visible(user) -> QuerySet[ImportJob]:
    """The import jobs ``user`` may see: every job, for the registry's stewards (they share
    the registers), none for anyone else. Without the reports, which can be large."""
    if not user.has_perm("registry.manage_registry"):
        return ImportJob.objects.none()
    return ImportJob.objects.select_related("created_by").defer("report")


def import_job_progress(job: ImportJob) -> tuple[int, int] | None:
    """(rows done, rows in all) of a job: while it runs, as far as its worker has come (None
    while it waits for one); once it has ended, as its row says."""
    if job.is_running:
        return tasks.read_progress(job)
    return job.rows_done, job.rows_total


def import_job_stalled(job: ImportJob) -> bool:
    """Whether a running job has made no progress for ``STALLED_AFTER``: no worker has taken
    it, or its worker stopped."""
    if not job.is_running:
        return False
    since = tasks.progress_time(job) or job.updated
    return timezone.now() - since > STALLED_AFTER
