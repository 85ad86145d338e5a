"""The audit administrator's pages: only the audit administrator reads them (the system
administrator included gets 403), filters, detail, and an export that is itself recorded."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from innoplan.audit.events import Event, Outcome
from innoplan.audit.models import AuditEvent
from innoplan.audit.services import record_event

pytestmark = pytest.mark.django_db

LIST = reverse("audit:event_list")
OTHERS = ["sysadmin", "security_admin", "plan_owner", "reporter_a", "leader"]


@pytest.fixture
def auditor(login_client, audit_admin):
    return login_client(audit_admin, REMOTE_ADDR="10.0.0.30")


def test_the_audit_administrator_reads_the_list_and_a_record(auditor, plan_owner):
    record = record_event(Event.EXPORT, actor=plan_owner, detail={"rows": 7})
    response = auditor.get(LIST)
    assert response.status_code == 200
    assert 'data-testid="audit-link"' in response.content.decode()
    detail = auditor.get(reverse("audit:event_detail", args=[record.pk]))
    assert detail.status_code == 200
    page = detail.content.decode()
    assert record.hash in page and "owner" in page and "&quot;rows&quot;: 7" in page


@pytest.mark.parametrize("persona", OTHERS)
def test_everyone_else_is_refused(request, login_client, persona):
    user = request.getfixturevalue(persona)
    record = record_event(Event.LOGOUT, actor=user)
    client = login_client(user)
    assert client.get(LIST).status_code == 403
    assert client.get(LIST, {"format": "xlsx"}).status_code == 403
    assert client.get(reverse("audit:event_detail", args=[record.pk])).status_code == 403
    assert 'data-testid="audit-link"' not in client.get("/").content.decode()
    assert not AuditEvent.objects.filter(event=Event.AUDIT_EXPORT).exists()


def test_the_pages_change_nothing(auditor, plan_owner):
    record = record_event(Event.LOGOUT, actor=plan_owner)
    assert auditor.post(LIST).status_code == 405
    assert auditor.post(reverse("audit:event_detail", args=[record.pk])).status_code == 405


def test_the_list_is_newest_first_and_filters(auditor, plan_owner, leader):
    record_event(Event.LOGIN_FAILURE, actor="mallory", outcome=Outcome.FAILURE)
    record_event(Event.EXPORT, actor=plan_owner, detail={"rows": 1})
    record_event(Event.EXPORT, actor=leader, detail={"rows": 2})

    def listed(**query):
        return [r.pk for r in auditor.get(LIST, query).context["page_obj"]]

    everything = listed()
    assert everything == sorted(everything, reverse=True)
    exports = AuditEvent.objects.filter(event=Event.EXPORT)
    assert listed(event=Event.EXPORT) == sorted(exports.values_list("pk", flat=True))[::-1]
    assert listed(event=Event.EXPORT, user="lead") == [exports.get(actor=leader).pk]
    assert listed(outcome=Outcome.FAILURE) == [AuditEvent.objects.get(event=Event.LOGIN_FAILURE).pk]
    today = timezone.localdate()
    assert len(listed(since=today.isoformat(), until=today.isoformat())) == len(everything)
    assert listed(until=(today - timedelta(days=1)).isoformat()) == []
    assert listed(object="accounts.user") == list(
        AuditEvent.objects.filter(object_type="accounts.user").values_list("pk", flat=True)
    )


def test_a_bad_filter_value_shows_an_error_and_lists_nothing_wrong(auditor):
    response = auditor.get(LIST, {"since": "not-a-date", "event": "nope"})
    assert response.status_code == 200
    assert response.context["filter"].errors


def test_the_list_pages_with_a_pinned_number_of_queries(
    auditor, plan_owner, django_assert_max_num_queries
):
    for n in range(120):
        record_event(Event.EXPORT, actor=plan_owner, detail={"n": n})
    with django_assert_max_num_queries(12):
        response = auditor.get(LIST, {"page": 2})
    assert len(response.context["page_obj"]) == 50


def test_the_export_is_formula_safe_and_recorded(auditor, audit_admin, plan_owner):
    record_event(
        Event.LOGIN_FAILURE, actor='=HYPERLINK("http://evil.example","x")', outcome=Outcome.FAILURE
    )
    response = auditor.get(LIST, {"event": Event.LOGIN_FAILURE, "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    cell = sheet.cell(row=2, column=3)
    assert cell.data_type == "s" and cell.value.startswith("'=HYPERLINK(")
    recorded = AuditEvent.objects.get(event=Event.AUDIT_EXPORT)
    assert (recorded.actor, recorded.ip) == (audit_admin, "10.0.0.30")
    assert recorded.detail["rows"] == 1
    assert recorded.detail["filters"] == {"event": Event.LOGIN_FAILURE}


def test_the_change_log_admin_is_gone(login_client, sysadmin):
    client = login_client(sysadmin)
    assert client.get("/admin/auditlog/logentry/").status_code == 404
    assert client.get("/admin/audit/auditevent/").status_code == 404


def test_a_batch_record_lists_the_records_it_covers(auditor):
    from tests.audit.test_verify import _bulk_entries

    entries = _bulk_entries(3)
    batch = AuditEvent.objects.order_by("id").last()
    page = auditor.get(reverse("audit:event_detail", args=[batch.pk])).content.decode()
    assert 'data-testid="batch-entries"' in page
    assert all(f"#{e.pk}" in page and e.object_repr in page for e in entries)


def test_the_pages_say_objects_fields_and_filters_in_chinese(auditor, plan_owner):
    """An audit administrator reads 机构 and 名称, not registry.organisation and name_initials,
    and the filters are Chinese down to their empty choice."""
    from auditlog.context import set_actor

    from tests.registry.builders import make_organisation

    with set_actor(plan_owner):
        organisation = make_organisation("北京甲科技有限公司")
        organisation.name = "北京乙科技有限公司"
        organisation.save()
    technical = ["registry.organisation", "accounts.user", "accounts.department", "---------"]

    def shown(html: str) -> str:
        return re.sub(r'(value|title)="[^"]*"', "", html)  # what a reader sees

    listing = auditor.get(LIST).content.decode()
    for name in technical:
        assert name not in shown(listing), name
    assert "北京乙科技有限公司 <span" in listing and ">机构 #" in listing
    assert '<option value="registry.organisation">机构</option>' in listing

    changes = AuditEvent.objects.filter(object_type="registry.organisation")
    by_type = auditor.get(LIST, {"object_type": "registry.organisation"})
    assert [r.pk for r in by_type.context["page_obj"]] == sorted(
        changes.values_list("pk", flat=True), reverse=True
    )

    update = changes.get(event=Event.DATA_UPDATE)
    detail = auditor.get(reverse("audit:event_detail", args=[update.pk])).content.decode()
    for name in [*technical, "data.update", "<td>name</td>", "<td>name_initials</td>"]:
        assert name not in shown(detail), name
    assert "<td>名称</td>" in detail and ">机构 #" in detail

    sheet = load_workbook(BytesIO(auditor.get(LIST, {"format": "xlsx"}).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("对象类型")
    assert "registry.organisation" not in {row[column] for row in rows[1:]}
    assert "机构" in {row[column] for row in rows[1:]}
