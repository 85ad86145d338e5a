"""The plan pages: an indicator, reporting a figure, reviewing figures, editing the plan."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innoplan.plans import selectors
from innoplan.plans.choices import AssignmentRole, PeriodKind, ReviewStatus
from innoplan.plans.models import ReportedValue, TaskAssignment, period_end

# --- helpers --------------------------------------------------------------------------------


def month(n_back: int) -> date:
    """The first day of the month ``n_back`` months before this one (0: this month)."""
    day = date.today().replace(day=1)
    for _ in range(n_back):
        day = (day - timedelta(days=1)).replace(day=1)
    return day


def last_month() -> str:
    return month(1).strftime("%Y-%m")


def report_url(indicator) -> str:
    return reverse("plans:report_create", args=[indicator.pk])


def detail_url(indicator) -> str:
    return reverse("plans:indicator_detail", args=[indicator.pk])


def review_url(value) -> str:
    return reverse("plans:report_review", args=[value.pk])


def report(client, indicator, **data):
    fields = {"period_kind": "month", "period": last_month(), "value": "1213", "note": ""}
    fields.update(data)
    return client.post(report_url(indicator), fields)


def pending_value(indicator, user, start: date, value="1000") -> ReportedValue:
    return ReportedValue.objects.create(
        indicator=indicator,
        period_kind=PeriodKind.MONTH,
        period_start=start,
        period_end=period_end(PeriodKind.MONTH, start),
        value=Decimal(value),
        submitted_by=user,
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- who may open what ------------------------------------------------------------------------

PERSONAS = ["anonymous", "plan_owner", "reporter_a", "reporter_b", "leader", "sysadmin"]

# page -> expected status per persona (302 for anonymous: the login page).
EXPECTED = {
    "indicator_detail": dict(
        plan_owner=200, reporter_a=200, reporter_b=404, leader=200, sysadmin=403
    ),
    "indicator_edit": dict(
        plan_owner=200, reporter_a=403, reporter_b=403, leader=403, sysadmin=403
    ),
    "report_create": dict(plan_owner=403, reporter_a=200, reporter_b=404, leader=403, sysadmin=403),
    "my_reports": dict(plan_owner=403, reporter_a=200, reporter_b=200, leader=403, sysadmin=403),
    "review_list": dict(plan_owner=200, reporter_a=403, reporter_b=403, leader=403, sysadmin=403),
    "task_edit": dict(plan_owner=200, reporter_a=403, reporter_b=403, leader=403, sysadmin=403),
}


def page_url(name, plan, indicator):
    if name in ("indicator_detail", "indicator_edit", "report_create"):
        return reverse(f"plans:{name}", args=[indicator.pk])
    if name == "task_edit":
        return reverse("plans:task_edit", args=[plan.tasks.get(number=1).pk])
    return reverse(f"plans:{name}")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_page_answers_each_role(client, request, persona, name, plan, indicator_of_a):
    url = page_url(name, plan, indicator_of_a)
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = client.get(url)
    if persona == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    else:
        assert response.status_code == EXPECTED[name][persona]


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("anonymous", 302),
        ("plan_owner", 302),
        ("reporter_a", 403),
        ("reporter_b", 403),
        ("leader", 403),
        ("sysadmin", 403),
    ],
)
def test_only_the_plan_owner_reviews(
    client, request, persona, expected, indicator_of_a, reporter_a
):
    value = pending_value(indicator_of_a, reporter_a, month(1))
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = client.post(review_url(value), {"version": value.version, "decision": "approve"})
    assert response.status_code == expected
    value.refresh_from_db()
    expected_status = ReviewStatus.APPROVED if persona == "plan_owner" else ReviewStatus.PENDING
    assert value.status == expected_status


def test_reviewing_wants_a_post(client, plan_owner, indicator_of_a, reporter_a):
    value = pending_value(indicator_of_a, reporter_a, month(1))
    client.force_login(plan_owner)
    assert client.get(review_url(value)).status_code == 405


def test_an_unknown_indicator_is_not_found(client, plan_owner, plan):
    client.force_login(plan_owner)
    assert client.get(reverse("plans:indicator_detail", args=[999_999])).status_code == 404


# --- the indicator page -----------------------------------------------------------------------


class TestIndicatorPage:
    def test_it_shows_definition_target_baseline_history_and_audit(
        self, client, plan_owner, reporter_a, indicator_of_a
    ):
        client.force_login(plan_owner)
        client.post(
            reverse("plans:indicator_edit", args=[indicator_of_a.pk]),
            {
                "version": indicator_of_a.version,
                "definition": "注册地在通州区、在有效期内的国家高新技术企业数量",
                "department": indicator_of_a.department_id,
                "baseline_value": "1000",
                "baseline_on": "2024-12-31",
            },
        )
        value = pending_value(indicator_of_a, reporter_a, month(2), "1213")
        client.post(review_url(value), {"version": value.version, "decision": "approve"})

        response = client.get(detail_url(indicator_of_a))
        assert response.status_code == 200
        html = response.content.decode()
        assert "注册地在通州区、在有效期内的国家高新技术企业数量" in html
        assert "高新技术企业突破1500家" in html
        assert "1,500" in html
        assert "1,000 家" in html  # the baseline
        assert "1,213" in html
        assert response.context["chart"]["history"] == [
            [period_end("month", month(2)).isoformat(), 1213.0]
        ]
        assert response.context["chart"]["target"] == 1500.0
        assert response.context["chart"]["required"][0] == ["2024-12-31", 1000.0]
        assert html.count('data-testid="value-row"') == 1
        assert html.count('data-testid="audit-row"') >= 2
        audit = response.context["audit"]
        assert any(row.entry.actor == plan_owner for row in audit)
        assert any("1000" in change.new for row in audit for change in row.changes)

    def test_the_year_table_states_or_derives_each_year(self, client, leader, indicator_of_a):
        indicator_of_a.baseline_value = Decimal(1000)
        indicator_of_a.baseline_on = date(2024, 12, 31)
        indicator_of_a.save()
        client.force_login(leader)
        rows = client.get(detail_url(indicator_of_a)).context["year_rows"]
        assert [row.year for row in rows] == [2025, 2026, 2027]
        assert [row.derived for row in rows] == [True, True, False]
        assert rows[-1].value == Decimal(1500)
        assert Decimal(1000) < rows[0].value < rows[1].value < Decimal(1500)

    def test_it_offers_the_report_button_to_the_reporting_department_only(
        self, client, reporter_a, leader, indicator_of_a
    ):
        client.force_login(reporter_a)
        assert (
            'data-testid="report-button"' in client.get(detail_url(indicator_of_a)).content.decode()
        )
        client.force_login(leader)
        html = client.get(detail_url(indicator_of_a)).content.decode()
        assert 'data-testid="report-button"' not in html
        assert 'data-testid="edit-button"' not in html

    def test_the_plan_owner_gets_the_edit_button(self, client, plan_owner, indicator_of_a):
        client.force_login(plan_owner)
        html = client.get(detail_url(indicator_of_a)).content.decode()
        assert 'data-testid="edit-button"' in html

    def test_amounts_show_in_the_plans_unit(self, client, leader, reporter_b, indicator_of_b):
        value = pending_value(indicator_of_b, reporter_b, month(1), "1250000000")
        value.status = ReviewStatus.APPROVED
        value.save()
        client.force_login(leader)
        response = client.get(detail_url(indicator_of_b))
        assert "12.5 亿元" in response.content.decode()
        assert response.context["chart"]["history"][0][1] == 12.5


class TestIndicatorEdit:
    def test_the_plan_owner_edits_definition_department_and_baseline(
        self, client, plan_owner, indicator_of_b, departments
    ):
        client.force_login(plan_owner)
        response = client.post(
            reverse("plans:indicator_edit", args=[indicator_of_b.pk]),
            {
                "version": indicator_of_b.version,
                "definition": "认缴出资总额之和",
                "department": departments[0].pk,
                "baseline_value": "8.5",
                "baseline_on": "2024-12-31",
            },
        )
        assert response.status_code == 302
        indicator_of_b.refresh_from_db()
        assert indicator_of_b.definition == "认缴出资总额之和"
        assert indicator_of_b.department == departments[0]
        assert indicator_of_b.baseline_value == Decimal(850_000_000)  # 8.5 亿元 in 元
        assert LogEntry.objects.get_for_object(indicator_of_b).filter(actor=plan_owner).exists()

    def test_a_baseline_needs_its_date(self, client, plan_owner, indicator_of_a):
        client.force_login(plan_owner)
        response = client.post(
            reverse("plans:indicator_edit", args=[indicator_of_a.pk]),
            {"version": 1, "definition": "x", "baseline_value": "1000", "baseline_on": ""},
        )
        assert response.status_code == 400
        assert "baseline_on" in response.context["form"].errors
        indicator_of_a.refresh_from_db()
        assert indicator_of_a.baseline_value is None
        assert indicator_of_a.definition == ""

    def test_a_leader_may_not_edit(self, client, leader, indicator_of_a):
        client.force_login(leader)
        response = client.post(
            reverse("plans:indicator_edit", args=[indicator_of_a.pk]), {"definition": "x"}
        )
        assert response.status_code == 403
        indicator_of_a.refresh_from_db()
        assert indicator_of_a.definition == ""


# --- reporting a figure -----------------------------------------------------------------------


class TestReporting:
    def test_a_reporter_reports_and_the_owner_approves_and_it_counts(
        self, client, reporter_a, plan_owner, plan, indicator_of_a
    ):
        client.force_login(reporter_a)
        form = client.get(report_url(indicator_of_a))
        assert form.status_code == 200
        assert form.context["form"]["period"].value() == last_month()

        response = report(client, indicator_of_a, value="1213", note="据市科委认定名单")
        assert response.status_code == 302
        assert response.url == reverse("plans:my_reports")
        value = ReportedValue.objects.get()
        assert value.status == ReviewStatus.PENDING
        assert value.value == Decimal(1213)
        assert value.submitted_by == reporter_a
        assert value.period_start == month(1)

        mine = client.get(reverse("plans:my_reports"))
        assert 'data-status="pending"' in mine.content.decode()

        as_of = period_end("month", month(1))
        figure = selectors.indicator_figure(indicator=indicator_of_a, as_of=as_of)
        assert figure.assessment.current is None  # pending figures do not count

        client.force_login(plan_owner)
        queue = client.get(reverse("plans:review_list"))
        assert queue.content.decode().count('data-testid="review-row"') == 1
        response = client.post(review_url(value), {"version": value.version, "decision": "approve"})
        assert response.status_code == 302
        value.refresh_from_db()
        assert value.status == ReviewStatus.APPROVED
        assert value.reviewed_by == plan_owner

        dashboard = client.get(reverse("dashboard:home"), {"as_of": as_of.isoformat()})
        figures = [f for g in dashboard.context["groups"] for f in g.figures]
        card = next(f for f in figures if f.indicator == indicator_of_a)
        assert card.assessment.current == Decimal(1213)
        assert "1,213" in dashboard.content.decode()

    def test_the_success_message_says_it_awaits_review(self, client, reporter_a, indicator_of_a):
        client.force_login(reporter_a)
        response = report(client, indicator_of_a, value="1213")
        followed = client.get(response.url)
        assert messages_of(followed) == ["已提交，等待审核。"]

    def test_a_rejected_figure_shows_its_reason_and_does_not_count(
        self, client, reporter_a, plan_owner, indicator_of_a
    ):
        client.force_login(reporter_a)
        report(client, indicator_of_a, value="1500")
        value = ReportedValue.objects.get()
        client.force_login(plan_owner)
        client.post(
            review_url(value),
            {"version": value.version, "decision": "reject", "reason": "与认定名单不符"},
        )
        value.refresh_from_db()
        assert value.status == ReviewStatus.REJECTED

        client.force_login(reporter_a)
        mine = client.get(reverse("plans:my_reports")).content.decode()
        assert 'data-status="rejected"' in mine
        assert "与认定名单不符" in mine
        figure = selectors.indicator_figure(indicator=indicator_of_a, as_of=date.today())
        assert figure.assessment.current is None

        # A rejected period may be reported again.
        assert report(client, indicator_of_a, value="1213").status_code == 302
        assert ReportedValue.objects.count() == 2

    def test_a_quarterly_figure_starts_its_quarter(self, client, reporter_a, indicator_of_a):
        client.force_login(reporter_a)
        start = month(4)
        response = report(
            client, indicator_of_a, period_kind="quarter", period=start.strftime("%Y-%m")
        )
        assert response.status_code == 302
        value = ReportedValue.objects.get()
        assert value.period_kind == PeriodKind.QUARTER
        assert value.period_start.month in (1, 4, 7, 10)
        assert value.period_start <= start <= value.period_end

    def test_the_value_is_typed_in_the_display_unit(self, client, reporter_b, indicator_of_b):
        client.force_login(reporter_b)
        assert report(client, indicator_of_b, value="12.5").status_code == 302
        assert ReportedValue.objects.get().value == Decimal(1_250_000_000)

    def test_it_keeps_an_allowed_attachment(self, client, reporter_a, indicator_of_a, media):
        client.force_login(reporter_a)
        pdf = SimpleUploadedFile("名单.pdf", b"%PDF-1.4 test", content_type="application/pdf")
        assert report(client, indicator_of_a, attachment=pdf).status_code == 302
        value = ReportedValue.objects.get()
        assert value.attachment.name.endswith(".pdf")
        download = client.get(reverse("plans:report_attachment", args=[value.pk]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == b"%PDF-1.4 test"

    def test_another_department_cannot_download_the_attachment(
        self, client, reporter_a, reporter_b, indicator_of_a, media
    ):
        client.force_login(reporter_a)
        pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4", content_type="application/pdf")
        report(client, indicator_of_a, attachment=pdf)
        value = ReportedValue.objects.get()
        client.force_login(reporter_b)
        assert client.get(reverse("plans:report_attachment", args=[value.pk])).status_code == 404


class TestMeasuredIndicators:
    """An indicator counted from the registry (a metric bound to it) takes no reported figure:
    nothing offers 填报 on it, and its report page says why."""

    @pytest.fixture
    def measured_of_a(self, indicator_of_a):
        indicator_of_a.metric_key = "high_tech_enterprises"
        indicator_of_a.save()
        return indicator_of_a

    def test_my_reports_offers_no_report_on_a_measured_indicator(
        self, client, reporter_a, measured_of_a
    ):
        client.force_login(reporter_a)
        html = client.get(reverse("plans:my_reports")).content.decode()
        assert 'data-testid="my-indicator"' in html
        assert report_url(measured_of_a) not in html
        assert 'data-testid="measured-note"' in html
        assert "资源库自动统计，无需填报" in html
        detail = client.get(detail_url(measured_of_a)).content.decode()
        assert report_url(measured_of_a) not in detail

    def test_its_report_page_says_it_is_counted_from_the_registry(
        self, client, reporter_a, measured_of_a, media
    ):
        client.force_login(reporter_a)
        page = client.get(report_url(measured_of_a))
        html = page.content.decode()
        assert page.status_code == 200
        assert 'data-testid="report-form"' not in html
        assert 'data-testid="measured-message"' in html
        assert "“高新技术企业”由资源库自动统计，无需填报。" in html
        assert reverse("plans:indicator_records", args=[measured_of_a.pk]) in html

        pdf = SimpleUploadedFile("名单.pdf", b"%PDF-1.4 test", content_type="application/pdf")
        posted = report(client, measured_of_a, attachment=pdf)
        assert posted.status_code == 400
        assert "“高新技术企业”由资源库自动统计，无需填报。" in posted.content.decode()
        assert not ReportedValue.objects.exists()
        assert not [path for path in media.rglob("*") if path.is_file()]


class TestAttachmentKept:
    """A figure refused for any reason keeps the file chosen with it: the form shown again
    says 已上传：名单.pdf, and sending it again (corrected) stores that file."""

    PDF = b"%PDF-1.4 the list"

    def pdf(self, name="名单.pdf", content=PDF):
        return SimpleUploadedFile(name, content, content_type="application/pdf")

    def kept_token(self, response) -> str:
        import re

        match = re.search(
            r'<input type="hidden" name="kept_attachment" value="([^"]+)"',
            response.content.decode(),
        )
        assert match, "no kept attachment on the form"
        return match[1]

    def test_a_refused_figure_keeps_its_attachment_for_the_form_shown_again(
        self, client, reporter_a, indicator_of_a, media
    ):
        client.force_login(reporter_a)
        refused = report(client, indicator_of_a, value="-3", attachment=self.pdf())
        assert refused.status_code == 400
        html = refused.content.decode()
        assert "已上传：名单.pdf" in html
        assert 'data-testid="kept-attachment"' in html
        assert '<label class="form-label fw-semibold" for="id_attachment">更换为其他文件' in html
        token = self.kept_token(refused)

        sent = report(client, indicator_of_a, value="1213", kept_attachment=token)
        assert sent.status_code == 302
        value = ReportedValue.objects.get()
        assert value.attachment.name.endswith("名单.pdf")
        with value.attachment.open("rb") as stored:
            assert stored.read() == self.PDF
        # The kept copy is gone once the figure holds the file.
        assert [p.name for p in media.rglob("*") if p.is_file()] == ["名单.pdf"]

    def test_a_figure_refused_by_the_service_keeps_its_attachment_too(
        self, client, reporter_a, indicator_of_a, media
    ):
        client.force_login(reporter_a)
        assert report(client, indicator_of_a).status_code == 302
        refused = report(client, indicator_of_a, value="1300", attachment=self.pdf())
        assert refused.status_code == 400
        assert "已有填报数据" in refused.content.decode()
        assert "已上传：名单.pdf" in refused.content.decode()

    def test_a_kept_attachment_is_replaced_by_a_file_chosen_again(
        self, client, reporter_a, indicator_of_a, media
    ):
        client.force_login(reporter_a)
        token = self.kept_token(report(client, indicator_of_a, value="-3", attachment=self.pdf()))
        other = self.pdf("新名单.pdf", b"%PDF-1.4 the new list")
        sent = report(client, indicator_of_a, value="1213", kept_attachment=token, attachment=other)
        assert sent.status_code == 302
        value = ReportedValue.objects.get()
        assert value.attachment.name.endswith("新名单.pdf")
        assert [p.name for p in media.rglob("*") if p.is_file()] == ["新名单.pdf"]

    def test_a_kept_attachment_can_be_removed(self, client, reporter_a, indicator_of_a, media):
        client.force_login(reporter_a)
        token = self.kept_token(report(client, indicator_of_a, value="-3", attachment=self.pdf()))
        sent = report(
            client,
            indicator_of_a,
            value="1213",
            kept_attachment=token,
            remove_kept_attachment="on",
        )
        assert sent.status_code == 302
        assert not ReportedValue.objects.get().attachment
        assert not [p for p in media.rglob("*") if p.is_file()]

    def test_a_refused_attachment_is_not_kept_and_the_form_says_why(
        self, client, reporter_a, indicator_of_a, media
    ):
        client.force_login(reporter_a)
        fake = self.pdf("假.pdf", b"MZ not a pdf")
        refused = report(client, indicator_of_a, value="-3", attachment=fake)
        html = refused.content.decode()
        assert refused.status_code == 400
        assert "假.pdf" in " ".join(refused.context["form"].errors["attachment"])
        assert 'name="kept_attachment" value="' not in html
        assert not [p for p in media.rglob("*") if p.is_file()]

    def test_a_token_that_does_not_hold_says_to_choose_the_file_again(
        self, client, reporter_a, reporter_b, indicator_of_a, media
    ):
        client.force_login(reporter_a)
        token = self.kept_token(report(client, indicator_of_a, value="-3", attachment=self.pdf()))
        for forged in (token[:-2] + "xx", "nonsense"):
            refused = report(client, indicator_of_a, value="1213", kept_attachment=forged)
            assert refused.status_code == 400
            assert "请重新选择" in " ".join(refused.context["form"].errors["attachment"])
        assert not ReportedValue.objects.exists()

    def test_another_person_cannot_use_the_token(
        self, client, reporter_a, indicator_of_a, departments, media
    ):
        from innoplan.accounts.choices import Role
        from tests.conftest import _user

        client.force_login(reporter_a)
        token = self.kept_token(report(client, indicator_of_a, value="-3", attachment=self.pdf()))
        colleague = _user("reporter_a2", Role.REPORTER, departments[0])
        client.force_login(colleague)
        refused = report(client, indicator_of_a, value="1213", kept_attachment=token)
        assert refused.status_code == 400
        assert "请重新选择" in " ".join(refused.context["form"].errors["attachment"])
        assert not ReportedValue.objects.exists()


class TestBadFigures:
    """Each is refused with a message on the form, status 400, and nothing stored."""

    def _refused(self, response, field):
        assert response.status_code == 400
        assert not ReportedValue.objects.exists()
        errors = response.context["form"].errors
        assert field in errors, errors
        assert 'data-testid="form-errors"' in response.content.decode()
        return " ".join(errors[field])

    def test_a_negative_figure(self, client, reporter_a, indicator_of_a):
        client.force_login(reporter_a)
        message = self._refused(report(client, indicator_of_a, value="-3"), "value")
        assert "不能为负数" in message

    def test_text_instead_of_a_number(self, client, reporter_a, indicator_of_a):
        client.force_login(reporter_a)
        self._refused(report(client, indicator_of_a, value="abc"), "value")

    def test_a_fraction_of_a_count(self, client, reporter_a, indicator_of_a):
        client.force_login(reporter_a)
        message = self._refused(report(client, indicator_of_a, value="1213.5"), "value")
        assert "须为整数" in message

    def test_a_period_in_the_future(self, client, reporter_a, indicator_of_a):
        client.force_login(reporter_a)
        future = (date.today().replace(day=1) + timedelta(days=40)).strftime("%Y-%m")
        message = self._refused(report(client, indicator_of_a, period=future), "period")
        assert "尚未开始" in message

    def test_a_month_that_is_not_a_month(self, client, reporter_a, indicator_of_a):
        client.force_login(reporter_a)
        self._refused(report(client, indicator_of_a, period="2025-13"), "period")

    def test_a_second_figure_for_the_same_period(self, client, reporter_a, indicator_of_a):
        client.force_login(reporter_a)
        assert report(client, indicator_of_a).status_code == 302
        response = report(client, indicator_of_a, value="1300")
        assert response.status_code == 400
        assert ReportedValue.objects.count() == 1
        assert "已有填报数据" in " ".join(response.context["form"].errors["period"])

    def test_an_attachment_of_the_wrong_type(self, client, reporter_a, indicator_of_a, media):
        client.force_login(reporter_a)
        exe = SimpleUploadedFile("setup.exe", b"MZ\x90\x00", content_type="application/x-msdos")
        message = self._refused(report(client, indicator_of_a, attachment=exe), "attachment")
        assert "setup.exe" in message
        assert not any(media.rglob("*.exe"))

    def test_another_departments_indicator_is_not_found(self, client, reporter_a, indicator_of_b):
        client.force_login(reporter_a)
        response = report(client, indicator_of_b, value="12")
        assert response.status_code == 404
        assert not ReportedValue.objects.exists()

    def test_the_plan_owner_does_not_report(self, client, plan_owner, indicator_of_a):
        client.force_login(plan_owner)
        assert report(client, indicator_of_a).status_code == 403
        assert not ReportedValue.objects.exists()

    def test_an_indicator_nobody_reports(self, client, reporter_a, plan):
        unassigned = plan.indicators.get(name="科技小院")
        client.force_login(reporter_a)
        assert report(client, unassigned).status_code == 404
        assert not ReportedValue.objects.exists()


# --- reviewing ----------------------------------------------------------------------------------


class TestReview:
    def test_a_rejection_needs_a_reason(self, client, plan_owner, reporter_a, indicator_of_a):
        value = pending_value(indicator_of_a, reporter_a, month(1))
        client.force_login(plan_owner)
        response = client.post(
            review_url(value),
            {"version": value.version, "decision": "reject", "reason": "  "},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == reverse("plans:review_list")
        assert messages_of(response) == ["请填写退回理由。"]
        value.refresh_from_db()
        assert value.status == ReviewStatus.PENDING

    def test_a_figure_already_reviewed_says_so(
        self, client, plan_owner, reporter_a, indicator_of_a
    ):
        value = pending_value(indicator_of_a, reporter_a, month(1))
        client.force_login(plan_owner)
        client.post(review_url(value), {"version": value.version, "decision": "approve"})
        response = client.post(
            review_url(value),
            {"version": value.version, "decision": "reject", "reason": "晚了"},
            follow=True,
        )
        assert "该数据已由owner审核（已通过）" in messages_of(response)[-1]
        value.refresh_from_db()
        assert value.status == ReviewStatus.APPROVED

    def test_a_decision_must_be_approve_or_reject(
        self, client, plan_owner, reporter_a, indicator_of_a
    ):
        value = pending_value(indicator_of_a, reporter_a, month(1))
        client.force_login(plan_owner)
        response = client.post(
            review_url(value), {"version": value.version, "decision": "maybe"}, follow=True
        )
        assert len(messages_of(response)) == 1
        value.refresh_from_db()
        assert value.status == ReviewStatus.PENDING

    def test_htmx_gets_the_row_back(self, client, plan_owner, reporter_a, indicator_of_a):
        value = pending_value(indicator_of_a, reporter_a, month(1))
        client.force_login(plan_owner)
        response = client.post(
            review_url(value),
            {"version": value.version, "decision": "approve"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert html.strip().startswith("<tr")
        assert 'data-status="approved"' in html

    def test_htmx_shows_the_problem_in_the_row(
        self, client, plan_owner, reporter_a, indicator_of_a
    ):
        value = pending_value(indicator_of_a, reporter_a, month(1))
        client.force_login(plan_owner)
        response = client.post(
            review_url(value),
            {"version": value.version, "decision": "reject"},
            headers={"HX-Request": "true"},
        )
        html = response.content.decode()
        assert 'data-status="pending"' in html
        assert "请填写退回理由。" in html

    def test_the_queue_shows_value_in_display_unit_and_department(
        self, client, plan_owner, reporter_b, indicator_of_b
    ):
        pending_value(indicator_of_b, reporter_b, month(1), "1250000000")
        client.force_login(plan_owner)
        html = client.get(reverse("plans:review_list")).content.decode()
        assert "12.5 亿元" in html
        assert "区经济和信息化局" in html
        assert "reporter_b" in html

    def test_an_empty_queue_says_so(self, client, plan_owner, plan):
        client.force_login(plan_owner)
        html = client.get(reverse("plans:review_list")).content.decode()
        assert 'data-testid="nothing-pending"' in html


# --- my reports ---------------------------------------------------------------------------------


class TestMyReports:
    def test_it_lists_only_my_departments_indicators_and_figures(
        self, client, reporter_a, reporter_b, indicator_of_a, indicator_of_b
    ):
        pending_value(indicator_of_a, reporter_a, month(1))
        pending_value(indicator_of_b, reporter_b, month(1), "100000000")
        client.force_login(reporter_a)
        response = client.get(reverse("plans:my_reports"))
        html = response.content.decode()
        assert list(response.context["indicators"]) == [indicator_of_a]
        assert html.count('data-testid="value-row"') == 1
        assert report_url(indicator_of_a) in html
        assert report_url(indicator_of_b) not in html


# --- task assignments ---------------------------------------------------------------------------


class TestTaskEdit:
    def test_the_plan_owner_sets_lead_and_cooperating_departments(
        self, client, plan_owner, plan, departments
    ):
        task = plan.tasks.get(number=9)
        client.force_login(plan_owner)
        response = client.post(
            reverse("plans:task_edit", args=[task.pk]),
            {"version": 1, "lead": [departments[0].pk], "cooperating": [departments[1].pk]},
        )
        assert response.status_code == 302
        roles = dict(task.assignments.values_list("department__code", "role"))
        assert roles == {"dept-a": AssignmentRole.LEAD, "dept-b": AssignmentRole.COOPERATING}
        html = client.get(response.url).content.decode()
        assert "区经济和信息化局" in html

    def test_a_task_needs_a_lead(self, client, plan_owner, plan, departments):
        task = plan.tasks.get(number=9)
        client.force_login(plan_owner)
        response = client.post(
            reverse("plans:task_edit", args=[task.pk]),
            {"version": 1, "cooperating": [departments[1].pk]},
        )
        assert response.status_code == 400
        assert "lead" in response.context["form"].errors
        assert not TaskAssignment.objects.exists()

    def test_a_department_cannot_lead_and_cooperate(self, client, plan_owner, plan, departments):
        task = plan.tasks.get(number=9)
        client.force_login(plan_owner)
        response = client.post(
            reverse("plans:task_edit", args=[task.pk]),
            {"version": 1, "lead": [departments[0].pk], "cooperating": [departments[0].pk]},
        )
        assert response.status_code == 400
        assert "cooperating" in response.context["form"].errors
        assert not TaskAssignment.objects.exists()

    def test_a_reporter_may_not(self, client, reporter_a, plan, departments):
        task = plan.tasks.get(number=9)
        client.force_login(reporter_a)
        response = client.post(
            reverse("plans:task_edit", args=[task.pk]), {"lead": [departments[0].pk]}
        )
        assert response.status_code == 403
        assert not TaskAssignment.objects.exists()


# --- query counts -------------------------------------------------------------------------------


def _queries(client, url) -> int:
    client.get(url)  # the session's last-seen time is written once a minute, not counted
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


class TestQueryCounts:
    def test_the_review_queue_does_not_grow_with_rows(
        self,
        client,
        plan_owner,
        reporter_a,
        reporter_b,
        indicator_of_a,
        indicator_of_b,
        django_assert_max_num_queries,
    ):
        url = reverse("plans:review_list")
        pending_value(indicator_of_a, reporter_a, month(1))
        client.force_login(plan_owner)
        few = _queries(client, url)
        for n in range(2, 14):
            pending_value(indicator_of_a, reporter_a, month(n))
            pending_value(indicator_of_b, reporter_b, month(n), "100000000")
        assert _queries(client, url) == few
        with django_assert_max_num_queries(8):
            client.get(url)

    def test_my_reports_does_not_grow_with_rows(
        self, client, reporter_a, plan, indicator_of_a, django_assert_max_num_queries
    ):
        url = reverse("plans:my_reports")
        pending_value(indicator_of_a, reporter_a, month(1))
        client.force_login(reporter_a)
        few = _queries(client, url)
        for indicator in plan.indicators.exclude(pk=indicator_of_a.pk)[:5]:
            indicator.department = indicator_of_a.department
            indicator.save()
        for n in range(2, 30):
            value = pending_value(indicator_of_a, reporter_a, month(n))
            if n % 2:
                value.status = ReviewStatus.REJECTED
                value.reviewed_by = reporter_a
                value.review_reason = "口径不符"
                value.save()
        assert _queries(client, url) == few
        with django_assert_max_num_queries(13):
            client.get(url)

    def test_the_indicator_page_does_not_grow_with_its_history(
        self, client, plan_owner, reporter_a, indicator_of_a, django_assert_max_num_queries
    ):
        url = detail_url(indicator_of_a)
        client.force_login(plan_owner)
        value = pending_value(indicator_of_a, reporter_a, month(1))
        client.post(review_url(value), {"version": value.version, "decision": "approve"})
        few = _queries(client, url)
        for n in range(2, 14):
            value = pending_value(indicator_of_a, reporter_a, month(n))
            client.post(review_url(value), {"version": value.version, "decision": "approve"})
        assert _queries(client, url) == few
        with django_assert_max_num_queries(17):
            client.get(url)


def test_the_edit_form_shows_the_baseline_in_the_plans_unit(client, plan_owner, indicator_of_b):
    indicator_of_b.baseline_value = Decimal(850_000_000)
    indicator_of_b.baseline_on = date(2024, 12, 31)
    indicator_of_b.save()
    client.force_login(plan_owner)
    response = client.get(reverse("plans:indicator_edit", args=[indicator_of_b.pk]))
    assert 'value="8.5"' in response.content.decode()
    assert "亿元" in response.content.decode()
