"""Register imports from real .xlsx and .csv files: the check, all rows or none, re-imports
that change nothing, every kind of row error with its row and column, hostile files, the
templates and ``innoplan import``."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook

from innoplan.imports.services import import_apply, import_check, import_template
from innoplan.metrics.models import MetricSnapshot
from innoplan.registry.models import (
    Fund,
    Organisation,
    Patent,
    Qualification,
    Talent,
    TalentRecognition,
    Team,
)
from innoplan.registry.registers import IMPORTED
from innoplan.tabular.report import ImportFileError
from innoplan.tabular.rows import read_upload
from tests.registry.builders import (
    application_number,
    credit_code,
    id_number,
    make_organisation,
    with_wrong_check_character,
)
from tests.spreadsheets import ORG_HEADERS, xlsx

pytestmark = pytest.mark.django_db


def csv_bytes(headers, rows, encoding="utf-8") -> bytes:
    lines = [",".join(headers)] + [",".join(str(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def table(headers, rows, kind="xlsx", encoding="utf-8"):
    if kind == "xlsx":
        return read_upload(xlsx(headers, rows), "data.xlsx")
    return read_upload(csv_bytes(headers, rows, encoding), "data.csv")


def org_row(
    code=None,
    name="北京智云科技有限公司",
    kind="企业",
    industry="数字经济",
    town="宋庄镇",
    settled="2020-01-01",
):
    return [code or credit_code(), name, kind, industry, town, settled]


def errors_of(report):
    return {(r.row, e.column, e.message) for r in report.rows for e in r.errors}


def only_error(report):
    assert len(errors_of(report)) == 1, errors_of(report)
    [(row, column, message)] = errors_of(report)
    return row, column, message


# --- the check and the apply ---------------------------------------------------------------


def test_the_check_says_what_each_row_would_do_and_writes_nothing(town, plan_owner):
    existing = make_organisation("北京旧名科技有限公司", town=town)
    rows = [org_row(), org_row(existing.credit_code, name="北京新名科技有限公司")]
    report = import_check("organisations", table(ORG_HEADERS, rows), actor=plan_owner)
    assert [(r.row, r.outcome) for r in report.rows] == [(2, "new"), (3, "update")]
    assert Organisation.objects.count() == 1
    assert Organisation.objects.get().name == "北京旧名科技有限公司"
    assert not report.applied


def test_apply_writes_every_row_audited_under_the_steward(town, plan_owner):
    rows = [org_row(name="北京甲科技有限公司"), org_row(name="北京乙科技有限公司")]
    report = import_apply("organisations", table(ORG_HEADERS, rows), actor=plan_owner)
    assert report.applied and report.counts()["new"] == 2
    organisation = Organisation.objects.get(name="北京甲科技有限公司")
    assert organisation.town == town
    assert organisation.industry == "digital_economy"
    assert organisation.valid_from == date(2020, 1, 1)
    assert organisation.name_initials == "bjjkjyxgs"
    entry = LogEntry.objects.get_for_object(organisation).get()
    assert entry.actor == plan_owner


def test_reimporting_the_same_file_changes_nothing(town):
    data = table(ORG_HEADERS, [org_row(), org_row(name="北京乙科技有限公司")])
    import_apply("organisations", data)
    entries = LogEntry.objects.count()
    updated = list(Organisation.objects.values_list("updated", flat=True))
    again = import_apply("organisations", data)
    assert again.counts() == {"new": 0, "update": 0, "unchanged": 2, "error": 0}
    assert LogEntry.objects.count() == entries
    assert list(Organisation.objects.values_list("updated", flat=True)) == updated


def test_one_bad_row_means_nothing_is_written(town):
    rows = [org_row(), org_row(town="不存在镇"), org_row()]
    report = import_apply("organisations", table(ORG_HEADERS, rows))
    assert not report.applied and report.has_errors
    assert [r.outcome for r in report.rows] == ["new", "error", "new"]
    assert Organisation.objects.count() == 0


def test_an_import_drops_the_metric_snapshots_once_it_is_applied(
    town, django_capture_on_commit_callbacks
):
    MetricSnapshot.objects.create(
        metric_key="research_institutions", as_of=date(2024, 1, 31), value=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        import_check("organisations", table(ORG_HEADERS, [org_row()]))
    assert MetricSnapshot.objects.count() == 1  # a check changes nothing
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_apply("organisations", table(ORG_HEADERS, [org_row()]))
    assert len(callbacks) == 1  # once for the file, not once per row
    assert MetricSnapshot.objects.count() == 0


def test_only_stewards_import(town, reporter_a):
    with pytest.raises(PermissionDenied):
        import_check("organisations", table(ORG_HEADERS, [org_row()]), actor=reporter_a)


# --- each error, by row and column ------------------------------------------------------------


@pytest.mark.usefixtures("town", "english")
@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (org_row(code="91110112MA01ABC"), "统一社会信用代码", "has 15 characters"),
        (org_row(code="9111011IMA01ABCD5K"), "统一社会信用代码", "not allowed"),
        (org_row(town="火星镇"), "所在镇街", "no town or street “火星镇” in the registry"),
        (org_row(kind="公司"), "机构类型", "“公司” is not one of"),
        (org_row(settled="2020-13-01"), "入驻日期", "“2020-13-01” is not a date"),
        (org_row(name=""), "名称", "is required"),
    ],
)
def test_a_row_error_names_the_row_the_column_and_the_reason(row, column, message):
    rows = [org_row(), row]
    report = import_check("organisations", table(ORG_HEADERS, rows))
    found_row, found_column, found = only_error(report)
    assert (found_row, found_column) == (3, column)
    assert message in found


def test_a_date_in_the_future_is_refused(town, english):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    report = import_check("organisations", table(ORG_HEADERS, [org_row(settled=tomorrow)]))
    assert only_error(report) == (2, "入驻日期", f"{tomorrow} is in the future")


def test_a_row_repeating_an_earlier_one_is_an_error(town, english):
    code = credit_code()
    rows = [org_row(code), org_row(), org_row(code, name="北京重复科技有限公司")]
    report = import_check("organisations", table(ORG_HEADERS, rows))
    row, column, message = only_error(report)
    assert (row, column) == (4, "统一社会信用代码")
    assert "row 2" in message


def test_an_empty_industry_is_other_as_the_template_says(town):
    row = org_row(industry="")
    report = import_apply("organisations", table(ORG_HEADERS, [row]))
    assert report.applied, report.as_json()
    assert Organisation.objects.get().industry == "other"


def test_a_patent_keeps_the_name_of_its_award(town):
    owner = make_organisation("北京获奖科技有限公司")
    headers = ["申请号", "专利名称", "专利类型", "申请日", "授权日", "专利权人统一社会信用代码"]
    headers += ["获国家科学技术奖或中国专利奖", "所获奖项"]
    number = application_number(2019)
    row = [number, "一种获奖方法", "发明", "2019-03-01", "2021-05-10", owner.credit_code]
    row += ["是", "第二十五届中国专利金奖"]
    assert import_apply("patents", table(headers, [row])).applied
    assert Patent.objects.get().award_name == "第二十五届中国专利金奖"


def test_a_wrong_check_character_alone_is_a_warning_and_imports_once_checked(town, english):
    code = with_wrong_check_character(credit_code())
    with pytest.raises(ValidationError, match="1 row"):
        import_apply("organisations", table(ORG_HEADERS, [org_row(code)]))
    assert not Organisation.objects.exists()  # not without the steward's word
    report = import_apply(
        "organisations", table(ORG_HEADERS, [org_row(code)]), warnings_checked=True
    )
    assert report.applied
    [row] = report.rows
    assert row.outcome == "new" and not row.errors
    assert [w.column for w in row.warnings] == ["统一社会信用代码"]
    assert "check character" in row.warnings[0].message
    organisation = Organisation.objects.get()
    assert organisation.credit_code_confirmed and organisation.credit_code_warning


def test_an_identifier_saved_as_a_number_is_refused(town, english):
    rows = [
        [911101120000000000, "北京数字科技有限公司", "企业", "数字经济", "宋庄镇", "2020-01-01"]
    ]
    _row, column, message = only_error(import_check("organisations", table(ORG_HEADERS, rows)))
    assert column == "统一社会信用代码" and "saved as a number" in message


def test_a_missing_required_column_refuses_the_file(english):
    with pytest.raises(ImportFileError, match="统一社会信用代码"):
        import_check("organisations", table(["名称"], [["北京甲科技有限公司"]]))


def test_unknown_columns_are_reported_and_not_read(town, english):
    report = import_check("organisations", table([*ORG_HEADERS, "备注"], [[*org_row(), "x"]]))
    assert report.rows[0].outcome == "new"
    assert "备注" in report.warnings[0]


def test_empty_lines_are_skipped_and_rows_keep_their_numbers(town, english):
    rows = [org_row(), ["", "", "", "", "", ""], org_row(town="火星镇")]
    report = import_check("organisations", table(ORG_HEADERS, rows))
    assert [(r.row, r.outcome) for r in report.rows] == [(2, "new"), (4, "error")]


# --- file formats and hostile files -----------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_or_gbk_is_read(town, encoding):
    data = table(ORG_HEADERS, [org_row(name="北京通运科技有限公司")], "csv", encoding)
    import_apply("organisations", data)
    assert Organisation.objects.get().name == "北京通运科技有限公司"


def test_dates_typed_in_the_usual_ways_and_date_cells_are_read(town):
    rows = [
        org_row(settled="2021/3/5"),
        org_row(settled="2021年3月5日"),
        org_row(settled=date(2021, 3, 5)),
        org_row(settled="20210305"),
    ]
    import_apply("organisations", table(ORG_HEADERS, rows))
    assert set(Organisation.objects.values_list("valid_from", flat=True)) == {date(2021, 3, 5)}


def _with_cached_formula_values(data: bytes, cached: dict[str, str]) -> bytes:
    """The workbook as Excel saves it: each formula cell with its last computed value."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                for cell, value in cached.items():
                    text = re.sub(
                        rf'<c r="{cell}"><f>(.*?)</f>(?:<v\s*/>|<v></v>)',
                        rf'<c r="{cell}" t="str"><f>\1</f><v>{value}</v>',
                        text,
                    )
                content = text.encode()
            target.writestr(item, content)
    return out.getvalue()


