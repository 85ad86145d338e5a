from innoplan.plans.management.base import PlanFileCommand
from innoplan.plans.services import assignments_load, read_assignments_file


class Command(PlanFileCommand):
    help = "Apply default task assignments and indicator reporting departments from YAML."
    label = "assignments"

    def apply(self, plan, file):
        return assignments_load(plan=plan, data=read_assignments_file(file), source=file)
