"""Writes to the plan that carry a rule: loading a plan, reporting and reviewing figures,
editing indicators and task assignments. Each runs in one transaction; django-auditlog
records the before and after of every change with the actor set by ``audit_actor``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innoplan.accounts.permissions import authorise
from innoplan.core.uploads import check_attachment
from innoplan.plans.choices import AssignmentRole, PeriodKind, ReviewStatus
from innoplan.plans.ingest.schema import PlanDocument, TargetSpec
from innoplan.plans.models import (
    GoalGroup,
    Indicator,
    Measure,
    Plan,
    ReportedValue,
    Section,
    Target,
    Task,
    TaskAssignment,
    period_end,
)


def audit_actor(actor):
    """Attribute the audit entries written inside the block to ``actor`` (None: the system)."""
    return set_actor(actor)


# --- optimistic versions ----------------------------------------------------------------------


def stale_record_error(record) -> ValidationError:
    """What the second of two people editing one record is told: who changed it and when,
    from the audit log, when it knows."""
    entry = (
        LogEntry.objects.get_for_object(record)
        .select_related("actor")
        .order_by("-timestamp", "-pk")
        .first()
    )
    if entry is None or entry.actor is None:
        return ValidationError(
            _(
                "This record was changed by someone else meanwhile. Look at the latest "
                "content and try again."
            ),
            code="stale",
        )
    when = timezone.localtime(entry.timestamp)
    shown = when.strftime("%H:%M" if when.date() == timezone.localdate() else "%Y-%m-%d %H:%M")
    return ValidationError(
        _(
            "This record was changed by %(who)s at %(when)s. Look at the latest content and "
            "try again."
        )
        % {"who": entry.actor, "when": shown},
        code="stale",
    )


def _lock_version(model, pk: int, version: int | None):
    """The record, locked until the transaction ends; refused when ``version`` (the one the
    form was loaded at; None: no check) is not the current one."""
    locked = model.objects.select_for_update().get(pk=pk)
    if version is not None and locked.version != version:
        raise stale_record_error(locked)
    return locked


# --- loading a plan ------------------------------------------------------------------------


@dataclass
class LoadResult:
    """What a load changed, by kind of record: counts of created, updated and removed."""

    plan: Plan | None = None
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)

    def count(self, bucket: str, kind: str) -> None:
        counts = getattr(self, bucket)
        counts[kind] = counts.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)


def _upsert(result: LoadResult, kind: str, model, lookup: dict, values: dict):
    """Create or update one record, saving only when a value differs (so a second load of the
    same file writes nothing and leaves no audit entry)."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        result.count("created", kind)
        return instance
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.full_clean()
        instance.save()
        result.count("updated", kind)
    return instance


def _remove_missing(result: LoadResult, kind: str, queryset, keep_ids: set[int]) -> None:
    for instance in queryset.exclude(id__in=keep_ids):
        instance.delete()
        result.count("removed", kind)


def _load_target(result, plan, spec: TargetSpec, position, *, goal_group=None, task=None):
    indicator = _upsert(
        result,
        "indicator",
        Indicator,
        {"plan": plan, "name": spec.indicator},
        {
            "goal_group": goal_group,
            "task": task,
            "position": position,
            "unit": spec.unit,
            "display_unit": spec.display_unit,
            "annual": spec.annual,
        },
    )
    target = _upsert(
        result,
        "target",
        Target,
        {"indicator": indicator, "year": spec.year},
        {"comparator": spec.comparator, "value": Decimal(spec.value), "text": spec.text},
    )
    return indicator, target


@transaction.atomic
def plan_upload_confirm(*, document: PlanDocument, actor, file_name: str) -> LoadResult:
    """Load a plan document proposed from an uploaded file (the upload page), recorded as an
    import confirmation in the same transaction: the plan and its record, or neither."""
    from innoplan.audit.events import Event
    from innoplan.audit.services import record_event

    authorise(actor, "plans.manage_plan")
    result = plan_load(document=document, actor=actor)
    record_event(Event.IMPORT_CONFIRM, actor=actor, obj=result.plan, detail={"file": file_name})
    return result


