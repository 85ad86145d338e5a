from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innoplan.core.models import TimeStampedModel
from innoplan.imports.importers import importer_choices


class ImportJob(TimeStampedModel):
    """导入任务 — one upload of a spreadsheet through the web page, for any importer (a
    register, the milestones): the kept file, the check of every row, and, once confirmed,
    the import of all rows or none.

    The file is kept encrypted with the field key (it may hold ID-card numbers and phones)
    until it is discarded, at the latest ``INNOPLAN_IMPORT_KEEP_DAYS`` after the upload. The
    job is the import's batch record in the audit log (django-auditlog does not see the rows
    an import writes in bulk as one change): who uploaded and who confirmed which file, when,
    and how it ended. Its state lives here, so a page reload shows where it stands."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked")
        APPLYING = "applying", _("Importing")
        APPLIED = "applied", _("Imported")
        # The rows had errors, or would no longer do what the check said, when the import ran.
        REFUSED = "refused", _("Refused")
        # The file could not be read, or the work stopped: nothing was written.
        FAILED = "failed", _("Failed")

    RUNNING = (Status.CHECKING, Status.APPLYING)

    importer = models.CharField(_("register"), max_length=40, choices=importer_choices)
    file_name = models.CharField(_("file name"), max_length=255)
    # The encrypted upload; empty once discarded.
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CHECKING
    )
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in all"), default=0)
    # ImportReport.as_json() of the last check or import.
    report = models.JSONField(_("report"), null=True, blank=True)
    # Why the file as a whole could not be imported (ImportFileError), or that the work stopped.
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="import_jobs",
        verbose_name=_("uploaded by"),
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["-created"], name="imports_importjob_created")]

    def __str__(self):
        return f"{self.get_importer_display()} · {self.file_name}"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def counts(self) -> dict[str, int] | None:
        return self.report.get("counts") if self.report else None

    @property
    def has_errors(self) -> bool:
        return bool(self.counts and self.counts.get("error"))
