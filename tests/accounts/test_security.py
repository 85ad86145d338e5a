"""The security baseline, through Django's test client with the real settings: login required
everywhere, lockout, password rules, idle logout, security headers, CSRF, cookies."""

from __future__ import annotations

import re
import time
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from hypothesis import given
from hypothesis import strategies as st

from innoplan.accounts.models import User
from innoplan.accounts.validators import CharacterClassValidator
from innoplan.core.middleware import LAST_SEEN_KEY
from innoplan.plans.services import reported_value_submit
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
# Open to anonymous users: the login page, and the language switch it carries.
OPEN_ROUTES = {"accounts:login", "set_language"}


# --- every URL needs a login -----------------------------------------------------------------


def _routes(resolver=None, prefix="", namespace=""):
    """(route name, route string) of every pattern outside the admin, includes flattened."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry, prefix + _route_text(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", prefix + _route_text(entry.pattern)


def _route_text(pattern) -> str:
    if not isinstance(pattern, RoutePattern):
        pytest.fail(f"{pattern!r}: a regex route; teach this test how to fill it in")
    return str(pattern)


@pytest.fixture
def real_ids(indicator_of_a, reporter_a, departments):
    """An existing record for each kind of object a URL names by its id."""
    reported = reported_value_submit(
        indicator=indicator_of_a,
        period_kind="month",
        period_start=date(2025, 1, 1),
        value=Decimal(900),
        actor=reporter_a,
    )
    return {
        "indicators": indicator_of_a.pk,
        "reports": reported.pk,
        "tasks": indicator_of_a.plan.tasks.get(number=1).pk,
        "departments": departments[0].pk,
        "plans": indicator_of_a.plan.pk,
        "figures": indicator_of_a.pk,
    }


def _fill(route: str, real_ids: dict[str, int]) -> str:
    """The route with each parameter replaced by a real value (the id of the record named by
    the path segment before it)."""

    def value(match):
        converter, before = match.group("converter") or "str", match.string[: match.start()]
        segment = before.rstrip("/").rsplit("/", 1)[-1]
        if converter == "uuid":
            return "00000000-0000-0000-0000-000000000001"
        if converter in ("int", "str") and segment in real_ids:
            return str(real_ids[segment])
        return "1" if converter == "int" else "x"

    return "/" + re.sub(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>", value, route)


def protected_paths(real_ids):
    for name, route in _routes():
        if name not in OPEN_ROUTES:
            yield name, _fill(route, real_ids)


def test_the_project_has_pages_to_protect(real_ids):
    names = {name for name, _ in protected_paths(real_ids)}
    assert "dashboard:home" in names
    assert "accounts:logout" in names


def test_every_page_sends_an_anonymous_visitor_to_the_login_page(client, real_ids):
    for name, path in protected_paths(real_ids):
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 302, f"{name} {path}: {response.status_code}"
            assert response.url == redirect_to_login(path).url, f"{name} {path}"


def test_the_login_page_is_open_to_anonymous_visitors(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert reverse("accounts:login") == LOGIN_URL


def test_an_anonymous_visitor_may_switch_the_language_on_the_login_page(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN_URL})
    assert response.status_code == 302
    assert response.url == LOGIN_URL
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


# --- lockout ---------------------------------------------------------------------------------


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_correct_password_logs_in(client, plan_owner):
    response = _login(client, plan_owner.username, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("dashboard:home")
    assert _logged_in(client)


def test_a_wrong_password_is_refused_on_the_form(client, plan_owner):
    response = _login(client, plan_owner.username, "wrong-Password-1")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not _logged_in(client)


def test_failures_below_the_limit_do_not_lock_the_account(client, plan_owner):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, plan_owner.username, "wrong-Password-1").status_code == 200
    assert _login(client, plan_owner.username, PASSWORD).status_code == 302
    assert _logged_in(client)


def test_after_the_failure_limit_even_the_right_password_is_refused(client, plan_owner):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, plan_owner.username, "wrong-Password-1")
    response = _login(client, plan_owner.username, PASSWORD)
    assert response.status_code == 429
    assert not _logged_in(client)
    assert settings.AXES_LOCKOUT_TEMPLATE in [t.name for t in response.templates]


def test_a_lockout_does_not_reach_other_addresses_or_other_users(plan_owner, leader):
    attacked = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(attacked, plan_owner.username, "wrong-Password-1", ip="10.0.0.1")
    assert _login(attacked, plan_owner.username, PASSWORD, ip="10.0.0.1").status_code == 429

    elsewhere = Client()
    assert _login(elsewhere, plan_owner.username, PASSWORD, ip="10.0.0.2").status_code == 302
    assert _logged_in(elsewhere)

    colleague = Client()
    assert _login(colleague, leader.username, PASSWORD, ip="10.0.0.1").status_code == 302
    assert _logged_in(colleague)


# --- password rules --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["abcdefgh", "12345678", "password1", "Tz-1a", "zhangwei-2024", "Zhangwei2024"],
)
def test_weak_passwords_are_rejected(password):
    user = User(username="zhangwei", first_name="Wei", last_name="Zhang")
    with pytest.raises(ValidationError):
        validate_password(password, user=user)


def test_a_password_like_the_username_is_rejected_for_that_reason():
    user = User(username="zhangwei2024")
    with pytest.raises(ValidationError) as caught:
        validate_password("Zhangwei2024!", user=user)
    assert "password_too_similar" in [e.code for e in caught.value.error_list]


def test_a_password_of_one_character_class_is_rejected_for_that_reason():
    with pytest.raises(ValidationError) as caught:
        validate_password("abcdefgh", user=User(username="owner"))
    assert "password_too_few_classes" in [e.code for e in caught.value.error_list]


def test_a_strong_password_is_accepted():
    validate_password("Tz-Innoplan-2024", user=User(username="owner", first_name="Li"))


@pytest.mark.parametrize(
    ("password", "classes"),
    [
        ("", 0),
        ("abcdefgh", 1),
        ("ABCD", 1),
        ("1234", 1),
        ("----", 1),
        ("abCD", 2),
        ("ab12", 2),
        ("abCD12", 3),
        ("abCD12!?", 4),
        ("Tz-Innoplan-2024", 4),
    ],
)
def test_the_character_class_validator_counts_lower_upper_digit_and_symbol(password, classes):
    assert CharacterClassValidator.classes_in(password) == classes


@pytest.mark.parametrize(("minimum", "accepted"), [(1, True), (2, True), (3, False)])
def test_the_character_class_validator_requires_its_minimum(minimum, accepted):
    validator = CharacterClassValidator(min_classes=minimum)
    if accepted:
        validator.validate("abcd1234")
    else:
        with pytest.raises(ValidationError, match="至少包含以下字符中的3类"):
            validator.validate("abcd1234")


@given(st.text(max_size=30))
def test_adding_a_new_class_of_character_never_lowers_the_count(password):
    count = CharacterClassValidator.classes_in(password)
    assert 0 <= count <= 4
    for extra in ("a", "A", "1", "!"):
        assert count <= CharacterClassValidator.classes_in(password + extra) <= count + 1


# --- idle logout -----------------------------------------------------------------------------


def _seen_ago(client, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - seconds
    session.save()


def test_a_user_idle_for_longer_than_the_timeout_is_logged_out(client, leader):
    client.force_login(leader)
    assert client.get(reverse("dashboard:home")).status_code == 200
    _seen_ago(client, settings.SESSION_IDLE_TIMEOUT + 5)

    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response.url == redirect_to_login(reverse("dashboard:home")).url
    assert not _logged_in(client)
    # The next request is anonymous too.
    assert client.get(reverse("dashboard:home")).status_code == 302


def test_an_active_user_stays_logged_in(client, leader):
    client.force_login(leader)
    client.get(reverse("dashboard:home"))
    for _ in range(3):
        # Each request within the timeout restarts the clock.
        _seen_ago(client, settings.SESSION_IDLE_TIMEOUT - 5)
        assert client.get(reverse("dashboard:home")).status_code == 200
        assert int(time.time()) - client.session[LAST_SEEN_KEY] <= 2
    assert _logged_in(client)


def test_a_page_view_within_a_minute_of_the_last_writes_nothing(client, leader):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(leader)
    client.get(reverse("dashboard:home"))
    _seen_ago(client, 10)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("dashboard:home")).status_code == 200
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]
    assert writes == []
    assert _logged_in(client)


def test_the_idle_timeout_defaults_to_ten_minutes(monkeypatch):
    import importlib

    from innoplan import settings as project_settings

    monkeypatch.delenv("INNOPLAN_SESSION_IDLE_SECONDS", raising=False)
    assert importlib.reload(project_settings).SESSION_IDLE_TIMEOUT == 600


def test_the_idle_timeout_is_at_least_a_minute():
    assert settings.SESSION_IDLE_TIMEOUT >= 60


# --- headers, CSRF, cookies ------------------------------------------------------------------


def _directives(header: str) -> dict[str, list[str]]:
    parts = (p.strip().split() for p in header.split(";") if p.strip())
    return {words[0]: words[1:] for words in parts}


@pytest.mark.parametrize("path", [LOGIN_URL, "/"])
def test_responses_carry_the_security_headers(client, path):
    response = client.get(path)
    csp = _directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp.get("script-src", []) + csp.get("default-src", [])
    assert csp["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_signed_in_page_carries_the_security_headers_too(client, leader):
    client.force_login(leader)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    assert "'unsafe-inline'" not in _directives(response["Content-Security-Policy"])["script-src"]
    assert response["X-Frame-Options"] == "DENY"


def test_a_login_post_without_the_csrf_token_is_refused(plan_owner):
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN_URL, {"username": plan_owner.username, "password": PASSWORD})
    assert response.status_code == 403
    assert not _logged_in(client)


def test_a_login_post_with_the_csrf_token_from_the_form_succeeds(plan_owner):
    client = Client(enforce_csrf_checks=True)
    form = client.get(LOGIN_URL)
    token = form.context["csrf_token"]
    response = client.post(
        LOGIN_URL,
        {"username": plan_owner.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert _logged_in(client)


def test_the_session_cookie_is_http_only_and_same_site(client, plan_owner):
    response = _login(client, plan_owner.username, PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["secure"] == ("" if not settings.HTTPS else True)


# --- headers on every kind of answer, and over HTTPS -----------------------------------------


def _assert_security_headers(response, where: str) -> None:
    csp = _directives(response["Content-Security-Policy"])
    for directive in ("default-src", "script-src", "style-src"):
        sources = csp.get(directive, [])
        assert "'unsafe-inline'" not in sources, f"{where}: {directive} allows inline code"
        assert "'unsafe-eval'" not in sources, f"{where}: {directive} allows eval"
    assert csp["script-src"] == ["'self'"], where
    assert csp["object-src"] == ["'none'"], where
    assert csp["base-uri"] == ["'self'"], where
    assert csp["form-action"] == ["'self'"], where
    assert csp["frame-ancestors"] == ["'none'"], where
    assert response["X-Frame-Options"] == "DENY", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert response["X-Content-Type-Options"] == "nosniff", where


@pytest.mark.parametrize(
    ("persona", "path", "status"),
    [
        ("leader", "/", 200),
        ("leader", "/registry/organisations/", 200),
        ("leader", "/registry/organisations/?format=xlsx", 200),
        ("leader", "/api/plans/figures", 200),
        ("leader", "/api/openapi.json", 200),
        ("leader", "/no-such-page/", 404),
        ("sysadmin", "/registry/organisations/", 403),
        (None, "/", 302),
        (None, "/api/plans/figures", 302),
    ],
)
def test_every_kind_of_answer_carries_the_security_headers(
    request, client, plan, persona, path, status
):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    response = client.get(path)
    assert response.status_code == status
    _assert_security_headers(response, path)


@pytest.mark.parametrize(
    ("persona", "path", "status"),
    [
        ("leader", "/", 200),
        ("leader", "/registry/organisations/?format=xlsx", 200),
        ("audit_admin", "/audit/?format=xlsx", 200),
        ("leader", "/api/plans/figures", 200),
        ("leader", "/no-such-page/", 404),
        ("sysadmin", "/registry/organisations/", 403),
    ],
)
def test_no_answer_to_a_signed_in_user_is_kept_in_a_cache(
    request, client, plan, persona, path, status
):
    """Pages, exports and API answers carry personal data and the department's figures: no
    browser or proxy may keep a copy."""
    client.force_login(request.getfixturevalue(persona))
    response = client.get(path)
    assert response.status_code == status
    cache_control = {d.strip() for d in response["Cache-Control"].split(",")}
    assert "no-store" in cache_control, path
    assert response["Pragma"] == "no-cache", path


def test_no_strict_transport_security_over_plain_http(client):
    response = client.get(LOGIN_URL)
    assert "Strict-Transport-Security" not in response


def test_the_csrf_cookie_is_http_only_and_same_site(client):
    response = client.get(LOGIN_URL)
    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


@pytest.fixture
def over_https(settings):
    """The settings INNOPLAN_HTTPS=1 gives (see test_https_turns_on_secure_cookies_and_hsts)."""
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60


def _fresh_settings():
    """The project's settings module run afresh in a new namespace, as a new process would."""
    import importlib.util

    spec = importlib.util.find_spec("innoplan.settings")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_https_turns_on_secure_cookies_and_hsts(monkeypatch):
    monkeypatch.setenv("INNOPLAN_HTTPS", "1")
    secure = _fresh_settings()
    assert secure.SESSION_COOKIE_SECURE is True
    assert secure.CSRF_COOKIE_SECURE is True
    assert secure.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    assert secure.SECURE_HSTS_SECONDS >= 180 * 24 * 60 * 60
    monkeypatch.delenv("INNOPLAN_HTTPS")
    plain = _fresh_settings()
    assert plain.SESSION_COOKIE_SECURE is False
    assert plain.CSRF_COOKIE_SECURE is False
    assert not hasattr(plain, "SECURE_HSTS_SECONDS")
    assert not hasattr(plain, "SECURE_PROXY_SSL_HEADER")


def test_over_https_the_cookies_are_secure_http_only_and_same_site(over_https, plan_owner):
    client = Client()
    form = client.get(LOGIN_URL, secure=True)
    csrf = form.cookies[settings.CSRF_COOKIE_NAME]
    assert (csrf["secure"], csrf["httponly"], csrf["samesite"]) == (True, True, "Lax")
    response = client.post(
        LOGIN_URL,
        {"username": plan_owner.username, "password": PASSWORD},
        secure=True,
        REMOTE_ADDR="10.0.0.9",
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert (session["secure"], session["httponly"], session["samesite"]) == (True, True, "Lax")


def test_over_https_every_answer_carries_hsts(over_https, client, leader):
    response = client.get(LOGIN_URL, secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    client.force_login(leader)
    response = client.get("/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    _assert_security_headers(response, "/ over https")


def test_behind_the_proxy_https_is_read_from_x_forwarded_proto(over_https, client):
    response = client.get(LOGIN_URL, HTTP_X_FORWARDED_PROTO="https")
    assert "Strict-Transport-Security" in response
    # Without the header the proxy did not see HTTPS: no HSTS on a plain answer.
    assert "Strict-Transport-Security" not in client.get(LOGIN_URL)
