"""Appending to the audit trail, and its purge. Every append happens in the caller's
transaction, so a write that is rolled back leaves no record."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innoplan.core.net import client_ip

from . import chain
from .context import client_address
from .events import Event, Outcome
from .models import AuditEvent, ChainHead

REPR_LENGTH = AuditEvent._meta.get_field("object_repr").max_length


def record_event(
    event: str,
    *,
    request=None,
    actor=None,
    obj=None,
    outcome: str = Outcome.SUCCESS,
    detail: dict | None = None,
) -> AuditEvent:
    """Append one record: the user and client IP from ``request`` (``actor`` overrides the
    user; without a request the IP of the request being served, if any), the type, id and
    text of ``obj`` (a model instance, or a model class for a whole register)."""
    if event not in Event.values:
        raise ValueError(f"Unknown audit event {event!r}")
    if outcome not in Outcome.values:
        raise ValueError(f"Unknown audit outcome {outcome!r}")
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    row = {
        "event": str(event),
        "outcome": str(outcome),
        "ip": client_ip(request) if request is not None else client_address.get(),
        "detail": _without_nul(detail or {}),
        **_actor_fields(actor),
        **_object_fields(obj),
    }
    return _append([row])[0]


def _without_nul(value):
    """PostgreSQL's jsonb holds no NUL character: one typed into a search is dropped."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(item) for item in value]
    return value


# Digits long enough to be an ID-card (15/18) or mobile (11) number, typed into a search.
_LONG_NUMBER = re.compile(r"\d{10,17}[\dXx]")


def _mask_numbers(text: str) -> str:
    return _LONG_NUMBER.sub(lambda m: m[0][:3] + "*" * (len(m[0]) - 7) + m[0][-4:], text)


def query_filters(request, *, skip=("format", "page")) -> dict:
    """The query string's filters, for an export's record; long numbers (an ID card or a
    phone number someone searched for) are masked, so the trail does not hold them."""
    return {
        key: [_mask_numbers(v) for v in values] if len(values) > 1 else _mask_numbers(values[0])
        for key, values in request.GET.lists()
        if key not in skip and any(values)
    }


def record_log_entries(entries) -> list[AuditEvent]:
    """Mirror django-auditlog entries written in bulk (``LogEntry.objects.bulk_create``, as
    the register imports do): one record per batch of entries of the same kind, action and
    user, whose digest covers every entry of the batch. A record per entry would cost the
    import as much again as writing the entries themselves."""
    entries = sorted((e for e in entries if e.pk is not None), key=lambda e: e.pk)
    if not entries:
        return []
    users = _users({e.actor_id for e in entries if e.actor_id})
    groups: dict[tuple, list] = {}
    for entry in entries:
        groups.setdefault((entry.content_type_id, entry.action, entry.actor_id), []).append(entry)
    rows = []
    for (_type, _action, actor_id), batch in groups.items():
        actor = users.get(actor_id)
        rows.append(
            _log_entry_row(batch[0], actor) if len(batch) == 1 else _batch_row(batch, actor)
        )
    return _append(rows)


def record_bulk_writes(*, model, instances, created: bool, changes, actor, source: str) -> None:
    """The audit trail of records written in bulk (``bulk_create``/``bulk_update``, which
    django-auditlog does not see): one change-log entry per record, as a single save would
    have left — a creation with every logged field, an update with what ``changes(instance)``
    (field -> [before, after]) says changed — written in one batch and mirrored by
    ``record_log_entries``. ``source`` names the import in each entry."""
    from auditlog.models import LogEntry
    from auditlog.registry import auditlog

    content_type = ContentType.objects.get_for_model(model)
    excluded = {*auditlog.get_model_fields(model)["exclude_fields"], "id"}
    fields = [f for f in model._meta.concrete_fields if f.name not in excluded]
    names = {f.name for f in fields} | {f.attname for f in fields}
    action = LogEntry.Action.CREATE if created else LogEntry.Action.UPDATE
    now = timezone.now()
    entries = []
    for instance in instances:
        if created:
            logged = {f.name: ["None", str(getattr(instance, f.attname))] for f in fields}
        else:
            logged = {
                name: [str(before), str(after)]
                for name, (before, after) in changes(instance).items()
                if name in names
            }
        entries.append(
            LogEntry(
                content_type=content_type,
                object_pk=str(instance.pk),
                object_id=instance.pk,
                object_repr=str(instance)[:1000],
                action=action,
                changes=logged,
                changes_text="",
                actor=actor,
                timestamp=now,
                additional_data={"import": source},
            )
        )
    LogEntry.objects.bulk_create(entries, batch_size=1000)
    record_log_entries(entries)


