"""Counts taken from the registry as of a day, with hand-built records that cross validity
boundaries on either side of the day."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from innoplan.registry import selectors
from innoplan.registry.choices import (
    BaseKind,
    Level,
    OrganisationKind,
    PlatformKind,
    QualificationKind,
)
from innoplan.registry.models import Base, BrandEvent, Fund, Park, Platform
from innoplan.registry.services import (
    fund_scale_amend,
    qualification_grant,
    record_retire,
)
from tests.registry.builders import make, make_organisation

pytestmark = pytest.mark.django_db

HIGH_TECH = QualificationKind.HIGH_TECH
SPECIALISED = QualificationKind.SPECIALISED_SME
YI = Decimal(100_000_000)  # 1 亿元
DAY = timedelta(days=1)


def grant(organisation, kind, issued_on, **fields):
    return qualification_grant(
        organisation=organisation, kind=kind, issued_on=issued_on, actor=None, **fields
    )


def high_tech(*, as_of):
    return set(
        selectors.organisations_qualified(kind=HIGH_TECH, as_of=as_of).values_list(
            "name", flat=True
        )
    )


# --- qualifications ---------------------------------------------------------------------


def test_a_high_tech_certificate_counts_up_to_the_day_before_its_expiry():
    enterprise = make_organisation("高企甲")
    certificate = grant(enterprise, HIGH_TECH, date(2022, 12, 14))
    expires_on = certificate.valid_to
    assert expires_on == date(2025, 12, 14)
    assert high_tech(as_of=date(2022, 12, 13)) == set()
    assert high_tech(as_of=date(2022, 12, 14)) == {"高企甲"}
    assert high_tech(as_of=expires_on - DAY) == {"高企甲"}
    assert high_tech(as_of=expires_on) == set()


def test_a_certificate_that_expired_the_day_before_does_not_count():
    as_of = date(2025, 6, 30)
    grant(make_organisation("昨日到期"), HIGH_TECH, date(2022, 6, 29))
    grant(make_organisation("今日仍有效"), HIGH_TECH, date(2022, 7, 1))
    assert high_tech(as_of=as_of) == {"今日仍有效"}


def test_an_organisation_that_left_the_district_stops_counting_its_qualifications():
    leaver = make_organisation("迁出企业", left_on=date(2025, 3, 1))
    grant(leaver, HIGH_TECH, date(2024, 1, 1))
    assert high_tech(as_of=date(2025, 2, 28)) == {"迁出企业"}
    assert high_tech(as_of=date(2025, 3, 1)) == set()
    assert not selectors.organisations_present(as_of=date(2025, 3, 1)).filter(pk=leaver.pk)


def test_a_qualification_held_before_settling_counts_from_the_settlement():
    newcomer = make_organisation("新落地企业", settled_on=date(2025, 5, 20))
    grant(newcomer, HIGH_TECH, date(2024, 1, 1))
    assert high_tech(as_of=date(2025, 5, 19)) == set()
    assert high_tech(as_of=date(2025, 5, 20)) == {"新落地企业"}


def test_a_revoked_qualification_stops_counting_on_the_revocation_day():
    enterprise = make_organisation("被撤销企业")
    certificate = grant(enterprise, HIGH_TECH, date(2024, 1, 1))
    record_retire(record=certificate, on=date(2025, 4, 1), reason="撤销", actor=None)
    assert high_tech(as_of=date(2025, 3, 31)) == {"被撤销企业"}
    assert high_tech(as_of=date(2025, 4, 1)) == set()


def test_an_organisation_holding_two_certificates_at_once_counts_once():
    enterprise = make_organisation("续期企业")
    grant(enterprise, HIGH_TECH, date(2022, 12, 1))
    grant(enterprise, HIGH_TECH, date(2025, 11, 1))  # renewed a month before expiry
    as_of = date(2025, 11, 15)
    assert selectors.organisations_qualified(kind=HIGH_TECH, as_of=as_of).count() == 1


def test_only_the_asked_kind_counts():
    enterprise = make_organisation("科小企业")
    grant(enterprise, QualificationKind.TECH_SME, date(2025, 3, 1))
    assert high_tech(as_of=date(2025, 6, 1)) == set()
    tech_sme = selectors.organisations_qualified(
        kind=QualificationKind.TECH_SME, as_of=date(2025, 12, 31)
    )
    assert list(tech_sme) == [enterprise]
    assert not selectors.organisations_qualified(
        kind=QualificationKind.TECH_SME, as_of=date(2026, 1, 1)
    ).exists()


def test_new_specialised_smes_count_only_those_issued_in_the_year_up_to_the_day():
    def granted(as_of, year=2025):
        queryset = selectors.qualifications_granted(kind=SPECIALISED, year=year, as_of=as_of)
        return set(queryset.values_list("organisation__name", flat=True))

    grant(make_organisation("去年末"), SPECIALISED, date(2024, 12, 31))
    grant(make_organisation("元旦"), SPECIALISED, date(2025, 1, 1))
    grant(make_organisation("年中"), SPECIALISED, date(2025, 7, 1))
    grant(make_organisation("年末"), SPECIALISED, date(2025, 12, 31))
    grant(make_organisation("明年"), SPECIALISED, date(2026, 1, 1))
    grant(make_organisation("小巨人"), QualificationKind.LITTLE_GIANT, date(2025, 3, 1))
    assert granted(date(2025, 6, 30)) == {"元旦"}
    assert granted(date(2025, 7, 1)) == {"元旦", "年中"}
    assert granted(date(2025, 12, 31)) == {"元旦", "年中", "年末"}
    assert granted(date(2026, 6, 30)) == {"元旦", "年中", "年末"}
    assert granted(date(2024, 12, 31)) == set()
    assert granted(date(2026, 6, 30), year=2026) == {"明年"}


def test_a_grant_counts_in_its_year_only_when_the_organisation_was_in_the_district():
    def granted():
        queryset = selectors.qualifications_granted(
            kind=SPECIALISED, year=2025, as_of=date(2025, 12, 31)
        )
        return set(queryset.values_list("organisation__name", flat=True))

    grant(make_organisation("外区企业", settled_on=None), SPECIALISED, date(2025, 3, 1))
    grant(
        make_organisation("获评后迁入", settled_on=date(2025, 6, 1)), SPECIALISED, date(2025, 3, 1)
    )
    grant(make_organisation("获评后迁出", left_on=date(2025, 9, 1)), SPECIALISED, date(2025, 3, 1))
    revoked = grant(make_organisation("获评后撤销"), SPECIALISED, date(2025, 3, 1))
    record_retire(record=revoked, on=date(2025, 10, 1), reason="撤销", actor=None)
    assert granted() == {"获评后迁出", "获评后撤销"}


# --- organisations ----------------------------------------------------------------------


def test_organisations_present_are_those_settled_and_not_yet_gone():
    make_organisation("老企业", settled_on=date(2010, 1, 1))
    make_organisation("将落地", settled_on=date(2025, 7, 1))
    make_organisation("已迁出", left_on=date(2025, 1, 1))
    make_organisation("外地总部", kind=OrganisationKind.UNIVERSITY, settled_on=None)
    names = selectors.organisations_present(as_of=date(2025, 6, 30)).values_list("name", flat=True)
    assert set(names) == {"老企业"}


def test_organisations_present_of_some_kinds():
    university = make_organisation("北京某大学", kind=OrganisationKind.UNIVERSITY, settled_on=None)
    make_organisation("北京某大学副中心研究院", kind=OrganisationKind.BRANCH, parent=university)
    make_organisation("某科学院所", kind=OrganisationKind.RESEARCH_INSTITUTE)
    make_organisation("某医院", kind=OrganisationKind.HOSPITAL)
    academic = selectors.organisations_present(
        as_of=date(2025, 6, 30),
        kinds=[
            OrganisationKind.UNIVERSITY,
            OrganisationKind.RESEARCH_INSTITUTE,
            OrganisationKind.BRANCH,
        ],
    )
    assert set(academic.values_list("name", flat=True)) == {"北京某大学副中心研究院", "某科学院所"}


# --- platforms --------------------------------------------------------------------------


def platform(name, level, host, *, kind=PlatformKind.KEY_LABORATORY, approved_on, **fields):
    return make(
        Platform, name=name, kind=kind, level=level, host=host, valid_from=approved_on, **fields
    )


def test_platforms_of_the_asked_levels_and_kinds():
    host = make_organisation("平台依托单位")
    platform("国家重点实验室", Level.NATIONAL, host, approved_on=date(2020, 1, 1))
    platform("市级重点实验室", Level.MUNICIPAL, host, approved_on=date(2021, 1, 1))
    platform("区级重点实验室", Level.DISTRICT, host, approved_on=date(2022, 1, 1))
    platform(
        "市级孵化器",
        Level.MUNICIPAL,
        host,
        kind=PlatformKind.INCUBATOR,
        approved_on=date(2022, 1, 1),
    )
    as_of = date(2025, 6, 30)
    upper = selectors.platforms_valid(as_of=as_of, levels=[Level.NATIONAL, Level.MUNICIPAL])
    assert set(upper.values_list("name", flat=True)) == {
        "国家重点实验室",
        "市级重点实验室",
        "市级孵化器",
    }
    labs = selectors.platforms_valid(
        as_of=as_of, levels=[Level.NATIONAL, Level.MUNICIPAL], kinds=[PlatformKind.KEY_LABORATORY]
    )
    assert labs.count() == 2
    assert selectors.platforms_valid(as_of=as_of).count() == 4


def test_a_platform_counts_from_approval_until_revoked_and_while_its_host_is_here():
    host = make_organisation("依托单位", left_on=date(2026, 1, 1))
    platform(
        "工程研究中心",
        Level.MUNICIPAL,
        host,
        kind=PlatformKind.ENGINEERING_RESEARCH_CENTER,
        approved_on=date(2023, 5, 1),
        valid_to=date(2025, 5, 1),
    )
    platform("企业技术中心", Level.MUNICIPAL, host, approved_on=date(2024, 1, 1))

    def names(as_of):
        return set(selectors.platforms_valid(as_of=as_of).values_list("name", flat=True))

    assert names(date(2023, 4, 30)) == set()
    assert names(date(2024, 6, 1)) == {"工程研究中心", "企业技术中心"}
    assert names(date(2025, 5, 1)) == {"企业技术中心"}
    assert names(date(2026, 1, 1)) == set()


# --- funds ------------------------------------------------------------------------------


def test_an_amended_fund_counts_at_the_scale_in_effect_on_the_day():
    fund = make(Fund, name="副中心科创子基金", valid_from=date(2023, 6, 1))
    fund_scale_amend(fund=fund, effective_on=date(2023, 6, 1), amount=5 * YI, actor=None)
    fund_scale_amend(fund=fund, effective_on=date(2025, 3, 1), amount=8 * YI, actor=None)
    assert selectors.fund_scale_total(as_of=date(2023, 5, 31)) == 0
    assert selectors.fund_scale_total(as_of=date(2023, 6, 1)) == 5 * YI
    assert selectors.fund_scale_total(as_of=date(2025, 2, 28)) == 5 * YI
    assert selectors.fund_scale_total(as_of=date(2025, 3, 1)) == 8 * YI
    assert selectors.fund_scales(as_of=date(2025, 2, 28)) == [(fund, 5 * YI)]
    assert selectors.fund_scales(as_of=date(2025, 3, 1)) == [(fund, 8 * YI)]


def test_a_liquidated_fund_stops_counting_on_its_liquidation_day():
    kept = make(Fund, name="存续基金", valid_from=date(2022, 1, 1))
    fund_scale_amend(
        fund=kept, effective_on=date(2022, 1, 1), amount=Decimal("300000000.50"), actor=None
    )
    gone = make(Fund, name="清算基金", valid_from=date(2021, 1, 1), valid_to=date(2025, 1, 1))
    fund_scale_amend(fund=gone, effective_on=date(2021, 1, 1), amount=2 * YI, actor=None)
    assert selectors.fund_scale_total(as_of=date(2024, 12, 31)) == Decimal("500000000.50")
    assert selectors.fund_scale_total(as_of=date(2025, 1, 1)) == Decimal("300000000.50")
    assert list(selectors.funds_valid(as_of=date(2025, 1, 1))) == [kept]
    assert dict(selectors.fund_scales(as_of=date(2024, 12, 31))) == {
        gone: 2 * YI,
        kept: Decimal("300000000.50"),
    }


def test_a_fund_whose_scale_has_not_taken_effect_is_listed_at_zero():
    fund = make(Fund, name="新设基金", valid_from=date(2025, 1, 1))
    fund_scale_amend(fund=fund, effective_on=date(2025, 2, 1), amount=YI, actor=None)
    assert selectors.fund_scales(as_of=date(2025, 1, 15)) == [(fund, Decimal(0))]
    assert selectors.fund_scale_total(as_of=date(2025, 1, 15)) == 0
    assert isinstance(selectors.fund_scale_total(as_of=date(2025, 1, 15)), Decimal)


# --- events, bases, parks ---------------------------------------------------------------


def test_brand_events_bases_and_parks_count_while_valid(town):
    make(BrandEvent, name="副中心科技创新大会", valid_from=date(2022, 9, 1))
    make(BrandEvent, name="停办的论坛", valid_from=date(2019, 9, 1), valid_to=date(2024, 1, 1))
    make(
        Base,
        name="科普基地甲",
        kind=BaseKind.SCIENCE_POPULARISATION,
        level=Level.MUNICIPAL,
        valid_from=date(2023, 1, 1),
    )
    make(
        Base,
        name="科技小院甲",
        kind=BaseKind.SCIENCE_COURTYARD,
        level=Level.NATIONAL,
        town=town,
        valid_from=date(2024, 4, 1),
    )
    make(
        Base,
        name="科技小院乙",
        kind=BaseKind.SCIENCE_COURTYARD,
        level=Level.MUNICIPAL,
        valid_from=date(2025, 9, 1),
    )
    make(Park, name="宋庄艺术创意园", town=town, valid_from=date(2020, 1, 1))
    make(Park, name="摘牌园区", valid_from=date(2020, 1, 1), valid_to=date(2025, 1, 1))
    as_of = date(2025, 6, 30)
    assert [e.name for e in selectors.brand_events_valid(as_of=as_of)] == ["副中心科技创新大会"]
    courtyards = selectors.bases_valid(kind=BaseKind.SCIENCE_COURTYARD, as_of=as_of)
    assert [b.name for b in courtyards] == ["科技小院甲"]
    assert selectors.bases_valid(kind=BaseKind.SCIENCE_POPULARISATION, as_of=as_of).count() == 1
    assert [p.name for p in selectors.parks_valid(as_of=as_of)] == ["宋庄艺术创意园"]


# --- query counts -----------------------------------------------------------------------


def test_each_figure_is_one_query_whatever_the_size_of_the_registry(django_assert_num_queries):
    for n in range(5):
        enterprise = make_organisation(f"企业{n}")
        grant(enterprise, HIGH_TECH, date(2024, 1, 1) + n * DAY)
        grant(enterprise, SPECIALISED, date(2025, 1, 1) + n * DAY)
        platform(f"平台{n}", Level.MUNICIPAL, enterprise, approved_on=date(2024, 1, 1))
        fund = make(Fund, name=f"基金{n}", valid_from=date(2024, 1, 1))
        fund_scale_amend(fund=fund, effective_on=date(2024, 1, 1), amount=YI, actor=None)
        fund_scale_amend(fund=fund, effective_on=date(2025, 1, 1), amount=2 * YI, actor=None)
    as_of = date(2025, 6, 30)
    figures = [
        lambda: selectors.organisations_present(as_of=as_of).count(),
        lambda: selectors.organisations_qualified(kind=HIGH_TECH, as_of=as_of).count(),
        lambda: list(selectors.organisations_qualified(kind=HIGH_TECH, as_of=as_of)),
        lambda: selectors.qualifications_granted(kind=SPECIALISED, year=2025, as_of=as_of).count(),
        lambda: selectors.platforms_valid(as_of=as_of, levels=[Level.MUNICIPAL]).count(),
        lambda: selectors.funds_valid(as_of=as_of).count(),
        lambda: selectors.fund_scale_total(as_of=as_of),
        lambda: selectors.fund_scales(as_of=as_of),
        lambda: selectors.brand_events_valid(as_of=as_of).count(),
        lambda: selectors.bases_valid(kind=BaseKind.SCIENCE_COURTYARD, as_of=as_of).count(),
        lambda: selectors.parks_valid(as_of=as_of).count(),
    ]
    for figure in figures:
        with django_assert_num_queries(1):
            figure()
    assert selectors.fund_scale_total(as_of=as_of) == 10 * YI
    assert selectors.organisations_qualified(kind=HIGH_TECH, as_of=as_of).count() == 5
