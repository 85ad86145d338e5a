"""The system administrator creates accounts with a department; a security administrator then
grants the role (tests/accounts/test_duties.py)."""

import re

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


ENGLISH_ON_ADMIN_PAGES = [
    "Django",  # the admin's own name in its header and titles
    "Model name",
    "Add link",
    "Change or view list link",
    "After you’ve created a user",
    "If disabled, the current password",
]


def test_the_system_administrators_pages_are_chinese(client, admin_user, departments, reporter_a):
    client.force_login(admin_user)
    department, user = departments[0].pk, reporter_a.pk
    for url in [
        "/admin/",
        "/admin/accounts/",
        "/admin/accounts/department/",
        "/admin/accounts/department/add/",
        f"/admin/accounts/department/{department}/change/",
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        f"/admin/accounts/user/{user}/change/",
        f"/admin/accounts/user/{user}/password/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="zh-hans"' in html, url
        for text in ENGLISH_ON_ADMIN_PAGES:
            assert text not in html, (url, text)
    assert "创新资源倍增工程" in client.get("/admin/").content.decode()


def test_every_innoplan_admin_names_its_model_columns_and_filters_in_chinese():
    """What the admin shows of innoplan's models — model names, list columns, filter titles —
    comes from verbose names and translated titles, never from an English field name."""
    from django.contrib import admin
    from django.contrib.admin.utils import label_for_field
    from django.utils import translation

    latin = re.compile(r"[A-Za-z]")
    untranslated = []
    with translation.override("zh-hans"):
        for model, model_admin in admin.site._registry.items():
            if not model.__module__.startswith("innoplan."):
                continue
            names = [model._meta.verbose_name, model._meta.verbose_name_plural]
            names += [
                label_for_field(name, model, model_admin)
                for name in model_admin.get_list_display(None)
                if name != "__str__"
            ]
            for entry in model_admin.list_filter:
                if isinstance(entry, str):
                    names.append(model._meta.get_field(entry).verbose_name)
                else:
                    names.append(getattr(entry, "title", entry.__name__))
            untranslated += [
                f"{model._meta.label}: {name}" for name in map(str, names) if latin.search(name)
            ]
    assert untranslated == []