def _batch_row(batch: list, actor) -> dict:
    first = batch[0]
    content_type = ContentType.objects.get_for_id(first.content_type_id)
    model = content_type.model_class()
    label = str(model._meta.verbose_name_plural) if model else content_type.model
    detail = {"entries": chain.id_runs([e.pk for e in batch]), "count": len(batch)}
    if first.additional_data:
        detail["additional"] = first.additional_data
    return {
        "event": _log_event(first),
        "outcome": Outcome.SUCCESS,
        "ip": chain._address(first.remote_addr) or client_address.get(),
        "detail": detail,
        "object_type": f"{content_type.app_label}.{content_type.model}",
        "object_id": "",
        "object_repr": f"{label} × {len(batch)}"[:REPR_LENGTH],
        "log_entry_id": first.pk,
        "log_digest": chain.batch_digest(batch),
        **_actor_fields(actor),
    }


def record_log_entry(entry) -> AuditEvent:
    actor = entry.actor if entry.actor_id else None
    return _append([_log_entry_row(entry, actor)])[0]


def _users(ids) -> dict:
    from django.contrib.auth import get_user_model

    if not ids:
        return {}
    return get_user_model().objects.in_bulk(list(ids))


def _actor_fields(actor) -> dict:
    if isinstance(actor, str):  # a name that has no account, e.g. a failed login's
        return {"actor": None, "actor_uid": None, "actor_name": actor[:150]}
    if actor is None or not getattr(actor, "pk", None):
        return {"actor": None, "actor_uid": None, "actor_name": ""}
    return {"actor": actor, "actor_uid": actor.pk, "actor_name": actor.get_username()}


def _object_fields(obj) -> dict:
    if obj is None:
        return {"object_type": "", "object_id": "", "object_repr": ""}
    if isinstance(obj, type) and issubclass(obj, models.Model):
        return {
            "object_type": obj._meta.label_lower,
            "object_id": "",
            "object_repr": str(obj._meta.verbose_name_plural)[:REPR_LENGTH],
        }
    if isinstance(obj, models.Model):
        return {
            "object_type": obj._meta.label_lower,
            "object_id": "" if obj.pk is None else str(obj.pk),
            "object_repr": str(obj)[:REPR_LENGTH],
        }
    return {"object_type": "", "object_id": "", "object_repr": str(obj)[:REPR_LENGTH]}


def _log_event(entry) -> str:
    from auditlog.models import LogEntry

    action = entry.action
    if action == LogEntry.Action.CREATE:
        return Event.DATA_CREATE
    if action == LogEntry.Action.UPDATE:
        return Event.DATA_UPDATE
    if action == LogEntry.Action.DELETE:
        return Event.DATA_DELETE
    content_type = ContentType.objects.get_for_id(entry.content_type_id)
    if content_type.app_label == "registry" and content_type.model == "talent":
        return Event.UNMASK
    return Event.DATA_ACCESS


def _log_entry_row(entry, actor) -> dict:
    content_type = ContentType.objects.get_for_id(entry.content_type_id)
    detail = {}
    if isinstance(entry.changes, dict) and entry.changes:
        detail["fields"] = sorted(entry.changes)
    if entry.additional_data:
        detail["additional"] = entry.additional_data
    return {
        "event": _log_event(entry),
        "outcome": Outcome.SUCCESS,
        "ip": chain._address(entry.remote_addr) or client_address.get(),
        "detail": detail,
        "object_type": f"{content_type.app_label}.{content_type.model}",
        "object_id": "" if entry.object_pk is None else str(entry.object_pk),
        "object_repr": (entry.object_repr or "")[:REPR_LENGTH],
        "log_entry_id": entry.pk,
        "log_digest": chain.log_entry_digest(entry),
        **_actor_fields(actor),
    }


