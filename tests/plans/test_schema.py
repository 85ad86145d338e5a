"""The plan document schema (plans/ingest/schema.py) and the Tongzhou fixtures. No Django."""

from __future__ import annotations

import pickle
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from innoplan.plans.ingest import schema
from innoplan.plans.ingest.schema import (
    COMPARATORS,
    PlanDocument,
    PlanDocumentError,
    Problem,
    parse_plan_yaml,
    read_plan_file,
)

PLANS_FIXTURES = Path(schema.__file__).resolve().parents[1] / "fixtures"
PLAN_FIXTURE = PLANS_FIXTURES / "tongzhou_2024.yaml"
ASSIGNMENTS_FIXTURE = PLANS_FIXTURES / "tongzhou_2024_assignments.yaml"
DEPARTMENTS_FIXTURE = (
    Path(schema.__file__).resolve().parents[2] / "accounts" / "fixtures" / "departments.yaml"
)

# A small valid document. Line numbers matter to the tests below: they are shown on the left.
VALID = """\
plan:
  title: 示例方案
  issuer: 示例区人民政府
  doc_number: 示政发〔2024〕1号
  date: 2024-12-17
  start_year: 2024
  deadline_year: 2027
goal_groups:
  - name: 创新主体快速集聚
    targets:
      - indicator: 高新技术企业
        comparator: ">"
        value: 1500
        unit: 家
        display_unit: 家
        year: 2027
        annual: false
        text: 高新技术企业突破1500家
      - indicator: 子基金总规模
        comparator: ">="
        value: 3000000000
        unit: 元
        display_unit: 亿元
        year: 2027
        annual: false
        text: 总规模达到30亿元
sections:
  - title: 引育创新人才强内力
    tasks:
      - {number: 1, title: 建设高层次人才队伍, targets: []}
      - number: 2
        title: 深化科技人才储备
        targets:
          - indicator: 优秀科技创新团队资助
            comparator: "~"
            value: 20
            unit: 个
            display_unit: 个
            year: 2027
            annual: true
            text: 每年支持20个左右优秀科技创新团队
measures:
  - {title: 加强组织领导}
"""
# Lines of VALID used below: 2 plan.title, 5 plan.date, 6-7 the years; 9 the first goal group,
# 11-18 its first target (12 comparator, 13 value, 18 text), 19-26 its second (子基金总规模);
# 27 sections:, 28 the section, 30 task 1, 31 task 2, 34-41 task 2's quota; 42 measures:, 43.


def variant(old: str, new: str, base: str = VALID) -> str:
    """VALID with one exact, unique piece of text replaced."""
    assert base.count(old) == 1, f"{old!r} must occur once"
    return base.replace(old, new)


def problems_in(text: str, source: str = "demo.yaml") -> list[Problem]:
    with pytest.raises(PlanDocumentError) as raised:
        parse_plan_yaml(text, source=source)
    return raised.value.problems


def the_problem(text: str) -> Problem:
    problems = problems_in(text)
    assert len(problems) == 1, problems
    return problems[0]


@pytest.fixture(scope="module")
def tongzhou() -> PlanDocument:
    return read_plan_file(PLAN_FIXTURE)


# --- the Tongzhou plan -------------------------------------------------------------------------


def test_the_tongzhou_header_is_the_documents(tongzhou):
    header = tongzhou.header
    assert header.title == "北京城市副中心科技创新资源倍增工程实施方案"
    assert header.issuer == "北京市通州区人民政府"
    assert header.doc_number == "通政发〔2024〕19号"
    assert header.date.isoformat() == "2024-12-17"
    assert (header.start_year, header.deadline_year) == (2024, 2027)
    assert tongzhou.source == str(PLAN_FIXTURE)


def test_the_tongzhou_plan_has_five_goal_groups_with_sixteen_targets(tongzhou):
    assert [group.name for group in tongzhou.goal_groups] == [
        "创新主体快速集聚",
        "创新平台能级提升",
        "创新人才发展壮大",
        "创新成果不断涌现",
        "创新生态持续优化",
    ]
    assert [len(group.targets) for group in tongzhou.goal_groups] == [4, 2, 3, 1, 6]
    assert sum(len(group.targets) for group in tongzhou.goal_groups) == 16


