"""``innoplan import-milestones FILE [--dry-run] --user USERNAME [--format text|json]`` — enter
the current plan's milestones (and new projects) from an .xlsx or .csv file in the template's
columns, all rows or none, as the plan owner ``USERNAME`` (the audit log names him).
``innoplan import-milestones --template FILE.xlsx`` writes the template. Exit status 1 when
any row has an error, 2 when the file cannot be imported at all."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from innoplan.registry.imports import read_upload
from innoplan.supervision.imports import (
    ImportFileError,
    milestone_import_apply,
    milestone_import_check,
    milestone_import_template,
)


class Command(BaseCommand):
    help = "Import milestones and projects from an .xlsx or .csv file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the .xlsx or .csv file to import")
        parser.add_argument("--user", help="the plan owner's username the import is made as")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and write nothing"
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--template", metavar="FILE.xlsx", help="write the template here")

    def handle(self, *args, file, user, dry_run, format, template, **options):
        if template:
            try:
                Path(template).write_bytes(milestone_import_template())
            except ImportFileError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(_("Template written to %(file)s.") % {"file": template})
            return
        if not file:
            raise CommandError(_("Give the file to import, or --template FILE.xlsx."))
        actor = self._actor(user)
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from error
        try:
            table = read_upload(data, path.name)
            if dry_run:
                report = milestone_import_check(table, actor=actor)
            else:
                report = milestone_import_apply(table, actor=actor, file_name=path.name)
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
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
        else:
            self._text(file, report, dry_run)
        if report.has_errors:
            sys.exit(1)

    def _actor(self, username):
        if not username:
            raise CommandError(_("Give --user USERNAME: the plan owner the import is made as."))
        try:
            user = get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(_("No active user %(name)s.") % {"name": username}) from None
        if not user.has_perm("supervision.manage_milestones"):
            raise CommandError(
                _("%(name)s is not the plan owner and may not plan milestones.")
                % {"name": username}
            )
        return user

    def _text(self, file, report, dry_run):
        for warning in report.warnings:
            self.stdout.write(f"{file}: {warning}")
        for row in report.rows:
            label = f"{row.task} {row.title}".strip()
            outcome = {"new": _("new"), "update": _("update"), "unchanged": _("unchanged")}
            if row.outcome in outcome:
                self.stdout.write(
                    f"{file}: "
                    + _("row %(row)s") % {"row": row.row}
                    + f": {outcome[row.outcome]}"
                    + (f" ({label})" if label else "")
                )
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
