from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "innoplan.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from auditlog.registry import auditlog

        from innoplan.reports import models

        auditlog.register(models.ReportJob, exclude_fields=["created", "updated"])
