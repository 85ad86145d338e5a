"""Stands in for django-auditlog's command of the same name, which would delete the change
log: the audit trail is append-only and only `innoplan audit purge` removes old records."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Refused: the change log is part of the append-only audit trail."

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="*")
        parser.add_argument("-y", "--yes", action="store_true")
        parser.add_argument("-b", "--before-date")

    def handle(self, *args, **options):
        raise CommandError(
            _(
                "Refused: the change log is part of the append-only audit trail. Records past "
                "the retention period are removed with `innoplan audit purge`."
            )
        )
