"""innoplan backup FILE: the database and the media files in one archive (see core.backups).

SQLite is copied with its online backup API and PostgreSQL with pg_dump, both while the server
runs. The keys under var/ are not in the archive: back them up separately, elsewhere.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from innoplan.audit.services import record_event
from innoplan.core.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite: online backup API; PostgreSQL: pg_dump) and the media "
        "files into one archive. The keys under var/ are not included."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The archive to write (.tar).")

    def handle(self, *args, file: Path, **options):
        try:
            manifest = backup_create(file)
        except BackupError as error:
            record_event(
                "backup", outcome="failure", detail={"file": str(file), "error": str(error)}
            )
            raise CommandError(str(error)) from error
        record_event(
            "backup",
            detail={
                "file": str(file),
                "engine": manifest.engine,
                "sha256": manifest.dump_sha256,
                "media_files": manifest.media_files,
            },
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {manifest.engine} database ({manifest.dump_bytes} bytes) and "
                f"{manifest.media_files} media file(s) to {file}."
            )
        )
        self.stdout.write(
            "The keys are not in the archive: keep var/field_key, var/field_key.previous, "
            "var/audit_key and var/secret_key (or the environment's keys) backed up "
            "separately, never beside the archive."
        )
