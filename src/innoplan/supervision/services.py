"""Writes of task supervision that carry a rule: planning milestones and projects, posting
progress, accepting or sending back a completion, answering notices, and the daily job that
moves milestones to overdue and climbs the escalation ladder.

Each write runs in one transaction with the actor recorded by django-auditlog; notifications
leave through the outbox (``notifications.services.notify``) once the transaction commits.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from uuid import uuid4

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from innoplan.accounts.models import Department
from innoplan.accounts.permissions import authorise
from innoplan.core.uploads import check_attachment, extension_of
from innoplan.plans.models import Plan, Task
from innoplan.plans.services import stale_record_error
from innoplan.supervision import timeline
from innoplan.supervision.choices import NoticeLevel, Review, Stage, UpdateKind
from innoplan.supervision.models import (
    Evidence,
    Milestone,
    Notice,
    ProgressUpdate,
    Project,
    SupervisionPolicy,
)
from innoplan.supervision.selectors import policy_for

logger = logging.getLogger(__name__)

# At most this many files on one progress update.
MAX_EVIDENCE_FILES = 10


def _lock(model, pk: int, version: int | None):
    locked = model.objects.select_for_update().get(pk=pk)
    if version is not None and locked.version != version:
        raise stale_record_error(locked)
    return locked


# --- planning --------------------------------------------------------------------------------


@transaction.atomic
def policy_update(
    *,
    plan: Plan,
    remind_days_before: int,
    circular_after_days: int,
    actor,
    version: int | None = None,
) -> SupervisionPolicy:
    """The plan owner sets the escalation ladder's days."""
    authorise(actor, "supervision.manage_milestones", message=_("Only the plan owner sets it."))
    policy, _created = SupervisionPolicy.objects.get_or_create(plan=plan)
    policy = _lock(SupervisionPolicy, policy.pk, version)
    policy.remind_days_before = remind_days_before
    policy.circular_after_days = circular_after_days
    policy.version += 1
    with set_actor(actor):
        policy.full_clean()
        policy.save()
    return policy


@transaction.atomic
def project_create(
    *,
    task: Task,
    name: str,
    lead_department: Department,
    stage: str = "",
    description: str = "",
    actor,
) -> Project:
    authorise(actor, "supervision.manage_milestones", message=_("Only the plan owner plans it."))
    project = Project(
        task=task,
        name=name.strip(),
        lead_department=lead_department,
        description=description.strip(),
    )
    if stage:
        project.stage = stage
    with set_actor(actor):
        project.full_clean()
        project.save()
    return project


def _check_departments(lead: Department, cooperating: Iterable[Department]) -> list[Department]:
    others = [d for d in dict.fromkeys(cooperating) if d.pk != lead.pk]
    return others


@transaction.atomic
def milestone_create(
    *,
    task: Task,
    title: str,
    due_on: date,
    lead_department: Department,
    cooperating_departments: Sequence[Department] = (),
    deliverable: str = "",
    project: Project | None = None,
    actor,
) -> Milestone:
    """The plan owner adds a dated step to a key task (or to one of its projects)."""
    authorise(actor, "supervision.manage_milestones", message=_("Only the plan owner plans it."))
    if project is not None and project.task_id != task.pk:
        raise ValidationError({"project": _("The project belongs to another task.")})
    milestone = Milestone(
        task=task,
        project=project,
        title=title.strip(),
        deliverable=deliverable.strip(),
        due_on=due_on,
        lead_department=lead_department,
        created_by=actor,
    )
    with set_actor(actor):
        milestone.full_clean()
        milestone.save()
        milestone.cooperating_departments.set(
            _check_departments(lead_department, cooperating_departments)
        )
    return milestone


@transaction.atomic
def milestone_change(
    *,
    milestone: Milestone,
    actor,
    version: int | None,
    title: str,
    due_on: date,
    lead_department: Department,
    cooperating_departments: Sequence[Department] = (),
    deliverable: str = "",
    project: Project | None = None,
) -> Milestone:
    """The plan owner changes a milestone's plan: title, due date, departments. Notices
    already raised stay as they were; the next run of the job follows the new dates."""
    authorise(actor, "supervision.manage_milestones", message=_("Only the plan owner plans it."))
    locked = _lock(Milestone, milestone.pk, version)
    if project is not None and project.task_id != locked.task_id:
        raise ValidationError({"project": _("The project belongs to another task.")})
    locked.title = title.strip()
    locked.due_on = due_on
    locked.lead_department = lead_department
    locked.deliverable = deliverable.strip()
    locked.project = project
    if locked.overdue_since and due_on >= timezone.localdate():
        # Re-planned into the future: no longer overdue from the old date.
        locked.overdue_since = None
    locked.version += 1
    with set_actor(actor):
        locked.full_clean()
        locked.save()
        locked.cooperating_departments.set(
            _check_departments(lead_department, cooperating_departments)
        )
    return locked