def test_formulas_are_never_run_their_saved_values_are_read(town):
    code = credit_code()
    row = org_row(code)
    row[1] = '=HYPERLINK("http://evil.example","北京公式科技有限公司")'
    data = _with_cached_formula_values(xlsx(ORG_HEADERS, [row]), {"B2": "北京公式科技有限公司"})
    import_apply("organisations", read_upload(data, "formula.xlsx"))
    assert Organisation.objects.get().name == "北京公式科技有限公司"


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t>'
    b"</si></sst>"
)


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.7 not a sheet\x00\x01", "report.pdf", "not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", "old-style .xls"),
        (b"just some words", "notes.docx", "upload an .xlsx or .csv"),
        (b"PK\x03\x04 broken", "broken.xlsx", "damaged"),
        (
            _zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<T/>"}),
            "a.xlsx",
            "not an Excel workbook",
        ),
        (b"", "empty.csv", "empty"),
        (b"\xff\xfe\xfa\xfb\x80", "bad.csv", "neither UTF-8 nor GBK"),
    ],
)
def test_what_is_not_a_spreadsheet_is_refused_with_a_reason(data, name, message):
    with pytest.raises(ImportFileError, match=re.escape(message)):
        read_upload(data, name)


def test_an_xml_bomb_is_refused_before_it_is_parsed(english):
    good = zipfile.ZipFile(io.BytesIO(xlsx(ORG_HEADERS, [org_row()])))
    parts = {name: good.read(name) for name in good.namelist()}
    parts["xl/sharedStrings.xml"] = BOMB
    with pytest.raises(ImportFileError, match="XML entities"):
        read_upload(_zip(parts), "bomb.xlsx")


