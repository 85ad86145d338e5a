"""The rules that read a plan document's text (plans/ingest): numerals, targets, header,
structure. One test (or a few) per rule. No Django."""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from innoplan.plans.ingest.chinese_numbers import read_chinese_integer, read_number
from innoplan.plans.ingest.parser import parse_plan_text
from innoplan.plans.ingest.targets import (
    find_targets,
    indicator_name,
    table_columns,
    table_target,
)


def only(line: str, year: int | None = 2027):
    targets, leftovers = find_targets(line, year=year)
    assert len(targets) == 1, (targets, leftovers)
    return targets[0]


# --- numerals ---------------------------------------------------------------------------------


def test_it_reads_chinese_numerals_with_units_of_ten_hundred_thousand():
    assert read_chinese_integer("三十") == 30
    assert read_chinese_integer("两千") == 2000
    assert read_chinese_integer("一万五千") == 15000
    assert read_chinese_integer("十二") == 12
    assert read_chinese_integer("一百零五") == 105
    assert read_chinese_integer("三十亿") == 3_000_000_000


def test_it_reads_a_bare_run_of_chinese_digits_digit_by_digit():
    assert read_chinese_integer("二〇二四") == 2024


def test_it_reads_arabic_decimals_full_width_digits_and_multipliers():
    assert read_number("3.5") == Decimal("3.5")
    assert read_number("１５００") == 1500
    assert read_number("1,500") == 1500
    assert read_number("1.5万") == 15000
    assert read_number("一批") is None


_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    """A reference writer of Chinese numerals, for the round-trip property."""
    if n == 0:
        return "零"
    parts = []
    for unit_value, unit in ((100_000_000, "亿"), (10_000, "万"), (1, "")):
        chunk, n = divmod(n, unit_value)
        if chunk:
            text = ""
            zero = False
            for place_value, place in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
                digit, chunk = divmod(chunk, place_value)
                if digit:
                    text += ("零" if zero and text else "") + _DIGITS[digit] + place
                    zero = False
                else:
                    zero = True
            parts.append(text + unit)
        elif parts:
            parts.append("零")
    return "".join(parts).rstrip("零")


@given(st.integers(min_value=1, max_value=999_999_999_999))
def test_any_written_chinese_numeral_reads_back_as_its_number(n):
    assert read_chinese_integer(_chinese(n)) == n


def test_a_chinese_decimal_reads_its_digits_after_dian_one_by_one():
    assert read_number("三点五") == Decimal("3.5")
    assert read_number("十二点零五") == Decimal("12.05")
    assert read_number("点五") is None
    assert read_number("三点") is None


@given(
    st.integers(min_value=1, max_value=99_999),
    st.text(alphabet="0123456789", min_size=1, max_size=4),
)
def test_any_written_chinese_decimal_reads_back_as_its_number(whole, fraction):
    written = _chinese(whole) + "点" + "".join(_DIGITS[int(d)] for d in fraction)
    assert read_number(written) == Decimal(f"{whole}.{fraction}")


# --- quantities and units ------------------------------------------------------------------------


def test_money_is_kept_in_yuan_with_the_plans_display_unit():
    target = only("总规模达到30亿元")
    assert (target.value, target.unit, target.display_unit) == (3_000_000_000, "元", "亿元")


def test_chinese_numerals_in_a_target_are_read_with_their_multiplier():
    target = only("子基金规模达到三十亿元")
    assert (target.value, target.unit, target.display_unit) == (3_000_000_000, "元", "亿元")
    assert only("科技企业达到两千家").value == 2000
    assert only("科技企业达到一万五千家").value == 15000


def test_a_multiplier_the_dashboard_cannot_show_is_folded_into_the_value():
    target = only("科技型中小企业达到1.5万家")
    assert (target.value, target.unit, target.display_unit) == (15000, "家", "家")


def test_a_percentage_keeps_its_decimal_exactly():
    target = only("研发投入强度达到3.5%")
    assert target.value == Decimal("3.5")
    assert (target.unit, target.display_unit, target.indicator) == ("%", "%", "研发投入强度")


