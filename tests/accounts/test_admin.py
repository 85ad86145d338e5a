"""The system administrator creates accounts with a role and a department."""

import pytest

from innoplan.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(sysadmin):
    sysadmin.is_staff = sysadmin.is_superuser = True
    sysadmin.save()
    return sysadmin


def test_the_administrator_creates_a_reporter_bound_to_a_department(
    client, admin_user, departments
):
    client.force_login(admin_user)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "tb-new",
            "role": "reporter",
            "department": departments[1].pk,
            "password1": "Tz-Innoplan-2024",
            "password2": "Tz-Innoplan-2024",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="tb-new")
    assert (user.role, user.department) == ("reporter", departments[1])


def test_a_weak_password_is_refused(client, admin_user, departments):
    client.force_login(admin_user)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "tb-weak",
            "role": "leader",
            "password1": "abcdefgh",
            "password2": "abcdefgh",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="tb-weak").exists()


def test_a_reporter_cannot_open_the_admin(client, reporter_a):
    client.force_login(reporter_a)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_createsuperuser_makes_a_system_administrator(db, monkeypatch):
    from django.core.management import call_command

    from innoplan.accounts.choices import Role
    from innoplan.accounts.models import User

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Root-Admin-2026!")
    call_command(
        "createsuperuser", "--noinput", "--username", "root", "--email", "root@example.gov.cn"
    )
    assert User.objects.get(username="root").role == Role.SYSTEM_ADMIN
