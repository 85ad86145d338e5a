"""The Word reports the district writes, built from the other apps' selectors.

- 季度进展报告 (quarterly progress report): as of a quarter's last day — or, for a quarter
  that has not ended, as of the day it is written, which a line under the title says — the
  targets' figures (read only through ``plans.selectors.plan_figures``, so that each number
  is the one the dashboard shows for that day; the plan's targets and the annual quotas set
  by key tasks counted apart, as the 作战图 counts them), the key tasks' milestones by
  section, the milestones completed in the quarter and those overdue at its end.
- 督办通报 (supervision circular): the milestones overdue on a day, by lead department, with
  days late and the departments' answers to their notices.

Both are written in the house style (``housestyle``) and returned as the .docx file's bytes.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from io import BytesIO

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from innoplan.accounts import selectors as account_selectors
from innoplan.core.numbers import format_number
from innoplan.plans import selectors as plan_selectors
from innoplan.plans.models import Plan
from innoplan.plans.selectors import Figure
from innoplan.plans.templatetags.plan_display import comparator_sign, status_label
from innoplan.reports.housestyle import HouseDocument
from innoplan.reports.quarters import Quarter
from innoplan.supervision import selectors as supervision
from innoplan.supervision.choices import State
from innoplan.supervision.selectors import MilestoneRow

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def joined(parts) -> str:
    """Items of a sentence's list, separated as the language does (、 or ，in Chinese)."""
    return pgettext("between the items of a list in a sentence", ", ").join(parts)


def day_text(day: date | None) -> str:
    """2026年9月30日 in Chinese; the active language's long date otherwise."""
    return date_format(day, "DATE_FORMAT") if day else "—"


def short_day(day: date | None) -> str:
    """2026-09-30, for table cells: short, and read the same in every language."""
    return day.isoformat() if day else "—"


def report_issuer(plan: Plan) -> str:
    """Who issues the reports: the plan owner's department (区科委), else the plan's issuer."""
    department = account_selectors.plan_owner_department()
    return department.name if department is not None else plan.issuer


def _heading_block(
    doc: HouseDocument,
    *,
    title: str,
    plan: Plan,
    issuer: str,
    issued_on: date,
    as_of: date,
    running: bool = False,
) -> None:
    """The title, the plan, the issuer and the day; ``running``: the report's quarter has not
    ended, and the figures' day says so."""
    doc.title(title)
    doc.centred(f"{plan.title}（{plan.doc_number}）")
    doc.centred(f"{issuer}　{day_text(issued_on)}")
    if running:
        doc.centred(
            _("The quarter has not ended yet: figures as of %(date)s") % {"date": day_text(as_of)}
        )
    else:
        doc.centred(_("Figures as of %(date)s") % {"date": day_text(as_of)})


def _bytes(doc: HouseDocument) -> bytes:
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


# --- display of a figure, as the dashboard card shows it ------------------------------------


def figure_current(figure: Figure) -> str:
    if figure.current_shown is None:
        return "—"
    return f"{format_number(figure.current_shown)} {figure.indicator.display_unit}"


def figure_target(figure: Figure) -> str:
    if figure.target is None:
        return "—"
    value = f"{comparator_sign(figure.target.comparator)} {format_number(figure.target_shown)}"
    value = f"{value} {figure.indicator.display_unit}"
    if figure.indicator.annual:
        return _("%(value)s a year") % {"value": value}
    return _("%(value)s by %(year)s") % {"value": value, "year": figure.target.year}


def figure_progress(figure: Figure) -> str:
    if figure.progress_percent is None:
        return "—"
    return f"{format_number(figure.progress_percent, 0)}%"


def figure_status(figure: Figure) -> str:
    return str(status_label(figure.assessment.status))


def figure_name(figure: Figure) -> str:
    if figure.indicator.annual:
        return _("%(name)s (%(year)s so far)") % {
            "name": figure.indicator.name,
            "year": figure.as_of.year,
        }
    return figure.indicator.name


# --- 季度进展报告 ----------------------------------------------------------------------------


def _target_rows(targets: list[Figure], quotas: list[Figure]) -> tuple[list[list[str]], set[int]]:
    """The targets table's rows, each goal group's name above its targets, the annual quotas
    set by key tasks last, under the name the 作战图 gives them."""
    by_group: dict[int, list[Figure]] = defaultdict(list)
    groups = {}
    for figure in targets:
        by_group[figure.indicator.goal_group_id].append(figure)
        groups[figure.indicator.goal_group_id] = figure.indicator.goal_group
    rows: list[list[str]] = []
    group_rows: set[int] = set()
    order = sorted(groups.values(), key=lambda g: (g.position, g.pk))
    named = [(group.name, by_group[group.pk]) for group in order]
    if quotas:
        named.append((_("Annual quotas set by tasks"), quotas))
    for name, items in named:
        group_rows.add(len(rows))
        rows.append([name])
        rows.extend(
            [
                figure_name(f),
                figure_current(f),
                figure_target(f),
                figure_progress(f),
                figure_status(f),
            ]
            for f in items
        )
    return rows, group_rows


