"""Plan document (规划文本) YAML -> frozen specs, with every problem located by file, line, field.

A plan document is the plan as its issuer wrote it: header, the goal groups of 主要目标 with
their quantitative targets, the sections of 重点任务 with their numbered tasks (some carrying
annual quotas), and the safeguard measures of 保障措施. This module knows nothing of Django: it
reads the YAML, checks it and returns :class:`PlanDocument`; loading it into the database is
somebody else's job.

The YAML is composed (``yaml.compose`` with the SafeLoader) rather than loaded, so every node
keeps its position and every problem can name its line; values are then read from the node
tree by hand. ``value`` is read from the scalar's own text, so ``3.5`` is ``Decimal("3.5")``
and never passes through a float.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from innoplan.core.numbers import UNIT_FACTORS, unit_factor

__all__ = [
    "COMPARATORS",
    "GoalGroupSpec",
    "MeasureSpec",
    "PlanDocument",
    "PlanDocumentError",
    "PlanHeader",
    "Problem",
    "SectionSpec",
    "TargetSpec",
    "TaskSpec",
    "parse_plan_yaml",
    "read_plan_file",
]

# ">=" 达到/达/以上, ">" 突破/超过 (strictly greater), "=" exactly, "~" 左右 (about).
COMPARATORS = (">=", ">", "=", "~")

_TAG_STR = "tag:yaml.org,2002:str"
_TAG_INT = "tag:yaml.org,2002:int"
_TAG_FLOAT = "tag:yaml.org,2002:float"
_TAG_BOOL = "tag:yaml.org,2002:bool"
_TAG_NULL = "tag:yaml.org,2002:null"
_TAG_TIMESTAMP = "tag:yaml.org,2002:timestamp"

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")

# The keys of each mapping, in the order the schema documents them. All are required.
_DOCUMENT_KEYS = ("plan", "goal_groups", "sections", "measures")
_HEADER_KEYS = ("title", "issuer", "doc_number", "date", "start_year", "deadline_year")
_GOAL_GROUP_KEYS = ("name", "targets")
_TARGET_KEYS = (
    "indicator",
    "comparator",
    "value",
    "unit",
    "display_unit",
    "year",
    "annual",
    "text",
)
_SECTION_KEYS = ("title", "tasks")
_TASK_KEYS = ("number", "title", "targets")
_MEASURE_KEYS = ("title",)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a plan document: where (file, 1-based line, field path) and why."""

    source: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where}: {what}"


class PlanDocumentError(Exception):
    """A plan document that cannot be used; ``problems`` lists all that was found, not the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def __reduce__(self):
        # Keep the problems when the error crosses a process boundary (background tasks).
        return (type(self), (self.problems,))


@dataclass(frozen=True)
class PlanHeader:
    """The document's identification (标题, 发文机关, 文号, 成文日期) and the years it covers."""

    title: str
    issuer: str
    doc_number: str
    date: datetime.date
    start_year: int
    deadline_year: int


@dataclass(frozen=True)
class TargetSpec:
    """A quantitative target (指标目标) as the plan states it.

    ``value`` is in ``unit`` (the base unit: 元, 家, 名); ``display_unit`` is how the plan
    writes it (亿元). ``annual`` marks a per-year flow (每年新增…) rather than a stock.
    ``text`` is the source phrase, ``line`` the target's line in the YAML.
    """

    indicator: str
    comparator: str
    value: Decimal
    unit: str
    display_unit: str
    year: int
    annual: bool
    text: str
    line: int


@dataclass(frozen=True)
class GoalGroupSpec:
    """A goal group of 主要目标 (e.g. 创新主体快速集聚) and its targets."""

    name: str
    targets: tuple[TargetSpec, ...]
    line: int


@dataclass(frozen=True)
class TaskSpec:
    """A numbered key task (重点任务), with the quotas it sets itself, if any."""

    number: int
    title: str
    targets: tuple[TargetSpec, ...]
    line: int