def test_a_zip_bomb_is_refused(english):
    good = zipfile.ZipFile(io.BytesIO(xlsx(ORG_HEADERS, [org_row()])))
    parts = {name: good.read(name) for name in good.namelist()}
    parts["xl/media/padding.bin"] = b"\x00" * (120 * 1024 * 1024)
    with pytest.raises(ImportFileError, match="implausible size"):
        read_upload(_zip(parts), "zipbomb.xlsx")


@override_settings(INNOPLAN_IMPORT_MAX_BYTES=2048)
def test_a_file_over_the_limit_is_refused(english):
    with pytest.raises(ImportFileError, match="the limit is"):
        read_upload(csv_bytes(ORG_HEADERS, [org_row() for _ in range(40)]), "big.csv")


def test_a_sheet_with_headers_only_is_refused(english):
    with pytest.raises(ImportFileError, match="no rows"):
        import_check("organisations", table(ORG_HEADERS, []))


# --- other registers --------------------------------------------------------------------------


def test_qualifications_take_their_expiry_from_the_rule_and_match_on_reimport(town):
    organisation = make_organisation("北京高企科技有限公司")
    headers = ["统一社会信用代码", "资质类型", "证书编号", "发证日期"]
    rows = [[organisation.credit_code, "高新技术企业", "GR202411000001", "2024-12-02"]]
    import_apply("qualifications", table(headers, rows))
    qualification = Qualification.objects.get()
    assert qualification.valid_to == date(2027, 12, 2)
    assert import_apply("qualifications", table(headers, rows)).counts()["unchanged"] == 1