def _standing(figures: list[Figure]) -> str:
    """How many of ``figures`` stand at each status: 严重滞后 1、暂无数据 15."""
    return joined(
        f"{status_label(status)} {count}"
        for status, count in plan_selectors.status_counts(figures)
        if count
    )


def _state_summary(rows: list[MilestoneRow]) -> str:
    counts = supervision.state_counts(rows)
    return joined(f"{state.label} {count}" for state, count in counts)


def _task_name(task) -> str:
    return _("Task %(number)s: %(title)s") % {"number": task.number, "title": task.title}


def quarterly_report(
    *, plan: Plan, quarter: Quarter, issued_on: date | None = None, as_of: date | None = None
) -> bytes:
    """The quarterly progress report as .docx bytes: as of the quarter's last day once it has
    ended; before that as of ``as_of`` (the day it was asked for, by default the day it is
    issued), saying under the title that the quarter has not ended."""
    issued_on = issued_on or timezone.localdate()
    as_of = quarter.report_day(min(as_of or issued_on, issued_on))
    running = quarter.running_on(as_of)
    doc = HouseDocument()
    _heading_block(
        doc,
        title=_("Progress report, %(year)s Q%(quarter)s")
        % {"year": quarter.year, "quarter": quarter.number},
        plan=plan,
        issuer=report_issuer(plan),
        issued_on=issued_on,
        as_of=as_of,
        running=running,
    )

    # 一、目标完成情况: the plan's targets, and apart from them the key tasks' annual quotas.
    targets, quotas = plan_selectors.targets_and_task_quotas(
        plan_selectors.plan_figures(plan=plan, as_of=as_of)
    )
    doc.heading(_("1. Targets"))
    doc.paragraph(
        _("On %(date)s the plan's %(total)s targets stand as follows: %(counts)s.")
        % {"date": day_text(as_of), "total": len(targets), "counts": _standing(targets)}
    )
    if quotas:
        doc.paragraph(
            _("Besides, the key tasks set %(total)s annual quotas: %(counts)s.")
            % {"total": len(quotas), "counts": _standing(quotas)}
        )
    rows, group_rows = _target_rows(targets, quotas)
    doc.table(
        [_("Indicator"), _("Current value"), _("Target"), _("Progress"), _("Status")],
        rows,
        widths=[5.4, 3.0, 3.6, 1.6, 2.0],
        numeric={1, 3},
        group_rows=group_rows,
    )

    # 二、重点任务推进情况
    sections = supervision.battle_map(plan=plan, as_of=as_of)
    all_rows = [row for section in sections for line in section.tasks for row in line.rows]
    doc.heading(_("2. Key tasks"))
    doc.paragraph(
        _("The key tasks have %(total)s milestones; on %(date)s: %(states)s.")
        % {"total": len(all_rows), "date": day_text(as_of), "states": _state_summary(all_rows)}
    )
    states = list(State)
    for number, section in enumerate(sections, start=1):
        doc.heading(f"（{number}）{section.section.title}", level=2)
        table_rows = []
        for line in section.tasks:
            counts = dict(supervision.state_counts(line.rows))
            table_rows.append(
                [
                    _task_name(line.task),
                    State(line.state).label if line.rows else "—",
                    str(len(line.rows)),
                    *(str(counts[state]) for state in states),
                ]
            )
        doc.table(
            [_("Task"), _("Standing"), _("Milestones"), *(state.label for state in states)],
            table_rows,
            widths=[4.9, 1.8, 1.4, *([1.5] * len(states))],
            numeric=set(range(2, 3 + len(states))),
        )

    # 三、本季度完成的节点
    done = sorted(
        (
            row
            for row in all_rows
            if row.milestone.completed_on is not None
            and row.milestone.completed_on in quarter
            and row.milestone.completed_on <= as_of
        ),
        key=lambda r: (r.milestone.completed_on, r.milestone.task.number, r.milestone.pk),
    )
    doc.heading(_("3. Milestones completed in the quarter"))
    if done:
        doc.paragraph(
            _("%(count)s milestones were completed in the quarter, %(late)s of them late.")
            % {"count": len(done), "late": sum(1 for row in done if row.is_late)}
        )
        doc.table(
            [
                _("Task"),
                _("Milestone"),
                _("Lead department"),
                _("Due"),
                _("Completed"),
                _("Days late"),
            ],
            [
                [
                    _task_name(row.milestone.task),
                    row.milestone.title,
                    row.milestone.lead_department.name,
                    short_day(row.milestone.due_on),
                    short_day(row.milestone.completed_on),
                    str(row.days_late) if row.days_late > 0 else "—",
                ]
                for row in done
            ],
            widths=[3.6, 3.6, 2.6, 2.2, 2.2, 1.4],
            numeric={5},
        )
    else:
        doc.paragraph(_("No milestone was completed in the quarter."))

    # 四、季度末逾期的节点
    overdue = sorted(
        (row for row in all_rows if row.state == State.OVERDUE),
        key=lambda r: (-r.days_late, r.milestone.task.number, r.milestone.pk),
    )
    if running:
        doc.heading(_("4. Milestones overdue on %(date)s") % {"date": day_text(as_of)})
    else:
        doc.heading(_("4. Milestones overdue at the end of the quarter"))
    if overdue:
        doc.paragraph(
            _("%(count)s milestones were overdue on %(date)s.")
            % {"count": len(overdue), "date": day_text(as_of)}
        )
        doc.table(
            [
                _("Task"),
                _("Milestone"),
                _("Lead department"),
                _("Due"),
                _("Days late"),
                _("Promised date"),
            ],
            [
                [
                    _task_name(row.milestone.task),
                    row.milestone.title,
                    row.milestone.lead_department.name,
                    short_day(row.milestone.due_on),
                    str(row.days_late),
                    short_day(row.milestone.promised_on),
                ]
                for row in overdue
            ],
            widths=[3.6, 3.6, 2.6, 2.2, 1.4, 2.2],
            numeric={4},
        )
    elif running:
        doc.paragraph(_("On %(date)s no milestone is overdue.") % {"date": day_text(as_of)})
    else:
        doc.paragraph(_("No milestone was overdue at the end of the quarter."))
    return _bytes(doc)


