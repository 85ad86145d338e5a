"""The tables of the supervision list pages. The milestone list's Excel export has the
district's own columns (``supervision.exports.milestone_values``)."""

from __future__ import annotations

import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from innoplan.supervision import selectors
from innoplan.supervision.models import Milestone, Notice

DATE = "Y-m-d"


class SupervisionTable(tables.Table):
    class Meta:
        template_name = "django_tables2/bootstrap5.html"
        attrs = {"class": "table table-sm table-hover ip-table"}
        empty_text = "—"


class MilestoneTable(SupervisionTable):
    """Milestones with their state on ``as_of`` (computed by the battle map's rule)."""

    task = tables.Column(
        verbose_name=_("Key task"), accessor="task__number", order_by=("task__number", "due_on")
    )
    title = tables.Column(linkify=("supervision:milestone_detail", {"pk": tables.A("pk")}))
    project = tables.Column()
    lead_department = tables.Column(verbose_name=_("Lead department"))
    cooperating = tables.Column(
        verbose_name=_("Co-operating departments"), empty_values=(), orderable=False
    )
    due_on = tables.DateColumn(DATE)
    state = tables.Column(verbose_name=_("State"), empty_values=(), orderable=False)
    days_late = tables.Column(verbose_name=_("Days late or left"), empty_values=(), orderable=False)
    percent = tables.Column()
    promised_on = tables.DateColumn(DATE)

    class Meta(SupervisionTable.Meta):
        model = Milestone
        fields = (
            "task",
            "title",
            "project",
            "lead_department",
            "cooperating",
            "due_on",
            "state",
            "days_late",
            "percent",
            "promised_on",
        )
        row_attrs = {"data-testid": "milestone-row"}

    def __init__(self, *args, as_of=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.as_of = as_of or timezone.localdate()
        self._rows: dict[int, selectors.MilestoneRow] = {}

    def row(self, record) -> selectors.MilestoneRow:
        if record.pk not in self._rows:
            self._rows[record.pk] = selectors.row_for(record, as_of=self.as_of)
        return self._rows[record.pk]

    def render_task(self, record):
        return f"{record.task.number}. {record.task.title}"

    def render_cooperating(self, record):
        return "、".join(d.name for d in record.cooperating_departments.all()) or "—"

    def render_state(self, record):
        row = self.row(record)
        return format_html(
            '<span class="badge ip-sv-badge ip-sv-{}" data-state="{}">{}</span>',
            row.state,
            row.state,
            row.state_label,
        )

    def render_days_late(self, record):
        return self.row(record).days_text or "—"


class NoticeTable(SupervisionTable):
    level = tables.Column(linkify=("supervision:notice_detail", {"pk": tables.A("pk")}))
    milestone = tables.Column(
        linkify=("supervision:milestone_detail", {"pk": tables.A("milestone_id")})
    )
    department = tables.Column()
    raised_on = tables.DateColumn(DATE)
    due_on = tables.DateColumn(DATE)
    days_late = tables.Column(verbose_name=_("Days late or left when raised"))
    answer = tables.Column(verbose_name=_("Status"), empty_values=(), orderable=False)
    answer_new_date = tables.DateColumn(DATE)

    class Meta(SupervisionTable.Meta):
        model = Notice
        fields = (
            "level",
            "milestone",
            "department",
            "raised_on",
            "due_on",
            "days_late",
            "answer",
            "answer_new_date",
        )
        row_attrs = {"data-testid": "notice-row"}

    def render_days_late(self, record):
        return record.days_text

    def render_answer(self, record):
        # The status badge every notice page shows (待答复, 已答复, 已办结 …).
        return render_to_string("supervision/_notice_status.html", {"notice": record})