@dataclass(frozen=True)
class SectionSpec:
    """A section of 重点任务 (e.g. 集聚创新主体添动力) grouping numbered tasks."""

    title: str
    tasks: tuple[TaskSpec, ...]
    line: int


@dataclass(frozen=True)
class MeasureSpec:
    """A safeguard measure (保障措施)."""

    title: str
    line: int


@dataclass(frozen=True)
class PlanDocument:
    """A whole plan document, checked: header, goal groups, sections of tasks, measures."""

    source: str
    header: PlanHeader
    goal_groups: tuple[GoalGroupSpec, ...]
    sections: tuple[SectionSpec, ...]
    measures: tuple[MeasureSpec, ...]

    def all_targets(self) -> list[TargetSpec]:
        """Every target: those of the goal groups first, then the tasks' quotas, in order."""
        targets = [target for group in self.goal_groups for target in group.targets]
        targets += [
            target for section in self.sections for task in section.tasks for target in task.targets
        ]
        return targets


def parse_plan_yaml(text: str, *, source: str) -> PlanDocument:
    """Read and check a plan document; raise :class:`PlanDocumentError` listing every problem.

    ``source`` names the document in problems (usually its file name).
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        message = ", ".join(part for part in (error.context, error.problem) if part)
        raise PlanDocumentError(
            [Problem(source, line, "", f"YAML syntax error: {message or 'cannot be parsed'}")]
        ) from None
    except ReaderError as error:  # a control character YAML does not allow
        line = text[: error.position].count("\n") + 1
        character = error.character
        shown = f"U+{character:04X}" if isinstance(character, int) else repr(character)
        message = f"character {shown} is not allowed in YAML"
        raise PlanDocumentError([Problem(source, line, "", message)]) from None
    except yaml.YAMLError as error:
        message = " ".join(str(error).split())  # one line per problem, always
        raise PlanDocumentError([Problem(source, None, "", f"YAML error: {message}")]) from None
    return _DocumentReader(source).read(root)


def read_plan_file(path: str | os.PathLike) -> PlanDocument:
    """Read a plan document from a UTF-8 file; any failure is a :class:`PlanDocumentError`."""
    source = os.fsdecode(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise PlanDocumentError([Problem(source, None, "", "file not found")]) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise PlanDocumentError(
            [Problem(source, None, "", f"cannot read file: {reason}")]
        ) from None
    try:
        text = data.decode("utf-8-sig")  # tolerate the BOM Windows editors write
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = f"not UTF-8 text (invalid byte at offset {error.start})"
        raise PlanDocumentError([Problem(source, line, "", message)]) from None
    return parse_plan_yaml(text, source=source)


# --- reading the node tree -------------------------------------------------------------------


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _describe(node: Node) -> str:
    """How a wrong value appears in a message: "a list", "the string 'abc'", "nothing (null)"."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == _TAG_NULL:
        return "nothing (null)"
    kinds = {
        _TAG_STR: "the string",
        _TAG_INT: "the integer",
        _TAG_FLOAT: "the number",
        _TAG_BOOL: "the boolean",
        _TAG_TIMESTAMP: "the timestamp",
    }
    shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
    return f"{kinds.get(node.tag, node.tag)} {shown!r}"


