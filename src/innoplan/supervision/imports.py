"""Bulk entry of milestones (节点) and projects (项目) from a spreadsheet, as an importer of
the one tabular import (``imports``): a check that changes nothing, then all rows or none.

The check reads every row as the import would and says of each what it would do (``new``,
``update``, ``unchanged`` or ``error``), each error by the row number the spreadsheet shows and
the column header. A row is matched to the milestone it updates by its task number and title,
so a file imported twice changes nothing the second time. A project named in 所属项目 that the
task does not have yet is created, led by the row's lead department.

Rows are written through ``supervision.services`` (``project_create``, ``milestone_create``,
``milestone_change``) under the importing user, so every created or changed milestone is in
the audit log like one entered by hand; the import jobs, the confirmation and its audit record
are the ``imports`` app's, as for every register.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from innoplan.accounts.models import Department
from innoplan.core.spreadsheets import Table, write_template
from innoplan.imports.importers import Importer
from innoplan.plans.models import Plan, Task
from innoplan.supervision import services
from innoplan.supervision.models import Milestone, Project
from innoplan.supervision.resources import PROJECT, TASK, TITLE, MilestoneResource
from innoplan.tabular.report import (
    ERROR,
    NEW,
    UNCHANGED,
    UPDATE,
    ImportFileError,
    ImportReport,
    Problem,
    RowReport,
)
from innoplan.tabular.rows import prepare_rows


@dataclass
class _Row:
    """What a row without errors will write."""

    report: RowReport
    task: Task
    title: str
    deliverable: str
    due_on: date
    lead: Department
    cooperating: list[Department]
    project_name: str
    milestone: Milestone | None
    project: Project | None = None  # the task's project of that name, when it exists


@dataclass
class _Plan:
    report: ImportReport
    rows: list[_Row] = field(default_factory=list)


def _current_plan() -> Plan:
    from innoplan.plans.selectors import current_plan

    plan = current_plan()
    if plan is None:
        raise ImportFileError(_("no plan has been loaded; load the plan before its milestones"))
    return plan


def _cooperating_ids(lead: Department, cooperating) -> set[int]:
    # As milestone_create/milestone_change keep them: the lead is not its own co-operator.
    return {d.pk for d in cooperating if d.pk != lead.pk}


def _outcome(row: _Row, planned_projects: dict) -> str:
    milestone = row.milestone
    if milestone is None:
        return NEW
    if row.project_name:
        project = row.project or planned_projects[(row.task.pk, row.project_name)]
        same_project = project.pk is not None and milestone.project_id == project.pk
    else:
        same_project = milestone.project_id is None
    unchanged = (
        same_project
        and milestone.deliverable == row.deliverable
        and milestone.due_on == row.due_on
        and milestone.lead_department_id == row.lead.pk
        and {d.pk for d in milestone.cooperating_departments.all()}
        == _cooperating_ids(row.lead, row.cooperating)
    )
    return UNCHANGED if unchanged else UPDATE


def _model_errors(resource: MilestoneResource, values: dict, actor) -> list[Problem]:
    """What the model itself would refuse in a row whose cells were all readable."""
    milestone = Milestone(
        task=values["task"],
        title=values["title"],
        deliverable=values["deliverable"],
        due_on=values["due_on"],
        lead_department=values["lead_department"],
        created_by=actor,
    )
    try:
        milestone.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return [
            Problem(resource.column_of(name), str(message))
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return []


def _shown(value) -> str:
    """A cell as the report shows it before it is read: 3 rather than 3.0."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value)


