"""`innoplan workdays load | add | show`. The schedules loaded here are for 2031 and made up."""

from __future__ import annotations

import io
import json
import textwrap
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.utils import translation

from innoplan.core.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

SCHEDULE = """\
year: 2031
notice: 测试用，虚构
holidays:
  - name: 测试假期
    from: 2031-03-03
    to: 2031-03-05
  - name: 单日假期
    from: 2031-06-02
workdays:
  - date: 2031-03-08
    name: 测试调休
  - date: 2031-06-07
"""


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with translation.override("zh-hans"):
        call_command("workdays", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, text, name="2031.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


def office_data():
    return sorted(CalendarDay.objects.values_list("date", "is_workday", "name")), list(
        CalendarYear.objects.values_list("year", "notice")
    )


# --- load -------------------------------------------------------------------------------------


def test_it_loads_a_schedule_and_a_second_load_changes_nothing(tmp_path, plan_owner):
    path = write(tmp_path, SCHEDULE)
    out, _ = run("load", path, "--actor", plan_owner.username)
    assert out.strip() == "2031：新增6天，修改0天，删除0天"
    assert CalendarYear.objects.get().notice == "测试用，虚构"
    days = {d.date: (d.is_workday, d.name) for d in CalendarDay.objects.all()}
    assert days[date(2031, 3, 4)] == (False, "测试假期")
    assert days[date(2031, 6, 2)] == (False, "单日假期")
    assert days[date(2031, 3, 8)] == (True, "测试调休")
    assert days[date(2031, 6, 7)] == (True, "")
    entries = LogEntry.objects.filter(content_type__app_label="core")
    assert entries.count() == 7  # the year and its six days
    assert {entry.actor for entry in entries} == {plan_owner}

    before = office_data()
    out, _ = run("load", path)
    assert out.strip() == "2031：无变化"
    assert office_data() == before
    assert LogEntry.objects.filter(content_type__app_label="core").count() == 7


def test_a_corrected_file_replaces_the_years_office_data(tmp_path):
    run("load", write(tmp_path, SCHEDULE))
    corrected = SCHEDULE.replace("to: 2031-03-05", "to: 2031-03-04").replace("测试调休", "调休上班")
    out, _ = run("load", write(tmp_path, corrected, "corrected.yaml"))
    assert out.strip() == "2031：新增0天，修改1天，删除1天"
    assert not CalendarDay.objects.filter(date=date(2031, 3, 5)).exists()
    assert CalendarDay.objects.get(date=date(2031, 3, 8)).name == "调休上班"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("from: 2031-06-02", "from: 2031-02-30"),
            "8: holidays[2] (单日假期).from: 2031-02-30不是日期",
        ),
        (
            ("to: 2031-03-05", "to: 2031-03-01"),
            "6: holidays[1] (测试假期): 区间结束日2031-03-01早于开始日",
        ),
        (
            ("date: 2031-06-07", "date: 2031-03-04"),
            "12: workdays[2]: 2031-03-04既是假日又是工作日（第4行）",
        ),
        (
            ("from: 2031-06-02", "from: 2032-06-02"),
            "8: holidays[2] (单日假期).from: 2032-06-02不在文件所属年份2031年内",
        ),
        (("year: 2031", "year: 二〇三一"), "1: year: 应为年份（如2027），而不是二〇三一"),
        (("  - name: 单日假期\n", "  - name: 单日假期\n    until: 2031-06-03\n"), "未知的键until"),
    ],
)
def test_a_bad_file_names_the_entry_and_changes_nothing(tmp_path, change, message):
    run("load", write(tmp_path, SCHEDULE))
    before = office_data()
    path = write(tmp_path, SCHEDULE.replace(*change), "bad.yaml")
    with pytest.raises(CommandError) as raised:
        run("load", path)
    assert "未载入" in str(raised.value)
    assert message in str(raised.value)
    assert office_data() == before


def test_a_file_that_lists_no_day_is_refused(tmp_path):
    path = write(tmp_path, "year: 2031\nholidays: []\n")
    with pytest.raises(CommandError, match="没有列出任何日期"):
        run("load", path)
    assert not CalendarYear.objects.exists()


def test_a_missing_file_is_refused_by_name(tmp_path):
    with pytest.raises(CommandError, match=r"missing\.yaml"):
        run("load", str(tmp_path / "missing.yaml"))


# --- add --------------------------------------------------------------------------------------


def test_add_prints_the_date_in_iso_form():
    out, err = run("add", "2026-09-30", "1")
    assert (out, err) == ("2026-10-08\n", "")


def test_add_warns_in_chinese_when_a_year_it_counts_through_is_not_known():
    out, err = run("add", "2026-12-31", "2")
    assert out == "2027-01-04\n"
    assert err.strip() == "2027年节假日安排尚未载入，已按周一至周五为工作日计算。"


def test_add_in_json_says_what_it_counted_and_what_it_passed():
    out, _ = run("add", "2026-09-30", "3", "--format", "json")
    assert "国庆节" in out
    answer = json.loads(out)
    assert answer["from"] == "2026-09-30"
    assert answer["workdays"] == 3
    assert answer["date"] == "2026-10-10"
    assert answer["calendar_known"] is True
    assert answer["unknown_years"] == []
    assert [d["date"] for d in answer["holidays"]] == [f"2026-10-0{i}" for i in range(1, 8)]
    assert answer["adjusted_workdays"] == [
        {"date": "2026-10-10", "name": "国庆节", "source": "package"}
    ]


def test_add_in_json_marks_an_unknown_year():
    answer = json.loads(run("add", "2026-12-31", "2", "--format", "json")[0])
    assert answer["calendar_known"] is False
    assert answer["unknown_years"] == [2027]
    assert "2027年节假日安排尚未载入" in answer["warning"]


def test_add_refuses_a_bad_date_or_count():
    with pytest.raises(CommandError, match="2026-02-30"):
        run("add", "2026-02-30", "1")
    with pytest.raises(CommandError, match="-1"):
        run("add", "2026-10-08", "-1")


# --- show -------------------------------------------------------------------------------------


def test_show_lists_the_packages_holidays_and_adjusted_working_days():
    out, err = run("show", "2026")
    assert err == ""
    assert "2026-10-01 – 2026-10-07  放假  国庆节  (法定节假日历（chinesecalendar）)" in out
    assert "2026-10-10" + " " * 15 + "调休上班  国庆节  (法定节假日历（chinesecalendar）)" in out


def test_show_names_the_office_data_where_it_overrides(tmp_path):
    path = write(
        tmp_path,
        """\
        year: 2026
        notice: 更正
        holidays:
          - name: 国庆节（延长）
            from: 2026-10-08
        """,
    )
    run("load", path)
    out, _ = run("show", "2026")
    assert "已载入平台录入的安排（更正），其日期优先。" in out
    assert "2026-10-08" + " " * 15 + "放假  国庆节（延长）  (平台录入)" in out


def test_show_of_an_unknown_year_warns_and_lists_nothing():
    out, err = run("show", "2027")
    assert out.strip() == "2027年节假日与调休上班"
    assert "2027年节假日安排尚未载入" in err
