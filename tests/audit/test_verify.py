"""`innoplan audit verify` finds the first broken link; `innoplan audit purge` removes only
what is past the retention period, records itself, and leaves a chain that still verifies."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.utils import timezone

from innoplan.audit.events import Event
from innoplan.audit.models import AuditEvent, ChainHead
from innoplan.audit.services import record_event
from innoplan.registry.models import Organisation
from tests.registry.builders import make_organisation

pytestmark = pytest.mark.django_db


def _bypass():
    """A plain queryset, without the trail's guards: what someone with database access has."""
    return models.QuerySet(AuditEvent)


@pytest.fixture
def trail(plan_owner):
    for n in range(3):
        record_event(Event.EXPORT, actor=plan_owner, detail={"n": n})
    make_organisation("北京智云科技有限公司")
    for n in range(3):
        record_event(Event.LOGOUT, actor=plan_owner, detail={"n": n})
    return list(AuditEvent.objects.order_by("id"))


def test_an_untouched_trail_is_intact(trail, verify_output):
    assert verify_output() == (0, f"{len(trail)} records, chain intact")


def test_an_empty_trail_is_intact(db, verify_output):
    assert verify_output() == (0, "0 records, chain intact")


@pytest.mark.parametrize(
    "change",
    [
        {"outcome": "failure"},
        {"actor_name": "someone"},
        {"ip": "10.0.0.66"},
        {"detail": {"n": 99}},
        {"occurred_at": timezone.now() - timedelta(days=400)},
        {"event": Event.LOGIN_SUCCESS},
    ],
)
def test_a_changed_field_is_reported_at_that_record(trail, verify_output, change):
    target = trail[len(trail) // 2]
    _bypass().filter(pk=target.pk).update(**change)
    status, message = verify_output()
    assert status == 1
    assert f"Broken at record #{target.pk} " in message
    assert "does not match its hash" in message


def test_a_changed_link_is_reported_at_that_record(trail, verify_output):
    target = trail[2]
    _bypass().filter(pk=target.pk).update(prev_hash="0" * 64)
    status, message = verify_output()
    assert status == 1 and f"Broken at record #{target.pk} " in message


def test_a_changed_log_entry_is_reported_at_the_record_that_mirrors_it(trail, verify_output):
    mirror = AuditEvent.objects.filter(object_type="registry.organisation").get()
    LogEntry.objects.filter(pk=mirror.log_entry_id).update(changes={"name": ["None", "别的公司"]})
    status, message = verify_output()
    assert status == 1
    assert f"Broken at record #{mirror.pk} " in message
    assert f"change-log entry #{mirror.log_entry_id} was altered" in message


def test_a_deleted_log_entry_is_reported(trail, verify_output):
    mirror = AuditEvent.objects.filter(object_type="registry.organisation").get()
    LogEntry.objects.filter(pk=mirror.log_entry_id)._raw_delete("default")
    status, message = verify_output()
    assert status == 1 and f"Broken at record #{mirror.pk} " in message
    assert "is missing" in message


def test_a_log_entry_slipped_in_without_a_record_is_reported(trail, verify_output):
    organisation = Organisation.objects.get()
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=ContentType.objects.get_for_model(Organisation),
                object_pk=str(organisation.pk),
                object_repr="forged",
                action=LogEntry.Action.UPDATE,
                changes={},
            )
        ]
    )
    status, message = verify_output()
    assert status == 1 and "has no audit record" in message


def _bulk_entries(count=4):
    from innoplan.audit.services import record_log_entries

    content_type = ContentType.objects.get_for_model(Organisation)
    entries = LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=str(1000 + n),
                object_repr=f"公司{n}",
                action=LogEntry.Action.CREATE,
                changes={"name": ["None", f"公司{n}"]},
                additional_data={"import": "organisations"},
            )
            for n in range(count)
        ]
    )
    record_log_entries(entries)
    return entries


