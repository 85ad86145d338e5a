"""演示数据 for task supervision: milestones of the plan's 20 key tasks in every state (未开始,
推进中, 已完成, 逾期, 逾期完成) as of the day the demo is built, a few projects, progress updates
with narratives and PDF evidence, completions accepted, one waiting for acceptance and one sent
back, then the daily job's notices (提醒/督办/通报) for the day and one 督办 answered.

Everything is made through ``supervision.services`` by the demo's plan owner and department
reporters, so the audit trail and the lists look as they will in use; only the days of the
reports are moved back afterwards (the services date them today), as the figures' history
is. The dates are days from the build day (``fixtures/tongzhou_supervision.yaml``), so the
states hold whenever the demo is built. Built once: nothing is added when the plan has any
milestone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from innoplan.accounts.choices import Role
from innoplan.accounts.models import Department, User
from innoplan.plans.choices import AssignmentRole
from innoplan.plans.models import Plan, TaskAssignment
from innoplan.supervision import selectors, services
from innoplan.supervision.choices import NoticeLevel, UpdateKind
from innoplan.supervision.models import Milestone, Notice, ProgressUpdate, Project

SUPERVISION_FILE = Path(__file__).resolve().parent / "fixtures/tongzhou_supervision.yaml"
DEMO_MARK = "（演示数据）"
# The stories whose milestone gets a report from its lead department's reporter.
REPORTED = {"progress", "submitted", "returned", "done", "done_late"}
CLOSED = {"done", "done_late"}


@dataclass(frozen=True)
class DemoSupervision:
    milestones: int
    projects: int
    updates: int
    notices: int


def read_supervision_file(path: Path = SUPERVISION_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def demo_supervision_exists(plan: Plan) -> bool:
    return Milestone.objects.filter(task__plan=plan).exists()


def evidence_pdf(title: str, day: date) -> bytes:
    """A one-page PDF that says it is demo evidence (ASCII only: the standard PDF fonts
    have no Chinese glyphs, and no font is embedded)."""
    text = f"innoplan demo evidence - {title} - {day.isoformat()}"
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


class _Departments:
    """Each task's lead and co-operating departments from the plan's assignments, and the
    demo reporter of each department."""

    def __init__(self, plan: Plan):
        self.leads: dict[int, list[Department]] = {}
        self.cooperating: dict[int, list[Department]] = {}
        assignments = (
            TaskAssignment.objects.filter(task__plan=plan)
            .select_related("department")
            .order_by("task_id", "department__position", "department__code")
        )
        for assignment in assignments:
            into = self.leads if assignment.role == AssignmentRole.LEAD else self.cooperating
            into.setdefault(assignment.task_id, []).append(assignment.department)
        self.reporters = {
            user.department_id: user
            for user in User.objects.filter(role=Role.REPORTER, is_active=True)
            .exclude(department=None)
            .order_by("username")
        }

    def lead_for(self, task_id: int, turn: int, *, reported: bool) -> Department:
        """The task's leads in turn; a milestone that gets reports goes to the next lead with a
        demo reporter, when the one in turn has none."""
        leads = self.leads.get(task_id) or []
        if not leads:
            raise ValueError(f"task {task_id} has no lead department in the assignments")
        ordered = leads[turn % len(leads) :] + leads[: turn % len(leads)]
        if reported:
            for department in ordered:
                if department.pk in self.reporters:
                    return department
        return ordered[0]

    def cooperating_for(self, task_id: int, turn: int) -> list[Department]:
        others = self.cooperating.get(task_id) or []
        if not others:
            return []
        return [others[(turn + k) % len(others)] for k in range(min(2, len(others)))]


class _Builder:
    def __init__(self, *, plan: Plan, data: dict, owner: User, today: date):
        self.plan, self.data, self.owner, self.today = plan, data, owner, today
        self.departments = _Departments(plan)
        self.tasks = {task.number: task for task in plan.tasks.all()}
        self.projects: dict[tuple[int, str], Project] = {}
        self.updates = 0

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def narrative(self, kind: str, spec: dict, percent: int | None = None) -> str:
        return self.data["narratives"][kind].format(
            title=spec["title"], deliverable=spec["deliverable"], percent=percent or 0
        )

    def project(self, task, spec: dict, lead: Department) -> Project | None:
        name = spec.get("project")
        if not name:
            return None
        key = (task.pk, name)
        if key not in self.projects:
            entry = next(p for p in self.data["projects"] if p["name"] == name)
            self.projects[key] = services.project_create(
                task=task,
                name=name,
                lead_department=lead,
                stage=entry.get("stage", ""),
                description=f"演示数据：{entry.get('description', '')}",
                actor=self.owner,
            )
        return self.projects[key]

    def post(self, milestone, reporter, *, kind, narrative, percent, on: date, evidence=False):
        files = []
        if evidence:
            files = [
                SimpleUploadedFile(
                    f"佐证材料-{milestone.pk}.pdf",
                    evidence_pdf(f"milestone {milestone.pk}", on),
                    content_type="application/pdf",
                )
            ]
        update = services.progress_post(
            milestone=milestone,
            actor=reporter,
            kind=kind,
            narrative=narrative,
            percent=percent,
            files=files,
        )
        # The services date a report today; the demo's happened on its own day.
        ProgressUpdate.objects.filter(pk=update.pk).update(reported_on=on, created=_at(on))
        update.reported_on = on
        self.updates += 1
        return update

    def milestone(self, spec: dict, turn: int) -> Milestone:
        task = self.tasks[spec["task"]]
        story = spec["story"]
        lead = self.departments.lead_for(task.pk, turn, reported=story in REPORTED)
        milestone = services.milestone_create(
            task=task,
            title=spec["title"],
            due_on=self.day(spec["due"]),
            lead_department=lead,
            cooperating_departments=self.departments.cooperating_for(task.pk, turn),
            deliverable=spec["deliverable"] + DEMO_MARK,
            project=self.project(task, spec, lead),
            actor=self.owner,
        )
        reporter = self.departments.reporters.get(lead.pk)
        at = spec.get("at")
        if reporter is None or (story not in REPORTED and at is None):
            return milestone
        if story in ("progress", "overdue"):
            self.post(
                milestone,
                reporter,
                kind=UpdateKind.PROGRESS,
                narrative=self.narrative("progress", spec, spec.get("percent")),
                percent=spec.get("percent"),
                on=self.day(at),
                evidence=spec.get("evidence", False),
            )
            return milestone
        at = -5 if at is None else at
        completion = self.post(
            milestone,
            reporter,
            kind=UpdateKind.COMPLETION,
            narrative=self.narrative("completion", spec),
            percent=100,
            on=self.day(at),
            evidence=spec.get("evidence", False),
        )
        if story == "returned":
            services.progress_return(
                update=completion, actor=self.owner, reason=self.data["returned_reason"]
            )
            ProgressUpdate.objects.filter(pk=completion.pk).update(
                reviewed_at=_at(min(self.day(at + 1), self.today), 15)
            )
        elif story in CLOSED:
            services.progress_accept(update=completion, actor=self.owner)
            reviewed = min(self.day(at + 3), self.today)
            ProgressUpdate.objects.filter(pk=completion.pk).update(reviewed_at=_at(reviewed, 15))
            # Done as of the day the department reported it, as progress_accept records it.
            Milestone.objects.filter(pk=milestone.pk).update(completed_on=self.day(at))
        return milestone

    def answer_one_notice(self) -> Notice | None:
        """One department answers its oldest 督办, as the plan owner expects."""
        notice = (
            selectors.notices_awaiting_answer()
            .filter(
                milestone__task__plan=self.plan,
                level=NoticeLevel.SUPERVISION,
                department_id__in=list(self.departments.reporters),
            )
            .order_by("due_on", "id")
            .first()
        )
        if notice is None:
            return None
        answer = self.data["answer"]
        return services.notice_answer(
            notice=notice,
            actor=self.departments.reporters[notice.department_id],
            reason=answer["reason"],
            # Not in the past even when the demo is built for another day than today.
            new_date=max(self.day(answer["days"]), timezone.localdate()),
        )


def demo_supervision_create(
    *, plan: Plan, owner: User, today: date | None = None, data: dict | None = None
) -> DemoSupervision:
    """The demo's milestones, projects, updates and notices; see the module's docstring."""
    today = today or timezone.localdate()
    data = data or read_supervision_file()
    builder = _Builder(plan=plan, data=data, owner=owner, today=today)
    with transaction.atomic():
        turns: dict[int, int] = {}
        for spec in data["milestones"]:
            turn = turns.get(spec["task"], 0)
            turns[spec["task"]] = turn + 1
            builder.milestone(spec, turn)
        result = services.supervise(as_of=today, plan=plan)
        builder.answer_one_notice()
    return DemoSupervision(
        milestones=len(data["milestones"]),
        projects=len(builder.projects),
        updates=builder.updates,
        notices=result.notices,
    )
