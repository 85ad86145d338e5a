"""Quantitative targets (量化指标) read from one paragraph of a plan document. No Django here.

Each rule below is tested on its own (tests/plans/test_target_rules.py):

- **Quantity**: a number (Arabic, decimal, Chinese numeral: 三十, 两千, 一万五千) with a
  counting unit (家, 个, 名, 件, 支, 项, 元, %, …), optionally a 万/亿 multiplier. Money is kept in
  元 with the plan's display unit (30亿元 -> 3000000000 元, display 亿元); a multiplier that
  ``core.numbers`` cannot display (1.5万家) is folded into the value (15000 家). A lone 一
  (一批, 一个) is never a quantity.
- **Percent in words**: 百分之三点五 is 3.5 %, 百分之四十 40 %.
- **Cap**: a quantity after 最高/最多/不超过/至多/上限 (单个企业每年最高补助二百万元) limits a
  grant; it is left over, never a target.
- **Range** (10—15家, 10至15家): the lower bound with ">=", marked unsure.
- **Comparator**: 左右 -> "~"; 突破/超过/超 -> ">"; 达到/达/以上/不低于/不少于/增至/提高到 -> ">=";
  …以上 after a strict verb stays ">"; no word at all -> ">=", marked unsure; 以内/以下 cannot be
  stated with the plan's comparators and the phrase is left unplaced.
- **Annual flow**: 每年/年均 before the subject -> ``annual`` true; 每年 is dropped from the
  indicator name, 新增 is kept (每年新增“专精特新”中小企业50家 -> 新增“专精特新”中小企业).
- **Year**: 到2027年 or 到二〇二七年 (底/末) anywhere in the paragraph sets the year of the
  targets after it; a target with no year of its own gets the caller's year (its section's,
  or the deadline).
- **Splitting**: targets of one sentence are separated by ，；or by 、/和/及 right after a
  quantity; a 、 inside a noun phrase (创新孵化、共性技术平台达5家) does not split.
- **Subject first** (…平台达160家): the subject is the clause up to the verb; 力争/确保/争取/预计
  before it are dropped from both text and name.
- **Number first** (每年支持20个左右优秀科技创新团队和50名左右杰出青年科技工作者): after a verb
  such as 支持/新增/培育/建成, the noun after the quantity is the subject, up to 在/，/和;
  和/及 with a second quantity continues the list with the same verb and annual flag. The
  name takes the verb's mark: 支持/资助 -> "…资助", 新增 -> "新增…".
- **Indicator name** from the subject: after 等 when something follows it (…等市级及以上创新
  平台 -> 市级及以上创新平台), before 等 when only a total word follows (高校院所及分支机构等
  总量 -> 高校院所及分支机构); a bare attribute (总规模) takes the head noun of the previous
  target (子基金 + 总规模, unsure); a coordinated modifier "A且B明显的N" becomes "BN"
  (具有一定产业集聚区且特色明显的产业园区 -> 特色产业园区, unsure).
- **Table rows** (``table_columns``, ``table_target``): a header row names the 指标, 单位 and
  "2027年目标" columns (the year of its targets); in a row, the 单位 cell may hold a multiplier
  (亿元), and the target cell a bare figure (">="), ≥/以上 (">="), 左右 ("~") or 突破/超过 (">").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from innoplan.core.numbers import unit_factor
from innoplan.plans.ingest.chinese_numbers import read_number
from innoplan.plans.ingest.messages import gettext_noop

__all__ = [
    "FoundTarget",
    "Leftover",
    "TableColumns",
    "find_targets",
    "indicator_name",
    "table_columns",
    "table_target",
    "year_markers",
]

# Longest first, so 个百分点 wins over 个 and 万元 over 元.
UNITS = (
    "个百分点",
    "平方公里",
    "平方米",
    "人次",
    "元",
    "%",
    "％",
    "家",
    "个",
    "名",
    "件",
    "支",
    "项",
    "人",
    "所",
    "座",
    "处",
    "场",
    "篇",
    "台",
    "套",
    "款",
    "户",
    "位",
    "条",
    "种",
    "亩",
    "吨",
    "部",
)
_NUM = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿]+)"
_RANGE_SEP = r"(?:—{1,2}|–|-|~|～|至|到)"
QUANTITY = re.compile(
    r"(?:百分之(?P<pct>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?)"
    rf"|(?<![\d.第])(?P<low>{_NUM})(?:\s*{_RANGE_SEP}\s*(?P<high>{_NUM}))?\s*"
    rf"(?P<mult>[万亿])?(?P<unit>{'|'.join(re.escape(unit) for unit in UNITS)}))"
    r"(?P<qual>以上|左右|以内|以下|多)?"
)
YEAR_MARKER = re.compile(
    r"(?:到|至|截至)(?P<year>\d{4}|[〇零○一二三四五六七八九]{4})年(?:底|末)?[，,]?"
)
# 最高补助二百万元, 不超过50万元: a cap on a grant, not a target.
_CAP = re.compile(r"(?:最高|最多|不超过|至多|上限)[\u4e00-\u9fff]{0,4}$")

_DELIMITERS = "，,；;。：:！？!?"
_LIST_JOINERS = ("以及", "、", "和", "及", "与")
_LEADING_QUALIFIERS = ("力争", "确保", "争取", "预计")
_VERBS = {
    "不低于": ">=",
    "不少于": ">=",
    "达到": ">=",
    "增至": ">=",
    "增加到": ">=",
    "增加至": ">=",
    "提高到": ">=",
    "提高至": ">=",
    "提升到": ">=",
    "提升至": ">=",
    "增长到": ">=",
    "突破": ">",
    "超过": ">",
    "达": ">=",
    "超": ">",
}
_STRICT = {">"}
_NUMBER_FIRST_TRIGGER = re.compile(
    r"(?P<annual>每年|年均)?(?P<verb>支持|资助|新增|培育|引进|认定|建设|建成|打造|举办|培养|组建)约?$"
)
_NOUN_STOP = re.compile(r"[，,。；;：:、和及与在于（(]")
_AGGREGATE_WORDS = {"", "总量", "总数", "数量", "总计", "合计", "总和"}
_ATTRIBUTE = re.compile(r"总?(?:规模|额|金额|投资|投资额|数量)")
_COORDINATED_MODIFIER = re.compile(r".*且(?P<quality>.+?)(?:明显|鲜明|突出)的(?P<head>.+)")


@dataclass(frozen=True)
class FoundTarget:
    """A target found in a line: the plan's fields plus where it is (character offsets)."""

    indicator: str
    comparator: str
    value: Decimal
    unit: str
    display_unit: str
    year: int | None
    annual: bool
    text: str
    start: int
    end: int
    doubts: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Leftover:
    """A quantity the rules could not turn into a target; kept, never dropped."""

    text: str
    start: int
    end: int
    why: str