def test_a_bulk_batch_is_one_record_that_covers_every_entry(trail, verify_output):
    entries = _bulk_entries()
    batch = AuditEvent.objects.order_by("id").last()
    assert batch.detail["count"] == 4
    assert batch.detail["entries"] == [[entries[0].pk, entries[-1].pk]]
    assert verify_output() == (0, f"{AuditEvent.objects.count()} records, chain intact")


def test_a_changed_entry_of_a_bulk_batch_is_reported_at_the_batch(trail, verify_output):
    entries = _bulk_entries()
    batch = AuditEvent.objects.order_by("id").last()
    LogEntry.objects.filter(pk=entries[2].pk).update(object_repr="别的公司")
    status, message = verify_output()
    assert status == 1 and f"Broken at record #{batch.pk} " in message
    assert "was altered" in message


def test_a_deleted_entry_of_a_bulk_batch_is_reported_by_its_number(trail, verify_output):
    entries = _bulk_entries()
    batch = AuditEvent.objects.order_by("id").last()
    LogEntry.objects.filter(pk=entries[1].pk)._raw_delete("default")
    status, message = verify_output()
    assert status == 1 and f"Broken at record #{batch.pk} " in message
    assert f"entry #{entries[1].pk} is missing" in message


def test_a_record_deleted_from_the_middle_is_reported_by_its_number(trail, verify_output):
    target = trail[3]
    _bypass().filter(pk=target.pk)._raw_delete("default")
    status, message = verify_output()
    assert status == 1
    assert f"Broken at record #{target.pk} " in message
    assert "is missing" in message


def test_records_cut_from_the_end_are_reported(trail, verify_output):
    """The head still names the last record: the cut is seen at once."""
    _bypass().filter(pk=trail[-1].pk)._raw_delete("default")
    status, message = verify_output()
    assert status == 1 and f"#{trail[-1].pk}" in message and "end of the trail" in message


def test_a_rewritten_record_with_a_recomputed_plain_hash_is_still_caught(trail, verify_output):
    """Without the key, a forger cannot compute a hash that verifies."""
    import hashlib

    target = trail[1]
    forged = hashlib.sha256(b"forged").hexdigest()
    _bypass().filter(pk=target.pk).update(outcome="failure", hash=forged)
    _bypass().filter(pk=trail[2].pk).update(prev_hash=forged)
    status, message = verify_output()
    assert status == 1 and f"Broken at record #{target.pk} " in message


# --- purge ----------------------------------------------------------------------------------


@pytest.fixture
def old_and_new(monkeypatch, db):
    """Records and change-log entries from 200 days ago, then from today."""
    from innoplan.accounts.models import User

    real_now = timezone.now
    past = real_now() - timedelta(days=200)
    monkeypatch.setattr(timezone, "now", lambda: past)
    old = [record_event(Event.LOGIN_FAILURE, actor="someone", detail={"n": n}) for n in range(3)]
    content_type = ContentType.objects.get_for_model(User)
    old_entry = LogEntry.objects.create(
        content_type=content_type,
        object_pk="1",
        object_repr="someone",
        action=LogEntry.Action.UPDATE,
        changes={"first_name": ["", "Old"]},
        timestamp=past,
    )
    monkeypatch.setattr(timezone, "now", real_now)
    plan_owner = User.objects.create_user(username="owner", password="Innoplan-2024!")
    new = [record_event(Event.EXPORT, actor=plan_owner, detail={"new": n}) for n in range(2)]
    new_entry = LogEntry.objects.create(
        content_type=content_type,
        object_pk=str(plan_owner.pk),
        object_repr=str(plan_owner),
        action=LogEntry.Action.UPDATE,
        changes={"first_name": ["Old", "New"]},
    )
    return old, new, old_entry, new_entry