@transaction.atomic
def plan_load(*, document: PlanDocument, actor=None) -> LoadResult:
    """Load a plan document, matched by its document number; re-loading updates in place.

    Records the file no longer holds are removed, except an indicator that already has
    reported figures: that refuses the whole load, so nothing is half-applied.
    """
    result = LoadResult()
    header = document.header
    with audit_actor(actor):
        plan = _upsert(
            result,
            "plan",
            Plan,
            {"doc_number": header.doc_number},
            {
                "title": header.title,
                "issuer": header.issuer,
                "issued_on": header.date,
                "start_year": header.start_year,
                "deadline_year": header.deadline_year,
            },
        )
        result.plan = plan
        keep = {
            "goal_group": set(),
            "section": set(),
            "task": set(),
            "measure": set(),
            "indicator": set(),
            "target": set(),
        }
        position = 0
        for group_position, group_spec in enumerate(document.goal_groups, start=1):
            group = _upsert(
                result,
                "goal_group",
                GoalGroup,
                {"plan": plan, "name": group_spec.name},
                {"position": group_position},
            )
            keep["goal_group"].add(group.id)
            for spec in group_spec.targets:
                position += 1
                indicator, target = _load_target(result, plan, spec, position, goal_group=group)
                keep["indicator"].add(indicator.id)
                keep["target"].add(target.id)
        for section_position, section_spec in enumerate(document.sections, start=1):
            section = _upsert(
                result,
                "section",
                Section,
                {"plan": plan, "title": section_spec.title},
                {"position": section_position},
            )
            keep["section"].add(section.id)
            for task_spec in section_spec.tasks:
                task = _upsert(
                    result,
                    "task",
                    Task,
                    {"plan": plan, "number": task_spec.number},
                    {"section": section, "title": task_spec.title},
                )
                keep["task"].add(task.id)
                for spec in task_spec.targets:
                    position += 1
                    indicator, target = _load_target(result, plan, spec, position, task=task)
                    keep["indicator"].add(indicator.id)
                    keep["target"].add(target.id)
        for measure_position, measure_spec in enumerate(document.measures, start=1):
            measure = _upsert(
                result,
                "measure",
                Measure,
                {"plan": plan, "title": measure_spec.title},
                {"position": measure_position},
            )
            keep["measure"].add(measure.id)

        orphaned = (
            plan.indicators.exclude(id__in=keep["indicator"])
            .filter(reported_values__isnull=False)
            .distinct()
        )
        if orphaned.exists():
            names = "、".join(i.name for i in orphaned)
            raise ValidationError(
                _(
                    "%(source)s: indicators %(names)s are no longer in the file but have reported "
                    "figures; they cannot be removed by a load."
                )
                % {"source": document.source, "names": names}
            )
        _remove_missing(
            result, "target", Target.objects.filter(indicator__plan=plan), keep["target"]
        )
        _remove_missing(result, "indicator", plan.indicators.all(), keep["indicator"])
        _remove_missing(result, "task", plan.tasks.all(), keep["task"])
        _remove_missing(result, "section", plan.sections.all(), keep["section"])
        _remove_missing(result, "goal_group", plan.goal_groups.all(), keep["goal_group"])
        _remove_missing(result, "measure", plan.measures.all(), keep["measure"])
    return result


# --- reported figures ----------------------------------------------------------------------


def period_start_problem(kind: str, start: date, today: date) -> str | None:
    if kind == PeriodKind.MONTH and start.day != 1:
        return _("A monthly figure's period starts on the first day of the month.")
    if kind == PeriodKind.QUARTER and (start.day != 1 or start.month not in (1, 4, 7, 10)):
        return _("A quarterly figure's period starts on 1 January, April, July or October.")
    if start > today:
        return _("A figure cannot be reported for a period that has not begun.")
    return None


