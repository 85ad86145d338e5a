"""The system administrator creates accounts with a department; a security administrator then
grants the role (tests/accounts/test_duties.py)."""

import pytest

from innoplan.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(sysadmin):
    assert sysadmin.is_staff and not sysadmin.is_superuser
    return sysadmin


def test_the_administrator_creates_an_account_bound_to_a_department(
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
    # The role asked for is ignored: none until a security administrator grants one.
    assert (user.role, user.department) == ("none", departments[1])


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
