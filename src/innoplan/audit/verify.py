"""Walks the audit trail in order and finds the first link that does not hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from . import chain
from .events import Event
from .models import AuditEvent, ChainHead

CHUNK = 2000


@dataclass(frozen=True)
class Break:
    """The first record at which the chain does not hold, and why."""

    record_id: int
    occurred_at: datetime | None
    problem: str


@dataclass(frozen=True)
class Head:
    """What the chain head says, for the operator to compare with a copy kept elsewhere."""

    last_id: int
    last_hash: str
    sealed: bool


@dataclass(frozen=True)
class Result:
    records: int
    broken: Break | None
    head: Head | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify() -> Result:
    stored = ChainHead.objects.filter(pk=1).first()
    head = Head(stored.last_id, stored.last_hash, chain.head_sealed(stored)) if stored else None
    count, broken = _walk(stored or ChainHead(pk=1))
    if broken is None:
        broken = _head_problem(stored, head, count)
    return Result(count, broken, head)


def _head_problem(stored: ChainHead | None, head: Head | None, count: int) -> Break | None:
    """The head must exist once there is anything to audit, and carry its seal: a trail cut
    back from its end, or wiped, with the head moved to match, fails here."""
    if stored is None:
        if count or _holds_data():
            return Break(
                0,
                None,
                _(
                    "The chain head is missing: the trail is empty or cut short, yet the "
                    "database holds accounts or change-log entries."
                ),
            )
        return None
    if not head.sealed:
        return Break(
            stored.last_id,
            None,
            _(
                "The chain head's seal does not match its sequence and hash: the head was "
                "moved outside the trail (records cut from the end, or the trail wiped)."
            ),
        )
    if count == 0 and not stored.anchor_id and _holds_data():
        return Break(
            0,
            None,
            _("The trail is empty, yet the database holds accounts or change-log entries."),
        )
    return None


def _holds_data() -> bool:
    """Whether there is anything the trail should speak of: an account or a change-log
    entry (every register, plan and department change leaves one)."""
    from auditlog.models import LogEntry

    return get_user_model().objects.exists() or LogEntry.objects.exists()


def kept_head_problem(sequence: int, last_hash: str) -> str | None:
    """Check a head printed earlier (by ``audit verify`` or the daily anchor line) and kept
    outside the database: its record must still be in the trail with that hash, unless a purge
    has since removed it."""
    head = ChainHead.objects.filter(pk=1).first()
    if head is None or head.last_id < sequence:
        return _("The trail ends before the kept head #%(id)s: records were cut or wiped.") % {
            "id": sequence
        }
    record = AuditEvent.objects.filter(id=sequence).only("id", "hash").first()
    if record is None:
        if sequence <= head.anchor_id:
            return None  # purged since; the purge's own record says so
        return _("Record #%(id)s of the kept head is missing.") % {"id": sequence}
    if record.hash != last_hash:
        return _("Record #%(id)s no longer has the kept hash.") % {"id": sequence}
    return None


def _walk(head: ChainHead) -> tuple[int, Break | None]:
    from auditlog.models import LogEntry

    anchor_problem = _anchor_problem(head)
    if anchor_problem:
        return 0, Break(head.anchor_id, None, anchor_problem)
    expected_id, expected_prev = head.anchor_id + 1, head.anchor_hash
    count, last = 0, None
    deleted_users: dict[int, bool] = {}
    mirrored: set[int] = set()
    records = AuditEvent.objects.order_by("id")
    lower = head.anchor_id
    while True:
        batch = list(records.filter(id__gt=lower)[:CHUNK])
        if not batch:
            break
        lower = batch[-1].id
        entries = LogEntry.objects.in_bulk(
            [r.log_entry_id for r in batch if r.log_entry_id and not _is_batch(r)]
        )
        for record in batch:
            problem = _record_problem(record, expected_id, expected_prev)
            if problem is None and _is_batch(record):
                ids = chain.run_ids(record.detail["entries"])
                mirrored.update(ids)
                problem = _batch_problem(record, ids, deleted_users)
            elif problem is None and record.log_entry_id:
                mirrored.add(record.log_entry_id)
                problem = _entry_problem(record, entries.get(record.log_entry_id), deleted_users)
            if problem:
                return count, problem
            count += 1
            last = record
            expected_id, expected_prev = record.id + 1, record.hash
    if head.last_id and (last is None or head.last_id != last.id or head.last_hash != last.hash):
        missing_from = (last.id + 1) if last else head.anchor_id + 1
        return count, Break(
            missing_from,
            None,
            _("Records #%(first)s to #%(last)s are missing from the end of the trail.")
            % {"first": missing_from, "last": head.last_id},
        )
    if mirrored:
        unmirrored = (
            LogEntry.objects.filter(pk__gt=min(mirrored))
            .exclude(pk__in=mirrored)
            .order_by("pk")
            .values_list("pk", "timestamp")
            .first()
        )
        if unmirrored:
            return count, Break(
                0,
                unmirrored[1],
                _("Change-log entry #%(entry)s has no audit record.") % {"entry": unmirrored[0]},
            )
    return count, None


def _anchor_problem(head: ChainHead) -> str | None:
    """After a purge the chain starts from the anchor, which the purge's own (hashed)
    record repeats; an anchor moved by hand to hide removed records does not match it."""
    if not head.anchor_id:
        return None
    purges = AuditEvent.objects.filter(event=Event.AUDIT_PURGE).order_by("-id")
    for purge in purges.only("detail")[:50]:
        anchor = (purge.detail or {}).get("anchor")
        if anchor:
            if anchor == {"id": head.anchor_id, "hash": head.anchor_hash}:
                return None
            break
    return _("The chain's starting anchor does not match the last purge record.")


def _record_problem(record: AuditEvent, expected_id: int, expected_prev: str) -> Break | None:
    if record.id != expected_id:
        return Break(
            expected_id,
            None,
            _("Record #%(missing)s is missing (the next record is #%(next)s).")
            % {"missing": expected_id, "next": record.id},
        )
    if record.prev_hash != expected_prev:
        return Break(
            record.id,
            record.occurred_at,
            _("Its link to the previous record does not match (previous hash changed)."),
        )
    if chain.record_hash(record.prev_hash, chain.record_fields(record)) != record.hash:
        return Break(
            record.id, record.occurred_at, _("Its content does not match its hash (altered).")
        )
    if record.actor_id is not None and record.actor_id != record.actor_uid:
        return Break(record.id, record.occurred_at, _("Its user link was changed."))
    return None


def _is_batch(record: AuditEvent) -> bool:
    return isinstance(record.detail, dict) and "entries" in record.detail


def _deleted_actor(record: AuditEvent, entry, deleted_users: dict):
    """The record's user id when the entry lost its actor because that user was deleted."""
    if entry.actor_id is not None or not record.actor_uid:
        return None
    uid = record.actor_uid
    if uid not in deleted_users:
        deleted_users[uid] = not get_user_model().objects.filter(pk=uid).exists()
    return uid if deleted_users[uid] else None


