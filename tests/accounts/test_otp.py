"""The second factor (TOTP): required of the administrators, optional for the others."""

import re
from base64 import b32decode
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from innoplan.accounts.models import User
from innoplan.accounts.services import OTP_FAILURE_LIMIT
from innoplan.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

VERIFY_URL = reverse("accounts:otp_verify")
ENROL_URL = reverse("accounts:otp_enrol")


def token_of(device_or_key, *, step=30, t0=0, digits=6, drift=0) -> str:
    if isinstance(device_or_key, TOTPDevice):
        device = device_or_key
        return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    return f"{totp(device_or_key, step, t0, digits, drift):06d}"


def wrong_token(device) -> str:
    right = token_of(device)
    return f"{(int(right) + 500000) % 1000000:06d}"


def password_login(username) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


GATED_PAGES = [
    "/",
    "/admin/",
    "/admin/accounts/user/",
    "/accounts/secadmin/",
    "/accounts/secadmin/lockouts/",
    "/accounts/security/",
    "/plans/reports/pending/",
    "/accounts/password/",
]


@pytest.mark.parametrize("persona", ["sysadmin", "security_admin", "audit_admin"])
def test_an_administrator_reaches_no_page_before_the_second_factor(request, persona):
    user = request.getfixturevalue(persona)
    client = password_login(user.username)
    for path in GATED_PAGES:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(VERIFY_URL), path
    api = client.get("/api/plans/figures")
    assert api.status_code == 403
    assert "detail" in api.json()
    assert client.get(VERIFY_URL).status_code == 200


def test_an_administrator_without_a_device_is_sent_to_enrol_and_cannot_skip_it(db):
    User.objects.create_user(username="admin2", password=PASSWORD, role="secadmin")
    client = password_login("admin2")
    for path in GATED_PAGES:
        assert client.get(path)["Location"].startswith(ENROL_URL), path
    # The verification page has nothing to verify against: it too leads to enrolment.
    assert client.get(VERIFY_URL)["Location"] == ENROL_URL


def test_enrolment_shows_a_qr_code_and_the_key_and_a_valid_code_confirms_it(db):
    user = User.objects.create_user(username="admin2", password=PASSWORD, role="secadmin")
    client = password_login("admin2")
    page = client.get(ENROL_URL).content.decode()
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r'id="otp-secret"[^>]*>([A-Z2-7]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert b32decode(secret) == device.bin_key
    # The same key on reload: the app scanned once keeps working.
    assert secret in client.get(ENROL_URL).content.decode()

    response = client.post(ENROL_URL, {"token": token_of(b32decode(secret))})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:security_policy")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("accounts:security_policy")).status_code == 200
    assert AuditEvent.objects.filter(event="otp.enrol", actor_name="admin2").exists()


def test_the_qr_code_holds_the_otpauth_uri(db):
    user = User.objects.create_user(username="admin2", password=PASSWORD, role="auditadmin")
    client = password_login("admin2")
    response = client.get(ENROL_URL)
    uri = unescape(response.context["uri"])
    device = TOTPDevice.objects.get(user=user)
    assert uri.startswith("otpauth://totp/")
    assert f"secret={response.context['secret']}" in uri
    assert "issuer=innoplan" in uri
    assert device.confirmed is False


def test_a_wrong_code_at_enrolment_confirms_nothing_and_is_audited(db):
    user = User.objects.create_user(username="admin2", password=PASSWORD, role="sysadmin")
    client = password_login("admin2")
    client.get(ENROL_URL)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(ENROL_URL, {"token": wrong_token(device)})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    device.refresh_from_db()
    assert not device.confirmed
    event = AuditEvent.objects.get(event="otp.failure")
    assert (event.actor_name, event.outcome) == ("admin2", "failure")


