from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    """The Word reports: 季度进展报告 and 督办通报."""

    QUARTERLY = "quarterly", _("Quarterly progress report")
    SUPERVISION = "supervision", _("Supervision circular")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
