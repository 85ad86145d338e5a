"""The inbox: each business user reads only their own notifications, marks them read and
follows their links; another's notification is a 404; the administrators have no inbox."""

from __future__ import annotations

import pytest
from django.template import RequestContext, Template
from django.test import Client, RequestFactory
from django.urls import reverse

from innoplan.notifications import services
from innoplan.notifications.context_processors import unread_count
from innoplan.notifications.models import Notification

pytestmark = pytest.mark.django_db

INBOX = "/notifications/"


def _tell(users, key, *, subject="督办: 新型研发机构落地", link="/supervision/notices/1/"):
    services.notify(
        recipients=users, subject=subject, body="逾期 20 天", link=link, urgent=True, key=key
    )
    return Notification.objects.filter(key=key)


def test_the_routes_are_where_the_navbar_expects_them():
    assert reverse("notifications:inbox") == INBOX
    assert reverse("notifications:read", args=[7]) == "/notifications/7/read/"
    assert reverse("notifications:read_all") == "/notifications/read-all/"


def test_an_anonymous_visitor_is_sent_to_the_login_page():
    response = Client().get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["plan_owner", "reporter_a", "leader"])
def test_every_business_user_sees_their_own_notifications_only(
    request, client, persona, reporter_b
):
    user = request.getfixturevalue(persona)
    _tell([user], "notice:1", subject="给我的通知")
    _tell([reporter_b], "notice:2", subject="别人的通知")
    client.force_login(user)
    response = client.get(INBOX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "给我的通知" in page and "别人的通知" not in page


@pytest.mark.parametrize("persona", ["sysadmin", "security_admin", "audit_admin"])
def test_the_administrators_have_no_inbox(request, client, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(INBOX).status_code == 403
    assert client.post(reverse("notifications:read_all")).status_code == 403


def test_the_newest_comes_first_and_the_unread_are_marked(client, reporter_a):
    old = _tell([reporter_a], "notice:1", subject="旧通知").get()
    _tell([reporter_a], "notice:2", subject="新通知")
    Notification.objects.filter(pk=old.pk).update(created=old.created.replace(year=2025))
    services.notification_read(notification=old, actor=reporter_a)
    client.force_login(reporter_a)
    response = client.get(INBOX)
    rows = response.context["page"].object_list
    assert [n.subject for n in rows] == ["新通知", "旧通知"]
    assert response.context["unread"] == 1
    page = response.content.decode()
    assert page.count('data-unread="1"') == 1 and page.count('data-unread="0"') == 1
    assert page.index("新通知") < page.index("旧通知")


def test_reading_a_notification_opens_its_link(client, reporter_a):
    notification = _tell([reporter_a], "notice:1").get()
    client.force_login(reporter_a)
    response = client.post(reverse("notifications:read", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/supervision/notices/1/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_link_off_the_site_is_not_followed(client, reporter_a):
    notification = _tell([reporter_a], "notice:1", link="https://evil.example.com/").get()
    client.force_login(reporter_a)
    response = client.post(reverse("notifications:read", args=[notification.pk]))
    assert response["Location"] == INBOX


def test_another_persons_notification_is_not_found_and_stays_unread(
    client, reporter_a, reporter_b, plan_owner
):
    notification = _tell([reporter_a], "notice:1").get()
    for other in (reporter_b, plan_owner):
        client.force_login(other)
        response = client.post(reverse("notifications:read", args=[notification.pk]))
        assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_reading_takes_a_post_only(client, reporter_a):
    notification = _tell([reporter_a], "notice:1").get()
    client.force_login(reporter_a)
    assert client.get(reverse("notifications:read", args=[notification.pk])).status_code == 405
    assert client.get(reverse("notifications:read_all")).status_code == 405


def test_all_read_marks_only_the_readers_own(client, reporter_a, reporter_b):
    _tell([reporter_a, reporter_b], "notice:1")
    _tell([reporter_a], "notice:2")
    client.force_login(reporter_a)
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert response.redirect_chain == [(INBOX, 302)]
    assert Notification.objects.filter(recipient=reporter_a, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=reporter_b, read_at__isnull=True).count() == 1
    assert response.context["unread"] == 0


def test_the_inbox_costs_the_same_queries_for_many_notifications(
    client, reporter_a, django_assert_max_num_queries
):
    client.force_login(reporter_a)
    for number in range(40):
        _tell([reporter_a], f"notice:{number}")
    with django_assert_max_num_queries(13):
        assert client.get(INBOX).status_code == 200


# The navbar's link, included by base.html: {% include "notifications/_navbar_link.html" %}.
NAVBAR = '{% include "notifications/_navbar_link.html" %}'


def test_the_navbar_shows_the_users_unread_count_in_one_query(
    reporter_a, reporter_b, sysadmin, django_assert_num_queries
):
    from django.contrib.auth.context_processors import auth

    _tell([reporter_a], "notice:1")
    _tell([reporter_a, reporter_b], "notice:2")
    request = RequestFactory().get("/")
    navbar = Template(NAVBAR)

    request.user = reporter_a
    with django_assert_num_queries(1):
        html = navbar.render(RequestContext(request, {}, [auth, unread_count]))
    assert 'href="/notifications/"' in html
    assert (
        '<span class="badge rounded-pill text-bg-danger" data-testid="notifications-unread">2<'
        in html
    )

    services.notifications_read_all(actor=reporter_a)
    html = navbar.render(RequestContext(request, {}, [auth, unread_count]))
    assert 'href="/notifications/"' in html and "badge" not in html

    request.user = sysadmin
    assert unread_count(request) == {}
    assert navbar.render(RequestContext(request, {}, [auth, unread_count])).strip() == ""


# The rows given for tests/security/test_access_matrix.py, asserted here for this app's routes.
ROLES = (
    "anonymous",
    "plan_owner",
    "reporter_a",
    "reporter_b",
    "leader",
    "sysadmin",
    "security_admin",
    "audit_admin",
)
MATRIX = {
    "notifications:inbox": (
        False,
        "302 200  200  200  200  403  403  403",
        "302 405  405  405  405  405  405  405",
    ),
    "notifications:read": (
        True,
        "302 405  405  405  405  405  405  405",
        "302 404  302  404  404  403  403  403",
    ),
    "notifications:read_all": (
        False,
        "302 405  405  405  405  405  405  405",
        "302 302  302  302  302  403  403  403",
    ),
}


def test_each_role_gets_the_access_matrix_answer(request, login_client, reporter_a):
    notification = _tell([reporter_a], "matrix").get()
    browsers = {
        role: Client() if role == "anonymous" else login_client(request.getfixturevalue(role))
        for role in ROLES
    }
    wrong = []
    for name, (needs_object, get_row, post_row) in MATRIX.items():
        url = reverse(name, args=[notification.pk] if needs_object else [])
        for method, row in (("get", get_row), ("post", post_row)):
            for role, expected in zip(ROLES, (int(code) for code in row.split()), strict=True):
                Notification.objects.filter(pk=notification.pk).update(read_at=None)
                status = getattr(browsers[role], method)(url).status_code
                if status != expected:
                    wrong.append(f"{name} {method} {role}: {status} (expected {expected})")
    assert wrong == []
