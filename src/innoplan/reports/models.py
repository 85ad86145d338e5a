from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innoplan.core.models import TimeStampedModel
from innoplan.reports.choices import JobStatus, ReportKind


class ReportJob(TimeStampedModel):
    """报告任务 — one Word report asked for on the reports page and built by the background
    worker: a quarterly progress report for a quarter, or a supervision circular as of a day.
    Its row holds where the work stands, and the built file once it is ready."""

    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    plan = models.ForeignKey(
        "plans.Plan", models.CASCADE, related_name="report_jobs", verbose_name=_("plan")
    )
    # The quarter a quarterly report covers (2026Q3); empty for a circular.
    quarter = models.CharField(_("quarter"), max_length=7, blank=True)
    # The day the figures are taken on: the quarter's last day, or the circular's date.
    as_of = models.DateField(_("as of"))
    # The language of the page it was asked for on: the document is written in it.
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="report_jobs",
        verbose_name=_("requested by"),
    )
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["created_by", "-created"], name="report_job_creator")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.period}"

    @property
    def period(self) -> str:
        return self.quarter if self.kind == ReportKind.QUARTERLY else self.as_of.isoformat()

    @property
    def is_running(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def is_ready(self) -> bool:
        return self.status == JobStatus.DONE and bool(self.file)
