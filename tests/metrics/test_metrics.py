"""Metrics counted over hand-built registry records, across the days their validity turns."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from innoplan.metrics.models import MetricSnapshot
from innoplan.metrics.selectors import metric_history, metric_table, metric_value
from innoplan.registry.choices import BaseKind, Level, PlatformKind, QualificationKind
from innoplan.registry.models import Base, Fund, FundScale, Platform, Qualification
from innoplan.registry.validity import expiry_for
from tests.registry.builders import make, make_organisation

pytestmark = pytest.mark.django_db


def value(key, day):
    return metric_value(key=key, as_of=day)


def high_tech(organisation, issued_on):
    return make(
        Qualification,
        organisation=organisation,
        kind=QualificationKind.HIGH_TECH,
        valid_from=issued_on,
        valid_to=expiry_for(QualificationKind.HIGH_TECH, issued_on),
    )


def test_a_high_tech_certificate_counts_until_the_day_before_it_expires():
    high_tech(make_organisation("北京甲科技有限公司"), date(2022, 12, 12))
    assert value("high_tech_enterprises", date(2025, 12, 11)) == 1
    assert value("high_tech_enterprises", date(2025, 12, 12)) == 0


def test_a_renewed_certificate_keeps_the_enterprise_counted_once():
    organisation = make_organisation("北京乙科技有限公司")
    high_tech(organisation, date(2022, 12, 12))
    high_tech(organisation, date(2025, 12, 1))
    assert value("high_tech_enterprises", date(2025, 12, 5)) == 1
    assert value("high_tech_enterprises", date(2026, 6, 1)) == 1


def test_an_enterprise_that_left_the_district_stops_counting():
    organisation = make_organisation("北京丙科技有限公司", left_on=date(2025, 3, 1))
    high_tech(organisation, date(2024, 1, 1))
    assert value("high_tech_enterprises", date(2025, 2, 28)) == 1
    assert value("high_tech_enterprises", date(2025, 3, 1)) == 0


def test_new_specialised_smes_count_within_their_calendar_year():
    for n, issued in enumerate([date(2024, 12, 31), date(2025, 1, 1), date(2025, 6, 30)]):
        make(
            Qualification,
            organisation=make_organisation(f"专精特新企业{n}"),
            kind=QualificationKind.SPECIALISED_SME,
            valid_from=issued,
            valid_to=expiry_for(QualificationKind.SPECIALISED_SME, issued),
        )
    assert value("specialised_sme_new", date(2025, 6, 29)) == 1
    assert value("specialised_sme_new", date(2025, 12, 31)) == 2
    assert value("specialised_sme_new", date(2024, 12, 31)) == 1


def test_an_amended_fund_counts_at_its_amended_scale_from_the_amendment():
    fund = make(Fund, name="副中心数字经济子基金", valid_from=date(2024, 3, 1))
    make(FundScale, fund=fund, effective_on=date(2024, 3, 1), amount=Decimal(500_000_000))
    make(FundScale, fund=fund, effective_on=date(2025, 7, 1), amount=Decimal(800_000_000))
    liquidated = make(
        Fund, name="副中心种业子基金", valid_from=date(2024, 1, 1), valid_to=date(2025, 9, 1)
    )
    make(FundScale, fund=liquidated, effective_on=date(2024, 1, 1), amount=Decimal(100_000_000))
    assert value("sub_fund_scale", date(2025, 6, 30)) == Decimal(600_000_000)
    assert value("sub_fund_scale", date(2025, 7, 1)) == Decimal(900_000_000)
    assert value("sub_fund_scale", date(2025, 9, 1)) == Decimal(800_000_000)
    assert value("sub_funds", date(2025, 9, 1)) == 1


def test_a_sub_fund_without_the_guiding_fund_does_not_count():
    fund = make(Fund, name="副中心引导子基金", valid_from=date(2024, 3, 1))
    make(FundScale, fund=fund, effective_on=date(2024, 3, 1), amount=Decimal(500_000_000))
    private = make(
        Fund, name="社会资本基金", valid_from=date(2024, 3, 1), guiding_fund_participates=False
    )
    make(FundScale, fund=private, effective_on=date(2024, 3, 1), amount=Decimal(900_000_000))
    assert value("sub_funds", date(2025, 1, 1)) == 1
    assert value("sub_fund_scale", date(2025, 1, 1)) == Decimal(500_000_000)


def test_district_level_platforms_do_not_count_as_municipal_or_above():
    host = make_organisation("北京丁科技有限公司")
    for level in (Level.NATIONAL, Level.MUNICIPAL, Level.DISTRICT):
        make(
            Platform,
            name=f"{level}企业技术中心",
            kind=PlatformKind.ENTERPRISE_TECHNOLOGY_CENTER,
            level=level,
            host=host,
            valid_from=date(2024, 5, 1),
        )
    make(
        Platform,
        name="孵化器",
        kind=PlatformKind.INCUBATOR,
        level=Level.MUNICIPAL,
        host=host,
        valid_from=date(2024, 5, 1),
    )
    assert value("platforms_municipal_plus", date(2025, 1, 1)) == 2
    assert value("incubation_platforms", date(2025, 1, 1)) == 1


@pytest.mark.django_db(transaction=True)
def test_the_history_is_kept_as_snapshots_and_dropped_when_the_registry_changes():
    make(
        Base,
        name="通州区青少年科普基地",
        kind=BaseKind.SCIENCE_POPULARISATION,
        level=Level.DISTRICT,
        valid_from=date(2024, 2, 10),
    )
    history = metric_history(key="science_bases", start=date(2024, 1, 1), as_of=date(2024, 4, 15))
    assert history == [
        (date(2024, 1, 31), 0),
        (date(2024, 2, 29), 1),
        (date(2024, 3, 31), 1),
        (date(2024, 4, 15), 1),
    ]
    assert MetricSnapshot.objects.filter(metric_key="science_bases").count() == 3

    make(
        Base,
        name="通州区运河科普基地",
        kind=BaseKind.SCIENCE_POPULARISATION,
        level=Level.DISTRICT,
        valid_from=date(2024, 3, 5),
    )
    assert set(MetricSnapshot.objects.values_list("as_of", flat=True)) == {
        date(2024, 1, 31),
        date(2024, 2, 29),
    }
    history = metric_history(key="science_bases", start=date(2024, 1, 1), as_of=date(2024, 4, 15))
    assert [v for _, v in history] == [0, 1, 2, 2]


def test_the_records_behind_a_figure_are_listed_with_their_columns():
    high_tech(make_organisation("北京戊科技有限公司"), date(2024, 1, 1))
    high_tech(make_organisation("北京己科技有限公司", left_on=date(2024, 6, 1)), date(2024, 1, 1))
    headers, rows = metric_table(key="high_tech_enterprises", as_of=date(2024, 7, 1))
    assert "统一社会信用代码" in headers or "unified social credit code" in headers
    assert [
        row[headers.index(next(h for h in headers if "名称" in h or h == "name"))] for row in rows
    ] == ["北京戊科技有限公司"]


def test_the_metrics_command_prints_json_with_the_bound_targets(plan):
    call_command(
        "bindmetrics",
        "src/innoplan/plans/fixtures/tongzhou_2024_metrics.yaml",
        "--plan",
        plan.doc_number,
        stdout=StringIO(),
    )
    high_tech(make_organisation("北京庚科技有限公司"), date(2025, 1, 1))
    out = StringIO()
    call_command("metrics", "--as-of", "2025-06-30", "--format", "json", stdout=out)
    body = json.loads(out.getvalue())
    assert body["as_of"] == "2025-06-30"
    rows = {row["key"]: row for row in body["metrics"]}
    assert rows["high_tech_enterprises"]["value"] == 1
    assert rows["high_tech_enterprises"]["unit"] == "家"
    assert rows["high_tech_enterprises"]["target"]["value"] == 1500
    assert rows["high_tech_enterprises"]["target"]["comparator"] == ">"
    assert set(rows) >= {"sub_fund_scale", "science_courtyards", "featured_parks"}


def test_a_renewed_specialised_sme_is_not_new_again():
    organisation = make_organisation("北京续期专精特新有限公司")
    for issued in (date(2022, 5, 1), date(2025, 5, 1)):
        make(
            Qualification,
            organisation=organisation,
            kind=QualificationKind.SPECIALISED_SME,
            valid_from=issued,
            valid_to=expiry_for(QualificationKind.SPECIALISED_SME, issued),
        )
    assert value("specialised_sme_new", date(2022, 12, 31)) == 1
    assert value("specialised_sme_new", date(2025, 12, 31)) == 0


def test_the_records_table_is_the_registers_list_table_without_bookkeeping_columns():
    from innoplan.registry.models import Organisation
    from innoplan.registry.tables import OrganisationTable

    high_tech(make_organisation("北京辛科技有限公司", single_champion=True), date(2024, 1, 1))
    headers, rows = metric_table(key="high_tech_enterprises", as_of=date(2024, 7, 1))
    listed = OrganisationTable(Organisation.objects.all()).as_values()
    assert headers == list(next(iter(listed)))
    assert not any("拼音" in h or "initials" in h or "warning" in h for h in headers)
    assert rows[0][0] == "北京辛科技有限公司"


# --- talents and teams -------------------------------------------------------------------------


def recognise(talent, kind, start, end=None, tier=""):
    from innoplan.registry.models import TalentRecognition

    return make(
        TalentRecognition, talent=talent, kind=kind, tier=tier, valid_from=start, valid_to=end
    )


def test_a_canal_talent_counts_from_recognition_until_the_day_it_expires():
    from innoplan.registry.choices import RecognitionKind
    from tests.registry.builders import make_talent

    recognise(
        make_talent("张伟"),
        RecognitionKind.CANAL_TALENT,
        date(2024, 3, 1),
        date(2027, 3, 1),
        "young",
    )
    assert value("canal_talents", date(2024, 2, 29)) == 0
    assert value("canal_talents", date(2024, 3, 1)) == 1
    assert value("canal_talents", date(2027, 2, 28)) == 1
    assert value("canal_talents", date(2027, 3, 1)) == 0


def test_a_person_recognised_twice_counts_once_and_only_in_their_own_metric():
    from innoplan.registry.choices import RecognitionKind
    from tests.registry.builders import make_talent

    person = make_talent("王芳")
    recognise(person, RecognitionKind.CANAL_TALENT, date(2023, 1, 1), tier="young")
    recognise(person, RecognitionKind.CANAL_TALENT, date(2025, 1, 1), tier="leading")
    recognise(person, RecognitionKind.YOUNG_SCIENTIST, date(2025, 6, 1), date(2026, 6, 1))
    assert value("canal_talents", date(2025, 7, 1)) == 1
    assert value("young_scientists", date(2025, 5, 31)) == 0
    assert value("young_scientists", date(2026, 5, 31)) == 1
    assert value("young_scientists", date(2026, 6, 1)) == 0
    assert metric_table(key="canal_talents", as_of=date(2025, 7, 1))[1][0][0] == "王芳"


def test_a_team_counts_while_its_recognition_holds():
    from innoplan.registry.models import Team

    make(Team, name="甲团队", recognition_year=2023, valid_from=date(2023, 6, 1))
    make(
        Team,
        name="乙团队",
        recognition_year=2024,
        valid_from=date(2024, 6, 1),
        valid_to=date(2026, 6, 1),
    )
    assert value("innovation_teams", date(2024, 5, 31)) == 1
    assert value("innovation_teams", date(2024, 6, 1)) == 2
    assert value("innovation_teams", date(2026, 6, 1)) == 1


# --- the records behind a figure, and what drops the snapshots --------------------------------


def test_the_records_behind_canal_talents_carry_no_ciphertext_digest_or_phone():
    from innoplan.registry.choices import RecognitionKind
    from innoplan.registry.models import Talent
    from tests.registry.builders import id_number, make_talent

    person = make_talent("赵敏", number=id_number(61), phone="13800138061")
    recognise(person, RecognitionKind.CANAL_TALENT, date(2024, 3, 1), tier="young")
    headers, rows = metric_table(key="canal_talents", as_of=date(2024, 7, 1))
    stored = Talent.objects.get(pk=person.pk)
    cells = [str(cell) for row in rows for cell in row]
    for secret in (
        stored.id_number_encrypted,
        stored.id_number_digest,
        stored.phone_encrypted,
        stored.phone_digest,
        id_number(61),
        "13800138061",
    ):
        assert secret not in cells
    assert not any("encrypted" in h or "digest" in h or "加密" in h for h in headers)
    assert stored.id_number_masked in cells  # what the talent list shows, and no more
    assert [cell for cell in rows[0] if cell == "赵敏"]


@pytest.mark.django_db(transaction=True)
def test_only_counted_registers_drop_the_snapshots():
    from innoplan.imports.models import ImportJob
    from tests.registry.builders import make_talent

    make(
        Base,
        name="通州区青少年科普基地",
        kind=BaseKind.SCIENCE_POPULARISATION,
        level=Level.DISTRICT,
        valid_from=date(2024, 2, 10),
    )
    metric_history(key="science_bases", start=date(2024, 1, 1), as_of=date(2024, 4, 15))
    kept = MetricSnapshot.objects.count()
    assert kept == 3

    talent = make_talent("孙八")
    talent.title = "研究员"
    talent.save()  # a person's title moves no metric
    from innoplan.accounts.models import User

    user = User.objects.create_user("importer", password="x-Y-z-12345")
    job = ImportJob.objects.create(importer="organisations", file_name="a.xlsx", created_by=user)
    job.status = ImportJob.Status.CHECKED
    job.save()
    assert MetricSnapshot.objects.count() == kept

    make(
        Base,
        name="通州区运河科普基地",
        kind=BaseKind.SCIENCE_POPULARISATION,
        level=Level.DISTRICT,
        valid_from=date(2024, 3, 5),
    )
    assert MetricSnapshot.objects.count() == 2  # from March on, dropped
