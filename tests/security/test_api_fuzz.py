"""API fuzzing: schemathesis generates requests from the API's own OpenAPI schema and sends
them in-process (WSGI) to the real application, signed in as each role. Every answer must be
a non-5xx that conforms to the schema (status code documented, content type, body schema,
headers); anonymous callers get 401 and no data.

Examples are few and derandomised, so a run takes seconds and fails the same way twice.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

SCHEMA_PATH = "/api/openapi.json"
LOGIN_URL = "/accounts/login/"
ROLES = [
    "plan_owner",
    "reporter_a",
    "leader",
    "sysadmin",
    "security_admin",
    "audit_admin",
]
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
FUZZ = hypothesis_settings(
    max_examples=15,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def data(indicator_of_a, indicator_of_b, reporter_a, plan_owner):
    """The plan with figures on both departments' indicators, so answers carry data."""
    from datetime import date
    from decimal import Decimal

    from innoplan.plans.services import reported_value_approve, reported_value_submit

    figure = reported_value_submit(
        indicator=indicator_of_a,
        period_kind="month",
        period_start=date(2025, 1, 1),
        value=Decimal(800),
        actor=reporter_a,
    )
    reported_value_approve(value=figure, actor=plan_owner)
    return indicator_of_a, indicator_of_b


def _run(fuzz) -> None:
    """Run the fuzzing with the requests going through the WSGI handler in this thread. The
    handler closes database connections at the start and end of each request
    (close_old_connections), which would close the connection holding the test's transaction
    on PostgreSQL; Django's own test client unhooks it the same way (and hooks it back after
    each of its requests, so this is done around every fuzzing run)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        fuzz()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _schema(cookies: dict):
    """The schema as the API serves it to a signed-in caller, bound to the WSGI application
    so that every generated request goes through the whole middleware stack in-process."""
    client = Client()
    client.cookies.load(cookies)
    response = client.get(SCHEMA_PATH)
    assert response.status_code == 200, response.status_code
    raw = json.loads(response.content)
    # The session is the test's to give (signed in as a role, or not at all); without this,
    # schemathesis would fuzz the session cookie the security scheme names, too.
    raw.get("components", {}).pop("securitySchemes", None)
    for operations in raw["paths"].values():
        for operation in operations.values():
            operation.pop("security", None)
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()
    schema.location = SCHEMA_PATH
    return schema


def _session_cookie(request, role: str) -> dict:
    user = request.getfixturevalue(role)
    client = request.getfixturevalue("login_client")(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def _operations(schema):
    found = [result.ok() for result in schema.get_all_operations()]
    assert found, "the API schema lists no operation"
    return found


def test_the_schema_is_served_and_lists_the_plan_operations(client, leader):
    client.force_login(leader)
    response = client.get(SCHEMA_PATH)
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    assert "/api/plans/figures" in paths
    assert "/api/plans/figures/{indicator_id}" in paths


@pytest.mark.parametrize("role", ROLES)
def test_fuzzed_requests_as_each_role_never_fail_the_server_or_the_schema(request, role, data):
    cookies = _session_cookie(request, role)
    schema = _schema(cookies)
    calls = []
    for operation in _operations(schema):

        @given(case=operation.as_strategy())
        @FUZZ
        def fuzz(case):
            response = case.call_and_validate(cookies=cookies, checks=CHECKS)
            calls.append((case.operation.label, response.status_code))
            assert response.status_code < 500

        _run(fuzz)
    assert calls, "no request was sent"
    # The session was honoured: at least one answer was not the anonymous refusal.
    assert any(status != 401 for _, status in calls), calls


def test_fuzzed_requests_as_a_reporter_never_show_another_departments_indicator(request, data):
    _, indicator_of_b = data
    cookies = _session_cookie(request, "reporter_a")
    schema = _schema(cookies)
    for operation in _operations(schema):

        @given(case=operation.as_strategy())
        @FUZZ
        def fuzz(case):
            response = case.call(cookies=cookies)
            assert response.status_code < 500
            if response.status_code == 200:
                body = json.loads(response.content)
                rows = body if isinstance(body, list) else [body]
                assert indicator_of_b.id not in {row.get("id") for row in rows}

        _run(fuzz)
    # And asked directly, by id:
    client = request.getfixturevalue("login_client")(request.getfixturevalue("reporter_a"))
    response = client.get(f"/api/plans/figures/{indicator_of_b.id}")
    assert response.status_code in (403, 404)
    assert indicator_of_b.name not in response.content.decode()


def test_fuzzed_requests_without_a_session_are_refused_and_show_no_data(request, data, leader):
    # The schema itself needs a session; the fuzzed calls then go out without one.
    schema = _schema(_session_cookie(request, "leader"))
    statuses = []
    for operation in _operations(schema):

        @given(case=operation.as_strategy())
        @FUZZ
        def fuzz(case):
            response = case.call()
            statuses.append(response.status_code)
            assert response.status_code in (302, 401, 403), (case.path, response.status_code)
            if response.status_code == 302:
                headers = {name.lower(): value for name, value in response.headers.items()}
                assert headers["location"][0].startswith(LOGIN_URL)
            assert data[0].name not in response.text

        _run(fuzz)
    assert statuses


def test_the_schema_itself_is_not_served_to_anonymous_callers(data):
    response = Client().get(SCHEMA_PATH)
    assert response.status_code in (302, 401, 403)
    assert b"/api/plans/figures" not in response.content


def test_invalid_parameters_never_fail_the_server(request, data):
    """Negative fuzzing: data that breaks the schema never gets a 5xx. (Whether it is refused
    is not asserted: pydantic's lax parsing reads a number as a date, which is harmless.)"""
    cookies = _session_cookie(request, "plan_owner")
    schema = _schema(cookies)
    for operation in _operations(schema):

        @given(case=operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE))
        @FUZZ
        def fuzz(case):
            case.call_and_validate(
                cookies=cookies,
                checks=[schemathesis.checks.not_a_server_error],
            )

        _run(fuzz)


@pytest.mark.parametrize("role", ["plan_owner", "reporter_a", "leader"])
def test_fuzzed_requests_before_any_plan_is_loaded_never_fail_the_server(request, role):
    """A new installation has no plan yet: every operation answers, none crashes."""
    if role == "reporter_a":
        request.getfixturevalue("departments")
    cookies = _session_cookie(request, role)
    schema = _schema(cookies)
    for operation in _operations(schema):

        @given(case=operation.as_strategy())
        @FUZZ
        def fuzz(case):
            case.call_and_validate(cookies=cookies, checks=CHECKS)

        _run(fuzz)
