"""What the commands that apply a data file to a loaded plan share."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from innoplan.plans.models import Plan


class PlanFileCommand(BaseCommand):
    """``innoplan <command> FILE --plan DOC_NUMBER``: find the plan, apply the file all or
    nothing, print what changed. Subclasses define ``label`` and ``apply(plan, file)``."""

    label = "records"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--plan", required=True, help="document number of the plan")

    def apply(self, plan: Plan, file: str) -> int:
        raise NotImplementedError

    def handle(self, *args, file, plan, **options):
        found = Plan.objects.filter(doc_number=plan).first()
        if found is None:
            raise CommandError(f"--plan {plan}: no plan with that document number is loaded")
        try:
            changed = self.apply(found, file)
        except ValidationError as exc:
            raise CommandError(f"{file} was not applied:\n" + "\n".join(exc.messages)) from exc
        self.stdout.write(f"{self.label}: {changed} changed")
