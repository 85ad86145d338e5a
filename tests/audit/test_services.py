"""Appending to the trail: who, from where, what; chained; in the caller's transaction; and
nothing changes or removes a record or a change-log entry."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.db import transaction
from django.test import RequestFactory

from innoplan.audit import chain
from innoplan.audit.events import Event, Outcome
from innoplan.audit.models import AppendOnlyError, AuditEvent, ChainHead
from innoplan.audit.services import record_event
from innoplan.registry.models import Organisation
from tests.registry.builders import make_organisation

pytestmark = pytest.mark.django_db


def _request(user=None, **meta):
    request = RequestFactory().get("/registry/", **meta)
    if user is not None:
        request.user = user
    return request


def test_a_record_takes_the_user_and_address_from_the_request(plan_owner):
    record = record_event(
        Event.EXPORT,
        request=_request(plan_owner, REMOTE_ADDR="10.1.2.3"),
        obj=Organisation,
        detail={"rows": 3},
    )
    stored = AuditEvent.objects.get(event=Event.EXPORT)
    assert stored.pk == record.pk
    assert (stored.actor, stored.actor_uid, stored.actor_name) == (
        plan_owner,
        plan_owner.pk,
        "owner",
    )
    assert stored.ip == "10.1.2.3"
    assert stored.object_type == "registry.organisation"
    assert stored.outcome == Outcome.SUCCESS
    assert stored.detail == {"rows": 3}
    assert stored.hash == chain.record_hash(stored.prev_hash, chain.record_fields(stored))


def test_behind_a_trusted_proxy_the_client_address_is_recorded(settings, plan_owner):
    settings.TRUSTED_PROXIES = ["192.168.0.9"]
    request = _request(
        plan_owner,
        REMOTE_ADDR="192.168.0.9",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7",
    )
    record = record_event(Event.EXPORT, request=request)
    # The left-most address is whatever the client wrote; the proxy appended the real one.
    assert record.ip == "203.0.113.7"


def test_an_untrusted_forwarded_header_is_ignored(plan_owner):
    request = _request(plan_owner, REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert record_event(Event.EXPORT, request=request).ip == "10.9.9.9"


def test_an_explicit_actor_and_object_win(plan_owner, leader):
    organisation = make_organisation("=cmd|' /C calc'!A0")
    record = record_event(
        Event.ROLE_GRANT, request=_request(plan_owner), actor=leader, obj=organisation
    )
    assert record.actor == leader
    assert record.object_id == str(organisation.pk)
    assert record.object_repr == str(organisation)


def test_each_record_is_chained_to_the_one_before():
    first = record_event(Event.LOGOUT)
    second = record_event(Event.LOGOUT)
    assert second.id == first.id + 1
    assert second.prev_hash == first.hash
    head = ChainHead.objects.get()
    assert (head.last_id, head.last_hash) == (second.id, second.hash)


def test_an_unknown_event_or_outcome_is_refused():
    with pytest.raises(ValueError):
        record_event("login.sucess")
    with pytest.raises(ValueError):
        record_event(Event.LOGOUT, outcome="maybe")
    assert not AuditEvent.objects.exists()


def test_a_rolled_back_write_leaves_no_record(plan_owner):
    last = AuditEvent.objects.order_by("id").last()
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(Event.EXPORT, actor=plan_owner)
        make_organisation("北京智云科技有限公司")
        raise RuntimeError
    assert AuditEvent.objects.order_by("id").last() == last
    # … and the chain carries on from where it was.
    record = record_event(Event.EXPORT, actor=plan_owner)
    assert (record.id, record.prev_hash) == (last.id + 1, last.hash)


def test_a_data_change_is_mirrored_with_the_digest_of_its_log_entry(plan_owner):
    organisation = make_organisation("北京智云科技有限公司")
    entry = LogEntry.objects.get_for_object(organisation).get()
    record = AuditEvent.objects.get(log_entry_id=entry.pk)
    assert record.event == Event.DATA_CREATE
    assert record.object_type == "registry.organisation"
    assert record.object_id == str(organisation.pk)
    assert record.log_digest == chain.log_entry_digest(LogEntry.objects.get(pk=entry.pk))

    organisation.name = "北京智云科技股份有限公司"
    organisation.save()
    update = AuditEvent.objects.get(event=Event.DATA_UPDATE)
    assert "name" in update.detail["fields"]
    organisation.delete()
    assert AuditEvent.objects.filter(event=Event.DATA_DELETE).count() == 1


def test_a_stored_record_cannot_be_saved_or_deleted():
    record = record_event(Event.LOGOUT)
    stored = AuditEvent.objects.get(pk=record.pk)
    stored.outcome = Outcome.FAILURE
    with pytest.raises(AppendOnlyError):
        stored.save()
    with pytest.raises(AppendOnlyError):
        stored.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=record.pk).update(outcome=Outcome.FAILURE)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([stored], ["outcome"])
    with pytest.raises(AppendOnlyError):
        AuditEvent(event=Event.LOGOUT).save()
    assert AuditEvent.objects.get(pk=record.pk).outcome == Outcome.SUCCESS


def test_a_change_log_entry_cannot_be_deleted():
    organisation = make_organisation("北京智云科技有限公司")
    entry = LogEntry.objects.get_for_object(organisation).get()
    # Each attempt in its own savepoint: a refused deletion spoils the transaction it is in.
    with pytest.raises(AppendOnlyError), transaction.atomic():
        entry.delete()
    with pytest.raises(AppendOnlyError), transaction.atomic():
        LogEntry.objects.all().delete()
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_deleting_a_user_keeps_the_trail_verifiable(verify_output, departments):
    from auditlog.context import set_actor

    from innoplan.accounts.models import User

    user = User.objects.create_user(username="temp", password="Temp-pass-2024!")

    record_event(Event.LOGIN_SUCCESS, actor=user)
    with set_actor(user):
        make_organisation("北京智云科技有限公司")
    user.delete()
    assert LogEntry.objects.filter(actor__isnull=True, action=LogEntry.Action.CREATE).exists()
    record = AuditEvent.objects.get(event=Event.LOGIN_SUCCESS)
    assert record.actor is None and record.actor_name == "temp"
    assert verify_output() == (0, f"{AuditEvent.objects.count()} records, chain intact")


def test_every_event_the_code_records_is_a_known_event():
    import re
    from pathlib import Path

    import innoplan

    source = Path(innoplan.__file__).parent
    named = set()
    for path in source.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        named |= set(re.findall(r"(?:record_event|_record)\(\s*\"([a-z_.]+)\"", text))
    assert named, "the search found no call"
    assert named <= set(Event.values), named - set(Event.values)