def year_markers(line: str) -> list[tuple[int, int]]:
    """(offset, year) of each 到2027年 in the line."""
    return [
        (match.start(), int(read_number(match.group("year")) or 0))
        for match in YEAR_MARKER.finditer(line)
    ]


def _amount(match: re.Match) -> tuple[Decimal, str, str] | None:
    """(value in base units, unit, display unit) of a quantity, or None if it is not one."""
    if match.group("pct"):
        percent = read_number(match.group("pct"))
        return None if percent is None else (percent, "%", "%")
    low_text, multiplier = match.group("low"), match.group("mult") or ""
    # 三十亿元: the 亿 belongs to the unit, as in 30亿元.
    if not multiplier and len(low_text) > 1 and low_text[-1] in "万亿" and not low_text.isdigit():
        low_text, multiplier = low_text[:-1], low_text[-1]
    if low_text == "一" and not multiplier:
        return None
    low = read_number(low_text)
    if low is None:
        return None
    unit = "%" if match.group("unit") == "％" else match.group("unit")
    factor = Decimal(1)
    for char in multiplier:
        factor *= 10_000 if char == "万" else 100_000_000
    display_unit = multiplier + unit
    try:
        if unit_factor(unit, display_unit) != factor:
            raise ValueError
    except ValueError:
        display_unit = unit
    value = low * factor
    return (value, unit, display_unit)


def _normal(value: Decimal) -> Decimal | int:
    """Integers as int (as YAML reads 1500), others as an exact Decimal (3.5)."""
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


def indicator_name(subject: str, previous: str | None = None) -> tuple[str, list[str]]:
    """The indicator's name from a target's subject phrase, and the doubts it raised."""
    doubts: list[str] = []
    name = subject.strip()
    if "等" in name:
        before, _, after = name.rpartition("等")
        name = before if after in _AGGREGATE_WORDS else after
    if _ATTRIBUTE.fullmatch(name):
        if previous:
            name = previous.rpartition("的")[2] + name
            doubts.append(
                gettext_noop("the subject is a bare attribute; named after the previous target")
            )
        else:
            doubts.append(gettext_noop("the subject is a bare attribute with no noun before it"))
    match = _COORDINATED_MODIFIER.fullmatch(name)
    if match:
        name = match.group("quality") + match.group("head")
        doubts.append(gettext_noop("a long modifier was shortened in the indicator name"))
    if len(name) > 30:
        doubts.append(gettext_noop("the indicator name is long; check where the subject starts"))
    return name, doubts


def _clause_start(line: str, position: int, floor: int) -> int:
    """Where the clause holding ``position`` starts: after the last delimiter, or ``floor``."""
    start = floor
    for index in range(position - 1, floor - 1, -1):
        if line[index] in _DELIMITERS:
            start = index + 1
            break
    return start


