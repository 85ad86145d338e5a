"""``innoplan import REGISTER FILE [--dry-run] [--user USERNAME] [--warnings-checked]
[--format text|json]`` — import an .xlsx or .csv file with any importer (a register, the
milestones), all rows or none; rows with a warning only with ``--warnings-checked``.
``innoplan import REGISTER --template FILE.xlsx`` writes its template. Exit status 1 when any
row has an error, 2 when the file cannot be imported at all."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from innoplan.imports.importers import IMPORTERS, importer_for
from innoplan.imports.services import import_table
from innoplan.tabular.printing import report_json, report_lines
from innoplan.tabular.report import ImportFileError
from innoplan.tabular.rows import read_upload


class Command(BaseCommand):
    help = "Import a register (or the milestones) from an .xlsx or .csv file, all rows or none."
    importer: str | None = None  # a command for one importer only

    def add_arguments(self, parser):
        if self.importer is None:
            parser.add_argument("register", choices=sorted(IMPORTERS), help="what to import")
        parser.add_argument("file", nargs="?", help="the .xlsx or .csv file to import")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and write nothing"
        )
        parser.add_argument("--user", help="the username the import is made as")
        parser.add_argument(
            "--warnings-checked",
            action="store_true",
            help="import rows that carry a warning, having checked each (see --dry-run)",
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--template", metavar="FILE.xlsx", help="write the template here")

    def handle(self, *args, file, dry_run, user, format, template, warnings_checked, **options):
        importer = importer_for(self.importer or options["register"])
        if template:
            try:
                Path(template).write_bytes(importer.template())
            except ImportFileError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                _("Template for %(register)s written to %(file)s.")
                % {"register": importer.key, "file": template}
            )
            return
        if not file:
            raise CommandError(_("Give the file to import, or --template FILE.xlsx."))
        actor = self._actor(importer, user)
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from error
        try:
            report = import_table(
                importer=importer.key,
                table=read_upload(data, path.name),
                apply=not dry_run,
                actor=actor,
                file_name=path.name,
                progress=self._progress(format),
                warnings_checked=warnings_checked,
            )
        except ImportFileError as error:
            if format == "json":
                self.stdout.write(json.dumps({"error": str(error), "rows": []}, ensure_ascii=False))
            else:
                self.stderr.write(f"{file}: {error}")
            sys.exit(2)
        except (PermissionDenied, ValidationError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise CommandError(" ".join(messages)) from error
        if format == "json":
            self.stdout.write(report_json(report))
        else:
            for line in report_lines(file, report, dry_run=dry_run):
                self.stdout.write(line)
        if report.has_errors:
            sys.exit(1)

    def _actor(self, importer, username):
        if not username:
            if importer.needs_actor:
                raise CommandError(
                    _("Give --user USERNAME: the user the import of %(register)s is made as.")
                    % {"register": importer.key}
                )
            return None  # a scripted load
        try:
            user = get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(_("No active user %(name)s.") % {"name": username}) from None
        if not importer.allows(user):
            raise CommandError(
                _("%(name)s may not import %(register)s.")
                % {"name": username, "register": importer.key}
            )
        return user

    def _progress(self, format):
        if format == "json" or not sys.stderr.isatty():
            return None

        def show(done, total):
            sys.stderr.write(f"\r{done}/{total}")
            if done == total:
                sys.stderr.write("\n")

        return show
