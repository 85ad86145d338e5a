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
    assert ("measure （2）创新招引路径", 71) in doubted


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


def test_an_irregular_measure_number_names_the_measure_its_line_and_its_place():
    doubts = [u for u in seed_result().unsure if u.path and u.path.startswith("measures")]
    # 保障措施 numbers （一） then （2）（3）…: the numbering breaks at the second measure.
    assert [(u.path, u.line) for u in doubts] == [("measures[1]", 71)]
    assert "（2）" in doubts[0].what and "创新招引路径" in doubts[0].what
    assert not [u for u in seed_result().unsure if u.what == "measures"]


def test_each_break_in_the_measures_numbering_is_marked_where_it_breaks():
    text = "三、保障措施\n1.加强组织领导。\n2.强化考核。\n4.加大投入。\n5.营造氛围。\n"
    doubts = [u for u in parse_plan_text(text).unsure if u.path]
    assert [(u.path, u.line) for u in doubts] == [("measures[2]", 4)]
    assert doubts[0].what == "measure 4.加大投入"


CITY_PLAN = Path(__file__).resolve().parent / "documents" / "city_action_plan.txt"


def city_plan_with_leads() -> str:
    """The city action plan, its first task naming its leads in the paragraph, its fourth
    on a line of its own, as many plans write them."""
    text = CITY_PLAN.read_text(encoding="utf-8")
    text = text.replace(
        "对绩效优良的平台给予运行补贴。",
        "对绩效优良的平台给予运行补贴。（牵头单位：市科委、中关村管委会；配合单位：市财政局）",
    )
    lines = text.split("\n")
    fourth = next(i for i, line in enumerate(lines) if line.startswith("4.培育技术经理人"))
    lines.insert(fourth + 1, "责任单位：市人力资源社会保障局")
    return "\n".join(lines)


def test_a_tasks_lead_departments_are_read_where_the_document_names_them():
    result = parse_plan_text(city_plan_with_leads())
    leads = {lead.path: lead for lead in result.leads}
    assert set(leads) == {"sections[0].tasks[0]", "sections[1].tasks[0]"}
    assert leads["sections[0].tasks[0]"].departments == ("市科委", "中关村管委会")
    assert leads["sections[1].tasks[0]"].departments == ("市人力资源社会保障局",)
    lines = city_plan_with_leads().split("\n")
    for lead in result.leads:
        assert lead.text in lines[lead.line - 1]
    # The plan itself is what it was: titles whole, the leads kept beside it, the YAML loadable.
    assert result.plan == parse_plan_text(CITY_PLAN.read_text(encoding="utf-8")).plan
    parse_plan_yaml(to_yaml(result), source="proposed.yaml")


def test_a_lead_phrase_inside_a_tasks_first_sentence_stays_out_of_its_title():
    text = "二、重点任务\n（一）集聚主体\n1.培育企业（牵头单位：区科委）\n"
    result = parse_plan_text(text)
    assert result.plan["sections"][0]["tasks"][0]["title"] == "培育企业"
    assert [lead.departments for lead in result.leads] == [("区科委",)]


def test_the_seed_names_no_lead_departments():
    assert seed_result().leads == []