@transaction.atomic
def reported_value_submit(
    *,
    indicator: Indicator,
    period_kind: str,
    period_start: date,
    value: Decimal,
    actor,
    note: str = "",
    attachment: UploadedFile | None = None,
) -> ReportedValue:
    """A department reports a figure for one of its indicators; it waits for review."""
    authorise(
        actor,
        "plans.report_value",
        indicator,
        message=_("Only the department assigned to “%(indicator)s” reports it.")
        % {"indicator": indicator.name},
    )
    if indicator.metric_key:
        raise ValidationError(
            _("“%(indicator)s” is counted from the registry; it takes no reported figures.")
            % {"indicator": indicator.name}
        )
    problem = period_start_problem(period_kind, period_start, timezone.localdate())
    if problem:
        raise ValidationError({"period_start": problem})
    if value < 0:
        raise ValidationError({"value": _("A figure cannot be negative.")})
    if indicator.counts_whole_units and value != value.to_integral_value():
        raise ValidationError(
            {
                "value": _("“%(indicator)s” is counted in whole %(unit)s.")
                % {"indicator": indicator.name, "unit": indicator.unit}
            }
        )
    if attachment:
        check_attachment(attachment)
    end = period_end(period_kind, period_start)
    if end.year < indicator.plan.start_year:
        raise ValidationError(
            {
                "period_start": _("The plan runs from %(year)d; a figure before it is not taken.")
                % {"year": indicator.plan.start_year}
            }
        )
    clash = indicator.reported_values.filter(
        period_end=end, status__in=[ReviewStatus.PENDING, ReviewStatus.APPROVED]
    ).first()
    if clash:
        raise ValidationError(
            {
                "period_start": _(
                    "This period already has a figure (%(status)s); ask the plan owner to "
                    "reject it before reporting again."
                )
                % {"status": clash.get_status_display()}
            }
        )
    reported = ReportedValue(
        indicator=indicator,
        period_kind=period_kind,
        period_start=period_start,
        period_end=end,
        value=value,
        note=note,
        submitted_by=actor,
    )
    if attachment:
        reported.attachment = attachment
    with audit_actor(actor):
        reported.full_clean()
        reported.save()
    return reported


def _review(
    *, value: ReportedValue, actor, status: str, reason: str, version: int | None
) -> ReportedValue:
    authorise(
        actor,
        "plans.review_value",
        value,
        message=_("Only the plan owner reviews reported figures."),
    )
    # Lock the row so that two reviewers at once cannot both act on a pending figure.
    locked = ReportedValue.objects.select_for_update().get(pk=value.pk)
    if locked.status != ReviewStatus.PENDING:
        raise ValidationError(
            _("This figure was already reviewed by %(who)s (%(status)s).")
            % {"status": locked.get_status_display(), "who": locked.reviewed_by},
            code="reviewed",
        )
    if version is not None and locked.version != version:
        raise stale_record_error(locked)
    locked.version += 1
    locked.status = status
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.review_reason = reason
    with audit_actor(actor):
        locked.full_clean()
        locked.save()
    return locked


@transaction.atomic
def reported_value_approve(
    *, value: ReportedValue, actor, reason: str = "", version: int | None = None
) -> ReportedValue:
    """The plan owner accepts a figure; from now on it counts on the dashboard. ``version``
    is the one the reviewer saw; a figure reviewed or changed since is refused."""
    return _review(
        value=value,
        actor=actor,
        status=ReviewStatus.APPROVED,
        reason=reason.strip(),
        version=version,
    )


