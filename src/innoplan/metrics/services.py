"""Writes to the metrics' cache."""

from datetime import date

from innoplan.metrics.models import MetricSnapshot


def metric_snapshots_invalidate(*, since: date | None) -> int:
    """Drop the snapshots a registry change on ``since`` may have altered (all when None)."""
    snapshots = MetricSnapshot.objects.all()
    if since is not None:
        snapshots = snapshots.filter(as_of__gte=since)
    deleted, _ = snapshots.delete()
    return deleted