def _locked_head() -> ChainHead:
    """The chain head, locked until the caller's transaction ends (PostgreSQL); SQLite's
    IMMEDIATE transactions already let one writer in at a time.

    A database gets its head from migration 0003. One made here over a trail that has records
    (its head row deleted) cannot be vouched for: it is left unsealed, and ``audit verify``
    says so. Over an empty trail (a database emptied by a test) it starts sealed."""
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        last = AuditEvent.objects.order_by("-id").only("id", "hash").first()
        fresh = ChainHead(pk=1)
        fresh.mac = chain.head_seal(fresh)
        ChainHead.objects.get_or_create(
            pk=1,
            defaults={"last_id": last.id, "last_hash": last.hash} if last else {"mac": fresh.mac},
        )
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def _move_head(head: ChainHead, **values) -> None:
    """Move the locked head and seal it again, but only if its seal held: a head moved by
    someone without the key stays unsealed however many records follow, so the break stays
    visible."""
    sealed = chain.head_sealed(head)
    for name, value in values.items():
        setattr(head, name, value)
    head.mac = chain.head_seal(head) if sealed else ""
    ChainHead.objects.filter(pk=1).update(mac=head.mac, **values)


def _append(rows: list[dict]) -> list[AuditEvent]:
    with transaction.atomic():
        head = _locked_head()
        now = timezone.now()
        prev_hash, next_id = head.last_hash, head.last_id + 1
        records = []
        for row in rows:
            record = AuditEvent(id=next_id, occurred_at=now, prev_hash=prev_hash, **row)
            record.detail = chain.json_safe(record.detail)
            record.hash = chain.record_hash(prev_hash, chain.record_fields(record))
            records.append(record)
            prev_hash, next_id = record.hash, next_id + 1
        AuditEvent.objects.bulk_create(records, batch_size=500)
        _move_head(head, last_id=next_id - 1, last_hash=prev_hash)
    return records


# --- purge ---


class PurgeRefused(Exception):
    pass


def retention_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.INNOPLAN_AUDIT_RETENTION_DAYS)


def purge(*, before: datetime | None = None, dry_run: bool = False) -> dict:
    """Remove audit records and change-log entries older than ``before`` (at most the
    retention's edge), in one transaction, and append an ``audit.purge`` record saying so.
    The hash of the last removed record becomes the anchor the remaining chain starts from."""
    from auditlog.models import LogEntry

    cutoff = retention_cutoff()
    if before is None:
        before = cutoff
    if before > cutoff:
        raise PurgeRefused(
            _(
                "Refused: records are kept for %(days)s days, so nothing after %(cutoff)s "
                "may be purged."
            )
            % {
                "days": settings.INNOPLAN_AUDIT_RETENTION_DAYS,
                "cutoff": timezone.localtime(cutoff).strftime("%Y-%m-%d %H:%M"),
            }
        )
    with transaction.atomic():
        head = _locked_head()
        first_kept = AuditEvent.objects.filter(occurred_at__gte=before).order_by("id").first()
        last_removed_id = (first_kept.id - 1) if first_kept else head.last_id
        removed = AuditEvent.objects.filter(id__lte=last_removed_id).order_by("id")
        span = removed.aggregate(first=models.Min("id"), last=models.Max("id"))
        oldest = removed.values_list("occurred_at", flat=True).first()
        newest = removed.order_by("-id").values_list("occurred_at", flat=True).first()
        events_count = removed.count()
        kept_entries = AuditEvent.objects.filter(
            id__gt=last_removed_id, log_entry_id__isnull=False
        ).values("log_entry_id")
        entries = LogEntry.objects.filter(timestamp__lt=before).exclude(pk__in=kept_entries)
        entries_count = entries.count()
        anchor = None
        if events_count:
            anchor_record = AuditEvent.objects.only("id", "hash").get(id=span["last"])
            anchor = {"id": anchor_record.id, "hash": anchor_record.hash}
        summary = {
            "before": chain.utc_text(before),
            "records": events_count,
            "log_entries": entries_count,
            "first_id": span["first"],
            "last_id": span["last"],
            "oldest": chain.utc_text(oldest),
            "newest": chain.utc_text(newest),
            "anchor": anchor,
        }
        if dry_run:
            transaction.set_rollback(True)
            return summary
        entries._raw_delete(entries.db)
        removed.order_by()._purge()
        if anchor:
            _move_head(head, anchor_id=anchor["id"], anchor_hash=anchor["hash"])
        record_event(Event.AUDIT_PURGE, detail=summary)
    return summary
