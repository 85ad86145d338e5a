"""What a load changes, worked out before it is done: the plan already loaded against the one
proposed, matched as plan_load matches them. No Django."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

from innoplan.plans.ingest.changes import plan_changes, snapshot_of
from innoplan.plans.ingest.schema import read_plan_file

FIXTURE = Path(__file__).resolve().parents[2] / "src/innoplan/plans/fixtures/tongzhou_2024.yaml"


def fixture():
    return snapshot_of(read_plan_file(FIXTURE))


def edited(snapshot, *, targets=None, tasks=None, header=None):
    return dataclasses.replace(
        snapshot,
        targets=targets if targets is not None else dict(snapshot.targets),
        tasks=tasks if tasks is not None else dict(snapshot.tasks),
        header={**snapshot.header, **(header or {})},
    )


def test_a_new_plan_is_counted_not_listed():
    changes = plan_changes(None, fixture())
    assert changes.new
    assert changes.counts == {
        "goal_groups": 5,
        "targets": 18,
        "sections": 5,
        "tasks": 20,
        "measures": 5,
    }
    assert changes.changes == ()


def test_the_same_plan_again_changes_nothing():
    changes = plan_changes(fixture(), fixture())
    assert not changes.new and changes.changes == ()


def test_a_changed_value_a_renamed_indicator_and_a_changed_task_are_each_listed():
    loaded, proposed = fixture(), fixture()
    targets = dict(proposed.targets)
    high_tech = targets[("高新技术企业", 2027)]
    targets[("高新技术企业", 2027)] = dataclasses.replace(high_tech, value=Decimal(1600))
    institutes = targets.pop(("高校院所及分支机构", 2027))
    targets[("高校院所", 2027)] = dataclasses.replace(institutes, indicator="高校院所")
    tasks = dict(proposed.tasks)
    tasks[1] = dataclasses.replace(tasks[1], title="改过的任务一")
    del tasks[20]
    proposed = edited(proposed, targets=targets, tasks=tasks, header={"title": "新标题"})

    changes = plan_changes(loaded, proposed)

    summary = {(c.kind, c.action, c.name, c.fields) for c in changes.changes}
    assert summary == {
        ("plan", "changed", "title", ("title",)),
        ("target", "changed", "高新技术企业", ("value",)),
        ("target", "added", "高校院所", ()),
        ("target", "removed", "高校院所及分支机构", ()),
        ("task", "changed", "1", ("title",)),
        ("task", "removed", "20", ()),
    }
    value = next(c for c in changes.of("target") if c.action == "changed")
    assert (value.before.value, value.after.value) == (1500, 1600)
    assert not changes.blocked


def test_removing_an_indicator_with_reported_figures_is_marked_blocked():
    loaded, proposed = fixture(), fixture()
    targets = dict(proposed.targets)
    del targets[("高新技术企业", 2027)]
    changes = plan_changes(loaded, edited(proposed, targets=targets), with_figures={"高新技术企业"})
    assert [(c.name, c.action) for c in changes.blocked] == [("高新技术企业", "removed")]


def test_a_target_moved_to_another_year_keeps_its_indicator_and_is_not_blocked():
    loaded, proposed = fixture(), fixture()
    targets = dict(proposed.targets)
    high_tech = targets.pop(("高新技术企业", 2027))
    targets[("高新技术企业", 2026)] = dataclasses.replace(high_tech, year=2026)
    changes = plan_changes(loaded, edited(proposed, targets=targets), with_figures={"高新技术企业"})
    assert {(c.action, c.name) for c in changes.changes} == {
        ("added", "高新技术企业"),
        ("removed", "高新技术企业"),
    }
    assert not changes.blocked


def test_the_digest_follows_the_changes():
    loaded = fixture()
    targets = dict(loaded.targets)
    high_tech = targets[("高新技术企业", 2027)]
    targets[("高新技术企业", 2027)] = dataclasses.replace(high_tech, value=Decimal(1600))
    once = plan_changes(loaded, edited(loaded, targets=targets))
    again = plan_changes(loaded, edited(loaded, targets=dict(targets)))
    assert once.digest == again.digest
    assert once.digest != plan_changes(loaded, loaded).digest
    assert once.digest != plan_changes(None, loaded).digest