# --- progress and acceptance ------------------------------------------------------------------


def _store_evidence(update: ProgressUpdate, files: Sequence[UploadedFile]) -> list[Evidence]:
    stored = []
    for upload in files:
        content_type = check_attachment(upload, field="evidence")
        evidence = Evidence(
            update=update,
            name=(upload.name or "")[-200:],
            stored_as=f"{uuid4().hex}{extension_of(upload.name or '')}",
            size=upload.size,
            content_type=content_type,
        )
        evidence.file.save(evidence.stored_as, upload, save=False)
        evidence.save()
        stored.append(evidence)
    return stored


def _check_files(files: Sequence[UploadedFile]) -> None:
    """Every file checked before anything is written, so one bad file changes nothing."""
    if len(files) > MAX_EVIDENCE_FILES:
        raise ValidationError(
            {"evidence": _("At most %(n)d files on one update.") % {"n": MAX_EVIDENCE_FILES}}
        )
    for upload in files:
        check_attachment(upload, field="evidence")


@transaction.atomic
def progress_post(
    *,
    milestone: Milestone,
    actor,
    kind: str,
    narrative: str,
    percent: int | None = None,
    files: Sequence[UploadedFile] = (),
    version: int | None = None,
) -> ProgressUpdate:
    """The lead department reports progress, or reports the milestone done for the plan
    owner to accept. Evidence files are checked (type, size, content) before anything is
    written."""
    authorise(
        actor,
        "supervision.post_progress",
        milestone,
        message=_("Only the lead department reports progress on this milestone."),
    )
    narrative = narrative.strip()
    if not narrative:
        raise ValidationError({"narrative": _("Say what was done.")})
    if kind not in UpdateKind.values:
        raise ValidationError({"kind": _("Choose progress or completion.")})
    if percent is not None and not 0 <= percent <= 100:
        raise ValidationError({"percent": _("A percentage is between 0 and 100.")})
    _check_files(files)
    locked = _lock(Milestone, milestone.pk, version)
    if locked.stage == Stage.DONE:
        raise ValidationError(_("This milestone was accepted as done; it takes no more updates."))
    if locked.stage == Stage.SUBMITTED:
        raise ValidationError(
            _("This milestone's completion is waiting for acceptance by the plan owner.")
        )
    completion = kind == UpdateKind.COMPLETION
    update = ProgressUpdate(
        milestone=locked,
        kind=kind,
        reported_on=timezone.localdate(),
        narrative=narrative,
        percent=100 if completion else percent,
        author=actor,
        department=actor.department,
        review=Review.PENDING if completion else Review.NOT_NEEDED,
    )
    with set_actor(actor):
        update.full_clean()
        update.save()
        _store_evidence(update, files)
        locked.stage = Stage.SUBMITTED if completion else Stage.IN_PROGRESS
        if update.percent is not None:
            locked.percent = update.percent
        locked.version += 1
        locked.full_clean()
        locked.save()
    if completion:
        _notify_plan_owner_of_completion(update)
    return update


def _lock_pending(update: ProgressUpdate) -> tuple[ProgressUpdate, Milestone]:
    locked = ProgressUpdate.objects.select_for_update().get(pk=update.pk)
    if locked.review != Review.PENDING:
        raise ValidationError(
            _("This completion was already reviewed by %(who)s (%(review)s).")
            % {"who": locked.reviewed_by, "review": locked.get_review_display()},
            code="reviewed",
        )
    milestone = Milestone.objects.select_for_update().get(pk=locked.milestone_id)
    return locked, milestone


@transaction.atomic
def progress_accept(*, update: ProgressUpdate, actor, reason: str = "") -> ProgressUpdate:
    """The plan owner accepts a completion: the milestone is done as of the day the
    department reported it."""
    authorise(actor, "supervision.review_progress", message=_("Only the plan owner accepts it."))
    locked, milestone = _lock_pending(update)
    locked.review = Review.ACCEPTED
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.review_reason = reason.strip()
    milestone.stage = Stage.DONE
    milestone.completed_on = locked.reported_on
    milestone.percent = 100
    milestone.version += 1
    with set_actor(actor):
        locked.full_clean()
        locked.save()
        milestone.full_clean()
        milestone.save()
    _notify_department_of_review(locked, accepted=True)
    return locked


