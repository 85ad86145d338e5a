"""``innoplan import REGISTER FILE [--dry-run] [--format text|json]`` — load a register from
an .xlsx or .csv file, all rows or none; ``innoplan import REGISTER --template FILE.xlsx``
writes the register's template. Exit status 1 when any row has an error, 2 when the file
cannot be imported at all."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from innoplan.registry.imports import (
    ImportFileError,
    import_apply,
    import_check,
    import_template,
    read_upload,
)
from innoplan.registry.resources import RESOURCES


class Command(BaseCommand):
    help = "Import a register from an .xlsx or .csv file (all rows or none), or write its template."

    def add_arguments(self, parser):
        parser.add_argument("register", choices=sorted(RESOURCES), help="which register")
        parser.add_argument("file", nargs="?", help="the .xlsx or .csv file to import")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and write nothing"
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--template", metavar="FILE.xlsx", help="write the template here")

    def handle(self, *args, register, file, dry_run, format, template, **options):
        if template:
            Path(template).write_bytes(import_template(register))
            self.stdout.write(
                _("Template for %(register)s written to %(file)s.")
                % {"register": register, "file": template}
            )
            return
        if not file:
            raise CommandError(_("Give the file to import, or --template FILE.xlsx."))
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from error
        try:
            table = read_upload(data, path.name)
            run = import_check if dry_run else import_apply
            report = run(register, table, progress=self._progress(format))
        except ImportFileError as error:
            if format == "json":
                self.stdout.write(json.dumps({"error": str(error), "rows": []}, ensure_ascii=False))
            else:
                self.stderr.write(f"{file}: {error}")
            sys.exit(2)
        if format == "json":
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
        else:
            self._text(file, report, dry_run)
        if report.has_errors:
            sys.exit(1)

    def _progress(self, format):
        if format == "json" or not sys.stderr.isatty():
            return None

        def show(done, total):
            sys.stderr.write(f"\r{done}/{total}")
            if done == total:
                sys.stderr.write("\n")

        return show

    def _text(self, file, report, dry_run):
        for warning in report.warnings:
            self.stdout.write(f"{file}: {warning}")
        for row in report.rows:
            for kind, problems in ((_("error"), row.errors), (_("warning"), row.warnings)):
                for problem in problems:
                    where = _("row %(row)s") % {"row": row.row}
                    if problem.column:
                        where += f" {problem.column}"
                    self.stdout.write(f"{file}: {where}: {kind}: {problem.message}")
        counts = report.counts()
        summary = (
            _("%(new)s new, %(update)s updated, %(unchanged)s unchanged, %(error)s with errors")
            % counts
        )
        if report.has_errors:
            outcome = _("Nothing was imported.")
        elif dry_run:
            outcome = _("Checked only; nothing was written.")
        else:
            outcome = _("Imported.")
        self.stdout.write(f"{file}: {summary}. {outcome}")