def test_a_percentage_written_baifenzhi_is_read_in_percent():
    target = only("研发经费投入强度达到百分之三点五")
    assert (target.value, target.unit, target.display_unit) == (Decimal("3.5"), "%", "%")
    assert target.indicator == "研发经费投入强度"
    assert target.text == "研发经费投入强度达到百分之三点五"
    target = only("研发机构覆盖率不低于百分之四十")
    assert (target.value, target.comparator) == (40, ">=")


def test_a_cap_on_a_grant_is_left_over_not_a_target():
    targets, leftovers = find_targets("单个企业每年最高补助二百万元。")
    assert targets == []
    assert leftovers[0].text == "二百万元"
    assert "cap" in leftovers[0].why
    assert find_targets("每个项目资助不超过50万元")[0] == []


def test_a_range_takes_its_lower_bound_at_least_and_is_marked_unsure():
    target = only("新型研发机构达到10—15家")
    assert (target.value, target.comparator) == (10, ">=")
    assert any("range" in doubt for doubt in target.doubts)


def test_a_lone_one_is_never_a_quantity():
    assert find_targets("培育一批科技领军企业，打造一个平台") == ([], [])


# --- comparators -----------------------------------------------------------------------------


def test_each_verb_or_qualifier_implies_its_comparator():
    cases = {
        "创新伙伴达32家": ">=",
        "科普基地达到32个": ">=",
        "高新技术企业突破1500家": ">",
        "运河英才超过800名": ">",
        "产业园区达到10个以上": ">=",
        "孵化器20个左右": "~",
        "研发投入不低于3亿元": ">=",
        "专利不少于100件": ">=",
    }
    for text, comparator in cases.items():
        assert only(text).comparator == comparator, text


def test_a_target_with_no_comparator_word_is_at_least_and_unsure():
    target = only("每年新增“专精特新”中小企业50家")
    assert target.comparator == ">="
    assert target.doubts


def test_an_upper_bound_is_left_unplaced_not_guessed():
    targets, leftovers = find_targets("能耗控制在5%以内")
    assert targets == []
    assert leftovers[0].text == "5%以内"


# --- annual flows and years ------------------------------------------------------------------


def test_an_annual_flow_drops_each_year_but_keeps_new():
    target = only("每年新增“专精特新”中小企业50家")
    assert target.annual is True
    assert target.indicator == "新增“专精特新”中小企业"
    assert target.text == "每年新增“专精特新”中小企业50家"


def test_an_annual_average_is_an_annual_flow():
    target = only("年均新增高新技术企业达到100家")
    assert target.annual is True
    assert target.indicator == "新增高新技术企业"


def test_the_year_comes_from_the_sentence_before_the_callers_year():
    targets, _ = find_targets("到2025年，创新伙伴达20家。", year=2027)
    assert targets[0].year == 2025
    assert targets[0].text == "创新伙伴达20家"
    assert only("创新伙伴达32家", year=2027).year == 2027


# --- splitting and names ---------------------------------------------------------------------


def test_a_year_written_in_chinese_digits_sets_the_year():
    targets, _ = find_targets("到二〇二七年，科技型企业达到两千家。")
    assert (targets[0].year, targets[0].value) == (2027, 2000)


def test_a_task_quota_after_jiancheng_takes_its_own_year_and_the_noun_after_it():
    targets, _ = find_targets("聚焦重点领域，到2025年，建成5个以上中小企业特色产业集群，推动融通。")
    target = targets[0]
    assert (target.indicator, target.comparator, target.value, target.year) == (
        "中小企业特色产业集群",
        ">=",
        5,
        2025,
    )
    assert target.text == "建成5个以上中小企业特色产业集群"


def test_one_sentence_lists_several_targets_split_at_commas():
    line = (
        "领先科技力量不断增强，高新技术企业突破1500家，"
        "每年新增“专精特新”中小企业50家，创新伙伴达32家。"
    )
    targets, _ = find_targets(line, year=2027)
    assert [t.indicator for t in targets] == [
        "高新技术企业",
        "新增“专精特新”中小企业",
        "创新伙伴",
    ]