def test_a_valid_code_lets_the_administrator_in_and_is_audited(sysadmin):
    client = password_login(sysadmin.username)
    device = TOTPDevice.objects.get(user=sysadmin, confirmed=True)
    response = client.post(VERIFY_URL + "?next=/admin/accounts/user/", {"token": token_of(device)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/accounts/user/"
    assert client.get("/admin/accounts/user/").status_code == 200
    assert AuditEvent.objects.filter(event="otp.success", actor_name="sysadmin").exists()


def test_a_wrong_code_is_refused_and_audited(security_admin):
    client = password_login(security_admin.username)
    device = TOTPDevice.objects.get(user=security_admin)
    response = client.post(VERIFY_URL, {"token": wrong_token(device)})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert client.get(reverse("accounts:security_policy")).status_code == 302
    event = AuditEvent.objects.get(event="otp.failure")
    assert (event.actor_name, event.outcome) == ("secadmin", "failure")
    assert event.detail["failures"] == 1


def test_a_code_is_not_accepted_twice(security_admin):
    device = TOTPDevice.objects.get(user=security_admin)
    token = token_of(device)
    first = password_login(security_admin.username)
    assert first.post(VERIFY_URL, {"token": token}).status_code == 302
    second = password_login(security_admin.username)
    assert second.post(VERIFY_URL, {"token": token}).status_code == 200
    assert second.get(reverse("accounts:security_policy")).status_code == 302


def test_too_many_wrong_codes_end_the_session(security_admin):
    client = password_login(security_admin.username)
    device = TOTPDevice.objects.get(user=security_admin)
    for _attempt in range(1, OTP_FAILURE_LIMIT):
        assert client.post(VERIFY_URL, {"token": wrong_token(device)}).status_code == 200
    response = client.post(VERIFY_URL, {"token": wrong_token(device)})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    # Signed out: even a right code now leads to the login page.
    device.throttle_reset()
    response = client.post(VERIFY_URL, {"token": token_of(device)})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert AuditEvent.objects.filter(event="otp.failure").count() == OTP_FAILURE_LIMIT
    last = AuditEvent.objects.filter(event="otp.failure").order_by("id").last()
    assert last.detail["session_ended"]


def test_a_device_that_is_not_yet_verified_cannot_be_replaced_from_enrolment(sysadmin):
    client = password_login(sysadmin.username)
    response = client.get(ENROL_URL)
    assert response["Location"] == VERIFY_URL
    assert TOTPDevice.objects.filter(user=sysadmin).count() == 1


def test_a_business_user_may_enrol_and_is_then_asked_for_the_code(leader, plan):
    client = password_login(leader.username)
    assert client.get(reverse("dashboard:home")).status_code == 200
    page = client.get(reverse("accounts:security")).content.decode()
    assert ENROL_URL in page
    client.get(ENROL_URL)
    device = TOTPDevice.objects.get(user=leader)
    assert client.post(ENROL_URL, {"token": token_of(device)}).status_code == 302
    # Once enrolled, the next sign-in asks for the code too.
    later = password_login(leader.username)
    assert later.get(reverse("dashboard:home"))["Location"].startswith(VERIFY_URL)


def test_an_account_that_may_unmask_personal_data_must_pass_the_second_factor(departments, plan):
    owner = User.objects.create_user(
        username="owner2", password=PASSWORD, role="plan_owner", department=departments[0]
    )
    assert owner.has_perm("registry.unmask_id_number")
    client = password_login("owner2")
    for path in ["/", "/registry/", "/plans/reports/pending/"]:
        assert client.get(path)["Location"].startswith(ENROL_URL), path
    assert client.get("/api/plans/figures").status_code == 403
    client.get(ENROL_URL)
    device = TOTPDevice.objects.get(user=owner)
    assert client.post(ENROL_URL, {"token": token_of(device)}).status_code == 302
    assert client.get("/").status_code == 200
    # The next sign-in asks for the code before any page.
    later = password_login("owner2")
    assert later.get("/")["Location"].startswith(VERIFY_URL)


def test_replacing_a_confirmed_device_needs_a_current_code(client, security_admin):
    old = TOTPDevice.objects.get(user=security_admin, confirmed=True)
    client.force_login(security_admin)
    page = client.get(ENROL_URL)
    assert page.status_code == 200
    assert 'name="current_token"' in page.content.decode()
    new = TOTPDevice.objects.get(user=security_admin, confirmed=False)

    # The new phone's code alone does not replace the device.
    response = client.post(ENROL_URL, {"token": token_of(new)})
    assert response.status_code == 200
    assert response.context["form"].errors["current_token"]
    assert list(TOTPDevice.objects.filter(user=security_admin, confirmed=True)) == [old]
    # Nor with a wrong current code, which counts as a failure.
    response = client.post(ENROL_URL, {"token": token_of(new), "current_token": wrong_token(old)})
    assert response.status_code == 200
    assert response.context["form"].errors["current_token"]
    assert list(TOTPDevice.objects.filter(user=security_admin, confirmed=True)) == [old]
    assert AuditEvent.objects.filter(event="otp.failure", actor_name="secadmin").exists()
    assert not AuditEvent.objects.filter(event="otp.enrol").exists()

    # With the current code too (once the wrong one's throttling delay has passed), the new
    # phone replaces the old one.
    old.refresh_from_db()
    old.throttle_reset()
    response = client.post(ENROL_URL, {"token": token_of(new), "current_token": token_of(old)})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=security_admin)) == [new]
    new.refresh_from_db()
    assert new.confirmed
    assert AuditEvent.objects.filter(event="otp.enrol", actor_name="secadmin").exists()


def test_a_first_device_needs_no_current_code(leader):
    client = password_login(leader.username)
    page = client.get(ENROL_URL).content.decode()
    assert 'name="current_token"' not in page


def test_the_security_administrator_resets_a_lost_device(client, security_admin, sysadmin):
    client.force_login(security_admin)
    response = client.post(reverse("accounts:otp_reset", args=[sysadmin.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=sysadmin).exists()
    event = AuditEvent.objects.get(event="otp.reset")
    assert (event.actor_name, event.object_id) == ("secadmin", str(sysadmin.pk))
    # At next sign-in the system administrator enrols again.
    again = password_login(sysadmin.username)
    assert again.get("/admin/")["Location"].startswith(ENROL_URL)