def test_the_tongzhou_plan_has_twenty_tasks_in_five_sections(tongzhou):
    numbers = [[task.number for task in section.tasks] for section in tongzhou.sections]
    assert numbers == [
        [1, 2, 3],
        [4, 5, 6, 7],
        [8, 9, 10, 11],
        [12, 13, 14],
        [15, 16, 17, 18, 19, 20],
    ]
    assert [section.title for section in tongzhou.sections] == [
        "集聚创新主体添动力",
        "构筑创新平台提效力",
        "引育创新人才强内力",
        "产出创新成果增实力",
        "完善创新生态激活力",
    ]
    titles = {task.number: task.title for section in tongzhou.sections for task in section.tasks}
    assert titles[1] == "强化名校院所集聚"
    assert titles[9] == "深化科技人才储备"
    assert titles[20] == "全面深化区域协同创新"
    assert not any(title.endswith("。") for title in titles.values())


def test_only_task_nine_carries_quotas_and_both_are_annual_and_approximate(tongzhou):
    tasks = [task for section in tongzhou.sections for task in section.tasks]
    with_targets = {task.number: task.targets for task in tasks if task.targets}
    assert list(with_targets) == [9]
    quotas = {(t.indicator, t.comparator, t.value, t.unit, t.annual) for t in with_targets[9]}
    assert quotas == {
        ("优秀科技创新团队资助", "~", Decimal(20), "个", True),
        ("杰出青年科技工作者资助", "~", Decimal(50), "名", True),
    }


def test_the_tongzhou_plan_has_its_five_measures(tongzhou):
    assert [measure.title for measure in tongzhou.measures] == [
        "加强组织领导",
        "创新招引路径",
        "加大政策支持",
        "优化体制机制",
        "强化工作落实",
    ]


def test_all_targets_lists_goal_group_targets_then_task_quotas(tongzhou):
    targets = tongzhou.all_targets()
    assert len(targets) == 18
    assert [t.indicator for t in targets[-2:]] == ["优秀科技创新团队资助", "杰出青年科技工作者资助"]
    assert len({t.indicator for t in targets}) == 18
    assert all(t.year == 2027 for t in targets)


def test_spot_values_of_the_tongzhou_targets(tongzhou):
    by_name = {t.indicator: t for t in tongzhou.all_targets()}
    high_tech = by_name["高新技术企业"]
    assert (high_tech.comparator, high_tech.value, high_tech.unit) == (">", Decimal(1500), "家")
    assert high_tech.text == "高新技术企业突破1500家"
    assert high_tech.annual is False

    fund_size = by_name["子基金总规模"]
    assert (fund_size.comparator, fund_size.value, fund_size.unit) == (
        ">=",
        Decimal("3000000000"),
        "元",
    )
    assert fund_size.display_unit == "亿元"

    specialised = by_name["新增“专精特新”中小企业"]
    assert specialised.annual is True
    assert (specialised.comparator, specialised.value) == (">=", Decimal(50))

    assert (by_name["运河英才"].comparator, by_name["运河英才"].value) == (">", Decimal(800))
    assert (by_name["特色产业园区"].comparator, by_name["特色产业园区"].value) == (">=", 10)
    assert {t.comparator for t in tongzhou.all_targets()} <= set(COMPARATORS)


def test_every_value_is_a_decimal(tongzhou):
    assert all(type(t.value) is Decimal for t in tongzhou.all_targets())


# --- reading a valid document ------------------------------------------------------------------


def test_a_valid_document_keeps_the_line_of_each_part():
    document = parse_plan_yaml(VALID, source="demo.yaml")
    assert document.goal_groups[0].line == 9
    assert [t.line for t in document.goal_groups[0].targets] == [11, 19]
    assert document.sections[0].line == 28
    assert [task.line for task in document.sections[0].tasks] == [30, 31]
    assert document.sections[0].tasks[1].targets[0].line == 34
    assert document.measures[0].line == 43


def test_a_value_is_read_from_its_text_not_through_a_float():
    document = parse_plan_yaml(variant("value: 1500", "value: 3.5"), source="demo.yaml")
    assert document.goal_groups[0].targets[0].value == Decimal("3.5")
    document = parse_plan_yaml(variant("value: 1500", "value: 0.1"), source="demo.yaml")
    assert str(document.goal_groups[0].targets[0].value) == "0.1"


def test_unquoted_equals_and_tilde_are_read_as_comparators():
    # Plain "=" and "~" resolve to YAML 1.1's value and null types; they are meant literally.
    document = parse_plan_yaml(variant('comparator: ">"', "comparator: ="), source="demo.yaml")
    assert document.goal_groups[0].targets[0].comparator == "="
    document = parse_plan_yaml(variant('comparator: ">"', "comparator: ~"), source="demo.yaml")
    assert document.goal_groups[0].targets[0].comparator == "~"


def test_a_quoted_date_is_accepted():
    document = parse_plan_yaml(variant("date: 2024-12-17", 'date: "2024-12-17"'), source="x")
    assert document.header.date.isoformat() == "2024-12-17"