def test_a_list_comma_after_a_quantity_splits_but_one_inside_a_noun_does_not():
    targets, _ = find_targets("孵化器达到5家、科普基地达到8个", year=2027)
    assert [t.indicator for t in targets] == ["孵化器", "科普基地"]
    assert only("创新孵化、共性技术平台达5家").indicator == "创新孵化、共性技术平台"


def test_the_name_is_the_phrase_after_deng_unless_only_a_total_follows():
    assert (
        only("重点实验室、工程研究中心、企业技术中心等市级及以上创新平台达160家").indicator
        == "市级及以上创新平台"
    )
    assert only("高校院所及分支机构等总量达6家").indicator == "高校院所及分支机构"


def test_strive_words_leave_both_text_and_name():
    target = only("力争政府产业引导基金参与的子基金达到10支")
    assert target.text == "政府产业引导基金参与的子基金达到10支"
    assert target.indicator == "政府产业引导基金参与的子基金"


def test_a_bare_attribute_takes_the_head_noun_of_the_previous_target():
    targets, _ = find_targets("子基金达到10支，总规模达到30亿元", year=2027)
    assert targets[1].indicator == "子基金总规模"
    name, doubts = indicator_name("总规模", "政府产业引导基金参与的子基金")
    assert name == "子基金总规模" and doubts


def test_a_coordinated_modifier_is_shortened_and_marked_unsure():
    target = only("具有一定产业集聚区且特色明显的产业园区达到10个以上")
    assert target.indicator == "特色产业园区"
    assert target.doubts


def test_number_first_quotas_after_a_support_verb_are_named_as_funding():
    line = (
        "每年支持20个左右优秀科技创新团队和50名左右杰出青年科技工作者在北京城市副中心持续创新发展。"
    )
    first, second = find_targets(line, year=2027)[0]
    assert (first.indicator, first.comparator, first.value, first.annual) == (
        "优秀科技创新团队资助",
        "~",
        20,
        True,
    )
    assert first.text == "每年支持20个左右优秀科技创新团队"
    assert (second.indicator, second.unit, second.annual) == ("杰出青年科技工作者资助", "名", True)
    assert second.text == "50名左右杰出青年科技工作者"


def test_a_quantity_inside_a_phrase_without_a_verb_is_left_over():
    targets, leftovers = find_targets("用好“四个一”、服务包等机制")
    assert targets == []
    assert leftovers and leftovers[0].text == "四个"


def test_each_target_knows_its_characters_in_the_line():
    line = "创新生态持续优化。科普基地达到32个。"
    target = only(line)
    assert line[target.start : target.end] == target.text == "科普基地达到32个"


# --- header ----------------------------------------------------------------------------------

HEADER = """\
{banner}
{doc_number}
示范区人民政府
关于印发《示范区科技创新
三年行动计划》的通知
各部门：
示范区人民政府
{date}
示范区科技创新
三年行动计划
一、主要目标
1.创新主体。高新技术企业达到100家。
"""


def header(**values):
    defaults = {
        "banner": "示范区人民政府文件",
        "doc_number": "示政发〔2024〕3号",
        "date": "2024年3月5日",
    }
    return parse_plan_text(HEADER.format(**(defaults | values))).plan["plan"]


def test_the_issuer_is_read_from_the_banner_before_wenjian():
    assert header()["issuer"] == "示范区人民政府"


def test_the_issuer_falls_back_to_the_signature_line_before_the_date():
    assert header(banner="")["issuer"] == "示范区人民政府"


def test_document_numbers_with_square_brackets_are_written_with_hexagonal_ones():
    assert header()["doc_number"] == "示政发〔2024〕3号"
    assert header(doc_number="示政发[2024]3号")["doc_number"] == "示政发〔2024〕3号"
    assert header(doc_number="示政发［2024］3号")["doc_number"] == "示政发〔2024〕3号"


def test_dates_in_chinese_numerals_are_read():
    assert header()["date"] == datetime.date(2024, 3, 5)
    assert header(date="二〇二四年十二月十七日")["date"] == datetime.date(2024, 12, 17)


def test_the_title_is_taken_from_the_notice_wrapper_across_lines():
    assert header()["title"] == "示范区科技创新三年行动计划"


