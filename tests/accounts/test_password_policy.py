"""Password policy: expiry, forced change at first sign-in, no reuse of recent passwords."""

from datetime import timedelta

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from innoplan.accounts.models import PasswordHistory, User
from innoplan.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

CHANGE_URL = reverse("accounts:password_change")


def change_password(client, old, new):
    return client.post(
        CHANGE_URL, {"old_password": old, "new_password1": new, "new_password2": new}
    )


def test_a_persona_has_a_fresh_password_and_reaches_its_pages(client, plan_owner, plan):
    assert plan_owner.password_changed_at is not None
    assert not plan_owner.needs_password_change
    client.force_login(plan_owner)
    assert client.get(reverse("dashboard:home")).status_code == 200


@pytest.mark.parametrize("days, expired", [(89, False), (91, True)])
def test_a_password_older_than_the_maximum_age_must_be_changed(
    client, plan_owner, plan, days, expired, settings
):
    settings.INNOPLAN_PASSWORD_MAX_AGE_DAYS = 90
    User.objects.filter(pk=plan_owner.pk).update(
        password_changed_at=timezone.now() - timedelta(days=days)
    )
    client.force_login(plan_owner)
    response = client.get(reverse("dashboard:home"))
    if not expired:
        assert response.status_code == 200
        return
    assert response.status_code == 302
    assert response["Location"] == f"{CHANGE_URL}?next=%2F"
    # Every other page too, and the API answers 403 in JSON.
    assert client.get(reverse("plans:my_reports"))["Location"].startswith(CHANGE_URL)
    api = client.get("/api/plans/figures")
    assert api.status_code == 403
    assert "password" in api.json()["detail"].lower() or api.json()["detail"]
    page = client.get(CHANGE_URL)
    assert page.status_code == 200
    assert "已过期" in page.content.decode() or "expired" in page.content.decode()


def test_the_change_page_lifts_the_expiry_keeps_the_session_and_is_audited(
    client, plan_owner, plan
):
    User.objects.filter(pk=plan_owner.pk).update(
        password_changed_at=timezone.now() - timedelta(days=200)
    )
    client.force_login(plan_owner)
    before = timezone.now()
    response = change_password(client, PASSWORD, "Fresh-Passw0rd!")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    plan_owner.refresh_from_db()
    assert plan_owner.password_changed_at >= before
    assert plan_owner.check_password("Fresh-Passw0rd!")
    # Still signed in (update_session_auth_hash) and past the gate.
    assert client.get(reverse("dashboard:home")).status_code == 200
    event = AuditEvent.objects.filter(event="password.change").get()
    assert (event.actor_name, event.object_id) == (plan_owner.username, str(plan_owner.pk))


def test_a_wrong_current_password_changes_nothing(client, plan_owner):
    client.force_login(plan_owner)
    response = change_password(client, "Not-the-Passw0rd", "Fresh-Passw0rd!")
    assert response.status_code == 200
    plan_owner.refresh_from_db()
    assert plan_owner.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(event="password.change").exists()


def test_an_account_made_by_the_system_administrator_changes_its_password_first(
    client, sysadmin, plan
):
    client.force_login(sysadmin)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newcomer",
            "password1": "Temp-Passw0rd-1",
            "password2": "Temp-Passw0rd-1",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    newcomer = User.objects.get(username="newcomer")
    assert newcomer.must_change_password

    person = Client()
    response = person.post(
        reverse("accounts:login"), {"username": "newcomer", "password": "Temp-Passw0rd-1"}
    )
    assert response.status_code == 302
    home = person.get(reverse("dashboard:home"))
    assert home["Location"].startswith(CHANGE_URL)
    # Leaving stays possible, and so does choosing a language.
    assert person.post(reverse("set_language"), {"language": "en"}).status_code == 302
    assert change_password(person, "Temp-Passw0rd-1", "Own-Passw0rd-22").status_code == 302
    newcomer.refresh_from_db()
    assert not newcomer.must_change_password
    # Past the gate; with no role yet, the account's own security page is where it starts.
    home = person.get(reverse("dashboard:home"))
    assert home["Location"] == reverse("accounts:security")
    assert person.get(home["Location"]).status_code == 200


def test_a_password_reset_by_the_administrator_is_temporary_and_audited(
    client, sysadmin, leader, plan
):
    client.force_login(sysadmin)
    url = reverse("admin:auth_user_password_change", args=[leader.pk])
    response = client.post(url, {"password1": "Reset-Passw0rd-9", "password2": "Reset-Passw0rd-9"})
    assert response.status_code == 302, response.content.decode()[:2000]
    leader.refresh_from_db()
    assert leader.must_change_password
    assert leader.check_password("Reset-Passw0rd-9")
    assert AuditEvent.objects.filter(event="password.reset", object_id=str(leader.pk)).exists()


def test_the_last_n_passwords_are_refused_and_the_one_before_is_allowed(leader, settings):
    settings.INNOPLAN_PASSWORD_HISTORY = 3
    passwords = [PASSWORD, "Second-Passw0rd", "Third-Passw0rd", "Fourth-Passw0rd"]
    for password in passwords[1:]:
        password_validation.validate_password(password, leader)
        leader.set_password(password)
        leader.save()
    # History holds the current and the two before it: three in all, older ones trimmed.
    assert PasswordHistory.objects.filter(user=leader).count() == 3
    for reused in passwords[-3:]:
        with pytest.raises(ValidationError) as refused:
            password_validation.validate_password(reused, leader)
        assert "password_reused" in [e.code for e in refused.value.error_list]
    # The fourth back (the first one) has left the history: allowed again.
    password_validation.validate_password(passwords[0], leader)


def test_the_change_page_refuses_a_recent_password(client, leader):
    client.force_login(leader)
    assert change_password(client, PASSWORD, "Second-Passw0rd").status_code == 302
    response = change_password(client, "Second-Passw0rd", PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].has_error("new_password2", "password_reused")
    leader.refresh_from_db()
    assert leader.check_password("Second-Passw0rd")