def test_a_qualification_of_an_unknown_organisation_names_the_code(english):
    code = credit_code()
    headers = ["统一社会信用代码", "资质类型", "发证日期"]
    report = import_check("qualifications", table(headers, [[code, "高新技术企业", "2024-12-02"]]))
    _row, column, message = only_error(report)
    assert column == "统一社会信用代码" and code in message


def test_patents_with_their_owners_and_a_bad_check_digit(english):
    first, second = make_organisation("北京甲科技有限公司"), make_organisation("北京乙科技有限公司")
    number = application_number(2020)
    bad = number[:-1] + ("0" if number[-1] != "0" else "1")
    headers = [
        "申请号",
        "专利名称",
        "专利类型",
        "申请日",
        "授权日",
        "专利权人统一社会信用代码",
        "战略性新兴产业",
    ]
    rows = [
        [
            number,
            "一种运河调度方法",
            "发明",
            "2020-01-01",
            "2022-01-01",
            f"{first.credit_code}；{second.credit_code}",
            "是",
        ],
        [bad, "一种数据方法", "发明", "2020-01-01", "2022-01-01", first.credit_code, "否"],
    ]
    report = import_check("patents", table(headers, rows))
    assert only_error(report)[:2] == (3, "申请号")
    import_apply("patents", table(headers, rows[:1]))
    patent = Patent.objects.get()
    assert set(patent.owners.all()) == {first, second} and patent.strategic_emerging_industry
    assert import_apply("patents", table(headers, rows[:1])).counts()["unchanged"] == 1
    rows[0][5] = first.credit_code
    assert import_apply("patents", table(headers, rows[:1])).counts()["update"] == 1
    assert list(patent.owners.all()) == [first]


def test_talents_are_matched_by_id_number_and_reports_never_show_it(english):
    number = id_number(21)
    headers = ["姓名", "身份证号码", "职务职称"]
    import_apply("talents", table(headers, [["张伟", number, "研究员"]]))
    talent = Talent.objects.get()
    assert talent.id_number() == number
    assert (
        import_apply("talents", table(headers, [["张伟", number, "研究员"]])).counts()["unchanged"]
        == 1
    )
    import_apply("talents", table(headers, [["张伟", number.lower(), "首席科学家"]]))
    assert Talent.objects.get().title == "首席科学家"
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    report = import_check("talents", table(headers, [["李四", wrong, ""]]))
    row, column, message = only_error(report)
    assert column == "身份证号码" and "check character" in message

    recognitions = ["身份证号码", "认定类别", "层次", "认定日期"]
    unknown = id_number(22)
    report = import_check(
        "talent-recognitions",
        table(
            recognitions,
            [
                [number, "运河英才", "领军", "2025-09-10"],
                [unknown, "运河英才", "青年", "2025-09-10"],
            ],
        ),
    )
    row, column, message = only_error(report)
    assert (row, column) == (3, "身份证号码")
    assert unknown not in json.dumps(report.as_json(), ensure_ascii=False)
    assert unknown[:4] + "*" * 10 + unknown[-4:] in message
    import_apply(
        "talent-recognitions", table(recognitions, [[number, "运河英才", "领军", "2025-09-10"]])
    )
    assert TalentRecognition.objects.get().tier == "leading"


