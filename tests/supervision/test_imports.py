"""Bulk entry of milestones and projects from the district's Excel template: the check that
writes nothing, errors by row and column, all rows or none, re-imports that change nothing,
the pages (plan owner only, the import jobs every importer has) and ``innoplan
import-milestones``."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from innoplan.audit.models import AuditEvent
from innoplan.imports.models import ImportJob
from innoplan.imports.services import ImportChanged, import_table
from innoplan.supervision.models import Milestone, Project
from innoplan.tabular.report import ImportFileError
from innoplan.tabular.rows import read_upload

pytestmark = pytest.mark.django_db

HEADERS = ["任务编号", "节点名称", "成果形式", "计划完成日期", "牵头单位", "配合单位", "所属项目"]
GOOD_ROWS = [
    [
        3,
        "研发机构签约落地",
        "签约协议",
        date(2026, 12, 31),
        "区科委",
        "区经济和信息化局",
        "新型研发机构落地",
    ],
    [3, "研发机构挂牌运行", "挂牌照片", "2027-06-30", "dept-a", "", "新型研发机构落地"],
    ["5", "中试平台开工", "开工报告", "2027/3/31", "区经济和信息化局", "区科委；dept-b", ""],
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def write_xlsx(tmp_path: Path, rows, headers=HEADERS, name="节点.xlsx") -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    target = tmp_path / name
    book.save(target)
    return target


def table_of(file: Path):
    return read_upload(file.read_bytes(), file.name)


def check(file: Path, actor):
    return import_table(
        importer="milestones", table=table_of(file), apply=False, actor=actor, file_name=file.name
    )


def apply(file: Path, actor, **kwargs):
    return import_table(
        importer="milestones", table=table_of(file), apply=True, actor=actor, **kwargs
    )


def errors_of(report) -> dict[int, list[tuple[str | None, str]]]:
    return {r.row: [(p.column, p.message) for p in r.errors] for r in report.rows if r.errors}


# --- the check and the import ---------------------------------------------------------------


def test_a_good_file_creates_milestones_their_cooperating_departments_and_a_project(
    tmp_path, plan, departments, plan_owner
):
    a, b = departments
    file = write_xlsx(tmp_path, GOOD_ROWS)

    checked = check(file, plan_owner)
    assert [r.outcome for r in checked.rows] == ["new", "new", "new"]
    assert not Milestone.objects.exists()
    assert [(p.column, "新型研发机构落地" in p.message) for p in checked.rows[0].warnings] == [
        ("所属项目", True)
    ]

    report = apply(file, plan_owner, file_name=file.name)
    assert report.applied and report.counts()["new"] == 3
    signed = Milestone.objects.get(title="研发机构签约落地")
    assert signed.task.number == 3 and signed.due_on == date(2026, 12, 31)
    assert signed.lead_department == a and signed.deliverable == "签约协议"
    assert list(signed.cooperating_departments.all()) == [b]
    project = Project.objects.get()
    assert project.name == "新型研发机构落地" and project.lead_department == a
    assert project.task.number == 3
    assert set(project.milestones.values_list("title", flat=True)) == {
        "研发机构签约落地",
        "研发机构挂牌运行",
    }
    pilot = Milestone.objects.get(title="中试平台开工")
    # The lead is not its own co-operator; a code finds a department as its name does.
    assert pilot.lead_department == b and list(pilot.cooperating_departments.all()) == [a]
    assert pilot.due_on == date(2027, 3, 31) and pilot.project is None

    logged = LogEntry.objects.get_for_model(Milestone).filter(action=LogEntry.Action.CREATE)
    assert logged.count() == 3 and {e.actor for e in logged} == {plan_owner}
    assert LogEntry.objects.get_for_model(Project).filter(actor=plan_owner).count() == 1
    event = AuditEvent.objects.get(event="import.confirm")
    assert event.outcome == "success" and event.actor == plan_owner
    assert event.detail["new"] == 3 and event.detail["file"] == "节点.xlsx"


def test_importing_the_same_file_twice_changes_nothing(tmp_path, plan, departments, plan_owner):
    file = write_xlsx(tmp_path, GOOD_ROWS)
    apply(file, plan_owner, file_name=file.name)
    entries = LogEntry.objects.count()

    again = apply(file, plan_owner, file_name=file.name)

    assert [r.outcome for r in again.rows] == ["unchanged"] * 3
    assert Milestone.objects.count() == 3 and Project.objects.count() == 1
    assert LogEntry.objects.count() == entries


def test_a_changed_row_updates_its_milestone_in_place(tmp_path, plan, departments, plan_owner):
    apply(write_xlsx(tmp_path, GOOD_ROWS), plan_owner, file_name="节点.xlsx")
    before = Milestone.objects.get(title="中试平台开工")
    changed = [row[:] for row in GOOD_ROWS]
    changed[2][3] = "2027年4月30日"
    changed[2][5] = ""

    report = apply(write_xlsx(tmp_path, changed, name="改.xlsx"), plan_owner, file_name="改.xlsx")

    assert [r.outcome for r in report.rows] == ["unchanged", "unchanged", "update"]
    after = Milestone.objects.get(title="中试平台开工")
    assert after.pk == before.pk and after.due_on == date(2027, 4, 30)
    assert not after.cooperating_departments.exists()
    assert after.version == before.version + 1
    assert (
        LogEntry.objects.get_for_model(Milestone)
        .filter(object_id=after.pk, action=LogEntry.Action.UPDATE, actor=plan_owner)
        .exists()
    )


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(
    tmp_path, plan, departments, plan_owner
):
    rows = [
        GOOD_ROWS[0],
        [3, "节点甲", "", "2026-13-01", "区科委", "", ""],
        [4, "节点乙", "", "2026-12-31", "区农业局", "区科委、不存在的局", ""],
        [99, "节点丙", "", "2026-12-31", "区科委", "", ""],
        [5, "", "", "2026-12-31", "区科委", "", ""],
        [3, "研发机构签约落地", "", "2026-12-31", "区科委", "", ""],
    ]
    file = write_xlsx(tmp_path, rows)

    report = apply(file, plan_owner, file_name=file.name)

    assert not report.applied
    errors = errors_of(report)
    assert set(errors) == {3, 4, 5, 6, 7}
    assert [column for column, _ in errors[3]] == ["计划完成日期"]
    assert "2026-13-01" in errors[3][0][1]
    assert [column for column, _ in errors[4]] == ["牵头单位", "配合单位"]
    assert "区农业局" in errors[4][0][1] and "不存在的局" in errors[4][1][1]
    assert "区科委" not in errors[4][1][1]
    assert errors[5][0][0] == "任务编号" and "99" in errors[5][0][1]
    assert [column for column, _ in errors[6]] == ["节点名称"]
    assert [column for column, _ in errors[7]] == ["节点名称"] and "2" in errors[7][0][1]
    assert report.rows[0].outcome == "new"  # a good row among bad ones is not written either
    assert not Milestone.objects.exists() and not Project.objects.exists()
    assert AuditEvent.objects.get(event="import.confirm").outcome == "failure"


def test_a_file_without_a_required_column_is_refused_whole(tmp_path, plan, departments, plan_owner):
    file = write_xlsx(
        tmp_path, [[3, "节点", "2026-12-31"]], headers=["任务编号", "节点名称", "日期"]
    )
    with pytest.raises(ImportFileError, match="计划完成日期、牵头单位"):
        check(file, plan_owner)


def test_the_confirmation_refuses_when_the_milestones_changed_since_the_check(
    tmp_path, plan, departments, plan_owner
):
    file = write_xlsx(tmp_path, GOOD_ROWS)
    fingerprint = check(file, plan_owner).fingerprint()
    apply(write_xlsx(tmp_path, GOOD_ROWS[:1], name="先.xlsx"), plan_owner, file_name="先.xlsx")

    with pytest.raises(ImportChanged):
        apply(file, plan_owner, file_name=file.name, expected=fingerprint)

    assert Milestone.objects.count() == 1  # the other file's, and nothing of this one


def test_only_the_plan_owner_imports(tmp_path, plan, departments, reporter_a, leader):
    file = write_xlsx(tmp_path, GOOD_ROWS)
    for user in (reporter_a, leader):
        with pytest.raises(PermissionDenied):
            check(file, user)
        with pytest.raises(PermissionDenied):
            apply(file, user, file_name=file.name)
    assert not Milestone.objects.exists()


# --- the pages ------------------------------------------------------------------------------

LIST = "supervision:milestone_import_list"


def upload(client, file: Path):
    return client.post(
        reverse(LIST),
        {"importer": "milestones", "file": SimpleUploadedFile(file.name, file.read_bytes())},
    )


def job_url(job, page="job"):
    return reverse(f"supervision:milestone_import_{page}", args=[job.pk])


def test_the_template_has_the_districts_headers_and_the_tasks(
    client, plan, departments, plan_owner
):
    client.force_login(plan_owner)
    response = client.get(reverse("supervision:milestone_import_template", args=["milestones"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet["A2"].value == 1
    options = book["选项"]
    assert [options.cell(row=r, column=1).value for r in range(2, 22)] == [
        str(n) for n in range(1, 21)
    ]
    assert AuditEvent.objects.filter(event="export", detail__template="milestones").exists()


def test_the_milestone_list_links_the_import_for_the_plan_owner_only(
    client, plan, plan_owner, reporter_a
):
    client.force_login(plan_owner)
    link = reverse(LIST).encode()
    assert link in client.get(reverse("supervision:milestone_list")).content
    client.force_login(reporter_a)
    assert link not in client.get(reverse("supervision:milestone_list")).content


def test_the_plan_owner_uploads_checks_and_confirms_a_file(
    client, tmp_path, media, plan, departments, plan_owner
):
    client.force_login(plan_owner)
    assert client.get(reverse(LIST)).status_code == 200
    response = upload(client, write_xlsx(tmp_path, GOOD_ROWS))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == job_url(job)
    assert job.importer == "milestones" and job.status == ImportJob.Status.CHECKED
    page = client.get(job_url(job)).content.decode()
    assert page.count('data-outcome="new"') == 3 and "confirm-button" in page
    assert "研发机构签约落地" in page  # the report says which milestone a row is
    assert not Milestone.objects.exists()
    kept = [f for f in media.rglob("*") if f.is_file()]
    assert len(kept) == 1 and b"PK" not in kept[0].read_bytes()[:64]  # kept encrypted

    client.post(job_url(job, "job_confirm"))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED and job.applied_by == plan_owner
    assert Milestone.objects.count() == 3
    assert not [f for f in media.rglob("*") if f.is_file()]  # discarded once imported
    event = AuditEvent.objects.get(event="import.confirm")
    assert event.outcome == "success" and event.detail["new"] == 3
    again = client.post(job_url(job, "job_confirm"), follow=True)
    assert [m.level_tag for m in again.context["messages"]] == ["error"]
    assert Milestone.objects.count() == 3


def test_a_file_with_errors_shows_them_and_cannot_be_confirmed(
    client, tmp_path, media, plan, departments, plan_owner
):
    client.force_login(plan_owner)
    rows = [[3, "节点甲", "", "2026-13-01", "区科委", "", ""]]
    upload(client, write_xlsx(tmp_path, rows))
    job = ImportJob.objects.get()
    page = client.get(job_url(job)).content.decode()
    assert 'data-row="2" data-outcome="error"' in page
    assert "计划完成日期" in page and "2026-13-01" in page
    assert "confirm-button" not in page
    client.post(job_url(job, "job_confirm"))
    assert not Milestone.objects.exists()


def test_a_confirm_on_the_page_is_refused_when_the_milestones_changed_since_the_check(
    client, tmp_path, media, plan, departments, plan_owner
):
    client.force_login(plan_owner)
    upload(client, write_xlsx(tmp_path, GOOD_ROWS))
    job = ImportJob.objects.get()
    apply(write_xlsx(tmp_path, GOOD_ROWS[:1], name="先.xlsx"), plan_owner, file_name="先.xlsx")

    client.post(job_url(job, "job_confirm"))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.error
    assert Milestone.objects.count() == 1  # the other file's, and nothing of this one
    refused = AuditEvent.objects.filter(event="import.confirm", outcome="failure")
    assert refused.filter(detail__file="节点.xlsx").exists()


def test_another_plan_owner_cannot_confirm_a_job_of_the_plan_owners_or_see_it_otherwise(
    client, tmp_path, media, plan, departments, plan_owner, reporter_a
):
    client.force_login(plan_owner)
    upload(client, write_xlsx(tmp_path, GOOD_ROWS))
    job = ImportJob.objects.get()
    client.force_login(reporter_a)
    assert client.post(job_url(job, "job_confirm")).status_code == 403
    assert client.get(job_url(job)).status_code == 403
    assert not Milestone.objects.exists()
    assert AuditEvent.objects.filter(event="access.denied", actor=reporter_a).exists()


def test_too_large_or_not_a_spreadsheet_is_refused_before_it_is_read(
    client, settings, tmp_path, media, plan, departments, plan_owner
):
    client.force_login(plan_owner)
    settings.INNOPLAN_IMPORT_MAX_BYTES = 2048
    big = write_xlsx(tmp_path, GOOD_ROWS * 40)
    assert big.stat().st_size > 2048
    response = upload(client, big)
    assert response.status_code == 400 and "MB" in response.content.decode()

    word = tmp_path / "节点.docx"
    word.write_bytes(b"PK\x03\x04not really")
    response = upload(client, word)
    assert response.status_code == 400
    assert not any(f.is_file() for f in media.rglob("*")) and not Milestone.objects.exists()


@pytest.mark.parametrize("role", ["reporter_a", "reporter_b", "leader", "sysadmin"])
def test_nobody_but_the_plan_owner_opens_the_import_pages(request, client, plan, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(LIST)).status_code == 403
    template = reverse("supervision:milestone_import_template", args=["milestones"])
    assert client.get(template).status_code == 403


# --- the command ----------------------------------------------------------------------------


def run(*args):
    out = io.StringIO()
    try:
        call_command("import-milestones", *args, stdout=out, stderr=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


def test_the_command_checks_imports_and_reports_each_row(tmp_path, plan, departments, plan_owner):
    file = write_xlsx(tmp_path, GOOD_ROWS)
    owner = ("--user", plan_owner.username)

    code, out = run(str(file), "--dry-run", "--format", "json", *owner)
    report = json.loads(out)
    assert code == 0 and report["counts"]["new"] == 3 and not report["applied"]
    assert report["rows"][0]["row"] == 2
    assert report["rows"][0]["about"]["节点名称"] == "研发机构签约落地"
    assert not Milestone.objects.exists()

    code, out = run(str(file), "--dry-run", *owner)
    assert code == 0 and "研发机构签约落地" in out and not Milestone.objects.exists()

    code, out = run(str(file), *owner)
    assert code == 0 and Milestone.objects.count() == 3

    code, out = run(str(file), "--format", "json", *owner)
    assert code == 0 and json.loads(out)["counts"]["unchanged"] == 3

    bad = write_xlsx(tmp_path, [[3, "节点甲", "", "2026-13-01", "区科委", "", ""]], name="坏.xlsx")
    code, out = run(str(bad), *owner)
    assert code == 1 and "计划完成日期" in out and "2026-13-01" in out
    assert Milestone.objects.count() == 3


def test_the_command_refuses_anyone_but_the_plan_owner(tmp_path, plan, departments, reporter_a):
    file = write_xlsx(tmp_path, GOOD_ROWS)
    with translation.override("en"), pytest.raises(CommandError, match="may not import"):
        call_command("import-milestones", str(file), "--user", reporter_a.username)
    with pytest.raises(CommandError, match="--user"):
        call_command("import-milestones", str(file))
    assert not Milestone.objects.exists()
