from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from innoplan.plans.models import Plan
from innoplan.plans.services import metric_bindings_load, read_bindings_file


class Command(BaseCommand):
    help = "Bind a plan's indicators to the registry metrics that measure them, from YAML."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--plan", required=True, help="document number of the plan")

    def handle(self, *args, file, plan, **options):
        found = Plan.objects.filter(doc_number=plan).first()
        if found is None:
            raise CommandError(f"--plan {plan}: no plan with that document number is loaded")
        try:
            changed = metric_bindings_load(
                plan=found, bindings=read_bindings_file(file), source=file
            )
        except ValidationError as exc:
            raise CommandError(f"{file} was not applied:\n" + "\n".join(exc.messages)) from exc
        self.stdout.write(f"metric bindings: {changed} changed")
