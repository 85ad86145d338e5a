from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from innoplan.accounts.models import User
from innoplan.plans import selectors
from innoplan.plans.models import ReportedValue
from innoplan.registry.models import Organisation, Talent

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
    plan = selectors.current_plan()
    reported = plan.indicators.filter(metric_key="").count()
    # The two annual funding quotas; everything else is counted from the registry.
    assert reported == 2
    assert figures >= reported * 12  # a year and more of monthly history
    assert Organisation.objects.count() > 1000
    assert ReportedValue.objects.filter(status="pending").count() == 1
    assert ReportedValue.objects.filter(status="rejected").count() == 1
    assert User.objects.filter(role="reporter").count() == 6

    organisations = Organisation.objects.count()
    second = run_demo()
    assert "already present" in second
    assert ReportedValue.objects.count() == figures
    assert Organisation.objects.count() == organisations


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


def test_the_demo_registry_measures_the_demo_paths():
    """The registry the demo builds counts, at each month end, the demo figure of that month."""
    run_demo()
    plan = selectors.current_plan()
    figure = selectors.indicator_figure(
        indicator=plan.indicators.get(name="高新技术企业"), as_of=date(2026, 10, 31)
    )
    assert figure.source == "measured"
    values = [p.value for p in figure.history]
    assert values[0] == 760  # the baseline on 2024-12-31
    assert values == sorted(values)  # renewals keep expiring certificates counted
    assert len(figure.history) >= 22


def test_the_demo_talents_are_measured_and_their_id_numbers_kept_encrypted():
    run_demo()
    plan = selectors.current_plan()
    for name, baseline in [("运河英才", 420), ("优秀科技创新团队", 22), ("杰出青年科技工作者", 70)]:
        figure = selectors.indicator_figure(
            indicator=plan.indicators.get(name=name), as_of=date(2026, 10, 31)
        )
        assert figure.source == "measured", name
        assert figure.history[0].value == baseline, name
    talent = Talent.objects.first()
    assert talent.id_number().startswith("119901")  # a region no real person has
    assert "119901" not in talent.id_number_encrypted
    assert talent.id_number_masked.startswith("1199") and "*" in talent.id_number_masked