def test_specs_are_frozen():
    document = parse_plan_yaml(VALID, source="demo.yaml")
    with pytest.raises(AttributeError):
        document.header.title = "另一个方案"


# --- one test per validation rule --------------------------------------------------------------


def test_the_error_lists_every_problem_with_file_line_and_field():
    text = variant("value: 1500", "value: -1")
    text = variant('comparator: ">"', 'comparator: "≥"', base=text)
    with pytest.raises(PlanDocumentError) as raised:
        parse_plan_yaml(text, source="tongzhou.yaml")
    lines = str(raised.value).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("tongzhou.yaml:12: goal_groups[0].targets[0].comparator: must be")
    assert (
        lines[1]
        == "tongzhou.yaml:13: goal_groups[0].targets[0].value: must be a non-negative number"
    )


def test_a_missing_key_is_reported_at_its_mapping():
    problem = the_problem(variant("        unit: 家\n", ""))
    assert (problem.line, problem.field, problem.message) == (
        11,
        "goal_groups[0].targets[0].unit",
        "is required",
    )
    assert problem.source == "demo.yaml"


def test_a_missing_top_level_key_is_reported():
    problem = the_problem(variant("measures:\n  - {title: 加强组织领导}\n", ""))
    assert (problem.line, problem.field, problem.message) == (1, "measures", "is required")


def test_an_unknown_key_is_named():
    problem = the_problem(variant("        unit: 家\n", "        unit: 家\n        source: 原文\n"))
    assert (problem.line, problem.field) == (15, "goal_groups[0].targets[0].source")
    assert problem.message.startswith("unknown key")


def test_an_unknown_top_level_key_is_named():
    problem = the_problem(VALID + "notes: 备注\n")
    assert (problem.line, problem.field) == (44, "notes")
    assert "unknown key" in problem.message


def test_a_key_given_twice_is_reported():
    problem = the_problem(variant("  title: 示例方案\n", "  title: 示例方案\n  title: 另一个\n"))
    assert (problem.line, problem.field, problem.message) == (3, "plan.title", "duplicate key")


def test_a_string_must_not_be_empty():
    problem = the_problem(variant("title: 示例方案", 'title: ""'))
    assert (problem.line, problem.field) == (2, "plan.title")
    assert problem.message == "must be a non-empty string"


def test_a_missing_value_is_not_a_string():
    problem = the_problem(variant("        text: 高新技术企业突破1500家", "        text:"))
    assert (problem.line, problem.field) == (18, "goal_groups[0].targets[0].text")


def test_a_string_must_be_a_string():
    problem = the_problem(variant("issuer: 示例区人民政府", "issuer: 2024"))
    assert (problem.line, problem.field) == (3, "plan.issuer")
    assert problem.message == "must be a non-empty string, not the integer '2024'"


def test_an_integer_must_be_an_integer():
    problem = the_problem(variant("start_year: 2024", 'start_year: "2024"'))
    assert (problem.line, problem.field) == (6, "plan.start_year")
    assert problem.message.startswith("must be an integer")


def test_a_target_year_must_be_an_integer():
    problem = the_problem(variant("亿元\n        year: 2027", "亿元\n        year: 2027.5"))
    assert (problem.line, problem.field) == (24, "goal_groups[0].targets[1].year")


def test_annual_must_be_a_boolean():
    problem = the_problem(variant("annual: true", "annual: 是"))
    assert (problem.line, problem.field) == (40, "sections[0].tasks[1].targets[0].annual")
    assert problem.message.startswith("must be true or false")


@pytest.mark.parametrize("written", ["2024-13-01", "2024/12/17", "2024-12-17 09:00:00", "20241217"])
def test_the_date_must_be_a_calendar_date(written):
    problem = the_problem(variant("date: 2024-12-17", f"date: {written}"))
    assert (problem.line, problem.field) == (5, "plan.date")
    assert problem.message.startswith("must be a date YYYY-MM-DD")


@pytest.mark.parametrize("written", ['"≥"', '">>"', "达到", '""'])
def test_the_comparator_must_be_one_of_four(written):
    problem = the_problem(variant('comparator: ">"', f"comparator: {written}"))
    assert (problem.line, problem.field) == (12, "goal_groups[0].targets[0].comparator")
    assert problem.message.startswith("must be one of >=, >, =, ~")


def test_a_negative_value_is_refused():
    problem = the_problem(variant("value: 1500", "value: -1"))
    assert (problem.line, problem.field) == (13, "goal_groups[0].targets[0].value")
    assert problem.message == "must be a non-negative number"


