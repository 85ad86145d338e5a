"""Parsing the seed plan document yields the Tongzhou fixture exactly. No Django."""

from __future__ import annotations

import datetime
from pathlib import Path

import yaml

from innoplan.plans.ingest.parser import parse_plan_text, to_yaml
from innoplan.plans.ingest.schema import parse_plan_yaml
from tests.seed import seed_file

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_NAME = "000_8890667eab5c8e20.txt"
FIXTURE = REPO_ROOT / "src" / "innoplan" / "plans" / "fixtures" / "tongzhou_2024.yaml"


def seed_result():
    # No skip: where the seed is absent this fails, as it must in CI.
    return parse_plan_text(seed_file(SEED_NAME).read_text(encoding="utf-8"))


def test_parsing_the_seed_yields_exactly_the_fixture():
    expected = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    assert seed_result().plan == expected


def test_the_seed_has_sixteen_targets_two_quotas_twenty_tasks_and_five_measures():
    plan = seed_result().plan
    assert sum(len(g["targets"]) for g in plan["goal_groups"]) == 16
    tasks = [task for section in plan["sections"] for task in section["tasks"]]
    assert len(plan["sections"]) == 5 and len(tasks) == 20
    assert sum(len(task["targets"]) for task in tasks) == 2
    assert len(plan["measures"]) == 5


def test_every_seed_target_points_at_its_text_in_the_document():
    result = seed_result()
    lines = seed_file(SEED_NAME).read_text(encoding="utf-8").split("\n")
    assert len(result.sources) == 18
    for source in result.sources:
        assert lines[source.line - 1][source.start : source.end] == source.text


def test_the_seeds_doubtful_readings_are_marked_for_review():
    result = seed_result()
    doubted = {(u.what, u.line) for u in result.unsure}
    assert ("总规模达到30亿元", 36) in doubted
    assert ("measures", None) in doubted


def test_the_seeds_lines_outside_the_plan_are_kept_not_dropped():
    unplaced = {u.line for u in seed_result().unplaced}
    assert {16, 17, 22, 26} <= unplaced


def test_the_proposed_yaml_is_read_back_by_the_schema_unchanged():
    result = seed_result()
    document = parse_plan_yaml(to_yaml(result), source="proposed.yaml")
    assert len(document.all_targets()) == 18
    assert yaml.safe_load(to_yaml(result)) == result.plan


def test_a_decimal_value_survives_the_yaml_round_trip_exactly():
    text = "示范区行动计划（2024—2027年）\n一、主要目标\n1.投入。研发投入强度达到3.5%。\n"
    result = parse_plan_text(text)
    result.plan["plan"].update(issuer="示范区人民政府", doc_number="示发〔2024〕1号")
    result.plan["plan"]["date"] = datetime.date(2024, 1, 2)
    document = parse_plan_yaml(to_yaml(result), source="proposed.yaml")
    assert str(document.all_targets()[0].value) == "3.5"
