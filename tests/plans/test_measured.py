"""Indicators measured from the registry: binding them, their figures, the records behind."""

from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from innoplan.plans import selectors
from innoplan.plans.services import metric_bindings_load, reported_value_submit
from innoplan.registry.choices import QualificationKind
from innoplan.registry.models import Qualification
from innoplan.registry.validity import expiry_for
from tests.registry.builders import make, make_organisation

pytestmark = pytest.mark.django_db
BINDINGS = "src/innoplan/plans/fixtures/tongzhou_2024_metrics.yaml"


@pytest.fixture
def bound(plan):
    call_command("bindmetrics", BINDINGS, "--plan", plan.doc_number, stdout=StringIO())
    return plan


@pytest.fixture
def high_tech_registry():
    for n, (issued, left) in enumerate(
        [(date(2024, 3, 1), None), (date(2024, 9, 1), None), (date(2023, 1, 1), date(2025, 2, 1))]
    ):
        organisation = make_organisation(
            f"北京{n}号科技有限公司", left_on=left, settled_on=date(2020, 1, 1)
        )
        make(
            Qualification,
            organisation=organisation,
            kind=QualificationKind.HIGH_TECH,
            valid_from=issued,
            valid_to=expiry_for(QualificationKind.HIGH_TECH, issued),
        )


def test_the_shipped_bindings_measure_all_sixteen_targets_and_leave_the_funding_quotas(bound):
    measured = bound.indicators.exclude(metric_key="")
    assert measured.count() == 16
    assert measured.get(name="高新技术企业").metric_key == "high_tech_enterprises"
    assert measured.get(name="运河英才").metric_key == "canal_talents"
    assert set(bound.indicators.filter(metric_key="").values_list("name", flat=True)) == {
        "优秀科技创新团队资助",
        "杰出青年科技工作者资助",
    }
    out = StringIO()
    call_command("bindmetrics", BINDINGS, "--plan", bound.doc_number, stdout=out)
    assert "0 changed" in out.getvalue()


def test_an_unknown_metric_or_a_unit_mismatch_is_refused_and_nothing_changes(plan):
    with pytest.raises(ValidationError) as error:
        metric_bindings_load(
            plan=plan,
            source="b.yaml",
            bindings={
                "高新技术企业": "no_such_metric",
                "子基金总规模": "sub_funds",
                "科技小院": "science_courtyards",
            },
        )
    messages = " ".join(error.value.messages)
    assert "no_such_metric" in messages
    assert "子基金总规模" in messages and "支" in messages
    assert not plan.indicators.exclude(metric_key="").exists()


def test_the_command_names_a_missing_plan(plan):
    with pytest.raises(CommandError, match="no plan"):
        call_command("bindmetrics", BINDINGS, "--plan", "通政发〔2099〕1号")


def test_a_measured_figure_is_counted_from_the_registry_as_of_its_day(bound, high_tech_registry):
    indicator = bound.indicators.get(name="高新技术企业")
    figure = selectors.indicator_figure(indicator=indicator, as_of=date(2025, 1, 15))
    assert figure.source == "measured"
    assert figure.assessment.current == 3
    later = selectors.indicator_figure(indicator=indicator, as_of=date(2025, 3, 1))
    assert later.assessment.current == 2
    assert later.history[-1].on == date(2025, 3, 1)


def test_a_measured_indicator_takes_no_reported_figures(bound, reporter_a, departments):
    indicator = bound.indicators.get(name="高新技术企业")
    indicator.department = departments[0]
    indicator.save()
    with pytest.raises(ValidationError, match="资源库"):
        reported_value_submit(
            indicator=indicator,
            period_kind="month",
            period_start=date(2025, 1, 1),
            value=Decimal(5),
            actor=reporter_a,
        )


def test_the_dashboard_says_which_figures_are_measured(client, leader, bound):
    client.force_login(leader)
    html = client.get("/").content.decode()
    assert html.count('data-source="measured"') == 16
    assert html.count('data-source="reported"') == 0


def test_the_records_behind_a_figure_open_and_download_as_excel(
    client, leader, bound, high_tech_registry
):
    indicator = bound.indicators.get(name="高新技术企业")
    client.force_login(leader)
    page = client.get(f"/plans/indicators/{indicator.pk}/records/", {"as_of": "2025-03-01"})
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="record-row"') == 2
    download = client.get(
        f"/plans/indicators/{indicator.pk}/records/", {"as_of": "2025-03-01", "format": "xlsx"}
    )
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(download.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 2
    names = {
        row[rows[0].index(next(h for h in rows[0] if h in ("名称", "name")))] for row in rows[1:]
    }
    assert names == {"北京0号科技有限公司", "北京1号科技有限公司"}


def test_a_reported_indicator_has_no_records_page(client, leader, bound):
    indicator = bound.indicators.get(name="杰出青年科技工作者资助")
    client.force_login(leader)
    assert client.get(f"/plans/indicators/{indicator.pk}/records/").status_code == 404


def test_a_reporter_cannot_open_another_departments_records(client, reporter_a, bound, departments):
    indicator = bound.indicators.get(name="高新技术企业")
    indicator.department = departments[1]
    indicator.save()
    client.force_login(reporter_a)
    assert client.get(f"/plans/indicators/{indicator.pk}/records/").status_code == 404