@pytest.mark.parametrize("written", ["很多", '"1500"', ".inf", ".nan", "[1]"])
def test_a_value_must_be_a_number(written):
    problem = the_problem(variant("value: 1500", f"value: {written}"))
    assert (problem.line, problem.field) == (13, "goal_groups[0].targets[0].value")
    assert problem.message.startswith("must be a non-negative number, not")


def test_zero_is_a_valid_value():
    document = parse_plan_yaml(variant("value: 1500", "value: 0"), source="demo.yaml")
    assert document.goal_groups[0].targets[0].value == 0


def test_the_start_year_must_not_be_after_the_deadline():
    problem = the_problem(variant("start_year: 2024", "start_year: 2028"))
    assert (problem.line, problem.field) == (7, "plan.deadline_year")
    assert problem.message == "must not be earlier than start_year (2028)"


def test_a_target_year_must_lie_within_the_plans_years():
    problem = the_problem(
        variant("year: 2027\n            annual: true", "year: 2030\n            annual: true")
    )
    assert (problem.line, problem.field) == (39, "sections[0].tasks[1].targets[0].year")
    assert problem.message == "must be between start_year 2024 and deadline_year 2027"


def test_task_numbers_are_unique_across_the_whole_plan():
    second_section = (
        "  - title: 完善创新生态激活力\n    tasks:\n      - {number: 1, title: 重复, targets: []}\n"
    )
    problem = the_problem(variant("measures:\n", second_section + "measures:\n"))
    assert (problem.line, problem.field) == (44, "sections[1].tasks[0].number")
    assert problem.message == "duplicate task number 1 (first at line 30)"


def test_a_task_number_must_be_positive():
    problem = the_problem(variant("{number: 1,", "{number: 0,"))
    assert (problem.line, problem.field, problem.message) == (
        30,
        "sections[0].tasks[0].number",
        "must be at least 1",
    )


def test_indicator_names_are_unique_among_goal_group_targets():
    problem = the_problem(variant("indicator: 子基金总规模", "indicator: 高新技术企业"))
    assert (problem.line, problem.field) == (19, "goal_groups[0].targets[1].indicator")
    assert problem.message == "duplicate indicator name '高新技术企业' (first at line 11)"


def test_a_task_quota_may_not_reuse_a_goal_group_indicator_name():
    problem = the_problem(variant("indicator: 优秀科技创新团队资助", "indicator: 高新技术企业"))
    assert (problem.line, problem.field) == (34, "sections[0].tasks[1].targets[0].indicator")


def test_goal_group_names_are_unique():
    problem = the_problem(
        variant("sections:\n", "  - name: 创新主体快速集聚\n    targets: []\nsections:\n")
    )
    assert (problem.line, problem.field) == (27, "goal_groups[1].name")
    assert problem.message.startswith("duplicate goal group name")


def test_section_titles_are_unique():
    problem = the_problem(
        variant("measures:\n", "  - title: 引育创新人才强内力\n    tasks: []\nmeasures:\n")
    )
    assert (problem.line, problem.field) == (42, "sections[1].title")
    assert problem.message.startswith("duplicate section title")


def test_a_list_must_be_a_list():
    problem = the_problem(
        variant("measures:\n  - {title: 加强组织领导}", "measures: {title: 加强组织领导}")
    )
    assert (problem.line, problem.field) == (42, "measures")
    assert problem.message == "must be a list, not a mapping"


def test_an_item_must_be_a_mapping():
    problem = the_problem(variant("  - {title: 加强组织领导}", "  - 加强组织领导"))
    assert (problem.line, problem.field) == (43, "measures[0]")
    assert problem.message == "must be a mapping, not the string '加强组织领导'"


def test_a_document_that_is_not_a_mapping_is_refused():
    problem = the_problem("# 方案\n- 一\n- 二\n")
    assert (problem.line, problem.field) == (2, "")
    assert problem.message.startswith("document must be a mapping")


@pytest.mark.parametrize("text", ["", "\n\n", "# 只有注释\n"])
def test_an_empty_document_is_refused(text):
    problem = the_problem(text)
    assert (problem.line, problem.field, problem.message) == (None, "", "document is empty")
    assert str(problem) == "demo.yaml: document is empty"


def test_a_yaml_syntax_error_names_its_line():
    problem = the_problem("plan:\n  title: 示例\n issuer: 示例区\n")
    assert (problem.line, problem.field) == (3, "")
    assert problem.message.startswith("YAML syntax error")


def test_a_character_yaml_forbids_names_its_line():
    problem = the_problem(variant("issuer: 示例区人民政府", "issuer: 示例\x07"))
    assert (problem.line, problem.field) == (3, "")
    assert problem.message == "character U+0007 is not allowed in YAML"


