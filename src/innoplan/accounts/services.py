"""Writes to departments and accounts."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from innoplan.accounts.choices import DepartmentKind
from innoplan.accounts.models import Department

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,29}$")


def read_departments_file(path: Path) -> list[dict]:
    """The department list from YAML: ``[{code, name, kind}]``; every problem names its entry."""
    try:
        entries = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValidationError(f"{path}: {exc}") from exc
    if not isinstance(entries, list):
        raise ValidationError(f"{path}: expected a list of departments")
    problems, seen, names = [], set(), set()
    kinds = set(DepartmentKind.values)
    for index, entry in enumerate(entries):
        where = f"{path}: entry {index + 1}"
        if not isinstance(entry, dict) or set(entry) - {"code", "name", "kind"}:
            problems.append(f"{where}: expected {{code, name, kind}}")
            continue
        code, name, kind = entry.get("code"), entry.get("name"), entry.get("kind", "department")
        if not isinstance(code, str) or not CODE_PATTERN.match(code):
            problems.append(
                f"{where}: code {code!r} must be lowercase ASCII, at most 30 characters"
            )
        elif code in seen:
            problems.append(f"{where}: code {code!r} appears twice")
        else:
            seen.add(code)
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}: name is missing")
        elif name.strip() in names:
            problems.append(f"{where}: name {name.strip()!r} appears twice")
        else:
            names.add(name.strip())
        if kind not in kinds:
            problems.append(f"{where}: kind {kind!r} is not one of {', '.join(sorted(kinds))}")
    if problems:
        raise ValidationError(problems)
    return entries


@transaction.atomic
def departments_load(*, entries: list[dict]) -> tuple[int, int]:
    """Create or update departments by code; returns (created, updated). Idempotent."""
    created = updated = 0
    for position, entry in enumerate(entries, start=1):
        values = {
            "name": entry["name"].strip(),
            "kind": entry.get("kind", "department"),
            "position": position,
        }
        department = Department.objects.filter(code=entry["code"]).first()
        if department is None:
            department = Department(code=entry["code"], **values)
            department.full_clean()
            department.save()
            created += 1
        elif any(getattr(department, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(department, key, value)
            department.full_clean()
            department.save()
            updated += 1
    return created, updated
