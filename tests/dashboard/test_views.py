"""The 作战图 page: who may open it, what it shows, and how many queries it costs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innoplan.plans.choices import AssignmentRole, PeriodKind, ReviewStatus
from innoplan.plans.models import ReportedValue, TaskAssignment, period_end

HOME = reverse("dashboard:home")


def cards(response) -> int:
    return response.content.decode().count('data-testid="target-card"')


def task_rows(response) -> int:
    return response.content.decode().count('data-testid="task-row"')


def figure_of(response, indicator):
    for group in response.context["groups"]:
        for figure in group.figures:
            if figure.indicator.id == indicator.id:
                return figure
    raise AssertionError(f"no card for {indicator}")


def approve(indicator, user, start: date, value: int | str) -> ReportedValue:
    return ReportedValue.objects.create(
        indicator=indicator,
        period_kind=PeriodKind.MONTH,
        period_start=start,
        period_end=period_end(PeriodKind.MONTH, start),
        value=Decimal(value),
        status=ReviewStatus.APPROVED,
        submitted_by=user,
        reviewed_by=user,
    )


def months_back(n: int) -> date:
    day = date.today().replace(day=1)
    for _ in range(n):
        day = (day - timedelta(days=1)).replace(day=1)
    return day


class TestAccess:
    def test_it_sends_an_anonymous_visitor_to_the_login_page(self, client, plan):
        response = client.get(HOME)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))

    @pytest.mark.parametrize("persona", ["plan_owner", "reporter_a", "reporter_b", "leader"])
    def test_every_plan_role_sees_it(self, client, plan, persona, request):
        client.force_login(request.getfixturevalue(persona))
        assert client.get(HOME).status_code == 200

    @pytest.mark.parametrize(
        ("persona", "start"),
        [
            ("sysadmin", "admin:index"),
            ("security_admin", "accounts:security_policy"),
            ("audit_admin", "audit:event_list"),
        ],
    )
    def test_it_sends_each_administrator_to_their_own_start_page(
        self, client, plan, persona, start, request
    ):
        client.force_login(request.getfixturevalue(persona))
        response = client.get(HOME)
        assert response.status_code == 302
        assert response.url == reverse(start)
        assert client.get(response.url).status_code == 200


class TestContent:
    def test_it_shows_the_sixteen_targets_and_twenty_tasks(self, client, plan, leader):
        client.force_login(leader)
        response = client.get(HOME)
        assert cards(response) == 16
        assert task_rows(response) == 20
        html = response.content.decode()
        assert plan.title in html
        assert plan.doc_number in html
        assert "高新技术企业突破1500家" in html
        assert len(response.context["groups"]) == 5

    def test_the_summary_counts_every_target_once(self, client, plan, leader):
        client.force_login(leader)
        response = client.get(HOME)
        summary = dict(response.context["summary"])
        assert sum(summary.values()) == 16
        assert summary["no_data"] == 16

    def test_it_shows_the_task_quotas(self, client, plan, leader):
        client.force_login(leader)
        html = client.get(HOME).content.decode()
        assert html.count('data-testid="quota-row"') == 2
        assert "优秀科技创新团队资助" in html

    def test_an_approved_figure_shows_on_its_card(self, client, plan, leader, indicator_of_a):
        approve(indicator_of_a, leader, months_back(2), 1213)
        client.force_login(leader)
        response = client.get(HOME)
        figure = figure_of(response, indicator_of_a)
        assert figure.assessment.current == Decimal(1213)
        assert "1,213" in response.content.decode()
        assert response.context["sparklines"][indicator_of_a.id]["values"] == [1213.0]

    def test_amounts_are_shown_in_the_plans_unit(self, client, plan, leader, indicator_of_b):
        approve(indicator_of_b, leader, months_back(2), 1_250_000_000)
        client.force_login(leader)
        response = client.get(HOME)
        assert figure_of(response, indicator_of_b).current_shown == Decimal("12.5")
        html = response.content.decode()
        assert "12.5" in html
        assert "亿元" in html

    def test_as_of_picks_the_date(self, client, plan, leader, indicator_of_a):
        approve(indicator_of_a, leader, date(2025, 3, 1), 1100)
        client.force_login(leader)
        before = client.get(HOME, {"as_of": "2025-03-30"})
        after = client.get(HOME, {"as_of": "2025-03-31"})
        assert before.context["as_of"] == date(2025, 3, 30)
        assert figure_of(before, indicator_of_a).assessment.current is None
        assert figure_of(after, indicator_of_a).assessment.current == Decimal(1100)

    def test_a_bad_date_gives_a_message_and_today(self, client, plan, leader):
        client.force_login(leader)
        response = client.get(HOME, {"as_of": "2025-13-45"})
        assert response.status_code == 200
        assert response.context["as_of"] == date.today()
        assert 'data-testid="as-of-error"' in response.content.decode()

    def test_without_a_plan_it_says_how_to_load_one(self, client, leader):
        client.force_login(leader)
        response = client.get(HOME)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-testid="no-plan"' in html
        assert "innoplan loadplan" in html
        assert 'data-testid="plan-ingest-link"' not in html

    @pytest.mark.parametrize("with_plan", [False, True])
    def test_the_plan_owner_is_offered_the_upload_page(
        self, client, plan_owner, with_plan, request
    ):
        if with_plan:
            request.getfixturevalue("plan")
        client.force_login(plan_owner)
        html = client.get(HOME).content.decode()
        assert f'href="{reverse("plans:plan_ingest")}" data-testid="plan-ingest-link"' in html

    def test_the_plan_owner_gets_task_edit_links(self, client, plan, plan_owner):
        client.force_login(plan_owner)
        html = client.get(HOME).content.decode()
        task = plan.tasks.get(number=1)
        assert reverse("plans:task_edit", args=[task.pk]) in html

    def test_a_leader_gets_no_edit_links(self, client, plan, leader):
        client.force_login(leader)
        assert "/edit/" not in client.get(HOME).content.decode()

    def test_a_reporter_gets_links_only_to_own_indicators(
        self, client, plan, reporter_a, indicator_of_a, indicator_of_b
    ):
        client.force_login(reporter_a)
        html = client.get(HOME).content.decode()
        assert reverse("plans:indicator_detail", args=[indicator_of_a.pk]) in html
        assert reverse("plans:indicator_detail", args=[indicator_of_b.pk]) not in html
        assert cards(client.get(HOME)) == 16

    def test_it_shows_task_departments(self, client, plan, leader, departments):
        task = plan.tasks.get(number=3)
        TaskAssignment.objects.create(task=task, department=departments[0], role="lead")
        TaskAssignment.objects.create(task=task, department=departments[1], role="cooperating")
        client.force_login(leader)
        html = client.get(HOME).content.decode()
        assert "区科委" in html
        assert "区经济和信息化局" in html

    def test_the_page_allows_no_inline_script_or_style(self, client, plan, leader):
        client.force_login(leader)
        response = client.get(HOME)
        html = response.content.decode()
        assert "style=" not in html
        assert "onclick" not in html
        assert "<style" not in html
        for chunk in html.split("<script")[1:]:
            head = chunk.split(">", 1)[0]
            assert "src=" in head or 'type="application/json"' in head, head
        assert "script-src 'self'" in response["Content-Security-Policy"]


class TestQueries:
    def _count(self, client) -> int:
        client.get(HOME)  # the session's last-seen time is written once a minute, not counted
        with CaptureQueriesContext(connection) as queries:
            assert client.get(HOME).status_code == 200
        return len(queries)

    def test_the_query_count_does_not_grow_with_rows(
        self, client, plan, plan_owner, departments, django_assert_max_num_queries
    ):
        client.force_login(plan_owner)
        few = self._count(client)
        for indicator in plan.indicators.all():
            for n in range(1, 7):
                approve(indicator, plan_owner, months_back(n), 10 * n)
        for task in plan.tasks.all():
            TaskAssignment.objects.create(
                task=task, department=departments[0], role=AssignmentRole.LEAD
            )
            TaskAssignment.objects.create(
                task=task, department=departments[1], role=AssignmentRole.COOPERATING
            )
        many = self._count(client)
        assert many == few
        with django_assert_max_num_queries(20):
            client.get(HOME)
