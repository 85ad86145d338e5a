"""innoplan restore FILE: replace the database and the media files with a backup's.

The archive is checked first (an innoplan backup, of this database engine, with no migration
this code does not know, its dump intact); a refused archive changes nothing. Replacing data
asks for confirmation, or --yes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from innoplan.audit.services import record_event
from innoplan.core.backups import (
    BackupError,
    MediaRestoreError,
    backup_inspect,
    backup_restore,
    pending_migrations,
)


class Command(BaseCommand):
    help = (
        "Replace the database and the media files with a backup made by `innoplan backup`. "
        "Stop the service first; asks for confirmation unless --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The archive `innoplan backup` wrote.")
        parser.add_argument("--yes", action="store_true", help="Replace the data without asking.")

    def handle(self, *args, file: Path, yes=False, **options):
        try:
            manifest = backup_inspect(file)
        except BackupError as error:
            raise CommandError(f"{error}. Nothing was changed.") from error
        database = connections["default"].settings_dict.get("NAME")
        summary = (
            f"{file}: a {manifest.engine} backup of {manifest.created} (innoplan "
            f"{manifest.innoplan_version}, {manifest.media_files} media file(s))."
        )
        self.stdout.write(summary)
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError(
                    "Restoring replaces every record and media file; run again with --yes to "
                    "confirm. Nothing was changed."
                )
            answer = input(f"Replace all data in {database} with this backup? Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("Not confirmed. Nothing was changed.")
        try:
            backup_restore(file)
        except MediaRestoreError as error:
            record_event(
                "restore", outcome="failure", detail={"file": str(file), "error": str(error)}
            )
            raise CommandError(str(error)) from error
        except BackupError as error:
            # The database is replaced in one transaction: a failure leaves it as it was.
            record_event(
                "restore", outcome="failure", detail={"file": str(file), "error": str(error)}
            )
            raise CommandError(f"{error}. Nothing was changed.") from error
        record_event(
            "restore",
            detail={
                "file": str(file),
                "engine": manifest.engine,
                "backup_created": manifest.created,
                "sha256": manifest.dump_sha256,
                "media_files": manifest.media_files,
            },
        )
        self.stdout.write(self.style.SUCCESS(f"Restored {database} from {file}."))
        pending = pending_migrations(manifest)
        if pending:
            self.stdout.write(
                f"The backup predates {len(pending)} migration(s) of this version: run "
                "`innoplan migrate` before starting the service."
            )
        self.stdout.write(
            "The audit trail is now as it was at the backup, followed by this restore's record. "
            "Restart the service."
        )