def test_without_a_wrapper_the_standalone_title_lines_are_joined():
    text = "示范区科技创新\n三年行动计划\n一、主要目标\n1.创新主体。企业达到100家。\n"
    assert parse_plan_text(text).plan["plan"]["title"] == "示范区科技创新三年行动计划"


def test_a_year_range_in_the_title_sets_start_and_deadline():
    text = "示范区科技创新行动计划（2023—2025年）\n一、主要目标\n1.主体。企业达到100家。\n"
    plan = parse_plan_text(text).plan["plan"]
    assert (plan["start_year"], plan["deadline_year"]) == (2023, 2025)


def test_missing_header_fields_are_marked_unsure():
    result = parse_plan_text("一、主要目标\n1.主体。企业达到100家。\n")
    assert {"plan.issuer", "plan.doc_number", "plan.date"} <= {u.what for u in result.unsure}


# --- tables -----------------------------------------------------------------------------------

TABLE_HEADER = ["序号", "指标", "单位", "2024年基数", "2027年目标"]


def row(*cells: str):
    columns = table_columns(TABLE_HEADER)
    assert columns is not None
    return table_target(list(cells), columns, "\t".join(cells))


def test_a_table_header_names_the_indicator_unit_and_target_columns_and_the_year():
    columns = table_columns(TABLE_HEADER)
    assert (columns.indicator, columns.unit, columns.value, columns.year) == (1, 2, 4, 2027)
    assert table_columns(["序号", "任务", "责任单位"]) is None


def test_a_table_rows_target_column_gives_value_and_comparator_not_its_base():
    target = row("1", "核心企业", "家", "320", "500")
    assert (target.indicator, target.comparator, target.value, target.unit) == (
        "核心企业",
        ">=",
        500,
        "家",
    )
    assert (target.year, target.annual, target.text) == (2027, False, "1\t核心企业\t家\t320\t500")
    assert row("3", "创新平台", "个", "25", "≥40").comparator == ">="
    assert row("5", "专利授权量", "件", "1500", "3000以上").value == 3000
    assert row("4", "研发投入强度", "%", "4.2", "5左右").comparator == "~"


def test_a_table_unit_with_a_multiplier_keeps_money_in_yuan():
    target = row("2", "产业规模", "亿元", "800", "1200")
    assert (target.value, target.unit, target.display_unit) == (120_000_000_000, "元", "亿元")


def test_a_table_row_without_a_figure_is_not_a_target():
    assert row("6", "产业生态", "—", "—", "持续优化") is None
    assert row("7", "短行") is None


# --- structure -------------------------------------------------------------------------------

BODY = """\
一、总体要求
（一）主要目标
到2026年，全区创新能力显著增强。
1.主体集聚：高新技术企业达到800家，新型研发机构达到12家。
2.平台提升。市级平台超过40个。
二、重点任务
（一）集聚主体
1.培育企业。完善梯度培育体系。每年支持30个左右创新团队。
2.引进机构。引进高水平研发机构。
（二）建设平台
3.建设平台。推进平台建设。
三、保障措施
（一）加强组织领导
建立推进机制。
（2） 加大政策支持
持续加大财政投入。
四、附则
本方案自印发之日起施行。
"""


def test_goal_groups_are_the_lead_phrases_of_numbered_goal_paragraphs():
    plan = parse_plan_text(BODY).plan
    assert [g["name"] for g in plan["goal_groups"]] == ["主体集聚", "平台提升"]
    assert [t["indicator"] for t in plan["goal_groups"][0]["targets"]] == [
        "高新技术企业",
        "新型研发机构",
    ]
    assert plan["goal_groups"][0]["targets"][0]["year"] == 2026


def test_tasks_are_numbered_within_sections_and_titled_by_their_first_sentence():
    plan = parse_plan_text(BODY).plan
    assert [s["title"] for s in plan["sections"]] == ["集聚主体", "建设平台"]
    assert [(t["number"], t["title"]) for t in plan["sections"][0]["tasks"]] == [
        (1, "培育企业"),
        (2, "引进机构"),
    ]
    assert plan["sections"][1]["tasks"][0]["number"] == 3


