"""The sign-in page, the lockout page and the frame every page shares (navigation by role,
logout, language switch, the idle-logout countdown)."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

LOGIN = reverse("accounts:login")


def _login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.0.0.9")


def test_the_login_page_offers_the_form_and_the_language_switch(client):
    html = client.get(LOGIN).content.decode()
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert reverse("set_language") in html
    assert "创新资源倍增工程" in html
    assert 'id="logout-form"' not in html


def test_a_wrong_password_shows_an_error_on_the_page(client, leader):
    response = _login(client, leader.username, "wrong-Password-1")
    assert response.status_code == 200
    assert 'class="alert alert-danger"' in response.content.decode()


def test_the_lockout_page_says_for_how_long_and_whom_to_ask(client, leader, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, leader.username, "wrong-Password-1")
    response = _login(client, leader.username, PASSWORD)
    assert response.status_code == 429
    assert settings.AXES_LOCKOUT_TEMPLATE in [t.name for t in response.templates]
    html = response.content.decode()
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    assert f"该账号已被锁定{minutes}分钟" in html
    assert "系统管理员" in html
    assert leader.username in html


NAV = {
    "plan_owner": {"dashboard:home": True, "plans:review_list": True, "plans:my_reports": False},
    "reporter_a": {"dashboard:home": True, "plans:review_list": False, "plans:my_reports": True},
    "leader": {"dashboard:home": True, "plans:review_list": False, "plans:my_reports": False},
}


@pytest.mark.parametrize("persona", list(NAV))
def test_the_navigation_follows_the_role(client, request, persona, plan):
    client.force_login(request.getfixturevalue(persona))
    html = client.get(reverse("dashboard:home")).content.decode()
    nav = html.split("</nav>", 1)[0]
    for name, shown in NAV[persona].items():
        assert (f'href="{reverse(name)}"' in nav) is shown, name
    assert 'href="/admin/"' not in nav


def test_a_system_administrator_gets_the_admin_link(client, sysadmin, plan, departments):
    client.force_login(sysadmin)
    # The dashboard sends a system administrator to the admin; any page shows the frame.
    html = client.get(reverse("plans:review_list")).content.decode()
    assert 'href="/admin/"' in html.split("</nav>", 1)[0]


def test_the_frame_has_a_post_logout_and_the_idle_countdown(client, leader, plan, settings):
    client.force_login(leader)
    html = client.get(reverse("dashboard:home")).content.decode()
    assert re.search(r'<form method="post" action="/accounts/logout/" id="logout-form">', html)
    idle = re.search(
        r'<script id="session-idle-seconds" type="application/json">(.*?)</script>', html
    )
    assert json.loads(idle[1]) == settings.SESSION_IDLE_TIMEOUT
    assert 'id="idle-warning"' in html
    assert "innoplan/idle" in html
    assert str(leader) in html


def test_logging_out_takes_a_post(client, leader):
    client.force_login(leader)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard:home")).status_code == 302


def test_the_language_switch_changes_the_language(client, leader, plan):
    client.force_login(leader)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("dashboard:home")).content.decode()
    assert '<html lang="en">' in html
