from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from innoplan.accounts.models import User
from innoplan.plans import selectors
from innoplan.plans.models import ReportedValue

pytestmark = pytest.mark.django_db


def run_demo():
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    return out.getvalue()


def test_the_demo_sets_up_plan_accounts_and_a_history_once():
    first = run_demo()
    assert "Demo accounts" in first
    assert "kewei" in first
    figures = ReportedValue.objects.count()
    assert figures >= 18 * 12  # a year and more of monthly history for every indicator
    assert ReportedValue.objects.filter(status="pending").count() == 3
    assert ReportedValue.objects.filter(status="rejected").count() == 1
    assert User.objects.filter(role="reporter").count() == 6

    second = run_demo()
    assert "already present" in second
    assert ReportedValue.objects.count() == figures


def test_the_demo_history_shows_every_kind_of_status():
    run_demo()
    plan = selectors.current_plan()
    statuses = {
        f.assessment.status for f in selectors.plan_figures(plan=plan, as_of=date(2026, 10, 31))
    }
    assert {"achieved", "on_track", "lagging", "severe"} <= statuses
    methods = {
        f.assessment.forecast_method
        for f in selectors.plan_figures(plan=plan, as_of=date(2026, 10, 31))
    }
    assert methods == {"trend"}