def test_two_documents_in_one_stream_are_refused():
    problem = the_problem(VALID + "---\nplan: {}\n")
    assert problem.line == 44
    assert "single document" in problem.message


def test_the_plan_years_apply_wherever_the_header_is_written():
    header, rest = VALID.split("goal_groups:\n", 1)
    body, measures = ("goal_groups:\n" + rest).split("measures:\n")
    text = body.replace(
        "year: 2027\n        annual: false\n        text: 高新",
        "year: 2023\n        annual: false\n        text: 高新",
    )
    problem = the_problem(text + "measures:\n" + measures + header)
    assert (problem.line, problem.field) == (9, "goal_groups[0].targets[0].year")


def test_python_tags_are_never_constructed(tmp_path):
    marker = tmp_path / "ran"
    text = variant("title: 示例方案", f'title: !!python/object/apply:os.system ["touch {marker}"]')
    problem = the_problem(text)
    assert (problem.line, problem.field) == (2, "plan.title")
    assert not marker.exists()


def test_the_error_survives_pickling():
    with pytest.raises(PlanDocumentError) as raised:
        parse_plan_yaml(variant("value: 1500", "value: -1"), source="demo.yaml")
    copy = pickle.loads(pickle.dumps(raised.value))
    assert copy.problems == raised.value.problems
    assert str(copy) == str(raised.value)


# --- reading files -----------------------------------------------------------------------------


def test_a_missing_file_is_a_plan_document_error(tmp_path):
    path = tmp_path / "absent.yaml"
    with pytest.raises(PlanDocumentError) as raised:
        read_plan_file(path)
    (problem,) = raised.value.problems
    assert (problem.source, problem.line, problem.message) == (str(path), None, "file not found")


def test_a_file_that_is_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("plan:\n  title: 示例\n  issuer: 通州区\n".encode("gbk"))
    with pytest.raises(PlanDocumentError) as raised:
        read_plan_file(path)
    (problem,) = raised.value.problems
    assert (problem.source, problem.line) == (str(path), 2)
    assert "UTF-8" in problem.message


def test_a_syntax_error_in_a_file_names_the_file_and_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("plan:\n  title: [未闭合\n", encoding="utf-8")
    with pytest.raises(PlanDocumentError) as raised:
        read_plan_file(path)
    (problem,) = raised.value.problems
    assert problem.source == str(path)
    assert problem.line is not None
    assert str(raised.value).startswith(f"{path}:{problem.line}: YAML syntax error")


def test_a_file_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode("utf-8"))
    assert read_plan_file(path).header.title == "示例方案"


# --- the departments and the default assignments ------------------------------------------------


@pytest.fixture(scope="module")
def departments() -> list[dict]:
    return yaml.safe_load(DEPARTMENTS_FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def assignments() -> dict:
    return yaml.safe_load(ASSIGNMENTS_FIXTURE.read_text(encoding="utf-8"))


def test_departments_have_unique_short_ascii_codes(departments):
    codes = [department["code"] for department in departments]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,29}", code) for code in codes), codes
    names = [department["name"] for department in departments]
    assert len(names) == len(set(names))
    assert all(set(d) == {"code", "name", "kind"} for d in departments)
    assert {d["kind"] for d in departments} == {"department", "town", "street"}
    assert {"code": "science", "name": "区科委", "kind": "department"} in departments


def test_assignments_cover_each_task_once(assignments, departments, tongzhou):
    codes = {department["code"] for department in departments}
    tasks = [task.number for section in tongzhou.sections for task in section.tasks]
    assigned = [row["task"] for row in assignments["tasks"]]
    assert sorted(assigned) == tasks == list(range(1, 21))
    for row in assignments["tasks"]:
        assert set(row) == {"task", "lead", "cooperating"}
        assert row["lead"], row
        assert set(row["lead"]) <= codes, row
        assert set(row["cooperating"]) <= codes, row
        assert not set(row["lead"]) & set(row["cooperating"]), row


def test_assignments_cover_each_indicator_once(assignments, departments, tongzhou):
    codes = {department["code"] for department in departments}
    indicators = [target.indicator for target in tongzhou.all_targets()]
    assigned = [row["indicator"] for row in assignments["indicators"]]
    assert sorted(assigned) == sorted(indicators)
    assert len(assigned) == 18
    for row in assignments["indicators"]:
        assert set(row) == {"indicator", "department", "definition"}
        assert row["department"] in codes, row
        assert isinstance(row["definition"], str) and len(row["definition"]) > 20, row
        assert " " not in row["definition"], "a folded line break left a space in Chinese text"
