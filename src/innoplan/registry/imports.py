"""Each register with a resource is an importer (``imports.importers``): its rows read by the
register's resource, matched by its key, all rows or none. The import jobs, their pages and
``innoplan import`` come from the ``imports`` app."""

from __future__ import annotations

from innoplan.core.spreadsheets import Table, write_template
from innoplan.imports.importers import Importer
from innoplan.registry.changes import change_batch
from innoplan.tabular.report import ERROR, NEW, UPDATE, ImportReport
from innoplan.tabular.running import Progress, run_resource


class RegisterImporter(Importer):
    scope = "registry"
    permission = "registry.manage_registry"

    def __init__(self, register):
        self.register = register
        self.resource = register.resource
        self.key = register.slug
        self.title = register.resource.title
        self.model = register.model

    @property
    def permission_object(self):
        return self.register

    def template(self) -> bytes:
        return write_template(self.resource.template_columns(), title=self.title)

    def run(
        self, table: Table, *, apply: bool, actor, progress: Progress | None = None
    ) -> ImportReport:
        with change_batch() as batch:
            report = run_resource(
                self.resource, table, key=self.key, apply=apply, actor=actor, progress=progress
            )
            counts = report.counts()
            if report.applied and counts[NEW] + counts[UPDATE]:
                # Rows written in batches send no save signals: the batch says it changed.
                batch.touch(None)
            # A check or a refusal wrote nothing.
            batch.touched = batch.touched and report.applied and not counts[ERROR]
        return report
