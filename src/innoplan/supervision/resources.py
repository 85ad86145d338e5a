"""How milestones are read from the district's spreadsheet: the columns of the bulk-entry
template (节点导入模板) and what each cell must hold.

The headers are part of the file format, so they are Chinese whatever the reader's language:
任务编号, 节点名称, 成果形式, 计划完成日期, 牵头单位, 配合单位, 所属项目. The cells are read with
the widgets of every import (``tabular.widgets``: text, dates in the forms clerks type them,
several values in one cell), so that a date or a list is read the same way everywhere.

This is not a django-import-export ``ModelResource``: each row is written through
``supervision.services`` (one audited change per milestone, co-operating departments, a new
project created along the way), which import-export's batch writes would bypass. The import
itself is in ``supervision.imports``.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from import_export import widgets

from innoplan.accounts.models import Department
from innoplan.core.spreadsheets import TemplateColumn
from innoplan.plans.models import Plan, Task
from innoplan.tabular.columns import Column
from innoplan.tabular.widgets import (
    SEPARATORS,
    Day,
    Text,
    squash,  # names compared as every import does
)

TASK = "任务编号"
TITLE = "节点名称"
DELIVERABLE = "成果形式"
DUE = "计划完成日期"
LEAD = "牵头单位"
COOPERATING = "配合单位"
PROJECT = "所属项目"


class TaskNumber(widgets.Widget):
    """A key task of the plan by its number: 3, 3.0 (a number cell) or 任务3."""

    def __init__(self, tasks: dict[int, Task]):
        super().__init__()
        self.tasks = tasks

    def clean(self, value, row=None, **kwargs):
        text = Text(required=True).clean(value)
        number = text.removeprefix("任务").removeprefix("第").removesuffix("项").strip()
        if not number.isdigit():
            raise ValueError(_("“%(value)s” is not a task number") % {"value": text})
        task = self.tasks.get(int(number))
        if task is None:
            raise ValueError(
                _("the plan has no task %(number)s; its tasks are numbered %(first)s to %(last)s")
                % {
                    "number": int(number),
                    "first": min(self.tasks, default=0),
                    "last": max(self.tasks, default=0),
                }
            )
        return task

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.number


class Departments(widgets.Widget):
    """Departments by name (区科委) or code (science); with ``many``, several in one cell
    separated by 、，; or line breaks. A name with a bracketed alias (区委组织部（区人才工作局）)
    is also found by either part alone."""

    def __init__(self, names: dict[str, Department], *, many: bool = False, required: bool = False):
        super().__init__()
        self.names, self.many, self.required = names, many, required

    @staticmethod
    def index(departments) -> dict[str, Department]:
        """Every name a department is known by, for ``Departments``: its name, its code and
        each part of a bracketed name unless another department shares that part."""
        names: dict[str, Department] = {}
        parts: dict[str, list[Department]] = {}
        for department in departments:
            names[squash(department.name)] = department
            names[department.code.lower()] = department
            match = re.fullmatch(r"(.+)\((.+)\)", squash(department.name))
            if match:
                for part in match.groups():
                    parts.setdefault(part, []).append(department)
        for part, found in parts.items():
            if len(found) == 1:
                names.setdefault(part, found[0])
        return names

    def clean(self, value, row=None, **kwargs):
        text = Text().clean(value)
        given = [p.strip() for p in SEPARATORS.split(text) if p.strip()] if self.many else [text]
        given = [name for name in given if name]
        if not given:
            if self.required:
                raise ValueError(_("is required"))
            return [] if self.many else None
        found, unknown = [], []
        for name in dict.fromkeys(given):
            department = self.names.get(squash(name))
            if department is None:
                unknown.append(name)
            else:
                found.append(department)
        if unknown:
            raise ValueError(
                _(
                    "no department “%(names)s”: write the name as in the list of "
                    "departments, or its code"
                )
                % {"names": "、".join(unknown)}
            )
        return found if self.many else found[0]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if self.many:
            return "、".join(d.name for d in value)
        return value.name


class MilestoneResource:
    """The milestone template's columns, with the look-ups of one import (the plan's tasks and
    the departments) fetched once when it starts."""

    title = "节点"

    def __init__(self, *, plan: Plan, departments=None):
        self.plan = plan
        self.tasks = {task.number: task for task in plan.tasks.all()}
        self.departments = list(Department.objects.all() if departments is None else departments)
        names = Departments.index(self.departments)
        self.task = Column(
            TASK,
            "task",
            TaskNumber(self.tasks),
            example=1,
            width=10,
            note="方案重点任务的编号，1—20",
        )
        self.milestone_title = Column(
            TITLE,
            "title",
            Text(required=True, max_length=200),
            example="完成首批高校院所分支机构签约",
            width=32,
            note="同一任务下的节点名称不重复；再次导入时按“任务编号＋节点名称”更新",
        )
        self.deliverable = Column(
            DELIVERABLE, "deliverable", Text(), example="签约协议、落地清单", width=28
        )
        self.due_on = Column(
            DUE,
            "due_on",
            Day(required=True),
            example="2026-12-31",
            width=14,
            note="如 2026-12-31、2026/12/31 或 2026年12月31日",
        )
        self.lead_department = Column(
            LEAD,
            "lead_department",
            Departments(names, required=True),
            example="区科委",
            width=18,
            note="部门名称或代码",
        )
        self.cooperating_departments = Column(
            COOPERATING,
            "cooperating_departments",
            Departments(names, many=True),
            example="区发展改革委、区投资促进服务中心",
            width=30,
            note="多个用“、”“，”或“;”分隔",
        )
        self.project = Column(
            PROJECT,
            "project",
            Text(max_length=200),
            example="",
            width=24,
            note="可不填；填写该任务下尚无的项目名称时新建项目，由本节点的牵头单位牵头",
        )

    def columns(self) -> list[Column]:
        return [
            self.task,
            self.milestone_title,
            self.deliverable,
            self.due_on,
            self.lead_department,
            self.cooperating_departments,
            self.project,
        ]

    def headers(self) -> list[str]:
        return [c.column_name for c in self.columns()]

    def required_headers(self) -> list[str]:
        return [TASK, TITLE, DUE, LEAD]

    def template_columns(self) -> list[TemplateColumn]:
        """The template's columns; the task and lead columns offer the plan's task numbers
        and the departments' names as drop-down lists."""
        columns = [c.template_column() for c in self.columns()]
        columns[0].choices = [str(number) for number in sorted(self.tasks)]
        columns[4].choices = [d.name for d in self.departments]
        return columns

    def column_of(self, attribute: str) -> str | None:
        """The header of the column behind a model field, for an error message."""
        for column in self.columns():
            if column.attribute == attribute:
                return column.column_name
        return None