# --- 督办通报 -------------------------------------------------------------------------------


def _answers_text(notices) -> str:
    if not notices:
        return _("Not answered")
    return "\n".join(
        _("%(level)s: %(reason)s")
        % {"level": notice.get_level_display(), "reason": notice.answer_reason}
        for notice in notices
    )


def _new_date(row: MilestoneRow, notices) -> str:
    for notice in notices:  # newest first
        if notice.answer_new_date:
            return short_day(notice.answer_new_date)
    return short_day(row.milestone.promised_on)


def supervision_circular(*, plan: Plan, as_of: date, issued_on: date | None = None) -> bytes:
    """The supervision circular on ``as_of``: the overdue milestones by lead department, as
    .docx bytes."""
    issued_on = issued_on or timezone.localdate()
    doc = HouseDocument()
    _heading_block(
        doc,
        title=_("Supervision circular"),
        plan=plan,
        issuer=report_issuer(plan),
        issued_on=issued_on,
        as_of=as_of,
    )
    groups = supervision.overdue_by_department(plan=plan, as_of=as_of)
    total = sum(len(rows) for _department, rows in groups)
    if not groups:
        doc.paragraph(_("On %(date)s no milestone is overdue.") % {"date": day_text(as_of)})
        return _bytes(doc)
    doc.paragraph(
        _(
            "On %(date)s %(total)s milestones of the plan's key tasks are overdue, led by "
            "%(departments)s departments. Each department is to complete them without delay "
            "and answer its notices with the reason and a new date."
        )
        % {"date": day_text(as_of), "total": total, "departments": len(groups)}
    )
    answers = supervision.answers_for(row.milestone.pk for _d, rows in groups for row in rows)
    for number, (department, rows) in enumerate(groups, start=1):
        doc.heading(f"（{number}）{department.name}", level=2)
        worst = max(row.days_late for row in rows)
        average = sum(row.days_late for row in rows) / len(rows)
        answered = sum(1 for row in rows if answers.get(row.milestone.pk))
        doc.paragraph(
            _(
                "%(department)s: %(count)s overdue milestones, the longest %(worst)s days late, "
                "%(average)s days on average; %(answered)s answered."
            )
            % {
                "department": department.name,
                "count": len(rows),
                "worst": worst,
                "average": format_number(average, 1),
                "answered": answered,
            }
        )
        doc.table(
            [
                _("Task"),
                _("Milestone"),
                _("Due"),
                _("Days late"),
                _("Reason given"),
                _("New date"),
            ],
            [
                [
                    _task_name(row.milestone.task),
                    row.milestone.title,
                    short_day(row.milestone.due_on),
                    str(row.days_late),
                    _answers_text(answers.get(row.milestone.pk, [])),
                    _new_date(row, answers.get(row.milestone.pk, [])),
                ]
                for row in rows
            ],
            widths=[3.2, 3.2, 2.2, 1.4, 3.4, 2.2],
            numeric={3},
        )
    return _bytes(doc)
