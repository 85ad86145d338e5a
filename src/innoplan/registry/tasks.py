"""Background work for register imports (django-tasks, queued in the database): the check of
an uploaded file and, once confirmed, its import. The web page runs the same functions inline
for a small file (``registry.import_jobs``).

Where progress lives while the rows are read
--------------------------------------------
The import service (``registry.imports``) runs the check and the import each inside one
database transaction — the check's is rolled back, the import's commits all rows or none. Any
progress written to the job's row from inside would stay invisible to the pages until the
transaction ended (and the check's would be rolled back with it); written through a second
connection it would wait on SQLite, where an IMMEDIATE transaction holds the database's only
write lock from its start, until the import had finished. So while rows are read, the running
job writes ``{"done": …, "total": …}`` to a small file in the default storage beside the upload
(``<upload>.progress.json``), at most twice a second. Every web process and every worker host
reads the same storage (a local folder, or S3-compatible object storage when several hosts
serve), it takes no database lock, and it is deleted once the job's row — written outside the
import's transaction — says how the work ended. The file only ever adds detail to a running
job: the job's status is always the row's.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime

from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from innoplan.core.spreadsheets import Table
from innoplan.registry.imports import ImportFileError, import_apply, import_check, read_upload
from innoplan.registry.models import ImportJob

logger = logging.getLogger(__name__)

# Seconds between two writes of the progress file (the last row is always written).
PROGRESS_INTERVAL = 0.5


def progress_name(job: ImportJob) -> str:
    return f"{job.file.name}.progress.json"


class ProgressFile:
    """The import service's progress callback, kept in the default storage (see above)."""

    def __init__(self, job: ImportJob):
        self.name = progress_name(job)
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        self.write(done, total)

    def write(self, done: int, total: int) -> None:
        data = json.dumps({"done": done, "total": total}).encode()
        try:
            # Storages do not overwrite on save (a local folder would pick another name).
            default_storage.delete(self.name)
            default_storage.save(self.name, ContentFile(data))
        except OSError:
            # Progress is a courtesy: a failed write must not stop the import.
            logger.warning("cannot write import progress to %s", self.name, exc_info=True)

    def clear(self) -> None:
        try:
            default_storage.delete(self.name)
        except OSError:
            logger.warning("cannot delete import progress %s", self.name, exc_info=True)


def read_progress(job: ImportJob) -> tuple[int, int] | None:
    """(rows done, rows in all) of a running job, or None before its work has started."""
    try:
        with default_storage.open(progress_name(job), "rb") as file:
            data = json.loads(file.read())
        return int(data["done"]), int(data["total"])
    except (OSError, ValueError, KeyError, TypeError):
        # Not there yet (or no longer), or caught while being rewritten.
        return None


def progress_time(job: ImportJob) -> datetime | None:
    """When a running job last wrote its progress, or None before it has started."""
    try:
        return default_storage.get_modified_time(progress_name(job))
    except (OSError, NotImplementedError):
        return None


def _finish(job: ImportJob, actor, **changes) -> None:
    for name, value in changes.items():
        setattr(job, name, value)
    with set_actor(actor):
        job.save(update_fields=[*changes, "updated"])


def _run(job_id: int, *, apply: bool, table: Table | None) -> ImportJob:
    job = ImportJob.objects.select_related("created_by", "applied_by").get(pk=job_id)
    expected = ImportJob.Status.APPLYING if apply else ImportJob.Status.CHECKING
    if job.status != expected:
        return job  # done already: a task run a second time changes nothing
    actor = job.applied_by if apply else job.created_by
    progress = ProgressFile(job)
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
            with job.file.open("rb") as file:
                table = read_upload(file.read(), job.file.name)
        run = import_apply if apply else import_check
        report = run(job.register, table, actor=actor, progress=progress)
    except (ImportFileError, PermissionDenied) as error:
        _finish(job, actor, status=ImportJob.Status.FAILED, error=str(error))
        return
    except Exception:
        logger.exception("import job %s stopped", job.pk)
        _finish(
            job,
            actor,
            status=ImportJob.Status.FAILED,
            error=_(
                "The work stopped unexpectedly and nothing was written. Upload the file again; "
                "if it happens again, tell the system administrator."
            ),
        )
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
    _finish(job, actor, **changes)


def run_check(job_id: int, *, table: Table | None = None) -> ImportJob:
    """Check every row of the job's file and keep the report; writes nothing to the registry."""
    return _run(job_id, apply=False, table=table)


def run_apply(job_id: int, *, table: Table | None = None) -> ImportJob:
    """Import every row of the job's file, or none when any row has an error."""
    return _run(job_id, apply=True, table=table)


@task()
def import_job_check(job_id: int) -> str:
    return run_check(job_id).status


@task()
def import_job_apply(job_id: int) -> str:
    return run_apply(job_id).status
