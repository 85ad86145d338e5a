"""Reading the audit trail, for the audit administrator only."""

from django.db.models import QuerySet

from innoplan.accounts.permissions import authorise

from .models import AuditEvent


def audit_events(user) -> QuerySet[AuditEvent]:
    """Every record, newest first; only for one who may read the trail."""
    authorise(user, "audit.view_trail")
    return AuditEvent.objects.order_by("-id")


def log_entry_changes(record: AuditEvent) -> list[tuple[str, str, str]]:
    """The before and after of the change-log entry a data-change record mirrors, as a reader
    says them: each field by its name (名称, not ``name``), a choice by its label, a related
    record by its name (``core.audit``, as the registers' change history shows them)."""
    from auditlog.models import LogEntry

    from innoplan.core.audit import audit_rows

    if not record.log_entry_id or "entries" in (record.detail or {}):
        return []
    entry = (
        LogEntry.objects.filter(pk=record.log_entry_id)
        .select_related("content_type", "actor")
        .first()
    )
    if entry is None or not isinstance(entry.changes_dict, dict):
        return []
    (row,) = audit_rows([entry])
    return [(change.field, change.old, change.new) for change in row.changes]


BATCH_SHOWN = 1000


def batch_entries(record: AuditEvent) -> list:
    """The change-log entries a batch record (a bulk import) covers, the first thousand."""
    from auditlog.models import LogEntry

    from .chain import run_ids

    runs = (record.detail or {}).get("entries")
    if not runs:
        return []
    ids = run_ids(runs)[:BATCH_SHOWN]
    return list(
        LogEntry.objects.filter(pk__in=ids).order_by("pk").only("pk", "object_pk", "object_repr")
    )