def test_teams_with_members_and_funds_with_their_scale(english):
    leader, member = Talent(name="甲"), Talent(name="乙")
    leader.set_id_number(id_number(31))
    member.set_id_number(id_number(32))
    leader.save()
    member.save()
    headers = ["团队名称", "认定年度", "认定日期", "成员身份证号码"]
    import_apply(
        "teams",
        table(
            headers,
            [["智算团队", 2025, "2025-06-30", f"{leader.id_number()}、{member.id_number()}"]],
        ),
    )
    team = Team.objects.get()
    assert list(team.memberships.values_list("talent__name", "is_leader")) == [
        ("甲", True),
        ("乙", False),
    ]

    funds = ["基金名称", "成立日期", "认缴规模（元）"]
    import_apply("funds", table(funds, [["副中心一号子基金", "2024-05-01", "500,000,000"]]))
    fund = Fund.objects.get()
    assert fund.scales.get().amount == Decimal("500000000")
    assert (
        import_apply(
            "funds", table(funds, [["副中心一号子基金", "2024-05-01", 500000000]])
        ).counts()["unchanged"]
        == 1
    )
    amended = ["基金名称", "成立日期", "认缴规模（元）", "规模生效日期"]
    import_apply(
        "funds", table(amended, [["副中心一号子基金", "2024-05-01", 800000000, "2025-01-01"]])
    )
    assert list(fund.scales.values_list("amount", flat=True)) == [
        Decimal("500000000"),
        Decimal("800000000"),
    ]


# --- templates and the command line -----------------------------------------------------------


@pytest.mark.parametrize("register", IMPORTED, ids=lambda r: r.slug)
def test_every_template_has_headers_an_example_row_and_drop_downs(register, town):
    book = load_workbook(io.BytesIO(import_template(register.slug)))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers == register.resource.headers()
    assert any(c.value not in (None, "") for c in sheet[2])
    coded = [c for c in register.resource.template_columns() if c.choices]
    assert len(sheet.data_validations.dataValidation) == len(coded)


def test_the_organisation_template_imports_as_it_is(town):
    data = read_upload(import_template("organisations"), "template.xlsx")
    report = import_check("organisations", data)
    assert [r.outcome for r in report.rows] == ["new"], report.as_json()


def run(*args):
    out = StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=out)
        status = 0
    except SystemExit as exit:
        status = exit.code
    return status, out.getvalue()


def test_the_command_checks_applies_and_prints_json(tmp_path, town):
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(xlsx(ORG_HEADERS, [org_row(), org_row(town="火星镇")]))
    status, out = run("organisations", str(path), "--dry-run", "--format", "json")
    assert status == 1
    data = json.loads(out)
    assert [r["outcome"] for r in data["rows"]] == ["new", "error"]
    assert data["rows"][1]["row"] == 3
    assert data["rows"][1]["errors"][0]["column"] == "所在镇街"
    assert set(data["rows"][0]) == {"row", "outcome", "errors", "warnings"}

    path.write_bytes(xlsx(ORG_HEADERS, [org_row()]))
    assert run("organisations", str(path))[0] == 0
    assert Organisation.objects.count() == 1


def test_the_command_refuses_a_bad_file_with_status_2(tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.7\x00")
    status, out = run("organisations", str(path), "--format", "json")
    assert status == 2 and json.loads(out)["rows"] == []


def test_the_command_writes_a_template(tmp_path):
    path = tmp_path / "patents.xlsx"
    assert run("patents", "--template", str(path))[0] == 0
    assert load_workbook(path).worksheets[0]["A1"].value == "申请号"
