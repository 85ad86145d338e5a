"""Keep the metric snapshots true: a record of a counted register (``registry.registers``)
saved or deleted drops the snapshots from the earliest date it touched (before or after the
change) onwards. Registers the metrics do not count, and import jobs, drop nothing."""

from datetime import date

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from innoplan.metrics.services import metric_snapshots_invalidate
from innoplan.registry.changes import batch_finished, current_batch
from innoplan.registry.registers import counted_models

DATE_FIELDS_ATTR = "_metrics_dates_before"


def _dates(instance) -> list[date]:
    return [
        getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.get_internal_type() == "DateField" and getattr(instance, f.attname) is not None
    ]


def _remember(sender, instance, **kwargs):
    if instance.pk:
        old = sender._default_manager.filter(pk=instance.pk).first()
        setattr(instance, DATE_FIELDS_ATTR, _dates(old) if old else [])


def _invalidate(sender, instance, **kwargs):
    touched = _dates(instance) + getattr(instance, DATE_FIELDS_ATTR, [])
    since = min(touched) if touched else None
    batch = current_batch()
    if batch is not None:
        batch.touch(since)  # one invalidation when the batch ends
        return
    transaction.on_commit(lambda: metric_snapshots_invalidate(since=since))


def _invalidate_batch(sender, since, **kwargs):
    transaction.on_commit(lambda: metric_snapshots_invalidate(since=since))


batch_finished.connect(_invalidate_batch, dispatch_uid="metrics-registry-batch")


for model in counted_models():
    pre_save.connect(_remember, sender=model, dispatch_uid=f"metrics-remember-{model.__name__}")
    post_save.connect(_invalidate, sender=model, dispatch_uid=f"metrics-save-{model.__name__}")
    post_delete.connect(_invalidate, sender=model, dispatch_uid=f"metrics-delete-{model.__name__}")