def _skip(line: str, start: int, words: tuple[str, ...]) -> int:
    """``start`` moved past any of ``words`` (and spaces) found there."""
    moved = True
    while moved:
        moved = False
        while start < len(line) and line[start].isspace():
            start += 1
        for word in words:
            if line.startswith(word, start):
                start += len(word)
                moved = True
                break
    return start


def _comparator(verb_comparator: str | None, qualifier: str | None) -> tuple[str, list[str]]:
    if qualifier == "左右":
        return "~", []
    if qualifier == "多":
        return ">", [gettext_noop("…多 read as more than")]
    if verb_comparator:
        return verb_comparator, []
    if qualifier == "以上":
        return ">=", []
    return ">=", [gettext_noop("no comparator word; read as at least")]


def find_targets(line: str, *, year: int | None = None) -> tuple[list[FoundTarget], list[Leftover]]:
    """The targets stated in one line (paragraph) and the quantities left over.

    ``year`` is the year in force before the line (its section's 到2027年), or None.
    """
    targets: list[FoundTarget] = []
    leftovers: list[Leftover] = []
    markers = year_markers(line)
    previous_end = 0  # end of the previous target, or of the previous year marker
    previous: FoundTarget | None = None
    previous_number_first: tuple[str, bool] | None = None  # (verb, annual) of a 支持… list

    for match in QUANTITY.finditer(line):
        amount = _amount(match)
        if amount is None:
            continue
        value, unit, display_unit = amount
        qualifier = match.group("qual")
        doubts: list[str] = []
        if match.group("high"):
            doubts.append(gettext_noop("a range; took its lower bound as at least"))
        current_year = year
        for offset, marker_year in markers:
            if offset < match.start():
                current_year = marker_year
                previous_end = max(previous_end, offset)
        sentence_start = max(line.rfind(ch, 0, match.start()) for ch in "。；;！？!?") + 1

        clause_before = line[_clause_start(line, match.start(), sentence_start) : match.start()]
        if _CAP.search(clause_before):
            leftovers.append(
                Leftover(
                    line[match.start() : match.end()],
                    match.start(),
                    match.end(),
                    gettext_noop("a cap (最高/不超过…) on a grant or an amount, not a target"),
                )
            )
            continue
        if qualifier in ("以内", "以下"):
            leftovers.append(
                Leftover(
                    line[match.start() : match.end()],
                    match.start(),
                    match.end(),
                    gettext_noop(
                        "an upper bound (以内/以下) cannot be stated with the plan's comparators"
                    ),
                )
            )
            continue

        after = line[match.end() :]
        before = line[max(sentence_start, previous_end) : match.start()]
        trigger = _NUMBER_FIRST_TRIGGER.search(before)
        joined = (
            previous_number_first is not None
            and previous is not None
            and previous.end >= sentence_start
            and line[previous.end : match.start()].strip() in _LIST_JOINERS
        )
        starts_noun = bool(after) and _NOUN_STOP.match(after) is None and not after[0].isspace()
        if (trigger or joined) and starts_noun:
            if trigger:
                verb, annual = trigger.group("verb"), bool(trigger.group("annual"))
                text_start = match.start() - len(trigger.group(0))
            else:
                assert previous_number_first is not None
                verb, annual = previous_number_first
                text_start = match.start()
            stop = _NOUN_STOP.search(after)
            noun_end = match.end() + (stop.start() if stop else len(after))
            noun = line[match.end() : noun_end]
            name, name_doubts = indicator_name(noun)
            if verb in ("支持", "资助"):
                name += "资助"
            elif verb == "新增":
                name = "新增" + name
            comparator, comparator_doubts = _comparator(None, qualifier)
            comparator_doubts = [d for d in comparator_doubts if not d.startswith("no comparator")]
            found = FoundTarget(
                indicator=name,
                comparator=comparator,
                value=_normal(value),
                unit=unit,
                display_unit=display_unit,
                year=current_year,
                annual=annual,
                text=line[text_start:noun_end],
                start=text_start,
                end=noun_end,
                doubts=tuple(doubts + name_doubts + comparator_doubts),
            )
            targets.append(found)
            previous, previous_end, previous_number_first = found, noun_end, (verb, annual)
            continue

        if starts_noun and not after.startswith(("的", "等")):
            leftovers.append(
                Leftover(
                    line[match.start() : match.end()],
                    match.start(),
                    match.end(),
                    gettext_noop(
                        "a quantity inside a phrase, with no verb such as 支持 or 新增 before it"
                    ),
                )
            )
            continue
        clause_start = _clause_start(line, match.start(), max(previous_end, 0))
        clause_start = _skip(line, clause_start, _LIST_JOINERS)
        marker = YEAR_MARKER.match(line, clause_start)
        if marker:
            clause_start = marker.end()
        clause_start = _skip(line, clause_start, _LEADING_QUALIFIERS)
        clause = line[clause_start : match.start()]
        verb_comparator = None
        subject = clause
        for verb, comparator in _VERBS.items():  # longest verbs first
            if clause.endswith(verb):
                verb_comparator, subject = comparator, clause[: -len(verb)]
                break
        annual = False
        for word in ("每年", "年均"):
            if subject.startswith(word):
                annual, subject = True, subject[len(word) :]
                break
        if not subject.strip():
            leftovers.append(
                Leftover(
                    line[clause_start : match.end()],
                    clause_start,
                    match.end(),
                    gettext_noop("a quantity with no subject before it"),
                )
            )
            continue
        previous_name = (
            previous.indicator if previous is not None and previous.end >= sentence_start else None
        )
        name, name_doubts = indicator_name(subject, previous_name)
        comparator, comparator_doubts = _comparator(verb_comparator, qualifier)
        if qualifier == "以上" and verb_comparator in _STRICT:
            comparator = ">"
        found = FoundTarget(
            indicator=name,
            comparator=comparator,
            value=_normal(value),
            unit=unit,
            display_unit=display_unit,
            year=current_year,
            annual=annual,
            text=line[clause_start : match.end()],
            start=clause_start,
            end=match.end(),
            doubts=tuple(doubts + name_doubts + comparator_doubts),
        )
        targets.append(found)
        previous, previous_end, previous_number_first = found, match.end(), None
    return targets, leftovers


