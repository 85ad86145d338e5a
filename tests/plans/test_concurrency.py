"""Two people editing or reviewing the same record at once: the first wins, the second is told
who changed it and when, and nothing of theirs is written (no lost update)."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from innoplan.accounts.choices import Role
from innoplan.plans import services
from innoplan.plans.choices import AssignmentRole, PeriodKind, ReviewStatus
from innoplan.plans.models import Indicator, ReportedValue, Task, period_end
from tests.conftest import _user

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_owner(departments):
    return _user("owner2", Role.PLAN_OWNER, departments[0])


def loaded_form(client, url) -> dict:
    """The form's fields as the page filled them in, ready to post back."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = getattr(value, "pk", value)
    assert data["version"], "the form carries the record's version"
    return data


def changed_at(record) -> str:
    entry = LogEntry.objects.get_for_object(record).order_by("-timestamp", "-pk").first()
    return timezone.localtime(entry.timestamp).strftime("%H:%M")


def test_the_second_of_two_indicator_edits_is_refused_and_told_who_and_when(
    login_client, plan_owner, second_owner, indicator_of_a, departments
):
    url = reverse("plans:indicator_edit", args=[indicator_of_a.pk])
    first, second = login_client(plan_owner), login_client(second_owner)
    first_form, second_form = loaded_form(first, url), loaded_form(second, url)

    first_form.update(definition="第一位的口径", baseline_value="1000", baseline_on="2024-12-31")
    assert first.post(url, first_form).status_code == 302
    second_form.update(definition="第二位的口径", department=departments[1].pk)
    response = second.post(url, second_form)

    assert response.status_code == 400
    message = " ".join(response.context["form"].non_field_errors())
    indicator_of_a.refresh_from_db()
    assert plan_owner.username in message
    assert changed_at(indicator_of_a) in message
    assert message in response.content.decode()
    assert indicator_of_a.definition == "第一位的口径"
    assert indicator_of_a.department == departments[0]
    assert indicator_of_a.baseline_value == Decimal(1000)
    assert indicator_of_a.version == 2


def test_after_reloading_the_second_person_can_save(
    login_client, plan_owner, second_owner, indicator_of_a
):
    url = reverse("plans:indicator_edit", args=[indicator_of_a.pk])
    first, second = login_client(plan_owner), login_client(second_owner)
    stale = loaded_form(second, url)
    first.post(url, {**loaded_form(first, url), "definition": "第一位的口径"})
    assert second.post(url, {**stale, "definition": "第二位"}).status_code == 400
    fresh = loaded_form(second, url)
    assert fresh["definition"] == "第一位的口径"
    assert second.post(url, {**fresh, "definition": "第二位"}).status_code == 302
    indicator_of_a.refresh_from_db()
    assert (indicator_of_a.definition, indicator_of_a.version) == ("第二位", 3)