@transaction.atomic
def progress_return(*, update: ProgressUpdate, actor, reason: str) -> ProgressUpdate:
    """The plan owner sends a completion back with a reason; the milestone is in progress
    again, and the department is told at once."""
    authorise(actor, "supervision.review_progress", message=_("Only the plan owner reviews it."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why it is sent back.")})
    locked, milestone = _lock_pending(update)
    locked.review = Review.RETURNED
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.review_reason = reason
    milestone.stage = Stage.IN_PROGRESS
    milestone.version += 1
    with set_actor(actor):
        locked.full_clean()
        locked.save()
        milestone.full_clean()
        milestone.save()
    _notify_department_of_review(locked, accepted=False)
    return locked


# --- notices ----------------------------------------------------------------------------------


@transaction.atomic
def notice_answer(*, notice: Notice, actor, reason: str, new_date: date | None) -> Notice:
    """The department answers a 督办 or 通报: why it is late and by when it will be done. The
    new date becomes the milestone's promised date; the due date stays the plan's. A notice
    whose milestone was accepted as done is settled and takes no answer."""
    authorise(
        actor,
        "supervision.answer_notice",
        notice,
        message=_("Only the department the notice was sent to answers it."),
    )
    locked = Notice.objects.select_for_update().select_related("milestone").get(pk=notice.pk)
    if not locked.needs_answer:
        raise ValidationError(_("A reminder needs no answer."))
    if locked.settled:
        raise ValidationError(
            _("The milestone was accepted as done: this notice is settled and needs no answer."),
            code="settled",
        )
    if locked.answered:
        raise ValidationError(
            _("This notice was already answered by %(who)s.") % {"who": locked.answered_by},
            code="answered",
        )
    errors = {}
    reason = reason.strip()
    if not reason:
        errors["reason"] = _("Give the reason for the delay.")
    today = timezone.localdate()
    if new_date is None:
        errors["new_date"] = _("Give the date by which it will be done.")
    elif new_date < today:
        errors["new_date"] = _("The new date cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    locked.answer_reason = reason
    locked.answer_new_date = new_date
    locked.answered_by = actor
    locked.answered_at = timezone.now()
    milestone = Milestone.objects.select_for_update().get(pk=locked.milestone_id)
    milestone.promised_on = new_date
    milestone.version += 1
    with set_actor(actor):
        locked.full_clean()
        locked.save()
        milestone.save()
    from innoplan.audit.events import Event
    from innoplan.audit.services import record_event

    record_event(
        Event.NOTICE_ANSWER,
        actor=actor,
        obj=locked,
        detail={"reason": reason, "new_date": new_date.isoformat()},
    )
    return locked


# --- the daily job ----------------------------------------------------------------------------


@dataclass
class SuperviseResult:
    as_of: date
    checked: int = 0
    became_overdue: int = 0
    raised: dict[str, int] = field(default_factory=dict)

    @property
    def notices(self) -> int:
        return sum(self.raised.values())


def supervise(*, as_of: date | None = None, plan: Plan | None = None) -> SuperviseResult:
    """Move milestones past their due date to overdue and raise the notices the plan's ladder
    owes them on ``as_of`` (today by default). Safe to run twice on a day, and from two
    processes at once: a notice is raised once per milestone and level (a unique constraint,
    not a check done first), and a second run finds nothing left to do."""
    from innoplan.plans.selectors import current_plan

    as_of = as_of or timezone.localdate()
    plan = plan or current_plan()
    result = SuperviseResult(as_of=as_of)
    if plan is None:
        return result
    policy = policy_for(plan)
    milestones = (
        Milestone.objects.filter(task__plan=plan)
        .exclude(stage=Stage.DONE)
        .select_related("task", "lead_department")
        .prefetch_related("notices")
        .order_by("due_on", "id")
    )
    for milestone in milestones:
        result.checked += 1
        if as_of > milestone.due_on and milestone.overdue_since is None:
            with transaction.atomic(), set_actor(None):
                changed = Milestone.objects.filter(
                    pk=milestone.pk, overdue_since__isnull=True
                ).update(overdue_since=timeline.first_overdue_day(milestone.due_on))
            # update() bypasses the change log: record the move in the audit trail.
            if changed:
                result.became_overdue += 1
                _record_overdue(milestone, as_of)
        owed = timeline.notices_owed(
            due_on=milestone.due_on,
            as_of=as_of,
            remind_days_before=policy.remind_days_before,
            circular_after_days=policy.circular_after_days,
            closed=milestone.stage == Stage.SUBMITTED,
        )
        have = {notice.level for notice in milestone.notices.all()}
        for level in owed:
            if level in have:
                continue
            notice = _raise(milestone, level, as_of)
            if notice is not None:
                result.raised[level] = result.raised.get(level, 0) + 1
    return result


def _record_overdue(milestone: Milestone, as_of: date) -> None:
    from innoplan.audit.events import Event, Outcome
    from innoplan.audit.services import record_event

    record_event(
        Event.MILESTONE_OVERDUE,
        outcome=Outcome.SUCCESS,
        obj=milestone,
        detail={"due_on": milestone.due_on.isoformat(), "as_of": as_of.isoformat()},
    )


def _raise(milestone: Milestone, level: str, as_of: date) -> Notice | None:
    notice = Notice(
        milestone=milestone,
        level=level,
        department=milestone.lead_department,
        raised_on=as_of,
        due_on=milestone.due_on,
        days_late=timeline.days_late(milestone.due_on, as_of),
    )
    try:
        with transaction.atomic(), set_actor(None):
            notice.save()
            transaction.on_commit(lambda: _send_notice(notice))
    except IntegrityError:
        # Raised meanwhile by another run of the job.
        return None
    return notice


# --- notifications ----------------------------------------------------------------------------


def _department_users(department_id: int):
    from innoplan.accounts.choices import Role
    from innoplan.accounts.models import User

    return list(
        User.objects.filter(department_id=department_id, role=Role.REPORTER, is_active=True)
    )


def _plan_owners():
    from innoplan.accounts.choices import Role
    from innoplan.accounts.models import User

    return list(User.objects.filter(role=Role.PLAN_OWNER, is_active=True))


def notice_text(notice: Notice) -> tuple[str, str]:
    """The subject and body of a notice: milestone, department, due date, days late."""
    milestone = notice.milestone
    values = {
        "level": notice.get_level_display(),
        "task": milestone.task,
        "milestone": milestone.title,
        "department": notice.department.name,
        "due": notice.due_on.isoformat(),
        "late": notice.days_late,
        "left": -notice.days_late,
    }
    subject = _("%(level)s: %(milestone)s") % values
    if notice.level == NoticeLevel.REMINDER:
        body = (
            _(
                "Task %(task)s — milestone %(milestone)s, led by %(department)s, is due on "
                "%(due)s (%(left)s days left)."
            )
            % values
        )
    else:
        body = (
            _(
                "Task %(task)s — milestone %(milestone)s, led by %(department)s, was due on "
                "%(due)s and is %(late)s days late. Answer with the reason and a new date."
            )
            % values
        )
    return subject, body


def _send_notice(notice: Notice) -> None:
    from innoplan.notifications.services import notify

    subject, body = notice_text(notice)
    recipients = _department_users(notice.department_id)
    if notice.level == NoticeLevel.CIRCULAR:
        recipients += _plan_owners()
    notify(
        recipients=recipients,
        subject=subject,
        body=body,
        link=reverse("supervision:notice_detail", args=[notice.pk]),
        urgent=notice.level != NoticeLevel.REMINDER,
        chat=notice.level != NoticeLevel.REMINDER,
        key=f"notice:{notice.pk}",
    )


def _notify_plan_owner_of_completion(update: ProgressUpdate) -> None:
    def send():
        from innoplan.notifications.services import notify

        milestone = update.milestone
        notify(
            recipients=_plan_owners(),
            subject=_("Completion to accept: %(milestone)s") % {"milestone": milestone.title},
            body=_("%(department)s reports milestone %(milestone)s of task %(task)s done.")
            % {
                "department": update.department.name,
                "milestone": milestone.title,
                "task": milestone.task,
            },
            link=reverse("supervision:milestone_detail", args=[milestone.pk]),
            urgent=False,
            key=f"completion:{update.pk}",
        )

    transaction.on_commit(send)


def _notify_department_of_review(update: ProgressUpdate, *, accepted: bool) -> None:
    def send():
        from innoplan.notifications.services import notify

        milestone = update.milestone
        values = {"milestone": milestone.title, "reason": update.review_reason}
        if accepted:
            subject = _("Accepted as done: %(milestone)s") % values
            body = _("The plan owner accepted milestone %(milestone)s as done.") % values
        else:
            subject = _("Sent back: %(milestone)s") % values
            body = _("The plan owner sent milestone %(milestone)s back: %(reason)s") % values
        notify(
            recipients=_department_users(milestone.lead_department_id),
            subject=subject,
            body=body,
            link=reverse("supervision:milestone_detail", args=[milestone.pk]),
            # A rejection is an exception, told at once; an acceptance waits for the digest.
            urgent=not accepted,
            key=f"review:{update.pk}",
        )

    transaction.on_commit(send)
