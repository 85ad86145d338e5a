"""The client address behind trusted proxies, which the login lockout keys on."""

import pytest
from django.test import RequestFactory

from innoplan.core.net import client_ip


@pytest.fixture
def proxied(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]


def request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_client_address_is_used(proxied):
    assert client_ip(request("10.0.0.2", "198.51.100.7")) == "198.51.100.7"


def test_a_client_cannot_forge_an_address_to_the_left(proxied):
    assert client_ip(request("10.0.0.2", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"


def test_a_request_from_elsewhere_keeps_its_own_address(proxied):
    assert client_ip(request("198.51.100.8", "1.2.3.4")) == "198.51.100.8"


@pytest.mark.django_db
def test_the_lockout_keys_on_the_client_behind_the_proxy(client, proxied, reporter_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/accounts/login/",
            {"username": "reporter_a", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
    locked = client.post(
        "/accounts/login/",
        {"username": "reporter_a", "password": "Innoplan-2024!"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert locked.status_code == 429
    other = client.post(
        "/accounts/login/",
        {"username": "reporter_a", "password": "Innoplan-2024!"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert other.status_code == 302
