"""What loading a plan document changes (载入变更), shown to the plan owner before the load.

No Django here. Both sides are :class:`Snapshot` s: the proposed document's (``snapshot_of``)
and the plan already loaded under the same document number (built from the database by the
page). They are compared the way ``plans.services.plan_load`` matches records: goal groups by
name, sections by title, tasks by number, targets by indicator name and year, measures by
title. So a renamed indicator is one target removed and one added, as the load will do it.

``plan_load`` refuses to remove an indicator that has reported figures; such a removal is
marked ``blocked`` here, so the page can say so before the load is tried.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from innoplan.plans.ingest.schema import PlanDocument

__all__ = [
    "HEADER_KEYS",
    "Change",
    "PlanChanges",
    "Snapshot",
    "TargetEntry",
    "TaskEntry",
    "plan_changes",
    "snapshot_of",
]

# The header fields a load can change; the document number is what the plan is matched by.
HEADER_KEYS = ("title", "issuer", "date", "start_year", "deadline_year")
TARGET_KEYS = ("comparator", "value", "unit", "display_unit", "annual", "text", "group", "task")
TASK_KEYS = ("title", "section")
ADDED, CHANGED, REMOVED = "added", "changed", "removed"


@dataclass(frozen=True)
class TargetEntry:
    """A target as the load keys it (indicator, year) and what it holds; ``group`` or
    ``task`` says whose it is."""

    indicator: str
    year: int
    comparator: str
    value: Decimal
    unit: str
    display_unit: str
    annual: bool
    text: str
    group: str | None = None
    task: int | None = None


@dataclass(frozen=True)
class TaskEntry:
    """A numbered task, its title and the title of its section."""

    number: int
    title: str
    section: str


@dataclass(frozen=True)
class Snapshot:
    """A plan reduced to what a load compares."""

    doc_number: str
    header: dict[str, object]
    goal_groups: tuple[str, ...]
    sections: tuple[str, ...]
    tasks: dict[int, TaskEntry]
    targets: dict[tuple[str, int], TargetEntry]
    measures: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    """One record the load adds, changes or removes. ``kind`` is plan (a header field), goal
    group, section, task, target or measure; ``name`` what it is called; ``before`` and
    ``after`` the entry (or header value) on each side; ``fields`` what differs."""

    kind: str
    action: str
    name: str
    before: object = None
    after: object = None
    fields: tuple[str, ...] = ()
    blocked: bool = False


@dataclass(frozen=True)
class PlanChanges:
    """What a load does: for a new plan only how much it creates (``counts``), for a plan
    already loaded every change."""

    new: bool
    counts: dict[str, int]
    changes: tuple[Change, ...] = field(default=())

    @property
    def blocked(self) -> list[Change]:
        return [change for change in self.changes if change.blocked]

    def of(self, kind: str) -> list[Change]:
        return [change for change in self.changes if change.kind == kind]

    @property
    def digest(self) -> str:
        """Stands for these changes: the load goes ahead only while it still matches what the
        plan owner confirmed."""
        return hashlib.sha256(repr(self).encode()).hexdigest()


def snapshot_of(document: PlanDocument) -> Snapshot:
    header = document.header
    targets: dict[tuple[str, int], TargetEntry] = {}
    tasks: dict[int, TaskEntry] = {}

    def add(spec, *, group=None, task=None) -> None:
        targets[(spec.indicator, spec.year)] = TargetEntry(
            indicator=spec.indicator,
            year=spec.year,
            comparator=spec.comparator,
            value=spec.value,
            unit=spec.unit,
            display_unit=spec.display_unit,
            annual=spec.annual,
            text=spec.text,
            group=group,
            task=task,
        )

    for group in document.goal_groups:
        for spec in group.targets:
            add(spec, group=group.name)
    for section in document.sections:
        for task in section.tasks:
            tasks[task.number] = TaskEntry(task.number, task.title, section.title)
            for spec in task.targets:
                add(spec, task=task.number)
    return Snapshot(
        doc_number=header.doc_number,
        header={
            "title": header.title,
            "issuer": header.issuer,
            "date": header.date,
            "start_year": header.start_year,
            "deadline_year": header.deadline_year,
        },
        goal_groups=tuple(group.name for group in document.goal_groups),
        sections=tuple(section.title for section in document.sections),
        tasks=tasks,
        targets=targets,
        measures=tuple(measure.title for measure in document.measures),
    )


def _differs(before, after, keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(key for key in keys if getattr(before, key) != getattr(after, key))


def _named(kind: str, before: tuple[str, ...], after: tuple[str, ...]) -> list[Change]:
    """Added and removed entries known by their name alone (goal groups, sections, measures)."""
    kept = set(before)
    changes = [Change(kind, ADDED, name, after=name) for name in after if name not in kept]
    proposed = set(after)
    changes += [Change(kind, REMOVED, name, before=name) for name in before if name not in proposed]
    return changes


def plan_changes(
    loaded: Snapshot | None,
    proposed: Snapshot,
    *,
    with_figures: frozenset[str] | set[str] = frozenset(),
) -> PlanChanges:
    """What loading ``proposed`` does to ``loaded`` (None: no plan has its document number).
    ``with_figures`` names the loaded indicators that have reported figures."""
    counts = {
        "goal_groups": len(proposed.goal_groups),
        "targets": len(proposed.targets),
        "sections": len(proposed.sections),
        "tasks": len(proposed.tasks),
        "measures": len(proposed.measures),
    }
    if loaded is None:
        return PlanChanges(new=True, counts=counts)
    changes: list[Change] = []
    for key in HEADER_KEYS:
        before, after = loaded.header.get(key), proposed.header.get(key)
        if before != after:
            changes.append(Change("plan", CHANGED, key, before, after, (key,)))
    changes += _named("goal_group", loaded.goal_groups, proposed.goal_groups)
    changes += _named("section", loaded.sections, proposed.sections)
    for number, task in sorted(proposed.tasks.items()):
        old = loaded.tasks.get(number)
        if old is None:
            changes.append(Change("task", ADDED, str(number), after=task))
        elif differs := _differs(old, task, TASK_KEYS):
            changes.append(Change("task", CHANGED, str(number), old, task, differs))
    for number, task in sorted(loaded.tasks.items()):
        if number not in proposed.tasks:
            changes.append(Change("task", REMOVED, str(number), before=task))
    indicators = {indicator for indicator, _year in proposed.targets}
    for key, target in proposed.targets.items():
        old = loaded.targets.get(key)
        if old is None:
            changes.append(Change("target", ADDED, target.indicator, after=target))
        elif differs := _differs(old, target, TARGET_KEYS):
            changes.append(Change("target", CHANGED, target.indicator, old, target, differs))
    for key, target in loaded.targets.items():
        if key not in proposed.targets:
            # plan_load removes the indicator with its last target, and refuses to when the
            # indicator has reported figures.
            blocked = target.indicator in with_figures and target.indicator not in indicators
            changes.append(
                Change("target", REMOVED, target.indicator, before=target, blocked=blocked)
            )
    changes += _named("measure", loaded.measures, proposed.measures)
    return PlanChanges(new=False, counts=counts, changes=tuple(changes))
