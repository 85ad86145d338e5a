"""Loading plans, reporting and reviewing figures, editing assignments: the rules and the audit."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from innoplan.plans.choices import ReviewStatus
from innoplan.plans.ingest.schema import read_plan_file
from innoplan.plans.models import Indicator, Plan, ReportedValue, Target, Task
from innoplan.plans.services import (
    plan_load,
    reported_value_approve,
    reported_value_reject,
    reported_value_submit,
    task_assignments_set,
)
from tests.conftest import PLAN_FIXTURE

pytestmark = pytest.mark.django_db


def load_command(path) -> str:
    out = StringIO()
    call_command("loadplan", str(path), stdout=out)
    return out.getvalue()


def test_the_tongzhou_plan_loads_with_every_target_task_and_measure():
    load_command(PLAN_FIXTURE)
    plan = Plan.objects.get()
    assert plan.doc_number == "通政发〔2024〕19号"
    assert plan.issued_on == date(2024, 12, 17)
    assert (plan.start_year, plan.deadline_year) == (2024, 2027)
    assert plan.goal_groups.count() == 5
    assert plan.indicators.filter(goal_group__isnull=False).count() == 16
    assert plan.indicators.filter(task__number=9).count() == 2
    assert plan.sections.count() == 5
    assert list(plan.tasks.values_list("number", flat=True)) == list(range(1, 21))
    assert plan.measures.count() == 5
    high_tech = Target.objects.get(indicator__name="高新技术企业")
    assert (high_tech.comparator, high_tech.value, high_tech.year) == (">", 1500, 2027)
    funds = Target.objects.get(indicator__name="子基金总规模")
    assert (funds.comparator, funds.value) == (">=", Decimal(3_000_000_000))
    assert funds.indicator.display_unit == "亿元"


def test_loading_the_same_file_twice_changes_nothing():
    load_command(PLAN_FIXTURE)
    entries = LogEntry.objects.count()
    stamps = list(Indicator.objects.values_list("updated", flat=True))
    assert "unchanged" in load_command(PLAN_FIXTURE)
    assert LogEntry.objects.count() == entries
    assert list(Indicator.objects.values_list("updated", flat=True)) == stamps


def test_a_corrected_file_updates_in_place_and_the_audit_log_shows_it(tmp_path):
    load_command(PLAN_FIXTURE)
    target = Target.objects.get(indicator__name="高新技术企业")
    corrected = tmp_path / "corrected.yaml"
    corrected.write_text(
        PLAN_FIXTURE.read_text(encoding="utf-8").replace("value: 1500", "value: 1600"),
        encoding="utf-8",
    )
    output = load_command(corrected)
    assert "target 1" in output
    target.refresh_from_db()
    assert target.value == 1600
    assert Target.objects.filter(indicator__name="高新技术企业").count() == 1
    entry = LogEntry.objects.get_for_object(target).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes_dict["value"] == ["1500.0000", "1600"] or entry.changes_dict["value"][
        1
    ].startswith("1600")


def test_a_malformed_file_names_file_line_and_field_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    text = PLAN_FIXTURE.read_text(encoding="utf-8")
    bad.write_text(text.replace('comparator: ">"', 'comparator: "more"', 1), encoding="utf-8")
    line = next(
        n
        for n, row in enumerate(bad.read_text(encoding="utf-8").splitlines(), 1)
        if '"more"' in row
    )
    with pytest.raises(CommandError) as error:
        load_command(bad)
    message = str(error.value)
    assert f"bad.yaml:{line}:" in message
    assert "comparator" in message
    assert not Plan.objects.exists()


def test_a_load_that_would_drop_an_indicator_with_figures_is_refused(
    tmp_path, indicator_of_a, reporter_a
):
    reported_value_submit(
        indicator=indicator_of_a,
        period_kind="month",
        period_start=date(2025, 1, 1),
        value=Decimal(800),
        actor=reporter_a,
    )
    lines = PLAN_FIXTURE.read_text(encoding="utf-8").replace("高新技术企业", "高新技术企业（改）")
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text(lines, encoding="utf-8")
    with pytest.raises(CommandError, match="高新技术企业"):
        load_command(renamed)
    assert not Indicator.objects.filter(name="高新技术企业（改）").exists()


# --- reported figures ------------------------------------------------------------------------


def submit(indicator, actor, value="900", start=date(2025, 3, 1), kind="month", **extra):
    return reported_value_submit(
        indicator=indicator,
        period_kind=kind,
        period_start=start,
        value=Decimal(value),
        actor=actor,
        **extra,
    )


def test_a_reporter_submits_a_figure_that_waits_for_review(indicator_of_a, reporter_a):
    reported = submit(indicator_of_a, reporter_a, note="据市科委认定名单")
    assert reported.status == ReviewStatus.PENDING
    assert reported.period_end == date(2025, 3, 31)
    assert LogEntry.objects.get_for_object(reported).get().actor == reporter_a


def test_a_quarterly_figure_is_as_of_the_quarter_end(indicator_of_a, reporter_a):
    reported = submit(indicator_of_a, reporter_a, kind="quarter", start=date(2025, 4, 1))
    assert reported.period_end == date(2025, 6, 30)


@pytest.mark.parametrize(
    ("value", "start", "kind", "field"),
    [
        ("-1", date(2025, 3, 1), "month", "value"),
        ("900.5", date(2025, 3, 1), "month", "value"),
        ("900", date(2025, 3, 2), "month", "period_start"),
        ("900", date(2025, 2, 1), "quarter", "period_start"),
        ("900", date(2099, 1, 1), "month", "period_start"),
        ("900", date(2023, 12, 1), "month", "period_start"),
    ],
)
def test_bad_figures_are_refused_with_the_field_named(
    indicator_of_a, reporter_a, value, start, kind, field
):
    with pytest.raises(ValidationError) as error:
        submit(indicator_of_a, reporter_a, value=value, start=start, kind=kind)
    assert field in error.value.message_dict
    assert not ReportedValue.objects.exists()


def test_it_refuses_another_departments_indicator(indicator_of_b, reporter_a):
    with pytest.raises(PermissionDenied):
        submit(indicator_of_b, reporter_a, value="1000000")
    assert not ReportedValue.objects.exists()


def test_a_second_figure_for_the_same_period_is_refused_until_the_first_is_rejected(
    indicator_of_a, reporter_a, plan_owner
):
    first = submit(indicator_of_a, reporter_a)
    with pytest.raises(ValidationError, match="该报告期已有填报数据"):
        submit(indicator_of_a, reporter_a, value="901")
    reported_value_reject(value=first, actor=plan_owner, reason="数字有误")
    assert submit(indicator_of_a, reporter_a, value="901").value == 901


def test_an_attachment_of_the_wrong_type_is_refused(indicator_of_a, reporter_a):
    script = SimpleUploadedFile("evil.exe", b"MZ...", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as error:
        submit(indicator_of_a, reporter_a, attachment=script)
    assert "attachment" in error.value.message_dict
    assert not ReportedValue.objects.exists()


def test_an_attachment_is_kept_with_the_figure(indicator_of_a, reporter_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("名单.pdf", b"%PDF-1.4 demo", content_type="application/pdf")
    reported = submit(indicator_of_a, reporter_a, attachment=pdf)
    assert reported.attachment.read() == b"%PDF-1.4 demo"


def test_the_plan_owner_approves_and_the_approval_is_audited(
    indicator_of_a, reporter_a, plan_owner
):
    reported = reported_value_approve(value=submit(indicator_of_a, reporter_a), actor=plan_owner)
    assert reported.status == ReviewStatus.APPROVED
    assert reported.reviewed_by == plan_owner
    update = LogEntry.objects.get_for_object(reported).filter(action=LogEntry.Action.UPDATE).get()
    assert update.actor == plan_owner
    assert update.changes_dict["status"] == ["pending", "approved"]


def test_a_rejection_needs_a_reason(indicator_of_a, reporter_a, plan_owner):
    reported = submit(indicator_of_a, reporter_a)
    with pytest.raises(ValidationError):
        reported_value_reject(value=reported, actor=plan_owner, reason="  ")
    reported.refresh_from_db()
    assert reported.status == ReviewStatus.PENDING


def test_a_reporter_cannot_approve(indicator_of_a, reporter_a):
    reported = submit(indicator_of_a, reporter_a)
    with pytest.raises(PermissionDenied):
        reported_value_approve(value=reported, actor=reporter_a)


def test_a_figure_already_reviewed_cannot_be_reviewed_again(indicator_of_a, reporter_a, plan_owner):
    reported = submit(indicator_of_a, reporter_a)
    stale = ReportedValue.objects.get(pk=reported.pk)
    reported_value_approve(value=reported, actor=plan_owner)
    with pytest.raises(ValidationError, match="该数据已由owner审核"):
        reported_value_reject(value=stale, actor=plan_owner, reason="迟到的退回")
    stale.refresh_from_db()
    assert stale.status == ReviewStatus.APPROVED


# --- assignments -----------------------------------------------------------------------------


def test_the_plan_owner_sets_lead_and_cooperating_departments(plan, plan_owner, departments):
    task = Task.objects.get(plan=plan, number=3)
    a, b = departments
    task_assignments_set(task=task, lead=[a], cooperating=[b], actor=plan_owner)
    assert {(x.department.code, x.role) for x in task.assignments.all()} == {
        ("dept-a", "lead"),
        ("dept-b", "cooperating"),
    }
    task_assignments_set(task=task, lead=[b], cooperating=[], actor=plan_owner)
    assert {(x.department.code, x.role) for x in task.assignments.all()} == {("dept-b", "lead")}


def test_a_task_needs_a_lead_and_a_department_cannot_hold_both_roles(plan, plan_owner, departments):
    task = Task.objects.get(plan=plan, number=3)
    a, _ = departments
    with pytest.raises(ValidationError):
        task_assignments_set(task=task, lead=[], cooperating=[a], actor=plan_owner)
    with pytest.raises(ValidationError):
        task_assignments_set(task=task, lead=[a], cooperating=[a], actor=plan_owner)
    assert not task.assignments.exists()


def test_a_reporter_cannot_assign_tasks(plan, reporter_a, departments):
    task = Task.objects.get(plan=plan, number=3)
    with pytest.raises(PermissionDenied):
        task_assignments_set(task=task, lead=[departments[0]], cooperating=[], actor=reporter_a)


def test_plan_load_is_attributed_to_the_actor(plan_owner):
    result = plan_load(document=read_plan_file(PLAN_FIXTURE), actor=plan_owner)
    assert LogEntry.objects.get_for_object(result.plan).get().actor == plan_owner
