"""The Word reports, built from the supervision scene (2026-09-30, the end of 2026Q3) and
opened again with python-docx: the figures are plan_figures', the overdue milestones are
there with their days late, and the house style holds.

Each test builds its report(s) once and reads several things from it: the scene is what
takes the time."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from datetime import date
from io import BytesIO

import pytest
from django.utils import translation
from docx.oxml.ns import qn

from innoplan.plans.selectors import (
    dashboard_groups,
    plan_figures,
    status_counts,
    task_quota_figures,
)
from innoplan.plans.templatetags.plan_display import status_label
from innoplan.reports import documents, housestyle
from innoplan.reports.documents import day_text, short_day
from innoplan.reports.quarters import Quarter
from tests.reports.conftest import all_text, open_docx, table_rows

pytestmark = pytest.mark.django_db

Q3 = Quarter(2026, 3)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def quarterly_of(plan):
    return open_docx(documents.quarterly_report(plan=plan, quarter=Q3, issued_on=date(2026, 10, 8)))


def circular_of(plan, day):
    return open_docx(
        documents.supervision_circular(plan=plan, as_of=day, issued_on=date(2026, 10, 1))
    )


def test_the_quarterly_report_shows_plan_figures_and_the_quarters_milestones(report_scene, plan):
    document = quarterly_of(plan)

    # The title and date block.
    assert document.paragraphs[0].text == "Progress report, 2026 Q3"
    assert document.paragraphs[0].style.name == "Title"
    assert [p.text for p in document.paragraphs[2:4]] == [
        f"{report_scene.a.name}　{day_text(date(2026, 10, 8))}",
        f"Figures as of {day_text(date(2026, 9, 30))}",
    ]

    # 1. Every target's figure is plan_figures' on the quarter's last day, shown as the
    # dashboard shows it; the fund's in 亿元, the unit the plan states it in.
    figures = plan_figures(plan=plan, as_of=date(2026, 9, 30))
    targets = {row[0]: row[1:] for row in table_rows(document.tables[0])[1:]}
    assert len(figures) >= 16
    for figure in figures:
        assert targets[documents.figure_name(figure)] == [
            documents.figure_current(figure),
            documents.figure_target(figure),
            documents.figure_progress(figure),
            documents.figure_status(figure),
        ]
    fund = targets[report_scene.indicator.name]
    assert fund[0] == "12.34 亿元"
    assert fund[1].startswith(("≥", ">")) and "亿元" in fund[1]
    assert re.fullmatch(r"\d+%", fund[2])

    # 2. Each section's tasks with their milestones counted by state.
    text = all_text(document)
    assert "The key tasks have 7 milestones" in text
    section_tables = document.tables[1 : 1 + plan.sections.count()]
    tasks = {row[0]: row[1:] for table in section_tables for row in table_rows(table)[1:]}
    assert len(tasks) == 20
    by_number = {int(name.split(":")[0].removeprefix("Task ")): row for name, row in tasks.items()}
    # standing, milestones, not started, in progress, done, overdue, done late
    assert by_number[1] == ["In progress", "2", "1", "1", "0", "0", "0"]
    assert by_number[4] == ["Done late", "1", "0", "0", "0", "0", "1"]
    assert by_number[5] == ["Overdue", "1", "0", "0", "0", "1", "0"]
    assert by_number[20][:2] == ["—", "0"]

    # 3. Completed in the quarter, the late one with its days late.
    completed = table_rows(document.tables[-2])[1:]
    assert [(row[1], row[-1]) for row in completed] == [
        (report_scene.done.title, "—"),
        (report_scene.done_late.title, "12"),
    ]

    # 4. Overdue at the quarter's end, worst first, with the date promised in the answer.
    overdue = table_rows(document.tables[-1])[1:]
    assert [(row[1], row[4], row[5]) for row in overdue] == [
        (report_scene.overdue.title, "20", short_day(date(2026, 10, 20))),
        (report_scene.overdue_b.title, "5", "—"),
    ]


def test_the_quarterly_report_counts_16_targets_and_2_task_quotas_as_the_dashboard_does(
    report_scene, plan
):
    """The 作战图 shows 16 targets and, apart, the two annual quotas of task 9: the report
    counts and names them the same way."""
    document = quarterly_of(plan)
    text = all_text(document)
    as_of = date(2026, 9, 30)
    targets = [f for g in dashboard_groups(plan=plan, as_of=as_of) for f in g.figures]
    quotas = task_quota_figures(plan=plan, as_of=as_of)
    assert (len(targets), len(quotas)) == (16, 2)
    assert f"the plan's 16 targets stand as follows: {_standing(targets)}." in text
    assert f"the key tasks set 2 annual quotas: {_standing(quotas)}." in text
    assert "18" not in re.findall(r"\d+", text.split("1. Targets", 1)[1].split("\n", 2)[1])
    rows = table_rows(document.tables[0])
    group_names = [row[0] for row in rows if len(set(row)) == 1]
    assert group_names[-1] == "Annual quotas set by tasks"
    quota_rows = rows[[row[0] for row in rows].index("Annual quotas set by tasks") + 1 :]
    assert [row[0] for row in quota_rows] == [documents.figure_name(f) for f in quotas]


def test_the_quarterly_report_in_chinese_says_16_targets_and_2_task_quotas(report_scene, plan):
    with translation.override("zh-hans"):
        text = all_text(quarterly_of(plan))
    assert "方案16项量化指标完成情况如下" in text
    assert "另有重点任务年度目标2项" in text
    assert "18项" not in text


def _standing(figures) -> str:
    return ", ".join(
        f"{status_label(status)} {count}" for status, count in status_counts(figures) if count
    )


def test_a_report_for_a_quarter_not_yet_ended_says_so_and_takes_its_figures_that_day(
    report_scene, plan
):
    day = date(2026, 11, 5)
    document = open_docx(
        documents.quarterly_report(plan=plan, quarter=Quarter(2026, 4), issued_on=day)
    )
    lines = [p.text for p in document.paragraphs[:6]]
    assert f"The quarter has not ended yet: figures as of {day_text(day)}" in lines
    assert f"Figures as of {day_text(date(2026, 12, 31))}" not in lines
    figures = {documents.figure_name(f): f for f in plan_figures(plan=plan, as_of=day)}
    rows = {row[0]: row[1:] for row in table_rows(document.tables[0])[1:]}
    fund = figures[report_scene.indicator.name]
    assert rows[fund.indicator.name][0] == documents.figure_current(fund)
    assert f"On {day_text(day)}" in all_text(document)
    assert "at the end of the quarter" not in all_text(document)
    with translation.override("zh-hans"):
        chinese = open_docx(
            documents.quarterly_report(plan=plan, quarter=Quarter(2026, 4), issued_on=day)
        )
    assert "本季度尚未结束，数据截至2026年11月5日" in [p.text for p in chinese.paragraphs[:6]]


def test_a_report_for_an_ended_quarter_does_not_say_it_is_running(report_scene, plan):
    lines = [p.text for p in quarterly_of(plan).paragraphs[:6]]
    assert not any("has not ended" in line for line in lines)


def test_the_circular_lists_each_departments_overdue_milestones_with_answers(report_scene, plan):
    document = circular_of(plan, report_scene.day)
    text = all_text(document)
    assert document.paragraphs[0].text == "Supervision circular"
    assert f"On {day_text(report_scene.day)} 2 milestones" in text
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings == [f"（1）{report_scene.a.name}", f"（2）{report_scene.b.name}"]
    a_rows, b_rows = (table_rows(table)[1:] for table in document.tables)
    assert [(row[1], row[3]) for row in a_rows] == [(report_scene.overdue.title, "20")]
    assert "签约主体调整" in a_rows[0][4]
    assert a_rows[0][5] == short_day(date(2026, 10, 20))
    assert [(row[1], row[3], row[4]) for row in b_rows] == [
        (report_scene.overdue_b.title, "5", "Not answered")
    ]
    assert f"{report_scene.a.name}: 1 overdue milestones, the longest 20 days late" in text
    assert f"{report_scene.b.name}: 1 overdue milestones, the longest 5 days late" in text


def test_the_circular_says_so_when_nothing_is_overdue(plan, plan_owner):
    document = circular_of(plan, date(2026, 9, 30))
    assert "no milestone is overdue" in all_text(document)
    assert not document.tables


def test_both_reports_keep_the_house_style(report_scene, plan):
    fonts = housestyle.FONTS
    for document in (quarterly_of(plan), circular_of(plan, report_scene.day)):
        section = document.sections[0]
        assert (round(section.page_width.cm, 2), round(section.page_height.cm, 2)) == (21, 29.7)
        margins = (section.top_margin, section.bottom_margin)
        assert [round(m.cm, 2) for m in margins] == [3.7, 3.5]
        margins = (section.left_margin, section.right_margin)
        assert [round(m.cm, 2) for m in margins] == [2.8, 2.6]
        footer = section.footer._element.xml
        assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", footer)
        assert section.footer.paragraphs[0].text == "— 1 —"
        normal = document.styles["Normal"]
        assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == fonts.body
        assert normal.font.size.pt == 16  # 三号
        title = document.paragraphs[0].runs[0]._r.rPr.rFonts
        assert title.get(qn("w:eastAsia")) == fonts.title
        body_run = next(p for p in document.paragraphs if p.style.name == "Normal" and p.text)
        assert body_run.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == fonts.body
        cell_run = document.tables[0].rows[1].cells[0].paragraphs[0].runs[0]
        assert cell_run._r.rPr.rFonts.get(qn("w:eastAsia")) == fonts.body


def _east_asian(element) -> str | None:
    fonts = element.find(qn("w:rPr"))
    fonts = fonts.find(qn("w:rFonts")) if fonts is not None else None
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def test_the_documents_name_the_gbt_9704_fonts_whatever_this_machine_has(report_scene, plan):
    """仿宋_GB2312 body, 方正小标宋简体 title, 黑体 first-level and 楷体 second-level headings, as
    East Asian font names: a government PC with those fonts renders them. This machine has
    only Noto CJK; nothing in the file names it."""
    data = documents.quarterly_report(plan=plan, quarter=Q3, issued_on=date(2026, 10, 8))
    document = open_docx(data)
    styles = document.styles
    assert _east_asian(styles["Title"].element) == "方正小标宋简体"
    assert _east_asian(styles["Heading 1"].element) == "黑体"
    assert _east_asian(styles["Heading 2"].element) == "楷体"
    assert _east_asian(styles["Normal"].element) == "仿宋_GB2312"
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    assert _east_asian(defaults) == "仿宋_GB2312"

    by_style: dict[str, set] = {}
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            by_style.setdefault(paragraph.style.name, set()).add(_east_asian(run._r))
    assert by_style["Title"] == {"方正小标宋简体"}
    assert by_style["Heading 1"] == {"黑体"}
    assert by_style["Heading 2"] == {"楷体"}
    assert by_style["Normal"] == {"仿宋_GB2312"}
    cells = {
        _east_asian(run._r)
        for table in document.tables
        for row in table.rows
        for cell in row.cells
        for paragraph in cell.paragraphs
        for run in paragraph.runs
    }
    assert cells == {"仿宋_GB2312"}

    with zipfile.ZipFile(BytesIO(data)) as package:
        xml = {
            name: package.read(name).decode("utf-8")
            for name in package.namelist()
            if name.endswith(".xml")
        }
    assert not [name for name, text in xml.items() if "Noto" in text or "Source Han" in text]
    # The font table describes them (GB2312 character set, their other names), so that Word
    # finds a like font where one is missing.
    table = xml["word/fontTable.xml"]
    for name, other in (
        ("方正小标宋简体", "FZXiaoBiaoSong-B05S"),
        ("黑体", "SimHei"),
        ("楷体", "KaiTi"),
        ("仿宋_GB2312", "FangSong_GB2312"),
    ):
        entry = re.search(rf'<w:font w:name="{name}">(.*?)</w:font>', table, re.S)
        assert entry, name
        assert f'<w:altName w:val="{other}"/>' in entry.group(1)
        assert '<w:charset w:val="86"/>' in entry.group(1)


def test_where_the_gbt_9704_fonts_are_missing_fontconfig_falls_back_to_noto_cjk(tmp_path):
    """The server's fontconfig rules (``innoplan report fontconfig``): on this machine, which
    has none of the GB/T 9704 fonts, each falls back to the Noto CJK face of its kind."""
    fc_match = shutil.which("fc-match")
    assert fc_match, "fontconfig is not installed"
    rules = tmp_path / "30-innoplan-gbt9704.conf"
    rules.write_text(housestyle.fontconfig_fallbacks(), encoding="utf-8")
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><include>{rules}</include>"
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include></fontconfig>\n',
        encoding="utf-8",
    )
    environment = os.environ | {"FONTCONFIG_FILE": str(config)}

    def matched(family: str) -> str:
        return subprocess.run(
            [fc_match, "-f", "%{family[0]}", f"{family}:lang=zh-cn"],
            capture_output=True,
            text=True,
            check=True,
            env=environment,
        ).stdout

    assert matched("仿宋_GB2312") == "Noto Serif CJK SC"
    assert matched("方正小标宋简体") == "Noto Serif CJK SC"
    assert matched("楷体") == "Noto Serif CJK SC"
    assert matched("黑体") == "Noto Sans CJK SC"