def _plan_rows(table: Table, *, actor) -> _Plan:
    """Read and judge every row against the database as it is now; writes nothing."""
    plan = _current_plan()
    resource = MilestoneResource(plan=plan)
    prepared = prepare_rows(table, headers=resource.headers(), required=resource.required_headers())
    existing = {
        (m.task_id, m.title): m
        for m in Milestone.objects.filter(task__plan=plan).prefetch_related(
            "cooperating_departments"
        )
    }
    projects = {(p.task_id, p.name): p for p in Project.objects.filter(task__plan=plan)}
    planned_projects: dict[tuple[int, str], Project] = {}
    first_row_of: dict[tuple[int, str], int] = {}
    result = _Plan(report=ImportReport(importer=MilestoneImporter.key, rows=[]))
    result.report.warnings = prepared.warnings
    for sheet_row, row in zip(prepared.sheet_rows, prepared.dataset.dict, strict=True):
        report = RowReport(
            row=sheet_row,
            outcome=ERROR,
            about={TASK: _shown(row.get(TASK)), TITLE: _shown(row.get(TITLE))},
        )
        result.report.rows.append(report)
        values = {}
        for column in resource.columns():
            try:
                values[column.attribute] = column.clean(row)
            except ValueError as error:
                report.errors.append(Problem(column.column_name, str(error)))
        if report.errors:
            continue
        report.about = {TASK: str(values["task"].number), TITLE: values["title"]}
        report.errors = _model_errors(resource, values, actor)
        key = (values["task"].pk, values["title"])
        first = first_row_of.setdefault(key, sheet_row)
        if first != sheet_row:
            report.errors.append(
                Problem(
                    TITLE,
                    _(
                        "the same 任务编号 and 节点名称 as row %(row)s of this file; "
                        "each milestone once"
                    )
                    % {"row": first},
                )
            )
        if report.errors:
            continue
        planned = _Row(
            report=report,
            task=values["task"],
            title=values["title"],
            deliverable=values["deliverable"],
            due_on=values["due_on"],
            lead=values["lead_department"],
            cooperating=values["cooperating_departments"],
            project_name=values["project"],
            milestone=existing.get(key),
        )
        if planned.project_name:
            project_key = (planned.task.pk, planned.project_name)
            planned.project = projects.get(project_key)
            if planned.project is None and project_key not in planned_projects:
                planned_projects[project_key] = Project(
                    task=planned.task, name=planned.project_name, lead_department=planned.lead
                )
                report.warnings.append(
                    Problem(
                        PROJECT,
                        _(
                            "task %(task)s has no project “%(name)s” yet: "
                            "it will be created, led by %(lead)s"
                        )
                        % {
                            "task": planned.task.number,
                            "name": planned.project_name,
                            "lead": planned.lead.name,
                        },
                    )
                )
        report.outcome = _outcome(planned, planned_projects)
        result.rows.append(planned)
    return result


def _write(rows: list[_Row], *, actor) -> int:
    """Write the rows that change something; returns the number of projects created."""
    created: dict[tuple[int, str], Project] = {}
    for row in rows:
        if row.report.outcome == UNCHANGED:
            continue
        project = None
        if row.project_name:
            key = (row.task.pk, row.project_name)
            project = row.project or created.get(key)
            if project is None:
                project = services.project_create(
                    task=row.task, name=row.project_name, lead_department=row.lead, actor=actor
                )
                created[key] = project
        if row.milestone is None:
            services.milestone_create(
                task=row.task,
                title=row.title,
                due_on=row.due_on,
                lead_department=row.lead,
                cooperating_departments=row.cooperating,
                deliverable=row.deliverable,
                project=project,
                actor=actor,
            )
        else:
            services.milestone_change(
                milestone=row.milestone,
                actor=actor,
                version=row.milestone.version,
                title=row.title,
                due_on=row.due_on,
                lead_department=row.lead,
                cooperating_departments=row.cooperating,
                deliverable=row.deliverable,
                project=project,
            )
    return len(created)


class MilestoneImporter(Importer):
    """The current plan's milestones, one a row (节点导入模板)."""

    key = "milestones"
    title = MilestoneResource.title
    scope = "supervision"
    permission = "supervision.manage_milestones"
    model = Milestone
    needs_actor = True  # rows are written through the services, as a user
    about = (TASK, TITLE)
    # Its warnings say what the import also does (a project created), nothing to verify.
    warnings_need_checking = False

    def template(self) -> bytes:
        """The .xlsx template: the headers, an example row, drop-down lists of the plan's
        task numbers and of the departments."""
        resource = MilestoneResource(plan=_current_plan())
        return write_template(resource.template_columns(), title=resource.title)

    def run(self, table: Table, *, apply: bool, actor, progress=None) -> ImportReport:
        planned = _plan_rows(table, actor=actor)
        report = planned.report
        if apply and not report.has_errors:
            _write(planned.rows, actor=actor)
            report.applied = True
        if progress is not None:
            progress(len(report.rows), len(report.rows))
        return report
