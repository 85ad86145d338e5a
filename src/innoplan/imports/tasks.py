"""Background work for import jobs (django-tasks, queued in the database): the check of an
uploaded file and, once confirmed, its import. ``imports.services`` runs the same inline for
a small file."""

from __future__ import annotations

from django_tasks import task


@task()
def import_job_check(job_id: int) -> str:
    from innoplan.imports.services import import_job_run

    return import_job_run(job_id, apply=False).status


@task()
def import_job_apply(job_id: int) -> str:
    from innoplan.imports.services import import_job_run

    return import_job_run(job_id, apply=True).status