@transaction.atomic
def reported_value_reject(
    *, value: ReportedValue, actor, reason: str, version: int | None = None
) -> ReportedValue:
    """The plan owner sends a figure back; the reason is required and shown to the department."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the figure is rejected.")})
    return _review(
        value=value,
        actor=actor,
        status=ReviewStatus.REJECTED,
        reason=reason.strip(),
        version=version,
    )


# --- editing the plan ----------------------------------------------------------------------


INDICATOR_EDITABLE = ("definition", "department", "baseline_value", "baseline_on")


@transaction.atomic
def indicator_update(
    *, indicator: Indicator, actor, version: int | None = None, **changes
) -> Indicator:
    """The plan owner edits an indicator's definition, reporting department or baseline.
    ``version`` is the one the form was loaded at: an indicator changed since is refused, so
    that one person's edit never silently overwrites another's."""
    authorise(actor, "plans.manage_plan", message=_("Only the plan owner edits indicators."))
    unknown = set(changes) - set(INDICATOR_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked = _lock_version(Indicator, indicator.pk, version)
    if all(getattr(locked, name) == value for name, value in changes.items()):
        return locked  # nothing changes, nothing is logged
    for name, value in changes.items():
        setattr(locked, name, value)
    if (locked.baseline_value is None) != (locked.baseline_on is None):
        raise ValidationError({"baseline_on": _("Give the baseline value and its date together.")})
    locked.version += 1
    with audit_actor(actor):
        locked.full_clean()
        locked.save()
    for name in (*changes, "version"):
        setattr(indicator, name, getattr(locked, name))
    return locked


@transaction.atomic
def task_assignments_set(
    *, task: Task, lead, cooperating, actor, version: int | None = None
) -> None:
    """The plan owner sets which departments lead a task and which co-operate. ``version``
    is the task's when the form was loaded: assignments changed since are not overwritten."""
    authorise(actor, "plans.manage_plan", message=_("Only the plan owner assigns tasks."))
    lead, cooperating = list(lead), list(cooperating)
    if not lead:
        raise ValidationError({"lead": _("A task needs at least one lead department.")})
    both = {d.id for d in lead} & {d.id for d in cooperating}
    if both:
        raise ValidationError({"cooperating": _("A department cannot both lead and co-operate.")})
    locked = _lock_version(Task, task.pk, version)
    with audit_actor(actor):
        if _assignments_replace(task=locked, lead=lead, cooperating=cooperating):
            # The task's version covers its assignments; its log entry says who and when.
            locked.version += 1
            locked.save(update_fields=["version", "updated"])
            task.version = locked.version


def _assignments_replace(*, task: Task, lead, cooperating) -> int:
    """Make a task's assignments exactly these, touching only what differs; returns the
    number of assignments created, changed or removed."""
    wanted = {d.id: AssignmentRole.LEAD for d in lead}
    wanted.update({d.id: AssignmentRole.COOPERATING for d in cooperating})
    changed = 0
    for assignment in task.assignments.all():
        role = wanted.pop(assignment.department_id, None)
        if role is None:
            assignment.delete()
            changed += 1
        elif role != assignment.role:
            assignment.role = role
            assignment.save()
            changed += 1
    for department_id, role in wanted.items():
        TaskAssignment.objects.create(task=task, department_id=department_id, role=role)
        changed += 1
    return changed


# --- default assignments -------------------------------------------------------------------


def read_assignments_file(path) -> dict:
    """Default task assignments and indicator reporting departments/definitions from YAML:
    ``{tasks: [{task, lead, cooperating}], indicators: [{indicator, department, definition}]}``.
    """
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValidationError(f"{path}: {exc}") from exc
    if not isinstance(data, dict) or set(data) - {"tasks", "indicators"}:
        raise ValidationError(f"{path}: expected a mapping with 'tasks' and 'indicators'")
    return data


