"""三员 — the separation of duties: what each administrator may and may not do."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from innoplan.accounts.choices import Role
from innoplan.accounts.models import User
from innoplan.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SECADMIN_PAGES = ["security_policy", "lockout_list", "user_list"]
OTHER_PERSONAS = ["sysadmin", "audit_admin", "plan_owner", "reporter_a", "leader"]


def _login(client, username, password, ip="10.0.0.9"):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


# --- the security administrator's pages -------------------------------------------------------


def test_the_security_administrator_opens_his_pages(client, security_admin, leader):
    client.force_login(security_admin)
    for name in SECADMIN_PAGES:
        assert client.get(reverse(f"accounts:{name}")).status_code == 200, name
    assert client.get(reverse("accounts:role_grant", args=[leader.pk])).status_code == 200
    home = client.get(reverse("accounts:security_policy")).content.decode()
    assert reverse("accounts:lockout_list") in home


@pytest.mark.parametrize("persona", OTHER_PERSONAS)
def test_every_other_role_is_refused_the_security_administrators_pages(
    request, client, persona, security_admin, leader
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    for name in SECADMIN_PAGES:
        assert client.get(reverse(f"accounts:{name}")).status_code == 403, name
    target = leader if user != leader else security_admin
    assert client.get(reverse("accounts:role_grant", args=[target.pk])).status_code == 403
    posts = [
        (reverse("accounts:role_grant", args=[target.pk]), {"role": "secadmin"}),
        (reverse("accounts:otp_reset", args=[security_admin.pk]), {}),
        (reverse("accounts:lockout_release"), {"username": "leader", "ip": "10.0.0.9"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    target.refresh_from_db()
    assert target.role in (Role.LEADER, Role.SECURITY_ADMIN)
    assert security_admin.totpdevice_set.exists()
    assert not AuditEvent.objects.filter(event__in=["role.grant", "otp.reset"]).exists()


def test_the_nav_shows_the_security_pages_to_the_security_administrator_only(
    client, security_admin, sysadmin
):
    client.force_login(security_admin)
    assert (
        reverse("accounts:security_policy")
        in client.get(reverse("accounts:security")).content.decode()
    )
    client.force_login(sysadmin)
    assert (
        reverse("accounts:security_policy")
        not in client.get(reverse("accounts:security")).content.decode()
    )


def test_the_policy_page_shows_the_settings_in_force(client, security_admin, settings):
    settings.INNOPLAN_PASSWORD_MAX_AGE_DAYS = 77
    settings.INNOPLAN_PASSWORD_HISTORY = 4
    settings.AXES_FAILURE_LIMIT = 6
    client.force_login(security_admin)
    response = client.get(reverse("accounts:security_policy"))
    rows = dict(response.context["policy"])
    values = list(rows.values())
    assert 77 in values and 4 in values and 6 in values
    assert 8 in values  # minimum length
    assert 3 in values  # character classes
    assert 10 in values or 10.0 in values  # idle timeout in minutes
    assert settings.SESSION_IDLE_TIMEOUT == 600


# --- lockouts --------------------------------------------------------------------------------


def test_a_real_lockout_is_listed_and_released_by_the_security_administrator(
    client, security_admin, plan_owner
):
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(attacker, plan_owner.username, "wrong-Password-1")
    assert _login(Client(), plan_owner.username, PASSWORD).status_code == 429

    client.force_login(security_admin)
    response = client.get(reverse("accounts:lockout_list"))
    [lockout] = response.context["lockouts"]
    assert (lockout.username, lockout.ip, lockout.locked) == ("owner", "10.0.0.9", True)
    assert lockout.failures >= settings.AXES_FAILURE_LIMIT
    page = response.content.decode()
    assert "owner" in page and "10.0.0.9" in page

    response = client.post(
        reverse("accounts:lockout_release"), {"username": "owner", "ip": "10.0.0.9"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    event = AuditEvent.objects.get(event="lockout.release")
    assert event.actor_name == "secadmin"
    assert event.detail["username"] == "owner"
    assert _login(Client(), plan_owner.username, PASSWORD).status_code == 302


def test_a_release_post_needs_the_csrf_token(security_admin, plan_owner, login_client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), plan_owner.username, "wrong-Password-1")
    client = login_client(security_admin, enforce_csrf_checks=True)
    response = client.post(
        reverse("accounts:lockout_release"), {"username": "owner", "ip": "10.0.0.9"}
    )
    assert response.status_code == 403
    assert AccessAttempt.objects.exists()


# --- role grants -----------------------------------------------------------------------------


def test_a_role_grant_is_made_and_audited(client, security_admin, leader, departments):
    client.force_login(security_admin)
    response = client.post(
        reverse("accounts:role_grant", args=[leader.pk]),
        {"role": "reporter", "department": departments[1].pk},
    )
    assert response.status_code == 302
    leader.refresh_from_db()
    assert (leader.role, leader.department) == ("reporter", departments[1])
    event = AuditEvent.objects.get(event="role.grant")
    assert event.actor_name == "secadmin"
    assert event.object_id == str(leader.pk)
    assert event.detail["from"] == {"role": "leader", "department": None}
    assert event.detail["to"] == {"role": "reporter", "department": "dept-b"}


def test_a_reporter_without_a_department_is_refused_and_nothing_changes(
    client, security_admin, leader
):
    client.force_login(security_admin)
    response = client.post(reverse("accounts:role_grant", args=[leader.pk]), {"role": "reporter"})
    assert response.status_code == 200
    assert response.context["form"].errors
    leader.refresh_from_db()
    assert leader.role == "leader"
    assert not AuditEvent.objects.filter(event="role.grant").exists()


def test_a_security_administrator_cannot_grant_himself_a_role(client, security_admin):
    client.force_login(security_admin)
    url = reverse("accounts:role_grant", args=[security_admin.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"role": "sysadmin"}).status_code == 403
    security_admin.refresh_from_db()
    assert security_admin.role == Role.SECURITY_ADMIN


def test_the_first_security_administrator_is_made_from_the_console(db):
    User.objects.create_user(username="sec1", password=PASSWORD)
    call_command("grantrole", "sec1", "secadmin")
    assert User.objects.get(username="sec1").role == Role.SECURITY_ADMIN
    event = AuditEvent.objects.get(event="role.grant")
    assert (event.actor_name, event.detail["via"]) == ("", "console")


# --- the system administrator ----------------------------------------------------------------


def test_createsuperuser_makes_a_staff_system_administrator_who_is_no_superuser(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Root-Admin-2026!")
    call_command(
        "createsuperuser", "--noinput", "--username", "root", "--email", "root@example.gov.cn"
    )
    root = User.objects.get(username="root")
    assert (root.role, root.is_staff, root.is_superuser) == (Role.SYSTEM_ADMIN, True, False)
    assert not root.must_change_password


def test_the_system_administrator_keeps_accounts_and_departments(client, sysadmin):
    client.force_login(sysadmin)
    index = client.get("/admin/")
    assert index.status_code == 200
    apps = {app["app_label"] for app in index.context["app_list"]}
    assert apps == {"accounts"}
    pages = ["/admin/accounts/user/", "/admin/accounts/department/", "/admin/accounts/user/add/"]
    for url in pages:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "url",
    [
        "/admin/axes/accessattempt/",
        "/admin/otp_totp/totpdevice/",
        "/admin/registry/talent/",
        "/admin/registry/organisation/",
        "/admin/auth/group/",
    ],
)
def test_the_system_administrator_sees_no_security_audit_or_business_admin_page(
    client, sysadmin, url
):
    client.force_login(sysadmin)
    assert client.get(url).status_code in (403, 404)


def test_the_system_administrator_cannot_read_the_audit_trail(client, sysadmin):
    from django.contrib import admin as django_admin

    from innoplan.audit.models import AuditEvent as Model

    client.force_login(sysadmin)
    assert not sysadmin.has_perm("auditlog.view_logentry")
    assert client.get("/admin/auditlog/logentry/").status_code in (403, 404)
    if django_admin.site.is_registered(Model):
        assert client.get("/admin/audit/auditevent/").status_code in (403, 404)


def test_the_system_administrator_cannot_unmask_an_id_number(sysadmin):
    assert not sysadmin.is_superuser
    assert not sysadmin.has_perm("registry.unmask_id_number")
    assert not sysadmin.has_perm("registry.view_registry")


def test_the_role_is_read_only_for_the_system_administrator(client, sysadmin, leader):
    client.force_login(sysadmin)
    url = f"/admin/accounts/user/{leader.pk}/change/"
    page = client.get(url)
    assert 'name="role"' not in page.content.decode()
    assert 'name="is_superuser"' not in page.content.decode()
    assert 'name="user_permissions"' not in page.content.decode()
    response = client.post(
        url,
        {
            "username": "leader",
            "role": "secadmin",
            "is_superuser": "on",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    leader.refresh_from_db()
    assert (leader.role, leader.is_superuser) == (Role.LEADER, False)
    # And not his own either.
    own = client.get(f"/admin/accounts/user/{sysadmin.pk}/change/")
    assert 'name="role"' not in own.content.decode()


def _admin_creates(client, sysadmin, department, username="tb-new", password="Tz-Innoplan-2024"):
    client.force_login(sysadmin)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": username,
            "role": "plan_owner",
            "department": department.pk,
            "password1": password,
            "password2": password,
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return User.objects.get(username=username)


def test_a_new_account_gets_no_role_and_a_temporary_password(client, sysadmin, departments):
    user = _admin_creates(client, sysadmin, departments[1])
    assert (user.role, user.department) == (Role.NO_ROLE, departments[1])
    assert user.must_change_password and not user.is_superuser
    assert not user.has_perm("plans.view_dashboard")
    assert not user.has_perm("registry.view_registry")


def test_an_account_the_system_administrator_made_reads_no_business_data(
    client, sysadmin, departments, indicator_of_a
):
    """Even once he has changed its password himself, the account he made opens nothing of
    the plan until a security administrator grants it a role."""
    _admin_creates(client, sysadmin, departments[0])
    own = Client()
    assert _login(own, "tb-new", "Tz-Innoplan-2024").status_code == 302
    own.post(
        reverse("accounts:password_change"),
        {
            "old_password": "Tz-Innoplan-2024",
            "new_password1": "Mine-Only-2026!",
            "new_password2": "Mine-Only-2026!",
        },
    )
    home = own.get(reverse("dashboard:home"))
    assert home.status_code == 302
    assert home["Location"] == reverse("accounts:security")
    assert own.get(reverse("accounts:security")).status_code == 200
    assert own.get(reverse("plans:indicator_detail", args=[indicator_of_a.pk])).status_code == 403
    assert own.get(reverse("registry:index")).status_code == 403
    assert own.get("/api/plans/figures").status_code == 403
    assert SECRET_NAME not in own.get("/api/plans/figures").content.decode()


SECRET_NAME = "高新技术企业"


def test_a_password_the_system_administrator_sets_is_changed_by_its_owner_before_any_page(
    client, sysadmin, leader, plan
):
    client.force_login(sysadmin)
    response = client.post(
        f"/admin/accounts/user/{leader.pk}/password/",
        {"password1": "Given-By-Admin-26", "password2": "Given-By-Admin-26"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    other = Client()
    assert _login(other, "leader", "Given-By-Admin-26").status_code == 302
    change = reverse("accounts:password_change")
    for path in [reverse("dashboard:home"), reverse("registry:index"), "/supervision/"]:
        assert other.get(path)["Location"].startswith(change), path
    assert other.get("/api/plans/figures").status_code == 403


def test_the_system_administrator_cannot_lift_a_forced_password_change(client, sysadmin, leader):
    User.objects.filter(pk=leader.pk).update(must_change_password=True)
    client.force_login(sysadmin)
    url = f"/admin/accounts/user/{leader.pk}/change/"
    assert 'name="must_change_password"' not in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "username": "leader",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    leader.refresh_from_db()
    assert leader.must_change_password


def test_the_security_administrator_cannot_reset_his_own_second_factor(client, security_admin):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(security_admin)
    response = client.post(reverse("accounts:otp_reset", args=[security_admin.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:user_list")
    assert "your own second factor" in response.content.decode()
    assert security_admin.totpdevice_set.filter(confirmed=True).exists()
    assert not AuditEvent.objects.filter(event="otp.reset").exists()
    denial = AuditEvent.objects.get(event="access.denied")
    assert (denial.actor_name, denial.outcome) == ("secadmin", "denied")
    assert denial.object_id == str(security_admin.pk)
    assert denial.detail["permission"] == "accounts.reset_otp"


def test_a_refused_role_grant_is_audited(client, security_admin, reporter_a, leader):
    url = reverse("accounts:role_grant", args=[leader.pk])
    client.force_login(reporter_a)
    assert client.post(url, {"role": "plan_owner"}).status_code == 403
    denial = AuditEvent.objects.get(event="access.denied")
    assert (denial.actor_name, denial.outcome) == ("reporter_a", "denied")
    assert denial.detail == {
        "permission": "accounts.manage_security",
        "method": "POST",
        "path": url,
        "status": 403,
    }
    assert denial.ip == "127.0.0.1"

    client.force_login(security_admin)
    own = reverse("accounts:role_grant", args=[security_admin.pk])
    assert client.post(own, {"role": "sysadmin"}).status_code == 403
    second = AuditEvent.objects.filter(event="access.denied").order_by("id").last()
    assert (second.actor_name, second.object_id) == ("secadmin", str(security_admin.pk))
    assert second.detail["permission"] == "accounts.grant_role"
    assert AuditEvent.objects.filter(event="access.denied").count() == 2


def test_accounts_are_not_deleted_from_the_admin(client, sysadmin, leader):
    client.force_login(sysadmin)
    assert client.get(f"/admin/accounts/user/{leader.pk}/delete/").status_code == 403


@pytest.mark.parametrize("persona", ["security_admin", "audit_admin", "plan_owner", "leader"])
def test_no_other_role_opens_the_account_admin(request, client, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
