"""The one place a target's figure is computed: only approved values count."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from innoplan.plans import selectors
from innoplan.plans.progress import Status
from innoplan.plans.services import (
    reported_value_approve,
    reported_value_reject,
    reported_value_submit,
)

pytestmark = pytest.mark.django_db


def report(indicator, reporter, start, value):
    return reported_value_submit(
        indicator=indicator,
        period_kind="month",
        period_start=start,
        value=Decimal(value),
        actor=reporter,
    )


def test_only_approved_values_count(indicator_of_a, reporter_a, plan_owner):
    indicator_of_a.baseline_value, indicator_of_a.baseline_on = Decimal(760), date(2024, 12, 31)
    indicator_of_a.save()
    reported_value_approve(
        value=report(indicator_of_a, reporter_a, date(2025, 1, 1), 800), actor=plan_owner
    )
    report(indicator_of_a, reporter_a, date(2025, 2, 1), 900)  # pending
    reported_value_reject(
        value=report(indicator_of_a, reporter_a, date(2025, 3, 1), 950),
        actor=plan_owner,
        reason="口径不符",
    )
    figure = selectors.indicator_figure(indicator=indicator_of_a, as_of=date(2025, 4, 1))
    assert figure.assessment.current == 800
    assert [p.value for p in figure.history] == [800]


def test_a_figure_is_taken_as_of_its_date(indicator_of_a, reporter_a, plan_owner):
    for month, value in ((1, 800), (2, 820), (3, 850)):
        reported_value_approve(
            value=report(indicator_of_a, reporter_a, date(2025, month, 1), value), actor=plan_owner
        )
    assert (
        selectors.indicator_figure(
            indicator=indicator_of_a, as_of=date(2025, 2, 28)
        ).assessment.current
        == 820
    )
    assert (
        selectors.indicator_figure(
            indicator=indicator_of_a, as_of=date(2025, 1, 15)
        ).assessment.status
        == Status.NO_DATA
    )


def test_the_dashboard_groups_hold_the_sixteen_targets(plan):
    groups = selectors.dashboard_groups(plan=plan, as_of=date(2026, 1, 1))
    assert [g.group.name for g in groups] == [
        "创新主体快速集聚",
        "创新平台能级提升",
        "创新人才发展壮大",
        "创新成果不断涌现",
        "创新生态持续优化",
    ]
    assert sum(len(g.figures) for g in groups) == 16
    assert len(selectors.task_quota_figures(plan=plan, as_of=date(2026, 1, 1))) == 2


def test_a_reporter_sees_only_the_departments_indicators(
    plan, reporter_a, plan_owner, leader, sysadmin, indicator_of_a, indicator_of_b
):
    assert list(selectors.restrict_indicators(reporter_a)) == [indicator_of_a]
    assert selectors.restrict_indicators(plan_owner).count() == 18
    assert selectors.restrict_indicators(leader).count() == 18
    assert not selectors.restrict_indicators(sysadmin).exists()


def test_amounts_are_shown_in_the_plans_unit(indicator_of_b, plan):
    figure = selectors.indicator_figure(indicator=indicator_of_b, as_of=date(2026, 1, 1))
    assert figure.target_shown == 30


def test_a_year_to_date_reported_before_its_quarter_ends_counts_from_that_day(
    plan, departments, reporter_a, plan_owner
):
    """杰出青年科技工作者资助 (about 50 a year): 47 supported by 10 December, reported for the
    fourth quarter and approved at once. On 15 December the year stands at 47, and the year
    is not forecast to end below it."""
    quota = plan.indicators.get(name="杰出青年科技工作者资助")
    quota.department = departments[0]
    quota.save()
    shanghai = ZoneInfo("Asia/Shanghai")
    for day, start, value in (
        (date(2026, 4, 8), date(2026, 1, 1), 3),
        (date(2026, 7, 8), date(2026, 4, 1), 6),
        (date(2026, 10, 9), date(2026, 7, 1), 9),
        (date(2026, 12, 10), date(2026, 10, 1), 47),
    ):
        with time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=shanghai)):
            reported = reported_value_submit(
                indicator=quota,
                period_kind="quarter",
                period_start=start,
                value=Decimal(value),
                actor=reporter_a,
            )
            reported_value_approve(value=reported, actor=plan_owner)

    figure = selectors.indicator_figure(indicator=quota, as_of=date(2026, 12, 15))
    assert figure.assessment.current == 47
    assert figure.assessment.forecast >= 47
    assert figure.assessment.status == Status.ACHIEVED
    # Before it was reported, the year stood at the third quarter's figure.
    earlier = selectors.indicator_figure(indicator=quota, as_of=date(2026, 12, 9))
    assert earlier.assessment.current == 9
