from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from innoplan.plans.ingest.schema import PlanDocumentError, read_plan_file
from innoplan.plans.services import plan_load


class Command(BaseCommand):
    help = (
        "Load a plan from YAML. Loading the same file again changes nothing; a corrected file "
        "updates the plan in place. A malformed file changes nothing and each problem is "
        "reported with its line and field."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--actor", help="username the audit log attributes the load to")

    def handle(self, *args, file, actor=None, **options):
        user = None
        if actor:
            user = get_user_model().objects.filter(username=actor).first()
            if user is None:
                raise CommandError(f"--actor {actor}: no such user")
        try:
            document = read_plan_file(file)
            result = plan_load(document=document, actor=user)
        except PlanDocumentError as exc:
            raise CommandError(f"{file} was not loaded:\n{exc}") from exc
        except ValidationError as exc:
            raise CommandError(f"{file} was not loaded:\n" + "\n".join(exc.messages)) from exc
        plan = result.plan
        if not result.changed:
            self.stdout.write(f"{plan.doc_number} {plan.title}: unchanged")
            return

        def line(counts):
            return ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())) or "none"

        self.stdout.write(f"{plan.doc_number} {plan.title}")
        self.stdout.write(f"  created: {line(result.created)}")
        self.stdout.write(f"  updated: {line(result.updated)}")
        self.stdout.write(f"  removed: {line(result.removed)}")
