from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "innoplan.plans"
    label = "plans"
    verbose_name = _("Plans")

    def ready(self):
        from auditlog.registry import auditlog

        from innoplan.plans import models

        for model in (
            models.Plan,
            models.GoalGroup,
            models.Section,
            models.Task,
            models.Measure,
            models.Indicator,
            models.Target,
            models.TaskAssignment,
        ):
            auditlog.register(model)
        auditlog.register(models.ReportedValue, exclude_fields=["updated"])
