"""Each security event, done the way a user does it, leaves one record with the user, the
client address and the outcome."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from innoplan.audit.events import Event, Outcome
from innoplan.audit.models import AuditEvent
from innoplan.imports.models import ImportJob
from tests.conftest import PASSWORD
from tests.registry.builders import credit_code, id_number, make_organisation, make_talent
from tests.spreadsheets import ORG_HEADERS, xlsx

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def _login(client, username, password, ip="10.0.0.1", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def _only(event) -> AuditEvent:
    return AuditEvent.objects.get(event=event)


def test_a_login_is_recorded_with_user_and_address(plan_owner):
    assert _login(Client(), "owner", PASSWORD, ip="10.0.0.5").status_code == 302
    record = _only(Event.LOGIN_SUCCESS)
    assert (record.actor, record.ip, record.outcome) == (plan_owner, "10.0.0.5", "success")


def test_a_login_behind_a_trusted_proxy_records_the_client(settings, plan_owner):
    settings.TRUSTED_PROXIES = ["10.0.0.254"]
    response = _login(
        Client(),
        "owner",
        PASSWORD,
        ip="10.0.0.254",
        HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.23",
    )
    assert response.status_code == 302
    assert _only(Event.LOGIN_SUCCESS).ip == "198.51.100.23"


def test_a_failed_login_is_recorded_without_the_password(plan_owner):
    response = _login(Client(), "owner", "Wrong-password-77", ip="10.0.0.6")
    assert response.status_code == 200
    record = _only(Event.LOGIN_FAILURE)
    assert (record.actor, record.ip, record.outcome) == (plan_owner, "10.0.0.6", "failure")
    assert record.detail == {"username": "owner", "locked_out": False}
    stored = str(AuditEvent.objects.values().get(pk=record.pk))
    assert "Wrong-password-77" not in stored
    assert not AuditEvent.objects.filter(event=Event.LOGIN_SUCCESS).exists()


def test_a_failed_login_for_an_unknown_name_keeps_the_name(db):
    _login(Client(), "nobody-here", "Wrong-password-77")
    record = _only(Event.LOGIN_FAILURE)
    assert (record.actor, record.actor_name) == (None, "nobody-here")


def test_a_logout_is_recorded(login_client, plan_owner):
    client = login_client(plan_owner, REMOTE_ADDR="10.0.0.7")
    assert client.post(reverse("accounts:logout")).status_code == 302
    record = _only(Event.LOGOUT)
    assert (record.actor, record.ip, record.outcome) == (plan_owner, "10.0.0.7", "success")


def test_a_lockout_is_recorded_once_with_the_attacked_account(plan_owner):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "owner", "Wrong-password-77", ip="10.0.0.8")
    assert _login(client, "owner", PASSWORD, ip="10.0.0.8").status_code == 429
    record = _only(Event.LOCKOUT)
    assert (record.actor, record.ip, record.outcome) == (plan_owner, "10.0.0.8", "denied")
    # Each attempt is a failed login, the last one refused while locked.
    failures = AuditEvent.objects.filter(event=Event.LOGIN_FAILURE).order_by("id")
    assert failures.count() == settings.AXES_FAILURE_LIMIT + 1
    assert failures.last().detail["locked_out"] is True
    assert not AuditEvent.objects.filter(event=Event.LOGIN_SUCCESS).exists()


def test_a_register_export_records_what_how_many_and_the_filters(login_client, leader):
    for n in range(3):
        make_organisation(f"智云{n}号公司")
    make_organisation("其他公司")
    client = login_client(leader, REMOTE_ADDR="10.0.0.9")
    response = client.get(reverse("registry:organisation_list"), {"q": "智云", "format": "xlsx"})
    assert response.status_code == 200
    record = _only(Event.EXPORT)
    assert (record.actor, record.ip, record.outcome) == (leader, "10.0.0.9", "success")
    assert record.object_type == "registry.organisation"
    assert record.detail["rows"] == 3
    assert record.detail["filters"] == {"q": "智云"}


def test_viewing_a_register_page_records_no_export(login_client, leader):
    login_client(leader).get(reverse("registry:organisation_list"), {"q": "智云"})
    assert not AuditEvent.objects.filter(event=Event.EXPORT).exists()


def test_an_import_template_download_is_recorded(login_client, plan_owner):
    client = login_client(plan_owner)
    response = client.get(reverse("registry:import_template", args=["organisations"]))
    assert response.status_code == 200
    record = _only(Event.EXPORT)
    assert record.detail["template"] == "organisations"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_an_import_confirm_is_recorded_and_its_rows_mirrored(media, login_client, plan_owner):
    from auditlog.models import LogEntry

    client = login_client(plan_owner, REMOTE_ADDR="10.0.0.10")
    rows = [
        [credit_code(), f"北京第{n}科技有限公司", "企业", "数字经济", "", "2020-01-01"]
        for n in range(3)
    ]
    client.post(
        reverse("registry:import_list"),
        {
            "importer": "organisations",
            "file": SimpleUploadedFile("a.xlsx", xlsx(ORG_HEADERS, rows)),
        },
    )
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.CHECKED, job.report
    client.post(reverse("registry:import_job_confirm", args=[job.pk]))
    record = _only(Event.IMPORT_CONFIRM)
    assert (record.actor, record.ip, record.outcome) == (plan_owner, "10.0.0.10", "success")
    assert record.object_type == "imports.importjob" and record.object_id == str(job.pk)
    assert record.detail["rows"] == 3 and record.detail["register"] == "organisations"
    # The bulk-written change-log entries are covered by one record of the batch, with the
    # importer and the address of the request.
    created = LogEntry.objects.filter(
        action=LogEntry.Action.CREATE, content_type__model="organisation"
    ).order_by("pk")
    assert created.count() == 3
    batch = AuditEvent.objects.get(event=Event.DATA_CREATE, object_type="registry.organisation")
    ids = list(created.values_list("pk", flat=True))
    assert batch.detail["entries"] == [[ids[0], ids[-1]]] and batch.detail["count"] == 3
    assert (batch.actor, batch.ip) == (plan_owner, "10.0.0.10")

    # Confirming again is refused, and that is recorded as a failure.
    client.post(reverse("registry:import_job_confirm", args=[job.pk]))
    assert (
        AuditEvent.objects.filter(event=Event.IMPORT_CONFIRM, outcome=Outcome.FAILURE).count() == 1
    )


def test_unmasking_an_id_number_is_one_unmask_record(login_client, plan_owner):
    talent = make_talent("李静", number=id_number(12))
    client = login_client(plan_owner, REMOTE_ADDR="10.0.0.11")
    response = client.post(reverse("registry:talent_detail", args=[talent.pk]))
    assert talent.id_number() in response.content.decode()
    record = _only(Event.UNMASK)
    assert (record.actor, record.ip, record.outcome) == (plan_owner, "10.0.0.11", "success")
    assert record.object_type == "registry.talent" and record.object_id == str(talent.pk)
    assert record.log_entry_id is not None
    assert talent.id_number() not in str(AuditEvent.objects.values().get(pk=record.pk))
    assert not AuditEvent.objects.filter(event=Event.DATA_ACCESS).exists()


def test_a_data_change_through_a_page_records_the_client_address(
    settings, login_client, plan_owner
):
    """django-auditlog's own middleware would believe the left-most forwarded address."""
    settings.TRUSTED_PROXIES = ["10.0.0.254"]
    talent = make_talent("李静", number=id_number(12))
    client = login_client(
        plan_owner, REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.8"
    )
    client.post(reverse("registry:talent_detail", args=[talent.pk]))
    assert _only(Event.UNMASK).ip == "198.51.100.8"


def test_an_id_number_searched_for_is_masked_in_the_export_record(login_client, leader):
    talent = make_talent("李静", number=id_number(12))
    number = talent.id_number()
    response = login_client(leader).get(
        reverse("registry:talent_list"), {"q": number, "format": "xlsx"}
    )
    assert response.status_code == 200
    record = _only(Event.EXPORT)
    assert record.detail["rows"] == 1
    assert number not in str(AuditEvent.objects.values().get(pk=record.pk))
    assert record.detail["filters"]["q"] == number[:3] + "*" * 11 + number[-4:]
