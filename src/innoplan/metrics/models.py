"""Cached monthly values of the metrics, for trend charts and forecasts."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MetricSnapshot(models.Model):
    """指标快照 — a metric's value as of a month end, computed from the registry and kept so
    the trend charts need not recount every month. Dropped when the registry changes on or
    before its date, and computed again on the next read."""

    metric_key = models.CharField(_("metric"), max_length=50)
    as_of = models.DateField(_("as of"))
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=4)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("metric snapshot")
        verbose_name_plural = _("metric snapshots")
        ordering = ["metric_key", "as_of"]
        constraints = [
            models.UniqueConstraint(fields=["metric_key", "as_of"], name="snapshot_unique_day")
        ]

    def __str__(self):
        return f"{self.metric_key} {self.as_of}: {self.value}"
