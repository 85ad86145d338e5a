"""SQL-looking input is plain text: typed into every search box and filter of the registry,
the dashboard's date, the API's parameters and the audit trail's filters, it finds exactly
what a search for those characters finds (nothing, or the one record named so), never a
server error, and every table is still there afterwards. The application has no raw SQL
(``test_the_code_builds_no_sql_from_strings``); the ORM binds every value.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from innoplan.registry.models import Organisation
from tests.registry.builders import REGISTER_LISTS, make_organisation

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "innoplan"
INJECTIONS = [
    "'; DROP TABLE registry_organisation; --",
    "1 OR 1=1",
    "' OR '1'='1",
    "1' OR '1'='1' --",
    '" OR ""="',
    "%' OR 1=1 --",
    "1; SELECT * FROM accounts_user",
    "' UNION SELECT username, password FROM accounts_user --",
    "%",
    "_",
    "\\",
    "\x00",
]
# Every filter of the register lists that takes a value; choice filters answer an unknown
# value on the form, which shows every record unfiltered, never an error page.
FILTERS = ["q", "kind", "level", "industry", "town", "qualification", "as_of", "page", "sort"]


@pytest.fixture
def organisations(db):
    make_organisation("北京智云科技有限公司", settled_on=date(2020, 1, 1))
    make_organisation("通州运河数据有限公司", settled_on=date(2020, 1, 1))
    # One record whose name *is* an injection: a search for it finds it, and only it.
    return make_organisation(INJECTIONS[0], settled_on=date(2020, 1, 1))


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


def _listed(response) -> list[str]:
    return [str(row.record) for row in response.context["table"].paginated_rows]


@pytest.mark.parametrize("text", INJECTIONS)
def test_a_search_for_sql_finds_only_what_contains_those_characters(
    client, leader, organisations, text
):
    tables = _tables()
    client.force_login(leader)
    response = client.get(reverse("registry:organisation_list"), {"q": text})
    assert response.status_code == 200
    everyone = sorted(o.name for o in Organisation.objects.all())
    if response.context["filter"].form.errors:
        # A search the form refuses (a NUL character) is shown on the form and filters
        # nothing: the register as it is, never more.
        expected = everyone
    else:
        expected = [name for name in everyone if text.strip() in name] if text.strip() else everyone
    assert sorted(_listed(response)) == expected
    assert _tables() == tables
    assert Organisation.objects.count() == 3


@pytest.mark.parametrize("register", REGISTER_LISTS)
def test_every_filter_of_every_register_takes_sql_as_plain_text(
    client, leader, organisations, register
):
    tables = _tables()
    client.force_login(leader)
    url = reverse(f"registry:{register}_list")
    unfiltered = client.get(url)
    assert unfiltered.status_code == 200
    for name in FILTERS:
        for text in INJECTIONS:
            response = client.get(url, {name: text})
            assert response.status_code in (200, 404), (register, name, text)
            if response.status_code == 200:
                # Never more rows than the unfiltered list: no condition was widened.
                listed = response.context["table"].paginator.count
                assert listed <= unfiltered.context["table"].paginator.count
            response = client.get(url, {name: text, "format": "xlsx"})
            assert response.status_code in (200, 404), (register, name, text, "xlsx")
    # A parameter whose *name* is hostile is kept (in the export's audit record) as text too.
    for name in INJECTIONS:
        response = client.get(url, {name: "x", "format": "xlsx"})
        assert response.status_code == 200, (register, name)
    assert _tables() == tables
    assert Organisation.objects.count() == 3


def test_the_dashboard_and_indicator_dates_take_sql_as_plain_text(client, leader, indicator_of_a):
    client.force_login(leader)
    for text in INJECTIONS:
        for url in ("/", reverse("plans:indicator_detail", args=[indicator_of_a.pk])):
            response = client.get(url, {"as_of": text})
            assert response.status_code == 200, (url, text)
            assert response.context["as_of_error"], (url, text)


def test_the_api_refuses_sql_in_its_parameters(client, leader, indicator_of_a):
    client.force_login(leader)
    for text in INJECTIONS:
        response = client.get("/api/plans/figures", {"as_of": text})
        assert response.status_code == 422, text
        response = client.get(f"/api/plans/figures/{text}")
        assert response.status_code in (404, 422), text


def test_the_audit_filters_take_sql_as_plain_text(client, audit_admin, organisations):
    tables = _tables()
    client.force_login(audit_admin)
    url = reverse("audit:event_list")
    everything = client.get(url)
    assert everything.status_code == 200
    total = everything.context["page_obj"].paginator.count
    for name in ("user", "event", "outcome", "since", "until", "object_type", "q", "ip"):
        for text in INJECTIONS:
            response = client.get(url, {name: text})
            assert response.status_code == 200, (name, text)
            assert response.context["page_obj"].paginator.count <= total, (name, text)
    assert _tables() == tables


def test_a_login_name_of_sql_is_just_a_wrong_name(client, leader):
    for text in INJECTIONS[:8]:
        response = client.post(reverse("accounts:login"), {"username": text, "password": text})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session


def test_the_code_builds_no_sql_from_strings():
    """No raw SQL in the application: every value reaches the database as a bound parameter."""
    raw = re.compile(r"\.raw\(|\.extra\(|RawSQL\(|cursor\(\)|\.execute\(")
    found = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts and raw.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
