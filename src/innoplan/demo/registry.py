"""演示数据 — a demo registry whose counts follow the demo trajectories month by month.

For every indicator measured from the registry, records are made so that the metric, counted
as of each month end, gives the demo figure of that month: organisations with their
qualifications (renewed when a 3-year certificate runs out), platforms, funds with amended
scales, events, bases and parks. Records are written in bulk; the snapshots are dropped once
at the end.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from innoplan.core.chinese import pinyin_initials
from innoplan.core.identifiers import (
    credit_code_check_character,
    id_card_check_character,
    organisation_code_check_character,
    patent_check_character,
)
from innoplan.metrics.services import metric_snapshots_invalidate
from innoplan.registry import models as registry
from innoplan.registry import validity
from innoplan.registry.choices import (
    BaseKind,
    CanalTalentTier,
    IdKind,
    Industry,
    Level,
    OrganisationKind,
    PatentKind,
    PlatformKind,
    QualificationKind,
    RecognitionKind,
)

# Demo ID-card numbers use a region code no real person has (1199xx is not assigned).
DEMO_ID_REGION = "119901"
# Demo mobile numbers are 140 + 8 digits. China's numbering plan reserves no fictional range;
# 140 is a segment for machine (IoT) numbers of 13 digits, so no 11-digit 140 number is a
# person's phone.
DEMO_PHONE_PREFIX = "140"
# One talent in FOREIGN_EVERY holds another document than a mainland ID card, the kinds in
# turn: foreign experts (recorded, as the district does, under a Chinese transliteration of
# their name) and people from Hong Kong, Macao and Taiwan. Their numbers are invented, in
# ranges no document uses (a passport "DEMO…", a permanent residence card of country "ZZZ", a
# residence permit of address code 8399xx).
FOREIGN_EVERY = 12
OTHER_DOCUMENTS = (
    IdKind.PASSPORT,
    IdKind.HK_MACAO_PERMIT,
    IdKind.TAIWAN_PERMIT,
    IdKind.PERMANENT_RESIDENCE,
    IdKind.RESIDENCE_PERMIT,
)
FOREIGN_NAMES = ["安娜·米勒", "约翰·史密斯", "马克·霍夫曼", "苏菲·马丁", "彼得·伊万诺夫", "田中健"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "涛", "明", "超", "华", "颖"]
WORDS = [
    "智云",
    "星河",
    "融创",
    "通运",
    "辰光",
    "合众",
    "润泽",
    "博睿",
    "天衡",
    "中科",
    "华信",
    "启明",
    "运河",
    "潞城",
    "新元",
    "锐思",
    "九州",
    "恒道",
    "远景",
]
TRADES = [
    "科技",
    "信息技术",
    "生物医药",
    "智能装备",
    "数字科技",
    "新能源",
    "检测",
    "软件",
    "材料",
    "种业",
]
INDUSTRIES = [c for c in Industry.values if c != Industry.OTHER]


class DemoRegistry:
    """Builds the records; every count it is asked for holds on each month end."""

    def __init__(self, *, today: date, baseline_on: date, seed: int = 2024):
        self.today = today
        self.baseline_on = baseline_on
        self.rng = random.Random(seed)
        self.serial = 0
        self.organisations: list[registry.Organisation] = []
        self.qualifications: list[registry.Qualification] = []
        self.towns: list = []

    # --- helpers ------------------------------------------------------------------------

    def day_in(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

    def before_baseline(self) -> date:
        return self.day_in(date(2015, 1, 1), self.baseline_on - timedelta(days=1))

    def credit_code(self) -> str:
        self.serial += 1
        body = f"MA{self.serial:06d}"
        first17 = "91110112" + body + organisation_code_check_character(body)
        return first17 + credit_code_check_character(first17)

    def organisation(
        self, *, since: date, kind: str = OrganisationKind.ENTERPRISE, name: str | None = None
    ) -> registry.Organisation:
        if name is None:
            name = (
                f"北京{self.rng.choice(WORDS)}{self.rng.choice(TRADES)}有限公司"
                f"（演示{self.serial + 1:04d}）"
            )
        organisation = registry.Organisation(
            credit_code=self.credit_code(),
            name=name,
            name_initials=pinyin_initials(name),  # bulk_create skips save()
            kind=kind,
            industry=self.rng.choice(INDUSTRIES),
            town=self.rng.choice(self.towns) if self.towns else None,
            valid_from=since,
        )
        self.organisations.append(organisation)
        return organisation

    def qualify(self, organisation: registry.Organisation, kind: str, issued_on: date) -> None:
        """A qualification, renewed on its expiry for as long as the demo runs."""
        while issued_on <= self.today:
            expires_on = validity.expiry_for(kind, issued_on)
            self.qualifications.append(
                registry.Qualification(
                    organisation=organisation,
                    kind=kind,
                    valid_from=issued_on,
                    valid_to=expires_on,
                    certificate_no=f"GR{issued_on:%Y}11{self.rng.randrange(10**6):06d}"
                    if kind == QualificationKind.HIGH_TECH
                    else "",
                )
            )
            if expires_on is None:
                return
            issued_on = expires_on

    @staticmethod
    def additions(values: list[tuple[date, date, Decimal]], baseline: int) -> list:
        """How many records each month adds, from the month-end counts."""
        previous, plan = baseline, []
        for start, end, value in values:
            count = int(value)
            plan.append((start, end, max(0, count - previous)))
            previous = max(previous, count)
        return plan

    def stock(self, values, baseline: int, make: Callable[[date], None]) -> None:
        """``baseline`` records before the baseline date, then each month's additions."""
        for _ in range(baseline):
            make(self.before_baseline())
        for start, end, added in self.additions(values, baseline):
            for _ in range(added):
                make(self.day_in(start, min(end, self.today)))

    # --- the metrics ----------------------------------------------------------------------

    def research_institutions(self, values, baseline):
        kinds = [
            OrganisationKind.UNIVERSITY,
            OrganisationKind.RESEARCH_INSTITUTE,
            OrganisationKind.BRANCH,
        ]
        names = iter(
            [
                "中国信息通信研究院（演示）",
                "清华大学通州研究院（演示）",
                "中国人民大学通州校区（演示）",
                "西北工业大学北京研究院（演示）",
                "香港中文大学北京研究院（演示）",
                "中国农业科学院通州分院（演示）",
                "北京物资学院（演示）",
                "北京中医药大学东直门研究院（演示）",
            ]
        )
        self.stock(
            values,
            baseline,
            lambda day: self.organisation(
                since=day,
                kind=self.rng.choice(kinds),
                name=next(names, None) or f"演示研究院{self.serial + 1:04d}",
            ),
        )

    def qualified(self, kind):
        def make(values, baseline):
            self.stock(
                values, baseline, lambda day: self.qualify(self.organisation(since=day), kind, day)
            )

        return make

    def specialised_sme_new(self, values_by_year):
        # Each year's new 专精特新 go to enterprises already in the district.
        for values in values_by_year:
            previous = 0
            for start, end, value in values:
                for _ in range(max(0, int(value) - previous)):
                    day = self.day_in(start, min(end, self.today))
                    organisation = self.organisation(since=day - timedelta(days=400))
                    self.qualify(organisation, QualificationKind.SPECIALISED_SME, day)
                previous = max(previous, int(value))

    def platforms(self, kinds, levels):
        def make(values, baseline):
            def platform(day):
                host = self.organisation(since=day - timedelta(days=200))
                kind = self.rng.choice(kinds)
                self.platform_rows.append(
                    registry.Platform(
                        name=f"{host.name[:-8]}{PlatformKind(kind).label}",
                        kind=kind,
                        level=self.rng.choice(levels),
                        host=host,
                        valid_from=day,
                    )
                )

            self.stock(values, baseline, platform)

        return make

    def named(self, model, prefix, **fields):
        def make(values, baseline):
            self.stock(
                values,
                baseline,
                lambda day: self.rows.setdefault(model, []).append(
                    model(
                        name=f"{prefix}{len(self.rows.get(model, [])) + 1:02d}（演示）",
                        valid_from=day,
                        **fields,
                    )
                ),
            )

        return make

    def funds(self, count_values, count_baseline, scale_values, scale_baseline):
        """Funds by the count path; each month's scale increase goes to that month's new
        funds, or amends the latest fund when none is new."""
        funds: list[tuple[registry.Fund, list[registry.FundScale]]] = []

        def new_fund(day, amount):
            fund = registry.Fund(
                name=f"副中心{self.rng.choice(WORDS)}产业子基金{len(funds) + 1:02d}（演示）",
                manager="演示基金管理有限公司",
                valid_from=day,
            )
            funds.append((fund, [registry.FundScale(fund=fund, effective_on=day, amount=amount)]))

        share = Decimal(scale_baseline) / count_baseline
        for _ in range(count_baseline):
            new_fund(self.before_baseline(), share)
        previous_scale = Decimal(scale_baseline)
        scales = {end: value for _, end, value in scale_values}
        for start, end, added in self.additions(count_values, count_baseline):
            increase = max(Decimal(0), scales.get(end, previous_scale) - previous_scale)
            day = self.day_in(start, min(end, self.today))
            if added:
                for _ in range(added):
                    new_fund(day, increase / added)
            elif increase:
                fund, history = funds[-1]
                history.append(
                    registry.FundScale(
                        fund=fund,
                        effective_on=max(day, history[-1].effective_on + timedelta(days=1)),
                        amount=history[-1].amount + increase,
                    )
                )
            previous_scale += increase
        self.fund_rows = funds

    def high_value_patents(self, values, baseline):
        """Invention patents granted on the demo path, each high value by being in a strategic
        emerging industry, owned by an enterprise settled before the grant."""

        def patent(day):
            filed_on = day - timedelta(days=self.rng.randrange(400, 1500))
            digits = f"{filed_on.year}1{len(self.patent_rows) + 1:07d}"
            self.patent_rows.append(
                (
                    registry.Patent(
                        application_number=f"{digits}.{patent_check_character(digits)}",
                        title=f"一种{self.rng.choice(WORDS)}{self.rng.choice(TRADES)}装置及方法",
                        kind=PatentKind.INVENTION,
                        filed_on=filed_on,
                        valid_from=day,
                        strategic_emerging_industry=True,
                    ),
                    self.patent_owner(day),
                )
            )

        self.stock(values, baseline, patent)

    def patent_owner(self, day: date) -> registry.Organisation:
        """An enterprise in the district before ``day``: one of a few dozen patent holders."""
        owners = [o for o in self.patent_holders if o.valid_from <= day]
        if len(owners) < 40 or self.rng.random() < 0.02:
            owner = self.organisation(since=self.day_in(date(2010, 1, 1), day - timedelta(days=1)))
            self.patent_holders.append(owner)
            return owner
        return self.rng.choice(owners)

    def talent(self, day: date) -> registry.Talent:
        """A person working at an enterprise of the district, with an invented ID number."""
        self.serial += 1
        birth = self.day_in(date(1965, 1, 1), date(1998, 12, 31))
        first17 = f"{DEMO_ID_REGION}{birth:%Y%m%d}{self.serial % 1000:03d}"
        person = registry.Talent(
            name=self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, 2)),
            employer=self.rng.choice(self.patent_holders or self.organisations or [None]),
            title=self.rng.choice(["首席科学家", "技术总监", "研究员", "高级工程师", "教授"]),
        )
        if self.serial % FOREIGN_EVERY:
            person.set_id_number(first17 + id_card_check_character(first17))
        else:
            self.other_document(person, birth)
        if self.serial % 5:  # one in five without a phone, as in the district's own lists
            person.set_phone(f"{DEMO_PHONE_PREFIX}{self.serial:08d}")
        self.talent_rows.append(person)
        return person

    def other_document(self, person: registry.Talent, birth: date) -> None:
        """Give ``person`` a document other than an ID card, chosen by the serial alone (the
        random draws stay those of a demo without them)."""
        turn = self.serial // FOREIGN_EVERY
        kind = OTHER_DOCUMENTS[turn % len(OTHER_DOCUMENTS)]
        serial = f"{self.serial:06d}"
        if kind in (IdKind.PASSPORT, IdKind.PERMANENT_RESIDENCE):
            person.name = FOREIGN_NAMES[turn % len(FOREIGN_NAMES)]
        if kind == IdKind.PASSPORT:
            number = f"DEMO{serial}"
        elif kind == IdKind.HK_MACAO_PERMIT:
            number = f"H99{serial}"
        elif kind == IdKind.TAIWAN_PERMIT:
            number = f"99{serial}"
        elif kind == IdKind.PERMANENT_RESIDENCE:
            number = f"ZZZ{birth:%y%m%d}{serial}"
        else:
            first17 = f"839901{birth:%Y%m%d}{self.serial % 1000:03d}"
            number = first17 + id_card_check_character(first17)
        person.set_id_number(number, kind=kind)

    def recognised(self, kind):
        def make(values, baseline):
            def recognise(day):
                tier = ""
                if kind == RecognitionKind.CANAL_TALENT:
                    tier = self.rng.choices(CanalTalentTier.values, weights=[1, 4, 10])[0]
                self.recognition_rows.append(
                    registry.TalentRecognition(
                        talent=self.talent(day), kind=kind, tier=tier, valid_from=day
                    )
                )

            self.stock(values, baseline, recognise)

        return make

    def innovation_teams(self, values, baseline):
        def team(day):
            host = self.rng.choice(self.patent_holders or self.organisations)
            row = registry.Team(
                name=f"{host.name[:-8]}创新团队{len(self.team_rows) + 1:02d}",
                organisation=host,
                recognition_year=day.year,
                valid_from=day,
            )
            members = [self.talent(day) for _ in range(self.rng.randrange(3, 6))]
            self.team_rows.append((row, members))

        self.stock(values, baseline, team)

    # --- writing ----------------------------------------------------------------------------

    def save(self) -> int:
        registry.Organisation.objects.bulk_create(self.organisations, batch_size=500)
        registry.Qualification.objects.bulk_create(self.qualifications, batch_size=500)
        registry.Platform.objects.bulk_create(self.platform_rows, batch_size=500)
        for model, rows in self.rows.items():
            model.objects.bulk_create(rows, batch_size=500)
        registry.Fund.objects.bulk_create([fund for fund, _ in self.fund_rows])
        registry.FundScale.objects.bulk_create(
            [s for _, history in self.fund_rows for s in history]
        )
        registry.Patent.objects.bulk_create(
            [patent for patent, _ in self.patent_rows], batch_size=500
        )
        registry.PatentOwner.objects.bulk_create(
            [registry.PatentOwner(patent=p, organisation=o) for p, o in self.patent_rows],
            batch_size=500,
        )
        registry.Talent.objects.bulk_create(self.talent_rows, batch_size=500)
        registry.TalentRecognition.objects.bulk_create(self.recognition_rows, batch_size=500)
        registry.Team.objects.bulk_create([team for team, _ in self.team_rows], batch_size=500)
        registry.TeamMember.objects.bulk_create(
            [
                registry.TeamMember(team=team, talent=talent, is_leader=index == 0)
                for team, members in self.team_rows
                for index, talent in enumerate(members)
            ],
            batch_size=500,
        )
        metric_snapshots_invalidate(since=None)
        return (
            len(self.organisations)
            + len(self.qualifications)
            + len(self.platform_rows)
            + sum(len(r) for r in self.rows.values())
            + len(self.fund_rows)
            + len(self.patent_rows)
            + len(self.talent_rows)
            + len(self.recognition_rows)
            + len(self.team_rows)
        )

    platform_rows: list
    rows: dict
    fund_rows: list
    patent_rows: list
    patent_holders: list
    talent_rows: list
    recognition_rows: list
    team_rows: list


