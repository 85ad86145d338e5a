"""演示数据 — a demo data set: accounts, default assignments, baselines and a monthly history
of approved figures from January 2025, and the key tasks' milestones in every state
(``demo.supervision``), made through the same services users call, so the audit trail and
the review queue look as they will in use. Running it again changes nothing.
"""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from innoplan.accounts.models import Department, User
from innoplan.demo.registry import demo_registry_build
from innoplan.demo.supervision import demo_supervision_create, demo_supervision_exists
from innoplan.plans.models import Indicator, Plan, ReportedValue
from innoplan.plans.services import (
    assignments_load,
    audit_actor,
    metric_bindings_load,
    read_assignments_file,
    read_bindings_file,
    reported_value_approve,
    reported_value_reject,
    reported_value_submit,
)
from innoplan.registry.models import Organisation, RegisterSteward

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEMO_FILE = FIXTURES / "tongzhou_demo.yaml"
BINDINGS_FILE = Path(__file__).resolve().parents[1] / "plans/fixtures/tongzhou_2024_metrics.yaml"
ASSIGNMENTS_FILE = (
    Path(__file__).resolve().parents[1] / "plans/fixtures/tongzhou_2024_assignments.yaml"
)
DEMO_NOTE = "演示数据"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    name: str
    department: str | None


