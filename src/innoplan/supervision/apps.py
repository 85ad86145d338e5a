from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "innoplan.supervision"
    label = "supervision"
    verbose_name = _("Task supervision")

    def ready(self):
        from auditlog.registry import auditlog

        from innoplan.imports import importers
        from innoplan.supervision import models, tasks  # noqa: F401 (registers the daily job)
        from innoplan.supervision.imports import MilestoneImporter

        importers.register(MilestoneImporter())

        for model in (models.SupervisionPolicy, models.Project, models.Evidence):
            auditlog.register(model, exclude_fields=["created", "updated"])
        auditlog.register(
            models.Milestone,
            exclude_fields=["created", "updated"],
            m2m_fields={"cooperating_departments"},
        )
        auditlog.register(models.ProgressUpdate, exclude_fields=["created", "updated"])
        auditlog.register(models.Notice, exclude_fields=["created", "updated"])
