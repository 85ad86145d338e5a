"""Build a registry at national scale in the benchmark database, reproducibly.

    .venv/bin/python benchmarks/generate.py --database-url sqlite:////tmp/bench/registry.sqlite3
    .venv/bin/python benchmarks/generate.py --database-url postgresql://innoplan@127.0.0.1:5432/x

At ``--scale 1`` (the default): 1,000,000 organisations with about 750,000 qualifications,
30,000 platforms, 2,000 sub-funds with their scale amendments, 500 brand events, 4,000 bases,
300 parks, 5,000,000 patents with 1-3 owners each, 200,000 talents with their recognitions
and 3,000 innovation teams. ``--scale 0.01`` builds a hundredth of it, for a quick try.

Records are written with the ORM's ``bulk_create`` in batches inside transactions; what
``save()`` would compute (an organisation's ``name_initials``, a talent's encrypted ID-card
number) is computed here. Every identifier passes its national check: credit codes, patent
application numbers and ID-card numbers carry computed check characters. Dates run up to
``TODAY`` (a fixed day, so that two runs with the same seed build the same registry), and
certificates were issued from 2015 on, so many have expired.

Each part fills its own tables and reads what it needs (organisations, towns) from the
database, so parts can be run separately (``--parts talents,teams``); a part whose table
already holds rows is skipped. The database is migrated first unless ``--no-migrate``.
Timings and table sizes are printed and written as JSON to ``--report``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import benchlib

TODAY = date(2026, 11, 27)
FIRST_CERTIFICATE_YEAR = 2015
BATCH = 10_000

PLACES = [
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江",
    "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆",
    "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "通州", "运河",
    "潞城", "深圳", "苏州", "杭州", "成都", "武汉", "西安",
]  # fmt: skip
# Province-level codes, for the administrative division of a credit code or ID-card number.
PROVINCES = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65",
]  # fmt: skip
WORDS = [
    "智云", "星河", "融创", "通运", "辰光", "合众", "润泽", "博睿", "天衡", "中科", "华信",
    "启明", "新元", "锐思", "九州", "恒道", "远景", "瑞丰", "泰和", "金桥", "宏图", "同创",
    "海纳", "鼎盛", "安康", "卓越", "思源", "未来", "汇智", "云帆", "蓝海", "弘毅", "明德",
    "致远", "正元", "长风", "嘉禾", "浩然", "云图", "光年",
]  # fmt: skip
TRADES = [
    "科技", "信息技术", "生物医药", "智能装备", "数字科技", "新能源", "检测", "软件", "材料",
    "种业", "网络科技", "医疗器械", "电子", "环保科技", "航空科技", "半导体", "机器人",
    "数据服务", "文化传媒", "金融科技",
]  # fmt: skip
SUFFIXES = ["有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司"]
FIELDS = ["材料", "信息", "生物", "能源", "智能制造", "环境", "农业", "医学", "航天", "海洋"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"  # noqa: E501
TITLES = [
    "高级工程师", "教授", "研究员", "副教授", "副研究员", "首席技术官", "总工程师", "主任医师",
    "首席科学家", "技术总监", "创始人", "工程师",
]  # fmt: skip
PATENT_SUBJECTS = [
    "基于深度学习的", "用于新能源汽车的", "高效", "低功耗", "可降解", "智能", "模块化", "便携式",
    "基于区块链的", "多模态", "耐高温", "用于城市管理的", "柔性", "用于农作物的", "微型",
    "高精度", "自适应", "分布式", "用于医疗影像的", "集成式",
]  # fmt: skip
PATENT_OBJECTS = [
    "图像识别方法", "电池热管理系统", "数据处理方法", "传感器", "检测装置", "控制电路",
    "通信协议", "药物组合物", "种子处理方法", "机械臂", "储能装置", "显示面板", "过滤装置",
    "建筑构件", "包装盒", "灯具", "信号处理方法", "导航方法", "芯片封装结构", "催化剂",
]  # fmt: skip
EVENT_WORDS = ["论坛", "大会", "峰会", "创新创业大赛", "博览会", "技术交流会", "路演周", "年会"]
FUND_THEMES = ["科技创新", "数字经济", "先进制造", "生物医药", "绿色能源", "文化科技", "种业"]


class Context:
    """What every part needs: the seed, the scale and the timings so far."""

    def __init__(self, *, seed: int, scale: float):
        self.seed = seed
        self.scale = scale
        self.report: dict[str, dict] = {}

    def rng(self, part: str) -> random.Random:
        # Each part has its own stream, so that running one part alone builds the same rows.
        return random.Random(f"{self.seed}:{part}")

    def count(self, full: int) -> int:
        return max(1, round(full * self.scale))


def day_in(rng: random.Random, start: date, end: date) -> date:
    """A day in [start, end]."""
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def year_weighted(rng: random.Random, first: int, last: int, power: float) -> int:
    """A year in [first, last], later years likelier (registrations grow over time)."""
    years = list(range(first, last + 1))
    weights = [(y - first + 1) ** power for y in years]
    return rng.choices(years, weights)[0]


def base31(number: int, width: int) -> str:
    from innoplan.core.identifiers import CREDIT_CODE_CHARACTERS

    chars = []
    for _ in range(width):
        number, digit = divmod(number, 31)
        chars.append(CREDIT_CODE_CHARACTERS[digit])
    return "".join(reversed(chars))


def credit_code(rng: random.Random, serial: int, kind: str, established: date) -> str:
    """A 统一社会信用代码 with both check characters right: enterprises registered since 2015
    have an 'MA…' organisation code, older ones and institutions an 8-digit one."""
    from innoplan.core.identifiers import (
        credit_code_check_character,
        organisation_code_check_character,
    )

    prefix = {
        "enterprise": "91",
        "university": "12",
        "research_institute": "12",
        "branch": "12",
        "hospital": "12",
        "social_organisation": rng.choice(["51", "52", "53"]),
        "other": "Y1",
    }[kind]
    division = f"{rng.choice(PROVINCES)}{rng.randint(1, 15):02d}{rng.randint(1, 30):02d}"
    if kind == "enterprise" and established.year >= 2015:
        body = "MA" + base31(serial, 6)
    else:
        body = f"{serial:08d}"
    first17 = prefix + division + body + organisation_code_check_character(body)
    return first17 + credit_code_check_character(first17)


def batched(items: Iterator, size: int = BATCH) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def save_all(model, rows: Iterator, size: int = BATCH) -> int:
    """bulk_create ``rows`` in batches, each batch in its own transaction; how many."""
    from django.db import transaction

    total = 0
    for batch in batched(rows, size):
        with transaction.atomic():
            model.objects.bulk_create(batch, batch_size=size)
        total += len(batch)
    return total


def progress(label: str, done: int, total: int, started: float) -> None:
    elapsed = time.perf_counter() - started
    print(f"  {label}: {done:,}/{total:,} in {elapsed:.0f} s", flush=True)


# --- parts -----------------------------------------------------------------------------------


def make_parks(ctx: Context) -> dict:
    from innoplan.accounts.models import Department
    from innoplan.registry.choices import Industry
    from innoplan.registry.models import TOWN_KINDS, Park

    rng = ctx.rng("parks")
    towns = list(Department.objects.filter(kind__in=TOWN_KINDS).values_list("id", flat=True))
    industries = Industry.values
    names = set()
    rows = []
    while len(rows) < ctx.count(300):
        name = f"{rng.choice(PLACES)}{rng.choice(WORDS)}{rng.choice(TRADES)}产业园"
        if name in names:
            continue
        names.add(name)
        start = day_in(rng, date(2005, 1, 1), TODAY)
        end = day_in(rng, start + timedelta(days=365), TODAY) if rng.random() < 0.1 else None
        rows.append(
            Park(
                name=name,
                town_id=rng.choice(towns),
                industry=rng.choice(industries),
                valid_from=start,
                valid_to=end if end and end > start else None,
            )
        )
    return {"parks": save_all(Park, iter(rows))}


ORGANISATION_KINDS = {
    # kind: share of the register
    "enterprise": 0.93,
    "hospital": 0.015,
    "social_organisation": 0.025,
    "other": 0.01,
    "branch": 0.005,
}
RESEARCH_SHARES = {"university": 0.003, "research_institute": 0.012}


def make_organisations(ctx: Context) -> dict:
    from innoplan.accounts.models import Department
    from innoplan.core.chinese import pinyin_initials
    from innoplan.registry.choices import Industry
    from innoplan.registry.models import TOWN_KINDS, Organisation, Park

    rng = ctx.rng("organisations")
    total = ctx.count(1_000_000)
    towns = list(Department.objects.filter(kind__in=TOWN_KINDS).values_list("id", flat=True))
    parks = list(Park.objects.values_list("id", flat=True))
    industries = Industry.values
    serials = iter(range(1, 10**8))

    def name_of(kind: str, parent_name: str | None) -> str:
        place, word = rng.choice(PLACES), rng.choice(WORDS)
        if kind == "enterprise":
            return f"{place}{word}{rng.choice(WORDS)}{rng.choice(TRADES)}{rng.choice(SUFFIXES)}"
        if kind == "university":
            return f"{place}{word}{rng.choice(['大学', '理工大学', '科技大学', '医科大学'])}"
        if kind == "research_institute":
            return f"{place}{word}{rng.choice(FIELDS)}研究院"
        if kind == "branch":
            return f"{parent_name}{rng.choice(PLACES)}{rng.choice(['分院', '研究院', '分部'])}"
        if kind == "hospital":
            return f"{place}{word}{rng.choice(['医院', '中医医院', '妇幼保健院'])}"
        if kind == "social_organisation":
            return f"{place}{rng.choice(TRADES)}{rng.choice(['协会', '促进会', '研究会'])}"
        return f"{place}{word}{rng.choice(['中心', '服务站', '合作社'])}"

    def organisation(kind: str, parent: tuple[int, str] | None = None) -> Organisation:
        if kind == "enterprise":
            established = day_in(rng, date(year_weighted(rng, 1990, 2026, 1.5), 1, 1), TODAY)
        else:
            established = day_in(rng, date(1950, 1, 1), date(2024, 12, 31))
        established = min(established, TODAY)
        if rng.random() < 0.03:
            settled = None  # on record, outside the district: never counted
        elif rng.random() < 0.7:
            settled = established
        else:
            settled = min(established + timedelta(days=rng.randint(30, 3650)), TODAY)
        left = None
        if settled and rng.random() < 0.2 and (TODAY - settled).days > 60:
            left = day_in(rng, settled + timedelta(days=30), TODAY)
        name = name_of(kind, parent[1] if parent else None)
        return Organisation(
            credit_code=credit_code(rng, next(serials), kind, established),
            name=name,
            name_initials=pinyin_initials(name),  # bulk_create skips save()
            kind=kind,
            parent_id=parent[0] if parent else None,
            industry=rng.choice(industries),
            town_id=rng.choice(towns) if settled and rng.random() < 0.9 else None,
            park_id=rng.choice(parks) if parks and settled and rng.random() < 0.05 else None,
            central_soe_subsidiary=rng.random() < 0.002,
            municipal_soe_hq=rng.random() < 0.0005,
            single_champion=rng.random() < 0.0002,
            established_on=established,
            valid_from=settled,
            valid_to=left,
        )

    # Universities and institutes first: branches need them as parents.
    research = [
        organisation(kind)
        for kind, share in RESEARCH_SHARES.items()
        for _ in range(ctx.count(1_000_000 * share))
    ]
    save_all(Organisation, iter(research))
    parents = list(
        Organisation.objects.filter(kind__in=list(RESEARCH_SHARES)).values_list("id", "name")
    )
    kinds, shares = zip(*ORGANISATION_KINDS.items(), strict=True)
    started = time.perf_counter()
    remaining = total - len(research)

    def rest() -> Iterator[Organisation]:
        for i in range(remaining):
            kind = rng.choices(kinds, shares)[0]
            yield organisation(kind, rng.choice(parents) if kind == "branch" else None)
            if i and i % 200_000 == 0:
                progress("organisations", i, remaining, started)

    saved = save_all(Organisation, rest())
    return {"organisations": len(research) + saved}


def _chain(rng, org_id, kind, first_year, renew, prefix) -> Iterator:
    """A run of 3-year certificates: the first issued in ``first_year``, each renewed with
    probability ``renew`` around its expiry (a little before or after)."""
    from innoplan.registry import validity
    from innoplan.registry.models import Qualification

    issued = day_in(rng, date(first_year, 3, 1), min(date(first_year, 12, 20), TODAY))
    while issued <= TODAY:
        expires = validity.expiry_for(kind, issued)
        yield Qualification(
            organisation_id=org_id,
            kind=kind,
            certificate_no=f"{prefix}{issued.year}{rng.randint(0, 99_999_999):08d}",
            valid_from=issued,
            valid_to=expires,
        )
        if rng.random() >= renew:
            return
        issued = expires + timedelta(days=rng.randint(-60, 45))


def make_qualifications(ctx: Context) -> dict:
    from innoplan.registry import validity
    from innoplan.registry.choices import QualificationKind as K
    from innoplan.registry.models import Organisation, Qualification

    rng = ctx.rng("qualifications")
    last_year = TODAY.year

    def rows() -> Iterator[Qualification]:
        enterprises = Organisation.objects.filter(kind="enterprise").order_by("id")
        for org_id, established in enterprises.values_list("id", "established_on").iterator(
            chunk_size=20_000
        ):
            if rng.random() >= 0.2:  # one enterprise in five is technology-based
                continue
            start = max(FIRST_CERTIFICATE_YEAR, established.year)
            if rng.random() < 0.7:  # 科技型中小企业: evaluated afresh each year
                for year in range(start, last_year + 1):
                    if rng.random() < 0.55:
                        issued = day_in(rng, date(year, 3, 1), min(date(year, 11, 30), TODAY))
                        yield Qualification(
                            organisation_id=org_id,
                            kind=K.TECH_SME,
                            certificate_no=f"{year}110112{rng.randint(0, 999_999):06d}",
                            valid_from=issued,
                            valid_to=validity.expiry_for(K.TECH_SME, issued),
                        )
            if rng.random() < 0.35:
                first = rng.randint(start, last_year)
                yield from _chain(rng, org_id, K.HIGH_TECH, first, 0.7, "GR")
            if rng.random() < 0.25:
                first = rng.randint(max(start, 2022), last_year)
                yield from _chain(rng, org_id, K.INNOVATIVE_SME, first, 0.5, "CX")
            if rng.random() < 0.12:
                first = rng.randint(max(start, 2018), last_year)
                yield from _chain(rng, org_id, K.SPECIALISED_SME, first, 0.8, "ZJTX")
                if rng.random() < 0.15:
                    first = rng.randint(max(first, 2019), last_year)
                    yield from _chain(rng, org_id, K.LITTLE_GIANT, first, 0.8, "XJR")
        # 创新伙伴: a few organisations of any kind, open-ended, some ended.
        ids = list(Organisation.objects.values_list("id", flat=True))
        for org_id in rng.sample(ids, ctx.count(3_000)):
            joined = day_in(rng, date(2024, 3, 1), TODAY)
            ended = None
            if rng.random() < 0.1 and (TODAY - joined).days > 60:
                ended = day_in(rng, joined + timedelta(days=30), TODAY)
            yield Qualification(
                organisation_id=org_id,
                kind=K.INNOVATION_PARTNER,
                certificate_no=f"HB{joined.year}{rng.randint(0, 99_999):05d}",
                valid_from=joined,
                valid_to=ended,
            )

    return {"qualifications": save_all(Qualification, rows())}


def _organisation_pools(rng: random.Random) -> tuple[list[int], list[int], list[int]]:
    """Enterprise ids (shuffled, so that a skewed pick favours arbitrary ones), research
    organisation ids, and every id."""
    from innoplan.registry.models import Organisation

    enterprises, research, everyone = [], [], []
    for org_id, kind in Organisation.objects.order_by("id").values_list("id", "kind"):
        everyone.append(org_id)
        if kind == "enterprise":
            enterprises.append(org_id)
        elif kind in ("university", "research_institute", "branch"):
            research.append(org_id)
    rng.shuffle(enterprises)
    return enterprises, research, everyone


def skewed(rng: random.Random, pool: list[int], power: float = 3.0) -> int:
    """A pick that favours the front of ``pool``: a few own much, most own little."""
    return pool[int(len(pool) * rng.random() ** power)]


def make_platforms(ctx: Context) -> dict:
    from innoplan.registry.choices import Level, PlatformKind
    from innoplan.registry.models import Platform

    rng = ctx.rng("platforms")
    enterprises, research, _ = _organisation_pools(rng)
    kinds = PlatformKind.values
    levels, level_weights = Level.values, [0.1, 0.35, 0.55]
    labels = dict(PlatformKind.choices)

    def rows() -> Iterator[Platform]:
        for _ in range(ctx.count(30_000)):
            host = skewed(rng, research, 1.5) if rng.random() < 0.3 else skewed(rng, enterprises)
            kind = rng.choice(kinds)
            approved = day_in(rng, date(2005, 1, 1), TODAY)
            revoked = None
            if rng.random() < 0.15 and (TODAY - approved).days > 400:
                revoked = day_in(rng, approved + timedelta(days=365), TODAY)
            yield Platform(
                name=f"{rng.choice(PLACES)}{rng.choice(WORDS)}{rng.choice(FIELDS)}{labels[kind]}",
                kind=kind,
                level=rng.choices(levels, level_weights)[0],
                host_id=host,
                valid_from=approved,
                valid_to=revoked,
            )

    return {"platforms": save_all(Platform, rows())}


def make_funds(ctx: Context) -> dict:
    from innoplan.registry.models import Fund, FundScale

    rng = ctx.rng("funds")
    funds = []
    for serial in range(1, ctx.count(2_000) + 1):
        established = day_in(rng, date(2014, 1, 1), TODAY)
        liquidated = None
        if rng.random() < 0.15:
            end = established + timedelta(days=rng.randint(5 * 365, 10 * 365))
            liquidated = end if end <= TODAY else None
        funds.append(
            Fund(
                name=f"{rng.choice(PLACES)}{rng.choice(WORDS)}{rng.choice(FUND_THEMES)}"
                f"{serial}号股权投资基金（有限合伙）",
                manager=f"{rng.choice(PLACES)}{rng.choice(WORDS)}投资管理有限公司",
                valid_from=established,
                valid_to=liquidated,
            )
        )
    save_all(Fund, iter(funds))
    scales = []
    for fund in Fund.objects.order_by("id"):
        # Whole millions of 元, so that every database sums them exactly.
        amount = rng.randint(100, 5_000) * 1_000_000
        day = fund.valid_from
        for _ in range(1 + rng.choices([0, 1, 2, 3], [0.5, 0.3, 0.15, 0.05])[0]):
            scales.append(FundScale(fund_id=fund.id, effective_on=day, amount=Decimal(amount)))
            day = day + timedelta(days=rng.randint(90, 900))
            if day > TODAY:
                break
            amount = max(50, amount // 1_000_000 + rng.randint(-300, 1_000)) * 1_000_000
    return {"funds": len(funds), "fund_scales": save_all(FundScale, iter(scales))}


def make_events(ctx: Context) -> dict:
    from innoplan.registry.models import BrandEvent

    rng = ctx.rng("events")
    rows, names = [], set()
    while len(rows) < ctx.count(500):
        name = rng.choice(PLACES) + rng.choice(WORDS) + rng.choice(TRADES) + rng.choice(EVENT_WORDS)
        if name in names:
            continue
        names.add(name)
        first = day_in(rng, date(2000, 1, 1), TODAY)
        ended = None
        if rng.random() < 0.2 and (TODAY - first).days > 400:
            ended = day_in(rng, first + timedelta(days=365), TODAY)
        rows.append(
            BrandEvent(
                name=name,
                organiser=f"{rng.choice(PLACES)}{rng.choice(TRADES)}协会",
                valid_from=first,
                valid_to=ended,
            )
        )
    return {"brand_events": save_all(BrandEvent, iter(rows))}


def make_bases(ctx: Context) -> dict:
    from innoplan.accounts.models import Department
    from innoplan.registry.choices import BaseKind, Level
    from innoplan.registry.models import TOWN_KINDS, Base

    rng = ctx.rng("bases")
    towns = list(Department.objects.filter(kind__in=TOWN_KINDS).values_list("id", flat=True))
    _, research, everyone = _organisation_pools(rng)

    def rows() -> Iterator[Base]:
        for i in range(ctx.count(4_000)):
            kind = BaseKind.SCIENCE_COURTYARD if i % 5 == 0 else BaseKind.SCIENCE_POPULARISATION
            recognised = day_in(rng, date(2010, 1, 1), TODAY)
            withdrawn = None
            if rng.random() < 0.1 and (TODAY - recognised).days > 400:
                withdrawn = day_in(rng, recognised + timedelta(days=365), TODAY)
            host = rng.choice(research if kind == BaseKind.SCIENCE_COURTYARD else everyone)
            label = "科技小院" if kind == BaseKind.SCIENCE_COURTYARD else "科普基地"
            yield Base(
                name=f"{rng.choice(PLACES)}{rng.choice(WORDS)}{rng.choice(FIELDS)}{label}{i}",
                kind=kind,
                level=rng.choices(Level.values, [0.1, 0.3, 0.6])[0],
                host_id=host if rng.random() < 0.8 else None,
                town_id=rng.choice(towns) if rng.random() < 0.8 else None,
                valid_from=recognised,
                valid_to=withdrawn,
            )

    return {"bases": save_all(Base, rows())}


# Grant delay (days after filing) and yearly chance of lapsing after grant, by kind.
PATENT_KINDS = {
    # kind: (share, type digits with weights, grant delay range, yearly lapse hazard)
    "invention": (0.40, (("1", 0.95), ("8", 0.05)), (450, 1500), 0.06),
    "utility_model": (0.50, (("2", 0.97), ("9", 0.03)), (150, 420), 0.15),
    "design": (0.10, (("3", 1.0),), (90, 300), 0.20),
}
NEW_TERMS_FROM = date(2021, 6, 1)  # the 2020 Patent Law: designs filed since run 15 years


def _term_end(kind: str, filed: date) -> date:
    from innoplan.registry.patents import years_after

    if kind == "invention":
        return years_after(filed, 20)
    if kind == "design" and filed >= NEW_TERMS_FROM:
        return years_after(filed, 15)
    return years_after(filed, 10)


def make_patents(ctx: Context) -> dict:
    from django.db import transaction

    from innoplan.core.identifiers import patent_check_character
    from innoplan.registry.models import Patent, PatentOwner

    rng = ctx.rng("patents")
    enterprises, research, _ = _organisation_pools(rng)
    total = ctx.count(5_000_000)
    kinds = list(PATENT_KINDS)
    kind_shares = [PATENT_KINDS[k][0] for k in kinds]
    years = list(range(2000, TODAY.year + 1))
    year_weights = [(y - 1997) ** 1.5 for y in years]
    serials: dict[tuple[int, str], int] = {}

    def patent() -> Patent:
        kind = rng.choices(kinds, kind_shares)[0]
        _share, digits, (low, high), hazard = PATENT_KINDS[kind]
        digit = rng.choices([d for d, _ in digits], [w for _, w in digits])[0]
        while True:
            filed = day_in(rng, date(rng.choices(years, year_weights)[0], 1, 1), TODAY)
            granted = filed + timedelta(days=rng.randint(low, high))
            if granted <= TODAY:
                break
        serial = serials.get((filed.year, digit), rng.randint(1, 50_000)) + rng.randint(1, 8)
        serials[(filed.year, digit)] = serial
        number = f"{filed.year}{digit}{serial:07d}"
        lapsed = min(
            granted + timedelta(days=max(1, int(rng.expovariate(hazard) * 365))),
            _term_end(kind, filed),
        )
        invention = kind == "invention"
        pledge = Decimal(0)
        if invention and rng.random() < 0.02:
            pledge = Decimal(round(10 ** rng.uniform(6, 8), -4))  # 1 million to 100 million 元
        return Patent(
            application_number=f"{number}.{patent_check_character(number)}",
            title=f"一种{rng.choice(PATENT_SUBJECTS)}{rng.choice(PATENT_OBJECTS)}",
            kind=kind,
            filed_on=filed,
            strategic_emerging_industry=invention and rng.random() < 0.3,
            overseas_family=invention and rng.random() < 0.04,
            pledge_amount=pledge,
            award=invention and rng.random() < 0.0005,
            valid_from=granted,
            valid_to=lapsed if lapsed <= TODAY else None,
        )

    def owners_of(patent_id: int) -> Iterator[PatentOwner]:
        chosen: set[int] = set()
        for _ in range(rng.choices([1, 2, 3], [0.8, 0.15, 0.05])[0]):
            pool = research if rng.random() < 0.15 else enterprises
            chosen.add(skewed(rng, pool, 1.5 if pool is research else 3.0))
        for org_id in chosen:
            yield PatentOwner(patent_id=patent_id, organisation_id=org_id)

    started = time.perf_counter()
    done = owners = 0
    while done < total:
        batch = [patent() for _ in range(min(BATCH, total - done))]
        with transaction.atomic():
            Patent.objects.bulk_create(batch, batch_size=BATCH)  # sets the ids
            rows = [owner for p in batch for owner in owners_of(p.pk)]
            PatentOwner.objects.bulk_create(rows, batch_size=BATCH)
        done += len(batch)
        owners += len(rows)
        if done % 250_000 == 0:
            progress("patents", done, total, started)
    return {"patents": done, "patent_owners": owners}


def make_talents(ctx: Context) -> dict:
    try:
        from innoplan.registry.models import Talent  # noqa: F401
    except ImportError:
        print("  talents: the registry has no Talent model yet; skipped", flush=True)
        return {"talents": "missing"}
    return _make_talents(ctx)


def id_card_number(rng: random.Random, born: date, serial: int) -> str:
    """A 居民身份证号码 with a right check character; ``serial`` keeps it unique."""
    from innoplan.core.identifiers import id_card_check_character

    division = f"{rng.choice(PROVINCES)}{rng.randint(1, 15):02d}{rng.randint(1, 30):02d}"
    first17 = f"{division}{born:%Y%m%d}{serial % 1000:03d}"
    return first17 + id_card_check_character(first17)


def _make_talents(ctx: Context) -> dict:
    from innoplan.registry.choices import CanalTalentTier, RecognitionKind
    from innoplan.registry.models import Talent, TalentRecognition

    rng = ctx.rng("talents")
    enterprises, research, _ = _organisation_pools(rng)
    total = ctx.count(200_000)
    seen: set[str] = set()

    def talent(serial: int) -> Talent:
        while True:
            born = day_in(rng, date(1955, 1, 1), date(2000, 12, 31))
            number = id_card_number(rng, born, serial)
            if number not in seen:
                seen.add(number)
                break
        employer = None
        if rng.random() < 0.9:
            if rng.random() < 0.3:
                employer = skewed(rng, research, 1.5)
            else:
                employer = skewed(rng, enterprises, 2.0)
        person = Talent(
            name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice([1, 2, 2]))),
            employer_id=employer,
            title=rng.choice(TITLES),
        )
        person.set_id_number(number)  # encrypted, digest and masked form, as save() needs
        return person

    def recognitions(person_id: int) -> Iterator[TalentRecognition]:
        kinds = []
        if rng.random() < 0.85:
            kinds.append(RecognitionKind.CANAL_TALENT)
        if not kinds or rng.random() < 0.2:
            kinds.append(RecognitionKind.YOUNG_SCIENTIST)
        for kind in kinds:
            canal = kind == RecognitionKind.CANAL_TALENT
            tier = ""
            if canal:
                tier = rng.choices(CanalTalentTier.values, [0.05, 0.3, 0.65])[0]
            recognised = day_in(rng, date(2019, 1, 1), TODAY)
            while recognised <= TODAY:
                expires = recognised + timedelta(days=(3 if canal else 5) * 365)
                yield TalentRecognition(
                    talent_id=person_id,
                    kind=kind,
                    tier=tier,
                    certificate_no=f"{'YHYC' if canal else 'JQ'}{recognised.year}"
                    f"{rng.randint(0, 999_999):06d}",
                    valid_from=recognised,
                    valid_to=expires if expires <= TODAY or rng.random() < 0.5 else None,
                )
                if rng.random() >= 0.4:
                    break
                recognised = expires + timedelta(days=rng.randint(0, 120))

    from django.db import transaction

    done = recognised = 0
    while done < total:
        batch = [talent(done + i) for i in range(min(BATCH, total - done))]
        with transaction.atomic():
            Talent.objects.bulk_create(batch, batch_size=BATCH)
            rows = [r for person in batch for r in recognitions(person.pk)]
            TalentRecognition.objects.bulk_create(rows, batch_size=BATCH)
        done += len(batch)
        recognised += len(rows)
    return {"talents": done, "talent_recognitions": recognised}


def make_teams(ctx: Context) -> dict:
    try:
        from innoplan.registry.models import Talent, Team, TeamMember
    except ImportError:
        print("  teams: the registry has no Team model yet; skipped", flush=True)
        return {"teams": "missing"}
    rng = ctx.rng("teams")
    people = list(Talent.objects.order_by("id").values_list("id", "employer_id"))
    if not people:
        print("  teams: no talents to form teams from; skipped", flush=True)
        return {"teams": 0}
    teams, names = [], set()
    while len(teams) < ctx.count(3_000):
        year = rng.randint(2018, TODAY.year)
        name = f"{rng.choice(PLACES)}{rng.choice(WORDS)}{rng.choice(FIELDS)}创新团队"
        if (name, year) in names:
            continue
        names.add((name, year))
        recognised = day_in(rng, date(year, 1, 1), min(date(year, 12, 31), TODAY))
        ends = recognised + timedelta(days=3 * 365)
        leader = rng.choice(people)
        teams.append(
            Team(
                name=name,
                organisation_id=leader[1],
                recognition_year=year,
                valid_from=recognised,
                valid_to=ends if ends <= TODAY or rng.random() < 0.3 else None,
            )
        )
        teams[-1].leader = leader[0]
    save_all(Team, iter(teams))
    members = []
    for team in teams:
        chosen = {team.leader} | {rng.choice(people)[0] for _ in range(rng.randint(2, 7))}
        members += [
            TeamMember(team_id=team.pk, talent_id=t, is_leader=t == team.leader) for t in chosen
        ]
    return {"teams": len(teams), "team_members": save_all(TeamMember, iter(members))}


PARTS: dict[str, tuple[str, Callable[[Context], dict]]] = {
    # part: (the model whose rows mean it is done, builder)
    "parks": ("Park", make_parks),
    "organisations": ("Organisation", make_organisations),
    "qualifications": ("Qualification", make_qualifications),
    "platforms": ("Platform", make_platforms),
    "funds": ("Fund", make_funds),
    "events": ("BrandEvent", make_events),
    "bases": ("Base", make_bases),
    "patents": ("Patent", make_patents),
    "talents": ("Talent", make_talents),
    "teams": ("Team", make_teams),
}


def table_sizes() -> dict[str, dict]:
    """Rows and, on PostgreSQL, bytes (table with its indexes) of every registry table."""
    from django.apps import apps
    from django.db import connection

    sizes = {}
    existing = set(connection.introspection.table_names())
    for model in apps.get_app_config("registry").get_models():
        table = model._meta.db_table
        if table not in existing:
            continue
        entry: dict[str, int] = {"rows": model.objects.count()}
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("select pg_total_relation_size(%s)", [table])
                entry["bytes"] = cursor.fetchone()[0]
        sizes[table] = entry
    return sizes


def database_bytes(database_url: str) -> int:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("select pg_database_size(current_database())")
            return cursor.fetchone()[0]
    path = Path(database_url.removeprefix("sqlite:///"))
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    benchlib.add_database_argument(parser)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of national scale")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--parts", default=",".join(PARTS), help=f"comma-separated, of: {', '.join(PARTS)}"
    )
    parser.add_argument("--no-migrate", action="store_true", help="do not migrate first")
    parser.add_argument("--report", help="write timings and sizes as JSON to this file")
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        parser.error(f"unknown parts: {', '.join(unknown)}")

    benchlib.setup(args.database_url)
    from django.apps import apps
    from django.core.management import call_command

    if not args.no_migrate:
        call_command("migrate", verbosity=0)
    call_command("loaddepartments", verbosity=0)
    print(f"database: {benchlib.vendor_label()}, scale {args.scale}, seed {args.seed}")

    ctx = Context(seed=args.seed, scale=args.scale)
    report: dict = {"database": benchlib.vendor_label(), "scale": args.scale, "parts": {}}
    for part in parts:
        model_name, build = PARTS[part]
        try:
            model = apps.get_model("registry", model_name)
        except LookupError:
            model = None
        if model is not None and model.objects.exists():
            print(f"{part}: already has rows; skipped", flush=True)
            continue
        print(f"{part} …", flush=True)
        seconds, counts = benchlib.timed(lambda build=build: build(ctx))
        print(f"{part}: {counts} in {benchlib.seconds(seconds)}", flush=True)
        report["parts"][part] = {"seconds": round(seconds, 1), "counts": counts}

    if args.report:
        report["tables"] = table_sizes()
        report["database_bytes"] = database_bytes(args.database_url)
        path = Path(args.report)
        previous = json.loads(path.read_text()) if path.exists() else {}
        report["parts"] = {**previous.get("parts", {}), **report["parts"]}
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(f"report: {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
