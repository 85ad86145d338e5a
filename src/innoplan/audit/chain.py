"""The keyed hash of an audit record and the digest of a change-log entry. No database here:
the same functions serve the append and the verification."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from datetime import UTC, datetime

from django.conf import settings

HASHED_FIELDS = (
    "id",
    "occurred_at",
    "actor_uid",
    "actor_name",
    "ip",
    "event",
    "outcome",
    "object_type",
    "object_id",
    "object_repr",
    "detail",
    "log_entry_id",
    "log_digest",
)


def canonical(value) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 text, times in UTC."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain
    )


def _plain(value):
    if isinstance(value, datetime):
        return utc_text(value)
    return str(value)


def utc_text(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def json_safe(value):
    """The value as it reads back from a JSON column, so that its hash does not change."""
    return json.loads(canonical(value))


def record_hash(prev_hash: str, fields: dict) -> str:
    payload = prev_hash + canonical({name: fields[name] for name in HASHED_FIELDS})
    key = settings.INNOPLAN_AUDIT_KEY.encode()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


HEAD_FIELDS = ("last_id", "last_hash", "anchor_id", "anchor_hash")


def head_mac(*, last_id: int, last_hash: str, anchor_id: int, anchor_hash: str) -> str:
    """The chain head's seal: an HMAC with the audit key over the last sequence number and
    hash, and the anchor a purge left. The last record's hash vouches for every record before
    it; the seal vouches that nothing was cut after it. Without the key, moving the head back
    over records cut from the end (or to zero over a wiped trail) leaves a seal that does not
    match. The prefix keeps a seal from ever passing for a record's hash."""
    payload = "audit-chain-head:" + canonical(
        {
            "last_id": last_id,
            "last_hash": last_hash,
            "anchor_id": anchor_id,
            "anchor_hash": anchor_hash,
        }
    )
    key = settings.INNOPLAN_AUDIT_KEY.encode()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def head_seal(head) -> str:
    """The seal the head's current values call for."""
    return head_mac(**{name: getattr(head, name) for name in HEAD_FIELDS})


def head_sealed(head) -> bool:
    """Whether the head carries the seal of its values."""
    return bool(head.mac) and hmac.compare_digest(head.mac, head_seal(head))


def record_fields(event) -> dict:
    """The hashed fields of a stored or about-to-be-stored record."""
    return {
        name: utc_text(event.occurred_at) if name == "occurred_at" else getattr(event, name)
        for name in HASHED_FIELDS
    }


def _address(value) -> str | None:
    if not value:
        return None
    try:
        return ipaddress.ip_address(str(value)).compressed
    except ValueError:
        return str(value)


def log_entry_digest(entry, *, actor_id=None) -> str:
    """SHA-256 of what a django-auditlog entry says: action, object, changes, actor, time.
    ``actor_id`` stands in for the entry's actor when that user has since been deleted."""
    content = {
        "id": entry.pk,
        "action": entry.action,
        "content_type": entry.content_type_id,
        "object_pk": None if entry.object_pk is None else str(entry.object_pk),
        "object_repr": entry.object_repr,
        "changes": entry.changes,
        "changes_text": entry.changes_text,
        "actor": entry.actor_id if actor_id is None else actor_id,
        "timestamp": utc_text(entry.timestamp),
        "remote_addr": _address(entry.remote_addr),
        "additional_data": entry.additional_data,
    }
    return hashlib.sha256(canonical(content).encode()).hexdigest()


def batch_digest(entries) -> str:
    """SHA-256 over the digests of a batch of entries, in the order of their ids."""
    digests = "".join(log_entry_digest(e) for e in sorted(entries, key=lambda e: e.pk))
    return hashlib.sha256(digests.encode()).hexdigest()


def id_runs(ids: list[int]) -> list[list[int]]:
    """[[first, last], …] of consecutive ids: a batch's entries, compactly."""
    runs: list[list[int]] = []
    for pk in sorted(ids):
        if runs and pk == runs[-1][1] + 1:
            runs[-1][1] = pk
        else:
            runs.append([pk, pk])
    return runs


def run_ids(runs) -> list[int]:
    return [pk for first, last in runs for pk in range(first, last + 1)]
