"""Prepare a database for the load benchmark: the demo data set, then 15 reporting departments
each with an indicator of its own and a reporter, and 50 readers (district leaders and plan
owners). Every account gets a known password and a fresh password date, so no forced change
stands between it and the pages. Writes the accounts and the pages to read as JSON.

    .venv/bin/python benchmarks/load/setup_load.py --database-url URL --accounts FILE
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import benchlib

WRITERS = 15
READERS = 50
PLAN_OWNER_READERS = 10  # the other readers are district leaders
PASSWORD = "Load-Tz2024!"
INDICATOR_PREFIX = "负载测试指标"


def _account(username: str, role: str, department=None):
    from django.utils import timezone

    from innoplan.accounts.models import User

    user = User.objects.filter(username=username).first() or User(username=username)
    user.role = role
    user.department = department
    user.first_name = username
    user.set_password(PASSWORD)
    if hasattr(user, "password_changed_at"):
        user.password_changed_at = timezone.now()
    user.full_clean()
    user.save()
    return user


def prepare() -> dict:
    from django.core.management import call_command
    from django.db import transaction

    from innoplan.accounts.models import Department
    from innoplan.plans import selectors
    from innoplan.plans.models import Indicator, Target
    from innoplan.registry.urls import urlpatterns as registry_patterns

    call_command("demo", no_serve=True, verbosity=0)
    plan = selectors.current_plan()
    group = plan.goal_groups.order_by("position").first()
    departments = list(Department.objects.order_by("position", "id")[:WRITERS])
    if len(departments) < WRITERS:
        raise SystemExit(f"need {WRITERS} departments, found {len(departments)}")
    writers, readers = [], []
    with transaction.atomic():
        last = plan.indicators.order_by("-position").first().position
        for number, department in enumerate(departments, start=1):
            # One reported indicator per department, so fifteen departments report at once.
            indicator, created = Indicator.objects.get_or_create(
                plan=plan,
                name=f"{INDICATOR_PREFIX}{number:02d}",
                defaults={
                    "goal_group": group,
                    "position": last + number,
                    "unit": "家",
                    "display_unit": "家",
                    "department": department,
                },
            )
            if created:
                Target.objects.create(
                    indicator=indicator,
                    year=plan.deadline_year,
                    comparator=">=",
                    value=Decimal(1000),
                    text=f"{indicator.name}达到1000家",
                )
            user = _account(f"load-rep-{number:02d}", "reporter", department)
            writers.append({"username": user.username, "indicator": indicator.pk})
        owner_department = Department.objects.get(code="science")
        for number in range(1, READERS + 1):
            if number <= PLAN_OWNER_READERS:
                user = _account(f"load-owner-{number:02d}", "plan_owner", owner_department)
            else:
                user = _account(f"load-leader-{number:02d}", "leader")
            readers.append({"username": user.username})
    registry_lists = [
        "/registry/" + str(p.pattern)
        for p in registry_patterns
        if p.name.endswith("_list") and p.name != "import_list" and "<" not in str(p.pattern)
    ]
    return {
        "password": PASSWORD,
        "plan_start_year": plan.start_year,
        "writers": writers,
        "readers": readers,
        "indicators": list(plan.indicators.order_by("position").values_list("pk", flat=True)),
        "registry_lists": registry_lists,
        "database": benchlib.vendor_label(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    benchlib.add_database_argument(parser)
    parser.add_argument("--accounts", required=True, help="where to write the accounts JSON")
    args = parser.parse_args()
    benchlib.setup(args.database_url)
    data = prepare()
    Path(args.accounts).write_text(json.dumps(data, ensure_ascii=False, indent=2))
    print(f"{len(data['writers'])} writers, {len(data['readers'])} readers -> {args.accounts}")


if __name__ == "__main__":
    main()