def test_purge_removes_only_what_is_past_retention_and_records_itself(old_and_new, verify_output):
    old, new, old_entry, new_entry = old_and_new
    before_count = AuditEvent.objects.count()
    old_records = AuditEvent.objects.filter(occurred_at__lt=timezone.now() - timedelta(days=184))
    removed_ids = set(old_records.values_list("id", flat=True))
    assert {r.id for r in old} <= removed_ids
    out = StringIO()
    call_command("audit", "purge", stdout=out)
    assert "Removed" in out.getvalue()

    assert not AuditEvent.objects.filter(id__in=removed_ids).exists()
    assert AuditEvent.objects.filter(id__in=[r.id for r in new]).count() == 2
    assert not LogEntry.objects.filter(pk=old_entry.pk).exists()
    assert LogEntry.objects.filter(pk=new_entry.pk).exists()

    purge = AuditEvent.objects.get(event=Event.AUDIT_PURGE)
    last_removed = max(removed_ids)
    assert purge.detail["records"] == len(removed_ids)
    assert purge.detail["log_entries"] >= 1
    assert purge.detail["first_id"] == min(removed_ids)
    assert purge.detail["last_id"] == last_removed
    assert purge.detail["anchor"]["id"] == last_removed
    head = ChainHead.objects.get()
    assert (head.anchor_id, head.anchor_hash) == (last_removed, purge.detail["anchor"]["hash"])
    assert AuditEvent.objects.count() == before_count - len(removed_ids) + 1
    assert verify_output() == (0, f"{AuditEvent.objects.count()} records, chain intact")


