from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from innoplan.accounts.services import departments_load, read_departments_file

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "departments.yaml"


class Command(BaseCommand):
    help = "Load district departments and towns from YAML (default: the shipped list)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))

    def handle(self, *args, file, **options):
        try:
            created, updated = departments_load(entries=read_departments_file(Path(file)))
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(f"departments: {created} created, {updated} updated")
