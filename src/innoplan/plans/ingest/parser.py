"""A plan document's text (规划文本) -> the proposed plan, in the shape ``loadplan`` reads.

No Django import here. The input is the document as plain text, one paragraph per line, as
the readers make it from .docx, .pdf and .txt (Word's list numbering already written out as
"1." or "（一）"). :func:`parse_plan_text` proposes the plan for the plan owner to check:

- **Header** (before the first chapter): the issuer from "…人民政府文件" or the signature line
  before the date (of joint issuers signing one above the other, the first); the document
  number (通政发〔2024〕19号; [2024], ［2024］ and (2024) are written back as 〔2024〕); the
  date, in digits or Chinese numerals (二〇二四年十二月十七日); the title from the
  关于印发《…》的通知 wrapper (its lines joined), or else the title lines that end in
  方案/计划/规划/意见. ``start_year`` is the title's "2024—2027年" range or the date's year;
  ``deadline_year`` the range's end or the latest 到2027年 of the targets.
- **Structure**: 一、二、… chapters; （一）（二）… sections, also written （2） or (2); numbered
  paragraphs 1. 2. / 1、. In a 目标 chapter or section, each numbered paragraph is a goal group
  named by its lead phrase (up to the first 。 or ：); targets in a paragraph that is not
  numbered, before any numbered one, make a group named after the 目标 heading itself
  (总体目标, 主要目标, 工作目标), made only when there are targets. In a 任务 (or 重点工作,
  主要举措, 重点行动) chapter, sections hold the numbered tasks, titled by their first
  sentence. In a 保障 chapter each section (or numbered paragraph) is a measure titled by its
  heading's first sentence; irregular numbering such as （一） then （2） is accepted and
  marked unsure at the measure where it breaks.
- **Lead departments**: a task's "（牵头单位：区科委、区发展改革委）" (also 牵头部门, 责任单位,
  责任部门), in its paragraph or on a line of its own after it, is read into ``leads`` beside
  the plan, not into it: the plan YAML has no departments (they are assigned after loading),
  and the phrase stays out of the task's title. Co-operating units (配合单位) are not read.
- **Target tables**: under a 目标 heading, a tab-separated row with 指标, 单位 and a
  "2027年目标" cell is a table header; each following row is one target (``table_target``),
  its text the whole row.
- **Targets**: see ``targets.py``. Targets of a goal paragraph belong to its group, those of a
  task paragraph to the task; a target without its own year takes its chapter's 到2027年, or
  the deadline.
- Nothing is dropped: lines outside the header and the structure, and quantities that make no
  target, go to ``unplaced``; what needs a human eye goes to ``unsure``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import yaml

from innoplan.plans.ingest.chinese_numbers import read_chinese_integer, read_number
from innoplan.plans.ingest.messages import gettext_noop
from innoplan.plans.ingest.targets import (
    FoundTarget,
    TableColumns,
    find_targets,
    table_columns,
    table_target,
    year_markers,
)

__all__ = [
    "ParseResult",
    "TargetSource",
    "TaskLeads",
    "Unplaced",
    "Unsure",
    "parse_plan_text",
    "to_yaml",
]

_ARTEFACT = re.compile(r"\[bookmark: [^\]]*\]")
_CHAPTER = re.compile(r"\s*(?P<number>[一二三四五六七八九十]+)\s*、\s*(?P<title>[^。，；]{1,30})")
_SECTION = re.compile(
    r"\s*[（(]\s*(?P<number>[一二三四五六七八九十]+|\d+)\s*[）)]\s*(?P<title>\S.*)"
)
_NUMBERED = re.compile(r"\s*(?P<number>\d+)\s*[.．、](?!\d)\s*(?P<title>\S.*)")
_ISSUER_BANNER = re.compile(r"(?P<issuer>.+?)\s*文件")
_SIGNATURE = re.compile(r".+(?:政府|委员会|办公室|办公厅|局|委|部|厅)")
_DOC_NUMBER = re.compile(
    r"(?P<prefix>[\u4e00-\u9fff]{1,10})\s*[〔\[［【(（]\s*(?P<year>\d{4})\s*[〕\]］】)）]\s*"
    r"(?P<number>\d+)\s*号"
)
_DATE = re.compile(
    r"(?P<year>\d{4}|[〇零○一二三四五六七八九]{4})\s*年\s*"
    r"(?P<month>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*"
    r"(?P<day>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
)
_WRAPPED_TITLE = re.compile(r"《(?P<title>[^》]+)》")
_TITLE_END = re.compile(r".*(?:方案|计划|规划|意见|纲要)(?:[（(][^）)]*[）)])?")
_YEAR_RANGE = re.compile(r"(?P<start>\d{4})\s*(?:—{1,2}|–|-|~|～|至|到)\s*(?P<end>\d{4})\s*年")
_FIRST_SENTENCE = re.compile(r"[^。]+")
_LEAD_PHRASE = re.compile(r"[^。：:]+")
# "（牵头单位：区科委、区发展改革委；配合单位：…）": the names up to the next ；, ）, 。
_LEADS = re.compile(
    r"[（(]?\s*(?:牵头单位|牵头部门|责任单位|责任部门)\s*[:：]\s*(?P<names>[^；;）)。]+)"
    r"(?:[；;][^）)。]*)?[）)]?"
)
_NAME_SEPARATORS = re.compile(r"\s*[、，,/／]\s*")

_GOALS, _TASKS, _MEASURES, _GENERAL, _OTHER = "goals", "tasks", "measures", "general", "other"


@dataclass(frozen=True)
class Unsure:
    """Something proposed that a person should check: what, on which line, and why; ``path``
    is its place in the plan (``measures[1]``) when it is about one entry there."""

    what: str
    line: int | None
    why: str
    path: str | None = None


@dataclass(frozen=True)
class Unplaced:
    """A line, or a phrase of one, that the parser could not place in the plan."""

    line: int
    text: str
    why: str
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class TargetSource:
    """Where a proposed target was read: its path in the plan, line and character offsets."""

    path: str
    line: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class TaskLeads:
    """The lead departments (牵头单位) a task names, as the document writes them: the task's
    path in the plan, the line and the phrase they were read from."""

    path: str
    line: int
    departments: tuple[str, ...]
    text: str


@dataclass
class ParseResult:
    """The proposed plan (a dict shaped like the loadplan YAML) and what to review."""

    plan: dict
    sources: list[TargetSource] = field(default_factory=list)
    unsure: list[Unsure] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    leads: list[TaskLeads] = field(default_factory=list)

    def source_of(self, path: str) -> TargetSource | None:
        return next((source for source in self.sources if source.path == path), None)


def _clean(raw: str) -> str:
    return _ARTEFACT.sub("", raw).strip()


def _read_int(text: str) -> int | None:
    value = read_number(text)
    return int(value) if value is not None and value == int(value) else None


def _read_date(text: str) -> datetime.date | None:
    match = _DATE.fullmatch(text)
    if not match:
        return None
    year, month, day = (_read_int(match.group(key)) for key in ("year", "month", "day"))
    try:
        return datetime.date(year, month, day)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _numeral(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    try:
        return read_chinese_integer(text)
    except ValueError:
        return None


class _Parser:
    def __init__(self, text: str):
        self.raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.unsure: list[Unsure] = []
        self.unplaced: list[Unplaced] = []
        self.sources: list[TargetSource] = []
        self.leads: dict[str, TaskLeads] = {}  # by the task's path
        self.header: dict = {
            "title": None,
            "issuer": None,
            "doc_number": None,
            "date": None,
            "start_year": None,
            "deadline_year": None,
        }
        self.goal_groups: list[dict] = []
        self.sections: list[dict] = []
        self.measures: list[dict] = []
        # (target dict, path-maker, line, FoundTarget) kept until years and names are final.
        self.found: list[tuple[dict, int, FoundTarget]] = []
        self.years: list[int] = []

    # --- header ---------------------------------------------------------------------------

    def parse_header(self, end: int) -> None:
        lines = [(number, _clean(self.raw[number - 1])) for number in range(1, end)]
        lines = [(number, text) for number, text in lines if text]
        used: set[int] = set()
        for index, (number, text) in enumerate(lines):
            if self.header["issuer"] is None:
                banner = _ISSUER_BANNER.fullmatch(text)
                if banner and _SIGNATURE.fullmatch(banner.group("issuer")):
                    self.header["issuer"] = banner.group("issuer")
                    used.add(number)
                    continue
            doc_number = _DOC_NUMBER.fullmatch(text)
            if doc_number and self.header["doc_number"] is None:
                self.header["doc_number"] = (
                    f"{doc_number['prefix']}〔{doc_number['year']}〕{doc_number['number']}号"
                )
                used.add(number)
                continue
            date = _read_date(text)
            if date is not None and self.header["date"] is None:
                self.header["date"] = date
                used.add(number)
                # Joint issuers sign one above the other; the first named is the issuer.
                first = index
                while first > 0 and _SIGNATURE.fullmatch(lines[first - 1][1]):
                    first -= 1
                    used.add(lines[first][0])
                if first < index and self.header["issuer"] is None:
                    self.header["issuer"] = lines[first][1]
                continue
        self._header_title(lines, used)
        for number, text in lines:
            if number not in used:
                self.unplaced.append(
                    Unplaced(
                        number,
                        text,
                        gettext_noop("outside the plan's structure (before its first chapter)"),
                    )
                )
        for key in ("title", "issuer", "doc_number", "date"):
            if self.header[key] is None:
                self.unsure.append(
                    Unsure(f"plan.{key}", None, gettext_noop("not found in the document"))
                )

    def _header_title(self, lines: list[tuple[int, str]], used: set[int]) -> None:
        wrapped = None
        for index, (_number, text) in enumerate(lines):
            if "关于印发" not in text:
                continue
            joined, taken = "", []
            for later_number, later_text in lines[index:]:
                joined += later_text
                taken.append(later_number)
                if "通知" in later_text or len(taken) == 4:
                    break
            match = _WRAPPED_TITLE.search(joined)
            if match:
                wrapped = match.group("title")
                used.update(taken)
                # The notice's title often starts with the issuer on a line of its own.
                if index > 0 and _SIGNATURE.fullmatch(lines[index - 1][1]):
                    used.add(lines[index - 1][0])
                break
        # Title lines standing alone: one or two lines without punctuation ending in 方案 etc.
        for index, (number, text) in enumerate(lines):
            if number in used or "，" in text or "。" in text or not _TITLE_END.fullmatch(text):
                continue
            title, taken = text, [number]
            if index > 0:
                before_number, before_text = lines[index - 1]
                if (
                    before_number not in used
                    and before_number == number - 1
                    and not re.search(r"[，。：；、（）()]", before_text)
                ):
                    title, taken = before_text + text, [before_number, number]
            if wrapped is None or title == wrapped:
                wrapped = wrapped or title
                used.update(taken)
                break
        self.header["title"] = wrapped

    # --- body -----------------------------------------------------------------------------

    def parse(self) -> ParseResult:
        first_chapter = next(
            (
                number
                for number, raw in enumerate(self.raw, 1)
                if _CHAPTER.fullmatch(_clean(raw)) and "。" not in raw
            ),
            len(self.raw) + 1,
        )
        self.parse_header(first_chapter)
        kind, chapter_title, context, year = _OTHER, "", _OTHER, None
        group: dict | None = None
        section: dict | None = None
        task: dict | None = None
        # Each measure's number, whether it is written in digits, and how it reads (（2）, 4.).
        measure_numbers: list[tuple[int | None, bool, str, int]] = []
        goal_heading = ""  # the 目标 heading: the name of a group without numbered paragraphs
        columns: TableColumns | None = None  # the header of the target table being read

        def heading_group() -> dict:
            nonlocal group
            group = {"name": goal_heading, "targets": []}
            self.goal_groups.append(group)
            return group

        for number in range(first_chapter, len(self.raw) + 1):
            raw = self.raw[number - 1]
            text = _clean(raw)
            if not text:
                continue
            chapter = _CHAPTER.fullmatch(text)
            if chapter and "。" not in text:
                chapter_title = chapter.group("title").strip()
                kind = _chapter_kind(chapter_title)
                context, year, group, section, task = kind, None, None, None, None
                goal_heading, columns = _first(chapter_title, _LEAD_PHRASE), None
                if kind == _OTHER:
                    self.unplaced.append(
                        Unplaced(number, text, gettext_noop("a chapter the parser does not know"))
                    )
                continue
            heading = _SECTION.fullmatch(text)
            if heading:
                title = heading.group("title").strip()
                group, task, columns = None, None, None
                if kind == _GENERAL:
                    context = _GOALS if "目标" in title else _GENERAL
                    goal_heading = _first(title, _LEAD_PHRASE)
                elif kind == _TASKS:
                    section = {"title": _first(title, _FIRST_SENTENCE), "tasks": []}
                    self.sections.append(section)
                elif kind == _MEASURES:
                    self.measures.append({"title": _first(title, _FIRST_SENTENCE)})
                    digits = heading.group("number")
                    label = text[: heading.start("title")].strip()
                    measure_numbers.append((_numeral(digits), digits.isdigit(), label, number))
                elif kind == _OTHER:
                    self.unplaced.append(
                        Unplaced(
                            number, text, gettext_noop("in a chapter the parser does not know")
                        )
                    )
                continue
            for _, marker_year in year_markers(raw):
                year = marker_year
                self.years.append(marker_year)
            numbered = _NUMBERED.fullmatch(text)
            if context == _GOALS:
                if numbered:
                    name = _first(numbered.group("title"), _LEAD_PHRASE)
                    group = {"name": name, "targets": []}
                    self.goal_groups.append(group)
                    if len(name) > 20:
                        self.unsure.append(
                            Unsure(
                                f"goal group {name}",
                                number,
                                gettext_noop("the lead phrase is long"),
                            )
                        )
                cells = raw.split("\t")
                if len(cells) > 2:
                    header = table_columns(cells)
                    if header is not None:
                        columns = header
                        continue
                    row = table_target(cells, columns, raw) if columns is not None else None
                    if row is not None:
                        self._targets(number, raw, year, group or heading_group(), "", [row])
                        continue
                self._targets(number, raw, year, group, "goal_groups", make_owner=heading_group)
            elif context == _TASKS:
                if numbered:
                    if section is None:
                        section = {"title": chapter_title, "tasks": []}
                        self.sections.append(section)
                        self.unsure.append(
                            Unsure(
                                f"section {chapter_title}",
                                number,
                                gettext_noop("tasks outside any section"),
                            )
                        )
                    task = {
                        "number": int(numbered.group("number")),
                        "title": _first(_LEADS.sub("", numbered.group("title")), _FIRST_SENTENCE),
                        "targets": [],
                    }
                    section["tasks"].append(task)
                if task is not None and section is not None:
                    path = f"sections[{len(self.sections) - 1}].tasks[{len(section['tasks']) - 1}]"
                    self._leads(number, text, path)
                self._targets(number, raw, year, task, "sections")
            elif context == _MEASURES:
                if numbered:
                    self.measures.append(
                        {"title": _first(numbered.group("title"), _FIRST_SENTENCE)}
                    )
                    label = text[: numbered.start("title")].strip()
                    measure_numbers.append((int(numbered.group("number")), True, label, number))
            elif context == _OTHER:
                self.unplaced.append(
                    Unplaced(number, text, gettext_noop("in a chapter the parser does not know"))
                )

        self._measure_numbering(measure_numbers)
        self._finish_years()
        self._finish_names()
        plan = {
            "plan": self.header,
            "goal_groups": self.goal_groups,
            "sections": self.sections,
            "measures": self.measures,
        }
        return ParseResult(
            plan, self.sources, self.unsure, self.unplaced, list(self.leads.values())
        )

    def _measure_numbering(self, numbers: list[tuple[int | None, bool, str, int]]) -> None:
        """Mark each measure where the numbering breaks: not one more than the measure before
        (the first not 1), or written in digits after Chinese numerals or the other way."""
        previous: tuple[int | None, bool] = (0, numbers[0][1]) if numbers else (0, True)
        for index, (value, digits, label, line) in enumerate(numbers):
            expected, style = previous
            if value is None or expected is None or value != expected + 1 or digits != style:
                title = self.measures[index]["title"]
                self.unsure.append(
                    Unsure(
                        f"measure {label}{title}",
                        line,
                        gettext_noop("the measures' numbering is irregular; check the order"),
                        f"measures[{index}]",
                    )
                )
            previous = (value, digits)

    def _leads(self, number: int, text: str, path: str) -> None:
        """The lead departments a line of a task names, added to what the task named before."""
        for match in _LEADS.finditer(text):
            names = tuple(
                name.removesuffix("等").strip()
                for name in _NAME_SEPARATORS.split(match.group("names").strip())
                if name.removesuffix("等").strip()
            )
            if not names:
                continue
            known = self.leads.get(path)
            if known is None:
                self.leads[path] = TaskLeads(path, number, names, match.group(0))
            else:
                merged = known.departments + tuple(n for n in names if n not in known.departments)
                self.leads[path] = TaskLeads(path, known.line, merged, known.text)

    def _targets(
        self,
        number: int,
        raw: str,
        year: int | None,
        owner: dict | None,
        where: str,
        rows: list[FoundTarget] | None = None,
        make_owner: Callable[[], dict] | None = None,
    ) -> None:
        if rows is not None:
            found, leftovers = rows, []
        else:
            found, leftovers = find_targets(raw, year=year)
        if owner is None and found and make_owner is not None:
            # A goal paragraph with no numbered groups: its targets go to a group named
            # after the 目标 heading it stands under.
            owner = make_owner()
        for leftover in leftovers:
            self.unplaced.append(
                Unplaced(number, leftover.text, leftover.why, leftover.start, leftover.end)
            )
        for target in found:
            if owner is None:
                self.unplaced.append(
                    Unplaced(
                        number,
                        target.text,
                        gettext_noop("a target outside any goal group or task"),
                        target.start,
                        target.end,
                    )
                )
                continue
            entry = {
                "indicator": target.indicator,
                "comparator": target.comparator,
                "value": target.value,
                "unit": target.unit,
                "display_unit": target.display_unit,
                "year": target.year,
                "annual": target.annual,
                "text": target.text,
            }
            owner["targets"].append(entry)
            self.found.append((entry, number, target))
            if target.year is not None:
                self.years.append(target.year)

    def _finish_years(self) -> None:
        title = self.header["title"] or ""
        span = _YEAR_RANGE.search(title)
        date = self.header["date"]
        if span:
            self.header["start_year"] = int(span.group("start"))
            self.header["deadline_year"] = int(span.group("end"))
        else:
            if date is not None:
                self.header["start_year"] = date.year
            if self.years:
                self.header["deadline_year"] = max(self.years)
        if self.header["start_year"] is None:
            self.unsure.append(
                Unsure("plan.start_year", None, gettext_noop("no date or year range found"))
            )
        if self.header["deadline_year"] is None:
            self.unsure.append(Unsure("plan.deadline_year", None, gettext_noop("no 到…年 found")))
        for entry, number, _ in self.found:
            if entry["year"] is None:
                entry["year"] = self.header["deadline_year"]
                if entry["year"] is None:
                    self.unsure.append(
                        Unsure(entry["text"], number, gettext_noop("no year for this target"))
                    )

    def _finish_names(self) -> None:
        paths = {}
        for index, group in enumerate(self.goal_groups):
            for position, entry in enumerate(group["targets"]):
                paths[id(entry)] = f"goal_groups[{index}].targets[{position}]"
        for index, section in enumerate(self.sections):
            for task_index, task in enumerate(section["tasks"]):
                for position, entry in enumerate(task["targets"]):
                    paths[id(entry)] = f"sections[{index}].tasks[{task_index}].targets[{position}]"
        seen: dict[str, int] = {}
        for entry, number, target in self.found:
            name = entry["indicator"]
            if name in seen:
                seen[name] += 1
                entry["indicator"] = f"{name}（{seen[name]}）"
                self.unsure.append(
                    Unsure(
                        entry["text"],
                        number,
                        gettext_noop("the indicator name is used twice; a number was added to it"),
                    )
                )
            else:
                seen[name] = 1
            for doubt in target.doubts:
                self.unsure.append(Unsure(entry["text"], number, doubt))
            self.sources.append(
                TargetSource(paths[id(entry)], number, target.start, target.end, target.text)
            )


def _chapter_kind(title: str) -> str:
    if "保障" in title:
        return _MEASURES
    if "任务" in title or "重点工作" in title or "主要举措" in title or "重点行动" in title:
        return _TASKS
    if "目标" in title:
        return _GOALS
    if "总体要求" in title or "总体思路" in title or "指导思想" in title:
        return _GENERAL
    return _OTHER


def _first(text: str, pattern: re.Pattern) -> str:
    match = pattern.match(text)
    return (match.group(0) if match else text).strip()


def parse_plan_text(text: str) -> ParseResult:
    """Propose the structured plan of a plan document given as text, one paragraph a line."""
    return _Parser(text).parse()


# --- YAML out ---------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


_Dumper.add_representer(Decimal, _represent_decimal)


def to_yaml(result: ParseResult) -> str:
    """The proposed plan as YAML that ``parse_plan_yaml`` reads (keys in the schema's order)."""
    return yaml.dump(result.plan, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