MUNICIPAL_KINDS = [
    PlatformKind.KEY_LABORATORY,
    PlatformKind.ENGINEERING_RESEARCH_CENTER,
    PlatformKind.ENTERPRISE_TECHNOLOGY_CENTER,
    PlatformKind.TECHNOLOGY_INNOVATION_CENTER,
]
INCUBATION_KINDS = [
    PlatformKind.INCUBATOR,
    PlatformKind.PROOF_OF_CONCEPT_CENTER,
    PlatformKind.PILOT_TEST_BASE,
    PlatformKind.APPLICATION_VERIFICATION_PLATFORM,
]


def demo_registry_build(*, paths: dict[str, tuple], today: date, baseline_on: date, towns) -> int:
    """Make the registry for the measured indicators. ``paths`` maps a metric key to
    ``(month-end values, baseline)``; for ``specialised_sme_new`` to a list of each year's
    values. Returns the number of records made."""
    demo = DemoRegistry(today=today, baseline_on=baseline_on)
    demo.towns = list(towns)
    demo.platform_rows, demo.rows, demo.fund_rows = [], {}, []
    demo.patent_rows, demo.patent_holders = [], []
    demo.talent_rows, demo.recognition_rows, demo.team_rows = [], [], []
    builders = {
        "research_institutions": demo.research_institutions,
        "high_tech_enterprises": demo.qualified(QualificationKind.HIGH_TECH),
        "innovation_partners": demo.qualified(QualificationKind.INNOVATION_PARTNER),
        "platforms_municipal_plus": demo.platforms(
            MUNICIPAL_KINDS, [Level.MUNICIPAL, Level.NATIONAL]
        ),
        "incubation_platforms": demo.platforms(INCUBATION_KINDS, [Level.DISTRICT, Level.MUNICIPAL]),
        "brand_events": demo.named(registry.BrandEvent, "副中心品牌活动", organiser="区科委"),
        "science_bases": demo.named(
            registry.Base,
            "通州区科普基地",
            kind=BaseKind.SCIENCE_POPULARISATION,
            level=Level.DISTRICT,
        ),
        "science_courtyards": demo.named(
            registry.Base, "通州科技小院", kind=BaseKind.SCIENCE_COURTYARD, level=Level.DISTRICT
        ),
        "featured_parks": demo.named(
            registry.Park, "通州特色产业园区", industry=Industry.DIGITAL_ECONOMY
        ),
        "high_value_patents": demo.high_value_patents,
        "canal_talents": demo.recognised(RecognitionKind.CANAL_TALENT),
        "young_scientists": demo.recognised(RecognitionKind.YOUNG_SCIENTIST),
        "innovation_teams": demo.innovation_teams,
    }
    for key, build in builders.items():
        if key in paths:
            values, baseline = paths[key]
            build(values, int(baseline))
    if "specialised_sme_new" in paths:
        demo.specialised_sme_new(paths["specialised_sme_new"])
    if "sub_funds" in paths and "sub_fund_scale" in paths:
        (count_values, count_baseline), (scale_values, scale_baseline) = (
            paths["sub_funds"],
            paths["sub_fund_scale"],
        )
        demo.funds(count_values, int(count_baseline), scale_values, Decimal(scale_baseline))
    return demo.save()
