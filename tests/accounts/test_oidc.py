"""统一身份认证 (OIDC single sign-on): off by default; when on, it signs in existing local
accounts only, and the administrators still owe their second factor."""

import importlib
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse

from innoplan.accounts.models import User

pytestmark = pytest.mark.django_db

BACKEND = "innoplan.accounts.oidc.LocalAccountOIDCBackend"
PROVIDER = "https://sso.example.gov.cn/realms/district/protocol/openid-connect"
OIDC_SETTINGS = dict(
    INNOPLAN_OIDC_ENABLED=True,
    OIDC_OP_AUTHORIZATION_ENDPOINT=f"{PROVIDER}/auth",
    OIDC_OP_TOKEN_ENDPOINT=f"{PROVIDER}/token",
    OIDC_OP_USER_ENDPOINT=f"{PROVIDER}/userinfo",
    OIDC_OP_JWKS_ENDPOINT=f"{PROVIDER}/certs",
    OIDC_RP_CLIENT_ID="innoplan",
    OIDC_RP_CLIENT_SECRET="client-secret",
    OIDC_RP_SIGN_ALGO="RS256",
    OIDC_RP_SCOPES="openid profile",
    OIDC_CREATE_USER=False,
    OIDC_AUTHENTICATION_CALLBACK_URL="accounts:oidc_authentication_callback",
)


def reload_urls():
    import innoplan.accounts.urls
    import innoplan.urls

    importlib.reload(innoplan.accounts.urls)
    importlib.reload(innoplan.urls)
    clear_url_caches()


@pytest.fixture
def oidc_on():
    with override_settings(
        **OIDC_SETTINGS, AUTHENTICATION_BACKENDS=[*settings.AUTHENTICATION_BACKENDS, BACKEND]
    ):
        reload_urls()
        yield
    reload_urls()


def backend():
    from innoplan.accounts.oidc import LocalAccountOIDCBackend

    return LocalAccountOIDCBackend()


def test_single_sign_on_is_off_by_default(client):
    assert settings.INNOPLAN_OIDC_ENABLED is False
    assert BACKEND not in settings.AUTHENTICATION_BACKENDS
    with pytest.raises(NoReverseMatch):
        reverse("accounts:oidc_authentication_init")
    assert client.get("/accounts/oidc/authenticate/").status_code == 404
    page = client.get(reverse("accounts:login")).content.decode()
    assert "统一身份认证登录" not in page


def test_when_on_the_login_page_offers_it_beside_the_local_form(oidc_on):
    page = Client().get(reverse("accounts:login")).content.decode()
    assert "统一身份认证登录" in page
    assert 'name="password"' in page  # local accounts stay as the fallback
    assert reverse("accounts:oidc_authentication_init") in page


def test_the_sign_in_button_sends_the_browser_to_the_provider(oidc_on):
    response = Client().get(reverse("accounts:oidc_authentication_init"))
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{PROVIDER}/auth"
    query = parse_qs(location.query)
    assert query["client_id"] == ["innoplan"]
    assert query["redirect_uri"][0].endswith(reverse("accounts:oidc_authentication_callback"))


def test_the_backend_matches_an_existing_account_by_its_username_claim(oidc_on, leader):
    claims = {"sub": "a1b2", "preferred_username": "leader", "name": "某区领导"}
    assert list(backend().filter_users_by_claims(claims)) == [leader]
    assert backend().get_or_create_user(None, None, claims) == leader
    leader.refresh_from_db()
    assert leader.first_name == ""  # the provider's claims change nothing here


def test_the_backend_refuses_an_unknown_person_and_creates_nobody(oidc_on, leader):
    claims = {"sub": "zz99", "preferred_username": "stranger", "email": "s@example.gov.cn"}
    before = User.objects.count()
    assert backend().get_or_create_user(None, None, claims) is None
    assert User.objects.count() == before


def test_the_backend_refuses_an_inactive_account_and_claims_without_a_username(oidc_on, leader):
    User.objects.filter(pk=leader.pk).update(is_active=False)
    assert backend().get_or_create_user(None, None, {"preferred_username": "leader"}) is None
    nameless = {"sub": "x", "email": "leader@x.cn"}
    assert not backend().verify_claims(nameless)
    assert not backend().filter_users_by_claims(nameless).exists()


def test_the_username_claim_is_a_setting(oidc_on, leader, settings):
    settings.INNOPLAN_OIDC_USERNAME_CLAIM = "employee_no"
    assert backend().get_or_create_user(None, None, {"employee_no": "leader"}) == leader


def test_an_administrator_signed_in_through_sso_still_owes_the_second_factor(oidc_on, sysadmin):
    client = Client()
    client.force_login(sysadmin, backend=BACKEND)
    response = client.get("/admin/")
    assert response["Location"].startswith(reverse("accounts:otp_verify"))


def test_switching_it_on_without_the_provider_settings_fails_loudly(oidc_on, settings):
    del settings.OIDC_OP_TOKEN_ENDPOINT
    with pytest.raises(ImproperlyConfigured):
        backend()
