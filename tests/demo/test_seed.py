from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from innoplan.accounts.models import User
from innoplan.plans import selectors
from innoplan.plans.models import ReportedValue
from innoplan.registry.choices import IdKind
from innoplan.registry.models import Organisation, Talent
from innoplan.supervision import selectors as supervision_selectors
from innoplan.supervision.choices import NoticeLevel, Review, State
from innoplan.supervision.models import Evidence, Milestone, Notice, ProgressUpdate, Project

pytestmark = pytest.mark.django_db


def run_demo():
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    return out.getvalue()


def supervision_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Milestone, Project, ProgressUpdate, Evidence, Notice)
    }


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
    supervision = supervision_counts()
    assert supervision["Milestone"] >= 60
    second = run_demo()
    assert "already present" in second
    assert ReportedValue.objects.count() == figures
    assert Organisation.objects.count() == organisations
    assert supervision_counts() == supervision


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
    talent = Talent.objects.filter(id_kind=IdKind.ID_CARD).first()
    assert talent.id_number().startswith("119901")  # a region no real person has
    assert "119901" not in talent.id_number_encrypted
    assert talent.id_number_masked.startswith("1199") and "*" in talent.id_number_masked
    # A few are foreign experts or from Hong Kong, Macao and Taiwan, under their documents.
    others = Talent.objects.exclude(id_kind=IdKind.ID_CARD)
    assert set(others.values_list("id_kind", flat=True)) == set(IdKind.values) - {IdKind.ID_CARD}
    assert 0 < others.count() < Talent.objects.count() / 5
    passport = others.filter(id_kind=IdKind.PASSPORT).first()
    assert passport.id_number().startswith("DEMO") and "*" in passport.id_number_masked


def test_the_demo_supervision_shows_every_state_today_with_its_updates_and_notices(media):
    run_demo()
    plan = selectors.current_plan()
    today = timezone.localdate()
    rows = supervision_selectors.milestone_rows(plan=plan, as_of=today)
    states = {row.state for row in rows}
    assert states == set(State.values)
    assert {row.milestone.task.number for row in rows} == set(range(1, 21))
    assert {"新型研发机构落地", "中试平台建设"} <= set(
        Project.objects.values_list("name", flat=True)
    )
    assert all("演示数据" in row.milestone.deliverable for row in rows)

    updates = ProgressUpdate.objects.all()
    assert all(u.reported_on <= today and "演示数据" in u.narrative for u in updates)
    assert updates.filter(review=Review.PENDING).count() >= 1
    returned = updates.get(review=Review.RETURNED)
    assert returned.review_reason and returned.milestone.stage == "in_progress"
    evidence = Evidence.objects.first()
    assert evidence.file.read().startswith(b"%PDF-") and evidence.content_type == "application/pdf"

    levels = set(Notice.objects.values_list("level", flat=True))
    assert levels == set(NoticeLevel.values)
    answered = Notice.objects.get(answered_at__isnull=False)
    assert answered.level == NoticeLevel.SUPERVISION and answered.answer_new_date > today

    for reporter in User.objects.filter(role="reporter"):
        mine = supervision_selectors.restrict_milestones(reporter, Milestone.objects.all())
        assert mine.filter(lead_department=reporter.department).exists(), reporter.username
