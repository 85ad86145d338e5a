"""Task supervision: milestones (节点) and projects (项目) of the plan's key tasks, the progress
departments post on them, and the notices (督办) the daily job raises when dates slip."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from innoplan.core.models import TimeStampedModel
from innoplan.supervision import timeline
from innoplan.supervision.choices import (
    NoticeLevel,
    NoticeStatus,
    ProjectStage,
    Review,
    Stage,
    UpdateKind,
)


class SupervisionPolicy(TimeStampedModel):
    """督办规则 — the plan owner's escalation ladder for one plan: a reminder (提醒) some days
    before the due date, a supervision notice (督办) on the first overdue day, a public notice
    (通报) after some days overdue."""

    plan = models.OneToOneField(
        "plans.Plan",
        models.CASCADE,
        related_name="supervision_policy",
        verbose_name=_("plan"),
    )
    remind_days_before = models.PositiveIntegerField(
        _("reminder, days before the due date"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    circular_after_days = models.PositiveIntegerField(
        _("public notice, days overdue"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("supervision policy")
        verbose_name_plural = _("supervision policies")

    def __str__(self):
        return str(self.plan)


class Project(TimeStampedModel):
    """项目 — a named project through which a key task is delivered (a research institute
    landing, a platform being built)."""

    task = models.ForeignKey(
        "plans.Task", models.CASCADE, related_name="projects", verbose_name=_("task")
    )
    name = models.CharField(_("name"), max_length=200)
    lead_department = models.ForeignKey(
        "accounts.Department",
        models.PROTECT,
        related_name="led_projects",
        verbose_name=_("lead department"),
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=ProjectStage.choices, default=ProjectStage.PREPARING
    )
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["task", "name"]
        constraints = [models.UniqueConstraint(fields=["task", "name"], name="project_unique_name")]

    def __str__(self):
        return self.name


class Milestone(TimeStampedModel):
    """节点 — a dated step of a key task (or of one of its projects): what is delivered, by
    when, led by which department with which others co-operating."""

    task = models.ForeignKey(
        "plans.Task", models.CASCADE, related_name="milestones", verbose_name=_("task")
    )
    project = models.ForeignKey(
        Project,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name=_("project"),
    )
    title = models.CharField(_("title"), max_length=200)
    deliverable = models.TextField(_("deliverable"), blank=True)
    due_on = models.DateField(_("due date"))
    lead_department = models.ForeignKey(
        "accounts.Department",
        models.PROTECT,
        related_name="led_milestones",
        verbose_name=_("lead department"),
    )
    cooperating_departments = models.ManyToManyField(
        "accounts.Department",
        blank=True,
        related_name="cooperating_milestones",
        verbose_name=_("co-operating departments"),
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.PLANNED
    )
    percent = models.PositiveSmallIntegerField(
        _("percent done"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    # The day the department reported the work done, once the plan owner accepted it: the
    # work was finished then, whenever it was accepted.
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    # The first day the daily job found it overdue; kept when it is later completed.
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True)
    # The department's latest promised date, from its answer to a notice.
    promised_on = models.DateField(_("promised date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "task", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "title"], name="milestone_unique_title"),
            models.CheckConstraint(
                condition=models.Q(percent__isnull=True) | models.Q(percent__lte=100),
                name="milestone_percent_range",
            ),
            models.CheckConstraint(
                condition=models.Q(completed_on__isnull=True) | models.Q(stage=Stage.DONE),
                name="milestone_completed_only_when_done",
            ),
        ]
        indexes = [models.Index(fields=["lead_department", "due_on"], name="milestone_dept_due")]

    def __str__(self):
        return self.title


class ProgressUpdate(TimeStampedModel):
    """进展 — what a department reports on a milestone: a narrative, a percentage where it
    makes sense, evidence; a completion claim waits for the plan owner's acceptance."""

    milestone = models.ForeignKey(
        Milestone, models.CASCADE, related_name="updates", verbose_name=_("milestone")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=UpdateKind.choices)
    reported_on = models.DateField(_("reported on"))
    narrative = models.TextField(_("narrative"))
    percent = models.PositiveSmallIntegerField(
        _("percent done"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="milestone_updates",
        verbose_name=_("reported by"),
    )
    department = models.ForeignKey(
        "accounts.Department",
        models.PROTECT,
        related_name="milestone_updates",
        verbose_name=_("department"),
    )
    review = models.CharField(
        _("review"), max_length=20, choices=Review.choices, default=Review.NOT_NEEDED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_milestone_updates",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.TextField(_("review reason"), blank=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["milestone", "-created", "-id"]

    def __str__(self):
        return f"{self.milestone} — {self.reported_on}"


def evidence_path(instance, filename):
    # The stored name is ours; the user's file name is kept in ``name`` only.
    return f"supervision/evidence/{instance.update.milestone_id}/{instance.stored_as}"


class Evidence(TimeStampedModel):
    """佐证材料 — a file attached to a progress update (PDF, Office document, image)."""

    update = models.ForeignKey(
        ProgressUpdate, models.CASCADE, related_name="evidence", verbose_name=_("progress update")
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    stored_as = models.CharField(_("stored as"), max_length=80, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=100)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["update", "id"]

    def __str__(self):
        return self.name


def days_text(days_late: int) -> str:
    """Days late said as people say them: 逾期 5 天, 今天到期, 剩余 5 天 — never a negative
    number of days late."""
    if days_late > 0:
        return ngettext("%(n)s day late", "%(n)s days late", days_late) % {"n": days_late}
    if days_late == 0:
        return gettext("Due today")
    left = -days_late
    return ngettext("%(n)s day left", "%(n)s days left", left) % {"n": left}


class Notice(TimeStampedModel):
    """督办通知 — a notice the daily job raised on a milestone: a reminder before its due date,
    a supervision notice when it becomes overdue, a public notice when it stays overdue. A
    supervision or public notice must be answered with a reason and a new date, until its
    milestone is accepted as done: then it is settled (已办结). Its status is computed
    (``timeline.notice_status``), never stored."""

    milestone = models.ForeignKey(
        Milestone, models.CASCADE, related_name="notices", verbose_name=_("milestone")
    )
    level = models.CharField(_("level"), max_length=20, choices=NoticeLevel.choices)
    department = models.ForeignKey(
        "accounts.Department",
        models.PROTECT,
        related_name="notices",
        verbose_name=_("department"),
    )
    raised_on = models.DateField(_("raised on"))
    due_on = models.DateField(_("due date"))
    # Days past the due date on the day it was raised; negative for a reminder (days left).
    days_late = models.IntegerField(_("days late"))
    answer_reason = models.TextField(_("reason"), blank=True)
    answer_new_date = models.DateField(_("new date"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="answered_notices",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-raised_on", "milestone", "level"]
        constraints = [
            # The job may run twice on a day: each level is raised once per milestone.
            models.UniqueConstraint(fields=["milestone", "level"], name="notice_unique_level"),
        ]
        indexes = [models.Index(fields=["department", "raised_on"], name="notice_dept_raised")]

    def __str__(self):
        return f"{self.get_level_display()} — {self.milestone}"

    @property
    def needs_answer(self) -> bool:
        """Whether notices of this level are answered at all (a reminder is not)."""
        return self.level != NoticeLevel.REMINDER

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @property
    def status(self) -> NoticeStatus:
        return NoticeStatus(
            timeline.notice_status(
                level=self.level,
                answered=self.answered,
                milestone_done=self.milestone.stage == Stage.DONE,
            )
        )

    @property
    def days_text(self) -> str:
        """Days late on the day it was raised, as 逾期 N 天 (剩余 N 天 for a reminder)."""
        return days_text(self.days_late)

    @property
    def awaits_answer(self) -> bool:
        """Its department still owes an answer: 待答复."""
        return self.status == NoticeStatus.WAITING

    @property
    def settled(self) -> bool:
        return self.status == NoticeStatus.SETTLED
