"""``core`` holds only what several apps share: it imports no app of the project, so that any
app may use it and it never drags another app (or its models) along."""

from __future__ import annotations

import ast
from pathlib import Path

import innoplan.core

CORE = Path(innoplan.core.__file__).resolve().parent

# Imports of another app that core still has, each to go; the test fails once one is gone, so
# that the entry goes too. `serve` queues the notification outbox's drain when it starts.
PENDING = {("management/commands/serve.py", "innoplan.notifications")}


def module_name(path: Path) -> list[str]:
    parts = ["innoplan", "core", *path.relative_to(CORE).with_suffix("").parts]
    return parts[:-1] if parts[-1] == "__init__" else parts


def imported_modules(source: str, path: Path) -> set[str]:
    """Every module that ``source``, core's file ``path``, imports: ``import x``, ``from x import
    y`` (as x and x.y), relative imports made absolute, ``import_module("x")`` with a literal."""
    tree = ast.parse(source, filename=str(path))
    package = module_name(path)
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def imports_of_other_apps() -> set[tuple[str, str]]:
    """(core's file, ``innoplan.<app>``) for every import of a project module outside core."""
    found = set()
    for path in sorted(CORE.rglob("*.py")):
        for module in imported_modules(path.read_text(encoding="utf-8"), path):
            parts = module.split(".")
            if parts[0] == "innoplan" and len(parts) > 1 and parts[1] != "core":
                found.add((path.relative_to(CORE).as_posix(), f"innoplan.{parts[1]}"))
    return found


def test_core_imports_no_app():
    offending = imports_of_other_apps()
    assert offending - PENDING == set()
    assert offending >= PENDING, "an import of PENDING is gone: take it off the list"


def test_the_check_sees_every_way_of_importing():
    module = CORE / "management" / "commands" / "example.py"
    assert imported_modules(SOURCE, module) >= {
        "innoplan.audit",
        "innoplan.audit.services",
        "innoplan.registry.models",
        "innoplan.plans",
        "innoplan.metrics.selectors",
        "innoplan.reports",
        "innoplan.core.crypto",
    }


SOURCE = """
import innoplan.audit
from innoplan.registry import models
from innoplan import plans
from importlib import import_module

from .... import reports
from ...crypto import keyring

def later():
    from innoplan.audit.services import record_event
    import_module("innoplan.metrics.selectors")
"""
