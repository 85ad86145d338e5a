"""The API returns the same figures as the dashboard, scoped to who is asking."""

from datetime import date
from decimal import Decimal

import pytest

from innoplan.plans import selectors
from innoplan.plans.services import reported_value_approve, reported_value_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(indicator_of_a, reporter_a, plan_owner):
    reported = reported_value_submit(
        indicator=indicator_of_a,
        period_kind="month",
        period_start=date(2025, 6, 1),
        value=Decimal(1100),
        actor=reporter_a,
    )
    return reported_value_approve(value=reported, actor=plan_owner)


def test_the_figures_match_the_dashboard_selector(client, leader, plan, approved):
    client.force_login(leader)
    response = client.get("/api/plans/figures", {"as_of": "2025-07-01"})
    assert response.status_code == 200
    body = {row["name"]: row for row in response.json()}
    assert len(body) == 18
    figure = selectors.indicator_figure(indicator=approved.indicator, as_of=date(2025, 7, 1))
    row = body["高新技术企业"]
    assert Decimal(row["current"]) == figure.assessment.current == 1100
    assert row["status"] == figure.assessment.status
    assert (
        row["target"]
        == {"comparator": ">", "value": "1500.0000", "year": 2027, "text": "高新技术企业突破1500家"}
        or Decimal(row["target"]["value"]) == 1500
    )


def test_a_reporter_gets_only_the_departments_figures(
    client, reporter_a, indicator_of_a, indicator_of_b
):
    client.force_login(reporter_a)
    names = [row["name"] for row in client.get("/api/plans/figures").json()]
    assert names == ["高新技术企业"]
    assert client.get(f"/api/plans/figures/{indicator_of_b.pk}").status_code == 404


def test_a_system_administrator_gets_no_business_figures(client, sysadmin, plan):
    client.force_login(sysadmin)
    for url in ("/api/plans/figures", f"/api/plans/figures/{plan.indicators.first().pk}"):
        response = client.get(url)
        assert response.status_code == 403
        assert "高新技术企业" not in response.content.decode()


def test_anonymous_callers_are_sent_to_log_in(client, plan):
    response = client.get("/api/plans/figures")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_openapi_schema_is_served_to_logged_in_users(client, leader):
    client.force_login(leader)
    assert client.get("/api/openapi.json").status_code == 200
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