# --- targets in a table ----------------------------------------------------------------------

_TARGET_COLUMN = re.compile(r"(?P<year>\d{4})\s*年\s*(?:底\s*)?目标(?:值)?")
_TABLE_UNIT = re.compile(rf"(?P<mult>[万亿]*)(?P<unit>{'|'.join(re.escape(u) for u in UNITS)})")
_TABLE_VALUE = re.compile(
    r"(?P<verb>≥|>=|＞|>|不低于|不少于|达到|突破|超过)?\s*(?P<number>\d+(?:\.\d+)?)\s*"
    r"(?P<qual>以上|左右)?"
)


@dataclass(frozen=True)
class TableColumns:
    """Where a target table keeps its indicator, unit and target value, and the target's year."""

    indicator: int
    unit: int
    value: int
    year: int


def table_columns(cells: list[str]) -> TableColumns | None:
    """The columns of a target table's header row (指标 | 单位 | … | 2027年目标), or None."""
    cells = [cell.strip() for cell in cells]
    indicator = next((i for i, cell in enumerate(cells) if cell.endswith("指标")), None)
    unit = next((i for i, cell in enumerate(cells) if cell in ("单位", "计量单位")), None)
    value = next((i for i, cell in enumerate(cells) if _TARGET_COLUMN.fullmatch(cell)), None)
    if indicator is None or unit is None or value is None:
        return None
    year = int(_TARGET_COLUMN.fullmatch(cells[value]).group("year"))  # type: ignore[union-attr]
    return TableColumns(indicator, unit, value, year)


def table_target(cells: list[str], columns: TableColumns, line: str) -> FoundTarget | None:
    """The target of one table row (cells as the reader splits it at tabs), or None.

    A bare figure is to be reached (">="), as are ≥ and 以上; 左右 is "~"; 突破/超过/＞ ">".
    The unit cell may carry a multiplier (亿元): money is kept in 元 with it as display unit.
    """
    if len(cells) <= max(columns.indicator, columns.unit, columns.value):
        return None
    indicator = cells[columns.indicator].strip()
    unit_match = _TABLE_UNIT.fullmatch(cells[columns.unit].strip().replace("％", "%"))
    value_match = _TABLE_VALUE.fullmatch(cells[columns.value].strip())
    if not indicator or unit_match is None or value_match is None:
        return None
    unit, multiplier = unit_match.group("unit"), unit_match.group("mult")
    factor = Decimal(1)
    for char in multiplier:
        factor *= 10_000 if char == "万" else 100_000_000
    display_unit = multiplier + unit
    try:
        if unit_factor(unit, display_unit) != factor:
            raise ValueError
    except ValueError:
        display_unit = unit
    verb = value_match.group("verb")
    comparator = _VERBS.get(verb or "", ">" if verb in ("＞", ">") else ">=")
    if value_match.group("qual") == "左右":
        comparator = "~"
    return FoundTarget(
        indicator=indicator,
        comparator=comparator,
        value=_normal(Decimal(value_match.group("number")) * factor),
        unit=unit,
        display_unit=display_unit,
        year=columns.year,
        annual=False,
        text=line,
        start=0,
        end=len(line),
    )
