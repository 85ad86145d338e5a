"""``innoplan import-milestones FILE [--dry-run] --user USERNAME [--format text|json]`` — the
same as ``innoplan import milestones …``: the current plan's milestones (and new projects)
from an .xlsx or .csv file, all rows or none, as the plan owner ``USERNAME``."""

from importlib import import_module

# The module is named after the command, ``import``, which Python cannot import by statement.
ImportCommand = import_module("innoplan.imports.management.commands.import").Command


class Command(ImportCommand):
    help = "Import milestones and projects from an .xlsx or .csv file (all rows or none)."
    importer = "milestones"