def test_a_tasks_quotas_belong_to_the_task_and_take_the_deadline_year():
    plan = parse_plan_text(BODY).plan
    quota = plan["sections"][0]["tasks"][0]["targets"][0]
    assert quota["indicator"] == "创新团队资助"
    assert (quota["year"], quota["annual"], quota["comparator"]) == (2026, True, "~")


def test_measures_accept_irregular_numbering_and_say_so():
    result = parse_plan_text(BODY)
    assert result.plan["measures"] == [{"title": "加强组织领导"}, {"title": "加大政策支持"}]
    assert [(u.what, u.path) for u in result.unsure if u.path] == [
        ("measure （2）加大政策支持", "measures[1]")
    ]


def test_a_chapter_it_does_not_know_is_kept_in_unplaced():
    result = parse_plan_text(BODY)
    texts = [u.text for u in result.unplaced]
    assert "四、附则" in texts and "本方案自印发之日起施行。" in texts


def test_numbered_measures_are_titled_by_their_first_sentence():
    text = "三、保障措施\n1.加强组织领导。建立机制。\n2.强化考核。纳入考核。\n"
    assert parse_plan_text(text).plan["measures"] == [
        {"title": "加强组织领导"},
        {"title": "强化考核"},
    ]


def test_a_goal_paragraph_without_numbered_groups_is_grouped_under_its_heading():
    text = "一、总体目标\n到2027年，体系更加完善。技术经理人超过5000名，中试基地达到30个。\n"
    plan = parse_plan_text(text).plan
    assert [g["name"] for g in plan["goal_groups"]] == ["总体目标"]
    assert [t["indicator"] for t in plan["goal_groups"][0]["targets"]] == ["技术经理人", "中试基地"]
    assert plan["goal_groups"][0]["targets"][0]["year"] == 2027


def test_a_goal_section_without_numbered_groups_is_named_after_the_section():
    text = "一、总体要求\n（一）指导思想\n坚持创新。\n（二）主要目标\n到2027年，病房达到8个。\n"
    plan = parse_plan_text(text).plan
    assert [(g["name"], len(g["targets"])) for g in plan["goal_groups"]] == [("主要目标", 1)]


def test_a_goal_heading_without_targets_makes_no_group():
    text = (
        "一、主要目标\n到2027年，创新能力显著提升。\n二、重点任务\n（一）平台\n1.建设平台。推进。\n"
    )
    assert parse_plan_text(text).plan["goal_groups"] == []


def test_a_target_table_under_a_goal_heading_gives_the_groups_targets():
    text = (
        "一、主要目标\n到2027年，主要指标如下表所示。\n"
        + "\t".join(TABLE_HEADER)
        + "\n1\t核心企业\t家\t320\t500\n2\t产业规模\t亿元\t800\t1200\n"
        + "注：表中目标值为2027年底应达到的数值。\n"
    )
    result = parse_plan_text(text)
    targets = result.plan["goal_groups"][0]["targets"]
    assert [(t["indicator"], t["value"], t["year"]) for t in targets] == [
        ("核心企业", 500, 2027),
        ("产业规模", 120_000_000_000, 2027),
    ]
    lines = text.split("\n")
    for source in result.sources:
        assert lines[source.line - 1][source.start : source.end] == source.text


def test_a_chapter_of_key_actions_holds_tasks():
    text = "二、重点行动\n（一）梯度培育行动\n1.建立培育库。实行动态管理。\n"
    plan = parse_plan_text(text).plan
    assert plan["sections"] == [
        {"title": "梯度培育行动", "tasks": [{"number": 1, "title": "建立培育库", "targets": []}]}
    ]


def test_of_joint_issuers_signing_above_the_date_the_first_is_the_issuer():
    text = (
        "示范区科学技术委员会\n示范区经济和信息化局\n\n示科发〔2024〕31号\n\n"
        "示范区科学技术委员会\n示范区经济和信息化局\n2024年9月20日\n\n"
        "示范区行动方案（2024—2026年）\n一、工作目标\n到2026年，企业突破60家。\n"
    )
    plan = parse_plan_text(text).plan
    assert plan["plan"]["issuer"] == "示范区科学技术委员会"
    assert plan["goal_groups"][0]["name"] == "工作目标"