@transaction.atomic
def assignments_load(*, plan: Plan, data: dict, source: str, actor=None) -> int:
    """Apply default assignments to a plan; all or nothing, every problem named. Returns the
    number of records changed. Idempotent."""
    from innoplan.accounts.models import Department

    departments = {d.code: d for d in Department.objects.all()}
    tasks = {t.number: t for t in plan.tasks.all()}
    indicators = {i.name: i for i in plan.indicators.all()}
    problems: list[str] = []

    def lookup(codes, where):
        if codes is not None and not isinstance(codes, list):
            problems.append(f"{source}: {where}: expected a list of department codes")
            return []
        found = []
        for code in codes or []:
            if not isinstance(code, str) or code not in departments:
                problems.append(f"{source}: {where}: unknown department code {code!r}")
            else:
                found.append(departments[code])
        return found

    task_plans = []
    for index, entry in enumerate(data.get("tasks") or [], start=1):
        if not isinstance(entry, dict):
            problems.append(f"{source}: tasks entry {index}: expected {{task, lead, cooperating}}")
            continue
        number = entry.get("task")
        if not isinstance(number, int) or number not in tasks:
            problems.append(f"{source}: task {number!r} is not in {plan.doc_number}")
            continue
        lead = lookup(entry.get("lead"), f"task {number} lead")
        cooperating = lookup(entry.get("cooperating"), f"task {number} cooperating")
        # The same rules as task_assignments_set: a lead, and no department in both roles.
        if not entry.get("lead"):
            problems.append(f"{source}: task {number} has no lead department")
        for code in sorted({d.code for d in lead} & {d.code for d in cooperating}):
            problems.append(f"{source}: task {number}: {code!r} cannot both lead and co-operate")
        task_plans.append((tasks[number], lead, cooperating))
    indicator_plans = []
    for index, entry in enumerate(data.get("indicators") or [], start=1):
        if not isinstance(entry, dict):
            where = f"{source}: indicators entry {index}"
            problems.append(f"{where}: expected {{indicator, department, definition}}")
            continue
        name = entry.get("indicator")
        if not isinstance(name, str) or name not in indicators:
            problems.append(f"{source}: indicator {name!r} is not in {plan.doc_number}")
            continue
        department = (
            lookup([entry["department"]], f"indicator {name}")
            if entry.get("department")
            else [None]
        )
        indicator_plans.append(
            (
                indicators[name],
                department[0] if department else None,
                (entry.get("definition") or "").strip(),
            )
        )
    if problems:
        raise ValidationError(problems)

    changed = 0
    with audit_actor(actor):
        for task, lead, cooperating in task_plans:
            changed += _assignments_replace(task=task, lead=lead, cooperating=cooperating)
        for indicator, department, definition in indicator_plans:
            if indicator.department_id != (department.id if department else None) or (
                definition and indicator.definition != definition
            ):
                indicator.department = department
                indicator.definition = definition or indicator.definition
                indicator.full_clean()
                indicator.save()
                changed += 1
    return changed


# --- metric bindings -----------------------------------------------------------------------

REPORTED = "reported"


def read_bindings_file(path) -> dict[str, str]:
    """``{bindings: {indicator name: metric key | reported}}`` from YAML."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValidationError(f"{path}: {exc}") from exc
    bindings = data.get("bindings") if isinstance(data, dict) else None
    if not isinstance(bindings, dict) or set(data) != {"bindings"}:
        raise ValidationError(f"{path}: expected a mapping 'bindings: {{indicator: metric}}'")
    return bindings


@transaction.atomic
def metric_bindings_load(*, plan: Plan, bindings: dict, source: str, actor=None) -> int:
    """Bind indicators to the registry metrics that measure them (or mark them reported);
    all or nothing, every problem named. Returns the number of indicators changed."""
    from innoplan.metrics.selectors import metric_exists, metric_unit

    indicators = {i.name: i for i in plan.indicators.all()}
    problems, wanted = [], {}
    for name, key in bindings.items():
        indicator = indicators.get(name)
        if indicator is None:
            problems.append(f"{source}: indicator {name!r} is not in {plan.doc_number}")
            continue
        if key == REPORTED:
            wanted[indicator] = ""
        elif not isinstance(key, str) or not metric_exists(key):
            problems.append(f"{source}: {name}: no metric {key!r}")
        elif metric_unit(key) != indicator.unit:
            problems.append(
                f"{source}: {name}: metric {key} counts in {metric_unit(key)}, "
                f"the indicator in {indicator.unit}"
            )
        else:
            wanted[indicator] = key
    if problems:
        raise ValidationError(problems)
    changed = 0
    with audit_actor(actor):
        for indicator, key in wanted.items():
            if indicator.metric_key != key:
                indicator.metric_key = key
                indicator.full_clean()
                indicator.save()
                changed += 1
    return changed
