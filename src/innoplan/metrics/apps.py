from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    """指标计量 — named metrics counted over the registry as of any date."""

    name = "innoplan.metrics"
    label = "metrics"
    verbose_name = _("Metrics")

    def ready(self):
        from innoplan.metrics import signals  # noqa: F401 — connects the snapshot refresh