def test_a_dry_run_removes_nothing(old_and_new, verify_output):
    count, entries = AuditEvent.objects.count(), LogEntry.objects.count()
    out = StringIO()
    call_command("audit", "purge", "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue()
    assert (AuditEvent.objects.count(), LogEntry.objects.count()) == (count, entries)


def test_purge_refuses_a_date_inside_the_retention_period(old_and_new):
    count = AuditEvent.objects.count()
    recent = (timezone.localdate() - timedelta(days=100)).isoformat()
    with pytest.raises(CommandError, match="kept for 184 days"):
        call_command("audit", "purge", "--before", recent)
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("audit", "purge", "--before", "yesterday")
    assert AuditEvent.objects.count() == count


def test_an_anchor_moved_by_hand_after_a_purge_is_reported(old_and_new, verify_output):
    call_command("audit", "purge", stdout=StringIO())
    first_kept = AuditEvent.objects.order_by("id").first()
    # Hiding more removed records would need the anchor moved on; the purge record says where.
    _bypass().filter(pk=first_kept.pk)._raw_delete("default")
    ChainHead.objects.filter(pk=1).update(anchor_id=first_kept.pk, anchor_hash=first_kept.hash)
    status, message = verify_output()
    assert status == 1 and "anchor" in message


def test_records_removed_from_the_start_without_a_purge_are_reported(trail, verify_output):
    _bypass().filter(pk=trail[0].pk)._raw_delete("default")
    status, message = verify_output()
    assert status == 1 and f"Broken at record #{trail[0].pk} " in message


# --- the sealed head: truncation and wipes ----------------------------------------------------


def _move_head_back_to(record):
    """What one with database access but without the audit key can do after cutting the tail:
    point the head at the last record left."""
    ChainHead.objects.filter(pk=1).update(last_id=record.id, last_hash=record.hash)


def test_verify_prints_the_count_and_the_head_to_compare_with_a_copy_kept_elsewhere(
    trail, verify_output
):
    head = ChainHead.objects.get()
    status, printed = verify_output(full=True)
    assert status == 0
    assert printed.splitlines()[0] == f"{len(trail)} records, chain intact"
    assert f"sequence {trail[-1].id}" in printed
    assert f"last hash {trail[-1].hash}" in printed
    assert (head.last_id, head.last_hash) == (trail[-1].id, trail[-1].hash)


def test_records_cut_from_the_end_with_the_head_moved_back_are_reported(trail, verify_output):
    _bypass().filter(pk__in=[r.pk for r in trail[-2:]])._raw_delete("default")
    _move_head_back_to(trail[-3])
    status, message = verify_output()
    assert status == 1
    assert "head" in message and "seal" in message


def test_a_head_moved_back_stays_reported_after_new_records(trail, verify_output):
    """Appending after the cut does not launder it: the next head is sealed only if the one it
    extends was."""
    _bypass().filter(pk=trail[-1].pk)._raw_delete("default")
    _move_head_back_to(trail[-2])
    record_event(Event.LOGOUT)
    status, message = verify_output()
    assert status == 1 and "seal" in message


def test_a_wiped_trail_is_reported_on_a_database_that_has_accounts(trail, verify_output):
    _bypass().all()._raw_delete("default")
    ChainHead.objects.all().delete()
    status, message = verify_output()
    assert status == 1
    assert "empty" in message


def test_a_wiped_trail_with_the_head_reset_is_reported(trail, verify_output):
    _bypass().all()._raw_delete("default")
    ChainHead.objects.filter(pk=1).update(last_id=0, last_hash="")
    status, message = verify_output()
    assert status == 1 and "seal" in message


def test_a_wiped_trail_with_a_new_databases_seal_copied_in_is_reported(trail, verify_output):
    """The seal of an empty head is the same in every database with this key: one who saw it
    once may copy it back over a wiped trail. The accounts and change-log entries left show
    the wipe."""
    from innoplan.audit.chain import head_mac

    _bypass().all()._raw_delete("default")
    fresh = head_mac(last_id=0, last_hash="", anchor_id=0, anchor_hash="")
    ChainHead.objects.filter(pk=1).update(last_id=0, last_hash="", mac=fresh)
    status, message = verify_output()
    assert status == 1 and "empty" in message


def test_a_forged_seal_is_reported(trail, verify_output):
    import hashlib

    ChainHead.objects.filter(pk=1).update(mac=hashlib.sha256(b"forged").hexdigest())
    status, message = verify_output()
    assert status == 1 and "seal" in message


def test_the_migration_seals_an_existing_head(trail, verify_output):
    """Heads written before the seal existed get it from migration 0003 (run it after `audit
    verify` has passed on the old version)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("innoplan.audit.migrations.0003_chain_head_mac")
    ChainHead.objects.filter(pk=1).update(mac="")
    assert verify_output()[0] == 1
    migration.seal_head(apps, None)
    assert verify_output() == (0, f"{len(trail)} records, chain intact")


def _verify_with_kept(kept: str) -> tuple[int, str]:
    from io import StringIO

    out = StringIO()
    try:
        call_command("audit", "verify", "--kept", kept, stdout=out)
    except CommandError as error:
        return error.returncode, str(error)
    return 0, out.getvalue()


def test_a_kept_head_shows_a_trail_wiped_and_begun_again(trail):
    """A trail wiped with its head and then begun afresh carries a valid seal; the head kept
    outside the database (the daily anchor line) is what shows it."""
    kept = f"{trail[-1].id}:{trail[-1].hash}"
    assert _verify_with_kept(kept)[0] == 0
    _bypass().all()._raw_delete("default")
    ChainHead.objects.all().delete()
    for _ in range(len(trail) + 2):
        record_event(Event.LOGOUT)
    status, message = _verify_with_kept(kept)
    assert status == 1 and f"kept head #{trail[-1].id}" in message


def test_a_kept_head_that_was_purged_since_still_holds(old_and_new):
    old = old_and_new[0]
    kept = f"{old[-1].id}:{old[-1].hash}"
    call_command("audit", "purge", stdout=StringIO())
    assert _verify_with_kept(kept)[0] == 0
    with pytest.raises(CommandError, match="SEQUENCE:HASH"):
        call_command("audit", "verify", "--kept", "yesterday")


def test_an_earlier_head_copied_back_over_a_cut_is_shown_by_the_kept_head(trail, verify_output):
    """A head row saved earlier, seal and all, and copied back after the records since were
    cut, carries a valid seal: only a head kept outside the database shows the cut."""
    saved = ChainHead.objects.values("last_id", "last_hash", "mac").get()
    later = [record_event(Event.EXPORT, detail={"n": n}) for n in range(3)]
    kept = f"{later[-1].id}:{later[-1].hash}"
    _bypass().filter(pk__in=[r.pk for r in later])._raw_delete("default")
    ChainHead.objects.filter(pk=1).update(**saved)
    assert verify_output()[0] == 0  # the seal alone cannot tell
    status, message = _verify_with_kept(kept)
    assert status == 1 and "ends before the kept head" in message
