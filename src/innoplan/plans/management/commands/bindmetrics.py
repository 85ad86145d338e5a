from innoplan.plans.management.base import PlanFileCommand
from innoplan.plans.services import metric_bindings_load, read_bindings_file


class Command(PlanFileCommand):
    help = "Bind a plan's indicators to the registry metrics that measure them, from YAML."
    label = "metric bindings"

    def apply(self, plan, file):
        return metric_bindings_load(plan=plan, bindings=read_bindings_file(file), source=file)