def read_demo_file(path: Path = DEMO_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@transaction.atomic
def demo_accounts_create(*, data: dict) -> list[DemoAccount]:
    """Create the demo logins that do not exist yet; existing ones are left as they are."""
    accounts = []
    for entry in data["accounts"]:
        department = None
        if entry.get("department"):
            department = Department.objects.get(code=entry["department"])
        user = User.objects.filter(username=entry["username"]).first()
        if user is None:
            user = User(
                username=entry["username"],
                role=entry["role"],
                department=department,
                first_name=entry["name"],
                # The system administrator's admin pages are granted by rules (三员): he is
                # staff, never a superuser.
                is_staff=entry["role"] == "sysadmin",
                is_superuser=False,
            )
            # A demo password is not temporary: no forced change at the first demo sign-in
            # (set_password starts its age now). Administrators still set up their
            # authenticator app at first sign-in.
            user.set_password(data["password"])
            user.must_change_password = False
            user.full_clean()
            user.save()
            # A data steward's register groups, as the plan owner would assign them.
            for group in entry.get("register_groups", ()):
                RegisterSteward.objects.get_or_create(user=user, group=group)
        accounts.append(
            DemoAccount(
                user.username,
                user.get_role_display(),
                entry["name"],
                department.name if department else None,
            )
        )
    return accounts


def month_ends(start: date, until: date):
    """The months that start on or after ``start`` and have ended before ``until``."""
    year, month = start.year, start.month
    while True:
        end = date(year, month, calendar.monthrange(year, month)[1])
        if end >= until:
            return
        yield date(year, month, 1), end
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _rounded(value: Decimal, whole: bool) -> Decimal:
    quantum = Decimal(1) if whole else Decimal("1000000")
    return (value / quantum).quantize(Decimal(1), rounding=ROUND_HALF_UP) * quantum


def history_values(indicator: Indicator, spec: dict, *, baseline_on: date, months, seed: int):
    """The demo figure for each month end: a path at ``pace`` times the straight line to the
    target, with a little noise; stock figures never fall, annual flows restart each year."""
    rng = random.Random(seed)
    target = indicator.targets.order_by("-year").first()
    whole = indicator.counts_whole_units
    pace = Decimal(str(spec["pace"]))
    values, previous = [], None
    for start, end in months:
        if indicator.annual:
            elapsed = Decimal((end - date(end.year, 1, 1)).days + 1) / Decimal(
                366 if calendar.isleap(end.year) else 365
            )
            value = target.value * pace * elapsed * Decimal(str(rng.uniform(0.9, 1.08)))
            if previous is not None and start.month != 1:
                value = max(value, previous)
        else:
            baseline = Decimal(str(spec["baseline"]))
            deadline = date(target.year, 12, 31)
            share = Decimal((end - baseline_on).days) / Decimal((deadline - baseline_on).days)
            wobble = Decimal(str(rng.uniform(-0.03, 0.03)))
            value = baseline + (target.value - baseline) * (pace * share + wobble * share)
            if previous is not None:
                value = max(value, previous)
        value = max(_rounded(value, whole), Decimal(0))
        values.append((start, end, value))
        previous = value
    return values


def _day_after(day: date, days: int):
    return timezone.make_aware(datetime.combine(day + timedelta(days=days), time(10)))


def demo_history_exists(plan: Plan) -> bool:
    return ReportedValue.objects.filter(indicator__plan=plan, note__startswith=DEMO_NOTE).exists()


@transaction.atomic
def demo_history_create(*, plan: Plan, data: dict, today: date | None = None) -> int:
    """Baselines and a monthly history of approved figures, submitted by each indicator's
    department reporter and approved by the plan owner. Returns the number of figures."""
    today = today or timezone.localdate()
    owner = User.objects.get(
        username=next(a["username"] for a in data["accounts"] if a["role"] == "plan_owner")
    )
    reporters = {u.department_id: u for u in User.objects.filter(role="reporter")}
    baseline_on = data["baseline_on"]
    months = list(month_ends(data["history_from"], today))
    count = 0
    pending, rejected = set(data.get("pending", [])), data.get("rejected") or {}
    for indicator in plan.indicators.select_related("department").order_by("position"):
        spec = data["indicators"].get(indicator.name)
        if spec is None or indicator.department_id not in reporters:
            continue
        reporter = reporters[indicator.department_id]
        if not indicator.annual and indicator.baseline_value is None:
            with audit_actor(owner):
                indicator.baseline_value = Decimal(str(spec["baseline"]))
                indicator.baseline_on = baseline_on
                indicator.save()
        if indicator.metric_key:
            continue  # measured from the demo registry instead
        values = history_values(
            indicator, spec, baseline_on=baseline_on, months=months, seed=indicator.position
        )
        for index, (start, end, value) in enumerate(values):
            last = index == len(values) - 1
            reported = reported_value_submit(
                indicator=indicator,
                period_kind="month",
                period_start=start,
                value=value,
                actor=reporter,
                note=f"{DEMO_NOTE}：{end:%Y年%m月}月末数",
            )
            if last and indicator.name in pending:
                count += 1
                continue
            if last and indicator.name == rejected.get("indicator"):
                reported_value_reject(value=reported, actor=owner, reason=rejected["reason"])
                count += 1
                continue
            reported_value_approve(value=reported, actor=owner)
            # A figure is reported and approved a few days after its month ends, not today.
            ReportedValue.objects.filter(pk=reported.pk).update(
                created=_day_after(end, 3), reviewed_at=_day_after(end, 6)
            )
            count += 1
    return count


def registry_paths(*, plan: Plan, data: dict, today: date) -> dict[str, tuple]:
    """For each metric measuring an indicator, the demo's month-end values and baseline; for
    an annual flow, the values of each year."""
    months = list(month_ends(data["history_from"], today))
    paths: dict[str, tuple] = {}
    for indicator in plan.indicators.exclude(metric_key="").order_by("position"):
        spec = data["indicators"].get(indicator.name)
        if spec is None:
            continue
        values = history_values(
            indicator,
            spec,
            baseline_on=data["baseline_on"],
            months=months,
            seed=indicator.position,
        )
        if indicator.annual:
            years = sorted({end.year for _, end, _ in values})
            paths[indicator.metric_key] = [[v for v in values if v[1].year == y] for y in years]
        else:
            paths[indicator.metric_key] = (values, spec["baseline"])
    return paths


@transaction.atomic
def demo_registry_create(*, plan: Plan, data: dict, today: date) -> int:
    """Baselines for the measured indicators and a registry that measures them."""
    owner = User.objects.get(
        role="plan_owner",
        username=next(a["username"] for a in data["accounts"] if a["role"] == "plan_owner"),
    )
    with audit_actor(owner):
        for indicator in plan.indicators.exclude(metric_key="").filter(annual=False):
            spec = data["indicators"].get(indicator.name)
            if spec is not None and indicator.baseline_value is None:
                indicator.baseline_value = Decimal(str(spec["baseline"]))
                indicator.baseline_on = data["baseline_on"]
                indicator.save()
    towns = Department.objects.filter(kind__in=["town", "street"])
    return demo_registry_build(
        paths=registry_paths(plan=plan, data=data, today=today),
        today=today,
        baseline_on=data["baseline_on"],
        towns=towns,
    )


def demo_load(*, plan: Plan, today: date | None = None) -> tuple[list[DemoAccount], int, int, int]:
    """Everything the demo needs on top of a loaded plan; safe to run again. Returns the
    accounts, the reported figures made, the registry records made and the milestones made
    (0 when present)."""
    today = today or timezone.localdate()
    data = read_demo_file()
    accounts = demo_accounts_create(data=data)
    assignments_load(
        plan=plan, data=read_assignments_file(ASSIGNMENTS_FILE), source=str(ASSIGNMENTS_FILE.name)
    )
    metric_bindings_load(
        plan=plan, bindings=read_bindings_file(BINDINGS_FILE), source=str(BINDINGS_FILE.name)
    )
    records = 0
    if not Organisation.objects.exists():
        records = demo_registry_create(plan=plan, data=data, today=today)
    figures = 0
    if not demo_history_exists(plan):
        figures = demo_history_create(plan=plan, data=data, today=today)
    milestones = 0
    if not demo_supervision_exists(plan):
        owner = User.objects.get(username=_owner_username(data))
        milestones = demo_supervision_create(plan=plan, owner=owner, today=today).milestones
    return accounts, figures, records, milestones


def _owner_username(data: dict) -> str:
    return next(a["username"] for a in data["accounts"] if a["role"] == "plan_owner")