class _DocumentReader:
    """Walks the composed node tree, collecting problems instead of stopping at the first.

    Each ``_read_*`` method returns the spec, or None after recording why it could not; the
    document is built only when no problem at all was recorded. Rules that span the plan
    (unique names and numbers, target years within the plan's years) are checked on the way,
    so each problem points at the line of the offending value.
    """

    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []
        self._constructor = SafeConstructor()
        self._years: tuple[int, int] | None = None
        # What must be unique, by kind: value -> line of its first occurrence.
        self._seen: dict[str, dict[object, int]] = {}

    def problem(self, line: int | None, field: str, message: str) -> None:
        self.problems.append(Problem(self.source, line, field, message))

    # --- the document and its parts -----------------------------------------------------------

    def read(self, root: Node | None) -> PlanDocument:
        if root is None:
            self.problem(None, "", "document is empty")
            raise PlanDocumentError(self.problems)
        if not isinstance(root, MappingNode):
            self.problem(
                _line(root),
                "",
                f"document must be a mapping with the keys {', '.join(_DOCUMENT_KEYS)}, "
                f"not {_describe(root)}",
            )
            raise PlanDocumentError(self.problems)

        fields = self.mapping(root, "", _DOCUMENT_KEYS)
        header = self._read_header(fields["plan"]) if "plan" in fields else None
        goal_groups = self.sequence(fields.get("goal_groups"), "goal_groups", self._read_group)
        sections = self.sequence(fields.get("sections"), "sections", self._read_section)
        measures = self.sequence(fields.get("measures"), "measures", self._read_measure)

        if self.problems:
            self.problems.sort(key=lambda p: p.line or 0)  # stable: document order within a line
            raise PlanDocumentError(self.problems)
        assert header is not None and goal_groups is not None  # no problem means all were read
        assert sections is not None and measures is not None
        return PlanDocument(
            source=self.source,
            header=header,
            goal_groups=tuple(goal_groups),
            sections=tuple(sections),
            measures=tuple(measures),
        )

    def _read_header(self, node: Node) -> PlanHeader | None:
        path = "plan"
        if not self.is_mapping(node, path):
            return None
        fields = self.mapping(node, path, _HEADER_KEYS)
        values = {
            "title": self.string(fields.get("title"), "plan.title"),
            "issuer": self.string(fields.get("issuer"), "plan.issuer"),
            "doc_number": self.string(fields.get("doc_number"), "plan.doc_number"),
            "date": self.date(fields.get("date"), "plan.date"),
            "start_year": self.integer(fields.get("start_year"), "plan.start_year"),
            "deadline_year": self.integer(fields.get("deadline_year"), "plan.deadline_year"),
        }
        start, deadline = values["start_year"], values["deadline_year"]
        if start is not None and deadline is not None:
            if start > deadline:
                self.problem(
                    _line(fields["deadline_year"]),
                    "plan.deadline_year",
                    f"must not be earlier than start_year ({start})",
                )
                return None
            self._years = (start, deadline)
        if any(value is None for value in values.values()):
            return None
        return PlanHeader(**values)

    def _read_group(self, node: Node, path: str) -> GoalGroupSpec | None:
        if not self.is_mapping(node, path):
            return None
        fields = self.mapping(node, path, _GOAL_GROUP_KEYS)
        name = self.string(fields.get("name"), _join(path, "name"))
        self.unique("goal group name", name, fields.get("name"), _join(path, "name"))
        targets = self.sequence(fields.get("targets"), _join(path, "targets"), self._read_target)
        if name is None or targets is None:
            return None
        return GoalGroupSpec(name=name, targets=tuple(targets), line=_line(node))

    def _read_section(self, node: Node, path: str) -> SectionSpec | None:
        if not self.is_mapping(node, path):
            return None
        fields = self.mapping(node, path, _SECTION_KEYS)
        title = self.string(fields.get("title"), _join(path, "title"))
        self.unique("section title", title, fields.get("title"), _join(path, "title"))
        tasks = self.sequence(fields.get("tasks"), _join(path, "tasks"), self._read_task)
        if title is None or tasks is None:
            return None
        return SectionSpec(title=title, tasks=tuple(tasks), line=_line(node))

    def _read_task(self, node: Node, path: str) -> TaskSpec | None:
        if not self.is_mapping(node, path):
            return None
        fields = self.mapping(node, path, _TASK_KEYS)
        number = self.integer(fields.get("number"), _join(path, "number"))
        if number is not None and number < 1:
            self.problem(_line(fields["number"]), _join(path, "number"), "must be at least 1")
            number = None
        # Task numbers run through the whole plan (1-20 over five sections), not per section.
        self.unique("task number", number, fields.get("number"), _join(path, "number"))
        title = self.string(fields.get("title"), _join(path, "title"))
        targets = self.sequence(fields.get("targets"), _join(path, "targets"), self._read_target)
        if number is None or title is None or targets is None:
            return None
        return TaskSpec(number=number, title=title, targets=tuple(targets), line=_line(node))

    def _read_measure(self, node: Node, path: str) -> MeasureSpec | None:
        if not self.is_mapping(node, path):
            return None
        fields = self.mapping(node, path, _MEASURE_KEYS)
        title = self.string(fields.get("title"), _join(path, "title"))
        self.unique("measure title", title, fields.get("title"), _join(path, "title"))
        if title is None:
            return None
        return MeasureSpec(title=title, line=_line(node))

    def _read_target(self, node: Node, path: str) -> TargetSpec | None:
        if not self.is_mapping(node, path):
            return None
        fields = self.mapping(node, path, _TARGET_KEYS)
        values = {
            "indicator": self.string(fields.get("indicator"), _join(path, "indicator")),
            "comparator": self.comparator(fields.get("comparator"), _join(path, "comparator")),
            "value": self.amount(fields.get("value"), _join(path, "value")),
            "unit": self.string(fields.get("unit"), _join(path, "unit")),
            "display_unit": self.string(fields.get("display_unit"), _join(path, "display_unit")),
            "year": self.integer(fields.get("year"), _join(path, "year")),
            "annual": self.boolean(fields.get("annual"), _join(path, "annual")),
            "text": self.string(fields.get("text"), _join(path, "text")),
        }
        unit, display_unit = values["unit"], values["display_unit"]
        if unit is not None and display_unit is not None:
            try:
                unit_factor(unit, display_unit)
            except ValueError:
                # Every page shows the value in its display unit, so it must convert to it.
                choices = [unit] + [d for (u, d) in UNIT_FACTORS if u == unit and d != unit]
                self.problem(
                    _line(fields["display_unit"]),
                    _join(path, "display_unit"),
                    f"no conversion from {unit} to {display_unit} (use {' or '.join(choices)})",
                )
                values["display_unit"] = None
        # Indicator names key reported values and assignments, so one name means one indicator
        # across the whole plan, the tasks' quotas included.
        self.unique(
            "indicator name", values["indicator"], fields.get("indicator"), _join(path, "indicator")
        )
        year = values["year"]
        if year is not None and self._years is not None:
            start, deadline = self._years
            if not start <= year <= deadline:
                self.problem(
                    _line(fields["year"]),
                    _join(path, "year"),
                    f"must be between start_year {start} and deadline_year {deadline}",
                )
                return None
        if any(value is None for value in values.values()):
            return None
        return TargetSpec(**values, line=_line(node))

    def unique(self, what: str, value: object, node: Node | None, path: str) -> None:
        """Report ``value`` if an earlier ``what`` had it already; None (unreadable) is skipped."""
        if value is None or node is None:
            return
        seen = self._seen.setdefault(what, {})
        if value in seen:
            self.problem(
                _line(node), path, f"duplicate {what} {value!r} (first at line {seen[value]})"
            )
        else:
            seen[value] = _line(node)

    # --- structure ----------------------------------------------------------------------------

    def is_mapping(self, node: Node, path: str) -> bool:
        if isinstance(node, MappingNode):
            return True
        self.problem(_line(node), path, f"must be a mapping, not {_describe(node)}")
        return False

    def mapping(self, node: MappingNode, path: str, keys: tuple[str, ...]) -> dict[str, Node]:
        """The mapping's values by key; reports unknown, duplicate and missing keys."""
        found: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problem(_line(key_node), path, "keys must be plain names")
                continue
            key = key_node.value
            if key in found:
                self.problem(_line(key_node), _join(path, key), "duplicate key")
            elif key not in keys:
                self.problem(
                    _line(key_node),
                    _join(path, key),
                    f"unknown key (expected {', '.join(keys)})",
                )
            else:
                found[key] = value_node
        for key in keys:
            if key not in found:
                self.problem(_line(node), _join(path, key), "is required")
        return found

    def sequence(self, node: Node | None, path: str, read_item) -> list | None:
        """Each item read by ``read_item(node, path)``; None if the list or any item is bad."""
        if node is None:
            return None
        if not isinstance(node, SequenceNode):
            self.problem(_line(node), path, f"must be a list, not {_describe(node)}")
            return None
        items = [read_item(item, f"{path}[{index}]") for index, item in enumerate(node.value)]
        if any(item is None for item in items):
            return None
        return items

    # --- scalars ------------------------------------------------------------------------------

    def string(self, node: Node | None, path: str) -> str | None:
        if node is None:
            return None
        if isinstance(node, ScalarNode) and node.tag == _TAG_STR and node.value.strip():
            return node.value.strip()
        if isinstance(node, ScalarNode) and node.tag in (_TAG_STR, _TAG_NULL):
            self.problem(_line(node), path, "must be a non-empty string")
        else:
            self.problem(_line(node), path, f"must be a non-empty string, not {_describe(node)}")
        return None

    def integer(self, node: Node | None, path: str) -> int | None:
        if node is None:
            return None
        if isinstance(node, ScalarNode) and node.tag == _TAG_INT:
            return self._constructor.construct_yaml_int(node)
        self.problem(_line(node), path, f"must be an integer, not {_describe(node)}")
        return None

    def boolean(self, node: Node | None, path: str) -> bool | None:
        if node is None:
            return None
        if isinstance(node, ScalarNode) and node.tag == _TAG_BOOL:
            return self._constructor.construct_yaml_bool(node)
        self.problem(_line(node), path, f"must be true or false, not {_describe(node)}")
        return None

    def date(self, node: Node | None, path: str) -> datetime.date | None:
        if node is None:
            return None
        if (
            isinstance(node, ScalarNode)
            and node.tag in (_TAG_TIMESTAMP, _TAG_STR)
            and _DATE_RE.fullmatch(node.value)
        ):
            try:
                return datetime.date.fromisoformat(node.value)
            except ValueError:
                pass
        self.problem(_line(node), path, f"must be a date YYYY-MM-DD, not {_describe(node)}")
        return None

    def comparator(self, node: Node | None, path: str) -> str | None:
        if node is None:
            return None
        # Read the text, not the resolved type: unquoted, YAML 1.1 takes "~" for null and "="
        # for its "value" type, and both are meant as comparators here.
        if isinstance(node, ScalarNode) and node.value.strip() in COMPARATORS:
            return node.value.strip()
        self.problem(
            _line(node),
            path,
            f"must be one of {', '.join(COMPARATORS)} (quoted), not {_describe(node)}",
        )
        return None

    def amount(self, node: Node | None, path: str) -> Decimal | None:
        """A non-negative Decimal taken from the scalar's text, never through a float."""
        if node is None:
            return None
        value: Decimal | None = None
        if isinstance(node, ScalarNode) and node.tag == _TAG_INT:
            value = Decimal(self._constructor.construct_yaml_int(node))
        elif isinstance(node, ScalarNode) and node.tag == _TAG_FLOAT:
            try:
                value = Decimal(node.value.replace("_", ""))
            except InvalidOperation:  # sexagesimal 1:30.5 and the like
                value = None
            if value is not None and not value.is_finite():  # .inf, .nan
                value = None
        if value is None:
            self.problem(_line(node), path, f"must be a non-negative number, not {_describe(node)}")
            return None
        if value < 0:
            self.problem(_line(node), path, "must be a non-negative number")
            return None
        return value
