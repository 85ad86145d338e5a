"""The metrics: each a named, documented count or sum over the registry, taken as of a date.

A metric answers two questions for a day: how much (``value``) and which records make it up
(``records``), so that every measured figure opens the list it counted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from innoplan.registry import selectors as registry
from innoplan.registry.choices import (
    BaseKind,
    Level,
    OrganisationKind,
    PlatformKind,
    QualificationKind,
    RecognitionKind,
)


@dataclass(frozen=True)
class Metric:
    key: str
    name: str
    unit: str
    description: str
    records: Callable[[date], Iterable]
    amount: Callable[[date], Decimal] | None = None  # a sum; None means the records are counted
    annual: bool = False  # counted afresh each calendar year

    def value(self, as_of: date) -> Decimal:
        if self.amount is not None:
            return Decimal(self.amount(as_of))
        records = self.records(as_of)
        count = records.count() if hasattr(records, "count") else len(list(records))
        return Decimal(count)


RESEARCH_KINDS = [
    OrganisationKind.UNIVERSITY,
    OrganisationKind.RESEARCH_INSTITUTE,
    OrganisationKind.BRANCH,
]
MUNICIPAL_OR_ABOVE = [Level.NATIONAL, Level.MUNICIPAL]
INCUBATION_AND_COMMON_TECHNOLOGY = [
    PlatformKind.INCUBATOR,
    PlatformKind.PROOF_OF_CONCEPT_CENTER,
    PlatformKind.PILOT_TEST_BASE,
    PlatformKind.APPLICATION_VERIFICATION_PLATFORM,
]

METRICS: dict[str, Metric] = {
    m.key: m
    for m in [
        Metric(
            "research_institutions",
            _("Universities, research institutes and their branches"),
            "家",
            _(
                "Universities, research institutes and their branches (分院、分部、研究院) present "
                "in the district on the day."
            ),
            lambda d: registry.organisations_present(as_of=d, kinds=RESEARCH_KINDS),
        ),
        Metric(
            "high_tech_enterprises",
            _("High-tech enterprises"),
            "家",
            _(
                "Organisations in the district holding a 高新技术企业 certificate in force on the "
                "day; a certificate stops counting on its expiry date."
            ),
            lambda d: registry.organisations_qualified(kind=QualificationKind.HIGH_TECH, as_of=d),
        ),
        Metric(
            "specialised_sme_new",
            _("New specialised SMEs this year"),
            "家",
            _(
                "专精特新中小企业 qualifications issued in the calendar year of the day, up to the "
                "day."
            ),
            lambda d: registry.qualifications_granted(
                kind=QualificationKind.SPECIALISED_SME, year=d.year, as_of=d
            ),
            annual=True,
        ),
        Metric(
            "innovation_partners",
            _("Innovation partners"),
            "家",
            _("Members of the sub-centre's innovation partner programme on the day."),
            lambda d: registry.organisations_qualified(
                kind=QualificationKind.INNOVATION_PARTNER, as_of=d
            ),
        ),
        Metric(
            "platforms_municipal_plus",
            _("Municipal and national innovation platforms"),
            "家",
            _(
                "Innovation platforms of national or municipal level in force on the day, of "
                "every kind except incubation and common-technology platforms."
            ),
            lambda d: registry.platforms_valid(as_of=d, levels=MUNICIPAL_OR_ABOVE).exclude(
                kind__in=INCUBATION_AND_COMMON_TECHNOLOGY
            ),
        ),
        Metric(
            "incubation_platforms",
            _("Incubation and common-technology platforms"),
            "家",
            _(
                "Incubators, proof-of-concept centres, pilot-test bases and application "
                "verification platforms in force on the day, of any level."
            ),
            lambda d: registry.platforms_valid(as_of=d, kinds=INCUBATION_AND_COMMON_TECHNOLOGY),
        ),
        Metric(
            "sub_funds",
            _("Sub-funds with the guiding fund"),
            "支",
            _(
                "Sub-funds in which the government industry guiding fund participates, "
                "established and not liquidated on the day."
            ),
            lambda d: registry.funds_valid(as_of=d),
        ),
        Metric(
            "sub_fund_scale",
            _("Total committed scale of the sub-funds"),
            "元",
            _(
                "The sum of each sub-fund's committed scale in effect on the day (an amended "
                "fund counts at its amended scale from the amendment's date)."
            ),
            lambda d: [fund for fund, _amount in registry.fund_scales(as_of=d)],
            amount=lambda d: registry.fund_scale_total(as_of=d),
        ),
        Metric(
            "brand_events",
            _("Brand events"),
            "个",
            _("Brand events of industry influence held in the district and still running."),
            lambda d: registry.brand_events_valid(as_of=d),
        ),
        Metric(
            "science_bases",
            _("Science popularisation bases"),
            "个",
            _("科普基地 of any level recognised and not withdrawn on the day."),
            lambda d: registry.bases_valid(kind=BaseKind.SCIENCE_POPULARISATION, as_of=d),
        ),
        Metric(
            "science_courtyards",
            _("Science and technology courtyards"),
            "个",
            _("科技小院 recognised and not withdrawn on the day."),
            lambda d: registry.bases_valid(kind=BaseKind.SCIENCE_COURTYARD, as_of=d),
        ),
        Metric(
            "featured_parks",
            _("Featured industrial parks"),
            "个",
            _("特色产业园区 recognised and not delisted on the day."),
            lambda d: registry.parks_valid(as_of=d),
        ),
        Metric(
            "canal_talents",
            _("Canal talents"),
            "名",
            _(
                "People holding a 运河英才 recognition of any tier (杰出, 领军, 青年) in force on "
                "the day; each person once."
            ),
            lambda d: registry.talents_recognised(kind=RecognitionKind.CANAL_TALENT, as_of=d),
        ),
        Metric(
            "innovation_teams",
            _("Outstanding innovation teams"),
            "个",
            _("优秀科技创新团队 recognised and still recognised on the day."),
            lambda d: registry.teams_valid(as_of=d),
        ),
        Metric(
            "young_scientists",
            _("Outstanding young scientists"),
            "名",
            _("People recognised as 杰出青年科技工作者 whose recognition is in force on the day."),
            lambda d: registry.talents_recognised(kind=RecognitionKind.YOUNG_SCIENTIST, as_of=d),
        ),
        Metric(
            "high_value_patents",
            _("High-value invention patents"),
            "件",
            _(
                "高价值发明专利: invention patents in force on the day, owned by an organisation "
                "in the district, that meet at least one of CNIPA's five categories: in a "
                "strategic emerging industry, with an overseas family member, maintained for "
                "more than 10 years since filing, pledged for more than 10 million yuan, or "
                "winner of a national science and technology award or the China Patent Award."
            ),
            lambda d: registry.high_value_invention_patents(as_of=d),
        ),
    ]
}


def metric(key: str) -> Metric:
    try:
        return METRICS[key]
    except KeyError:
        raise KeyError(f"no metric {key!r}; known: {', '.join(sorted(METRICS))}") from None
