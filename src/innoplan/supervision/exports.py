"""The milestone sheet (节点清单) that the milestone list exports, one row per milestone as of
a day; written by ``core.excel`` like every other export, so that every cell is neutralised
and the download is audited."""

from __future__ import annotations

from innoplan.supervision.selectors import MilestoneRow

# The district's column headers: a file format, Chinese whatever the reader's language (as
# the import templates' are), so that sheets exported by different users line up.
MILESTONE_HEADERS = (
    "任务编号",
    "任务",
    "板块",
    "节点",
    "成果",
    "计划完成",
    "牵头单位",
    "配合单位",
    "状态",
    "进度%",
    "逾期天数",
    "完成日期",
    "承诺日期",
)


def milestone_values(row: MilestoneRow) -> list:
    """One milestone's cells, in ``MILESTONE_HEADERS`` order. Days late only for a milestone
    that is or was late; a milestone not yet due has none."""
    milestone = row.milestone
    return [
        milestone.task.number,
        milestone.task.title,
        milestone.task.section.title,
        milestone.title,
        milestone.deliverable,
        milestone.due_on,
        milestone.lead_department.name,
        "、".join(d.name for d in milestone.cooperating_departments.all()),
        str(row.state_label),
        milestone.percent,
        row.days_late if row.is_late else None,
        milestone.completed_on,
        milestone.promised_on,
    ]
