from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """Where a milestone's work stands, as its department and the plan owner moved it."""

    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted for acceptance")
    DONE = "done", _("Accepted as done")


class State(models.TextChoices):
    """A milestone's state on a given day, as the battle map colours it (``timeline.state_on``):
    未开始, 推进中, 已完成, 逾期, 逾期完成."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    OVERDUE = "overdue", _("Overdue")
    DONE_LATE = "done_late", _("Done late")


class UpdateKind(models.TextChoices):
    PROGRESS = "progress", _("Progress")
    COMPLETION = "completion", _("Completed, for acceptance")


class Review(models.TextChoices):
    NOT_NEEDED = "not_needed", _("No review needed")
    PENDING = "pending", _("Waiting for acceptance")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Sent back")


class NoticeLevel(models.TextChoices):
    """The escalation ladder, in order: 提醒 before the due date, 督办 on the first overdue day,
    通报 after some days overdue."""

    REMINDER = "reminder", _("Reminder (提醒)")
    SUPERVISION = "supervision", _("Supervision notice (督办)")
    CIRCULAR = "circular", _("Public notice (通报)")


class NoticeStatus(models.TextChoices):
    """Where a notice stands (``timeline.notice_status``), computed, never stored: 待答复
    until its department answers, 已答复 after, 已办结 once its milestone is accepted as done
    (nothing is left to answer for), and a reminder needs no answer."""

    WAITING = "waiting", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")
    SETTLED = "settled", _("Settled: the milestone is done")
    NO_ANSWER_NEEDED = "no_answer_needed", _("No answer needed")


class ProjectStage(models.TextChoices):
    PREPARING = "preparing", _("Preparing")
    UNDER_WAY = "under_way", _("Under way")
    COMPLETED = "completed", _("Completed")