def _batch_problem(record: AuditEvent, ids: list[int], deleted_users: dict) -> Break | None:
    from auditlog.models import LogEntry

    entries = LogEntry.objects.in_bulk(ids)
    missing = [pk for pk in ids if pk not in entries]
    if missing:
        return Break(
            record.id,
            record.occurred_at,
            _("Its change-log entry #%(entry)s is missing.") % {"entry": missing[0]},
        )
    for pk in ids:
        entry = entries[pk]
        actor_id = _deleted_actor(record, entry, deleted_users)
        if actor_id is not None:
            entry.actor_id = actor_id
    if chain.batch_digest(entries.values()) != record.log_digest:
        return Break(
            record.id,
            record.occurred_at,
            _("One of its %(count)s change-log entries (#%(first)s to #%(last)s) was altered.")
            % {"count": len(ids), "first": ids[0], "last": ids[-1]},
        )
    return None


def _entry_problem(record: AuditEvent, entry, deleted_users: dict) -> Break | None:
    if entry is None:
        return Break(
            record.id,
            record.occurred_at,
            _("Its change-log entry #%(entry)s is missing.") % {"entry": record.log_entry_id},
        )
    actor_id = _deleted_actor(record, entry, deleted_users)
    if chain.log_entry_digest(entry, actor_id=actor_id) != record.log_digest:
        return Break(
            record.id,
            record.occurred_at,
            _("Its change-log entry #%(entry)s was altered.") % {"entry": record.log_entry_id},
        )
    return None