def test_a_form_without_the_version_changes_nothing(client, plan_owner, indicator_of_a):
    client.force_login(plan_owner)
    url = reverse("plans:indicator_edit", args=[indicator_of_a.pk])
    data = loaded_form(client, url)
    del data["version"]
    response = client.post(url, {**data, "definition": "无版本"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    indicator_of_a.refresh_from_db()
    assert indicator_of_a.definition == ""


def test_the_second_of_two_task_edits_is_refused(
    login_client, plan_owner, second_owner, plan, departments
):
    task = plan.tasks.get(number=9)
    url = reverse("plans:task_edit", args=[task.pk])
    first, second = login_client(plan_owner), login_client(second_owner)
    first_form, second_form = loaded_form(first, url), loaded_form(second, url)

    first_form.update(lead=[departments[0].pk], cooperating=[departments[1].pk])
    assert first.post(url, first_form).status_code == 302
    second_form.update(lead=[departments[1].pk], cooperating=[])
    response = second.post(url, second_form)

    assert response.status_code == 400
    message = " ".join(response.context["form"].non_field_errors())
    task.refresh_from_db()
    assert plan_owner.username in message and changed_at(task) in message
    roles = dict(task.assignments.values_list("department_id", "role"))
    assert roles == {
        departments[0].pk: AssignmentRole.LEAD,
        departments[1].pk: AssignmentRole.COOPERATING,
    }


def test_the_second_of_two_reviews_is_refused_and_the_first_decision_stands(
    login_client, plan_owner, second_owner, reporter_a, indicator_of_a
):
    value = ReportedValue.objects.create(
        indicator=indicator_of_a,
        period_kind=PeriodKind.MONTH,
        period_start=date(2025, 3, 1),
        period_end=period_end(PeriodKind.MONTH, date(2025, 3, 1)),
        value=Decimal(1200),
        submitted_by=reporter_a,
    )
    first, second = login_client(plan_owner), login_client(second_owner)
    for client in (first, second):
        page = client.get(reverse("plans:review_list")).content.decode()
        assert f'name="version" value="{value.version}"' in page
    url = reverse("plans:report_review", args=[value.pk])
    first.post(url, {"version": value.version, "decision": "approve"})
    response = second.post(
        url,
        {"version": value.version, "decision": "reject", "reason": "数字有误"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert plan_owner.username in html and 'role="alert"' in html
    value.refresh_from_db()
    assert (value.status, value.reviewed_by, value.review_reason) == (
        ReviewStatus.APPROVED,
        plan_owner,
        "",
    )


def test_a_stale_version_changes_nothing_in_the_services(plan_owner, indicator_of_a, plan):
    services.indicator_update(
        indicator=indicator_of_a, actor=plan_owner, version=1, definition="先到"
    )
    with pytest.raises(ValidationError) as refused:
        services.indicator_update(
            indicator=Indicator.objects.get(pk=indicator_of_a.pk),
            actor=plan_owner,
            version=1,
            definition="后到",
        )
    assert refused.value.code == "stale"
    assert Indicator.objects.get(pk=indicator_of_a.pk).definition == "先到"
    task = plan.tasks.get(number=1)
    with pytest.raises(ValidationError):
        services.task_assignments_set(
            task=task,
            lead=[indicator_of_a.department],
            cooperating=[],
            actor=plan_owner,
            version=task.version + 1,
        )
    assert Task.objects.get(pk=task.pk).version == task.version


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_edits_on_postgresql_exactly_one_succeeds(
    plan_owner, second_owner, indicator_of_a
):
    version = Indicator.objects.get(pk=indicator_of_a.pk).version
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def edit(actor, text):
        try:
            start.wait()
            services.indicator_update(
                indicator=Indicator.objects.get(pk=indicator_of_a.pk),
                actor=actor,
                version=version,
                definition=text,
            )
            outcomes[text] = "saved"
        except ValidationError as error:
            outcomes[text] = error.code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, args=(plan_owner, "甲")),
        threading.Thread(target=edit, args=(second_owner, "乙")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["saved", "stale"]
    winner = next(text for text, outcome in outcomes.items() if outcome == "saved")
    indicator = Indicator.objects.get(pk=indicator_of_a.pk)
    assert (indicator.definition, indicator.version) == (winner, version + 1)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_reviews_on_postgresql_exactly_one_decides(
    plan_owner, second_owner, reporter_a, indicator_of_a
):
    value = ReportedValue.objects.create(
        indicator=indicator_of_a,
        period_kind=PeriodKind.MONTH,
        period_start=date(2025, 4, 1),
        period_end=period_end(PeriodKind.MONTH, date(2025, 4, 1)),
        value=Decimal(1300),
        submitted_by=reporter_a,
    )
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def review(actor, approve):
        try:
            start.wait()
            figure = ReportedValue.objects.get(pk=value.pk)
            if approve:
                services.reported_value_approve(value=figure, actor=actor, version=1)
            else:
                services.reported_value_reject(value=figure, actor=actor, reason="退回", version=1)
            outcomes.append("decided")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=review, args=(plan_owner, True)),
        threading.Thread(target=review, args=(second_owner, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["decided", "reviewed"]
    value.refresh_from_db()
    assert value.status in (ReviewStatus.APPROVED, ReviewStatus.REJECTED)
    assert value.version == 2
