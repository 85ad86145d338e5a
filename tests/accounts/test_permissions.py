"""``authorise`` and ``requires``: the one permission check, and the audit record every
refusal leaves — the 403 it raises, and the 403s and 404s answered to signed-in users
elsewhere, recorded once per request by the audit middleware."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.views import View

from innoplan.accounts.permissions import Requires, authorise, requires
from innoplan.audit.denials import denials_recorded
from innoplan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def denials():
    return list(AuditEvent.objects.filter(event="access.denied").order_by("id"))


def test_authorise_lets_one_who_has_the_permission_pass_and_records_nothing(plan_owner):
    authorise(plan_owner, "plans.manage_plan")
    assert denials() == []


def test_authorise_refuses_with_its_message_and_records_the_denial(leader, indicator_of_a):
    with pytest.raises(PermissionDenied) as refusal:
        authorise(leader, "plans.report_value", indicator_of_a, message="Not yours.")
    assert str(refusal.value) == "Not yours."
    [denial] = denials()
    assert (denial.actor_name, denial.outcome) == ("leader", "denied")
    assert (denial.object_type, denial.object_id) == ("plans.indicator", str(indicator_of_a.pk))
    assert denial.detail == {"permission": "plans.report_value"}


def test_a_denial_inside_a_rolled_back_transaction_is_kept_while_denials_are_collected(leader):
    """A service refuses inside its transaction, which the refusal rolls back; the record is
    written after it, when the request (or a job) ends."""
    with denials_recorded():
        with pytest.raises(PermissionDenied), transaction.atomic():
            authorise(leader, "plans.manage_plan")
        assert denials() == []  # not yet: the transaction might still be rolled back
    [denial] = denials()
    assert denial.detail["permission"] == "plans.manage_plan"


def test_requires_refuses_a_function_view_and_records_who_what_and_where(leader):
    @requires("plans.review_value")
    def view(request):
        return HttpResponse("ok")

    request = RequestFactory().get("/somewhere/", REMOTE_ADDR="10.1.2.3")
    request.user = leader
    with pytest.raises(PermissionDenied):
        view(request)
    [denial] = denials()
    assert denial.detail["permission"] == "plans.review_value"
    assert denial.actor_name == "leader"


def test_requires_lets_a_permitted_user_through(plan_owner):
    @requires("plans.review_value")
    def view(request):
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    request.user = plan_owner
    assert view(request).content == b"ok"


def test_the_class_view_mixin_checks_before_dispatch(leader, plan_owner):
    class Page(Requires, View):
        permission = "plans.manage_plan"

        def get(self, request):
            return HttpResponse("ok")

    request = RequestFactory().get("/")
    request.user = plan_owner
    assert Page.as_view()(request).content == b"ok"
    request.user = leader
    with pytest.raises(PermissionDenied):
        Page.as_view()(request)
    assert len(denials()) == 1


def test_a_refusal_by_requires_is_recorded_once_with_method_path_and_address(client, leader):
    client.force_login(leader)
    url = reverse("plans:review_list")
    assert client.get(url).status_code == 403
    [denial] = denials()
    assert denial.actor_name == "leader"
    assert denial.ip == "127.0.0.1"
    assert denial.detail == {
        "permission": "plans.review_value",
        "method": "GET",
        "path": url,
        "status": 403,
    }


def test_another_departments_record_answers_404_and_the_attempt_is_recorded(
    client, reporter_b, indicator_of_a
):
    client.force_login(reporter_b)
    url = reverse("plans:indicator_detail", args=[indicator_of_a.pk])
    assert client.get(url).status_code == 404
    [denial] = denials()
    assert (denial.actor_name, denial.outcome) == ("reporter_b", "denied")
    assert denial.detail == {"method": "GET", "path": url, "status": 404}


def test_an_api_404_is_recorded(client, reporter_b, indicator_of_a):
    client.force_login(reporter_b)
    assert client.get(f"/api/plans/figures/{indicator_of_a.pk}").status_code == 404
    [denial] = denials()
    assert denial.detail["status"] == 404


def test_a_refused_unmask_is_recorded(client, leader):
    from tests.registry.builders import make_talent

    talent = make_talent()
    client.force_login(leader)
    url = reverse("registry:talent_detail", args=[talent.pk])
    assert client.post(url).status_code == 403
    [denial] = denials()
    assert denial.actor_name == "leader"
    assert (denial.detail["method"], denial.detail["path"], denial.detail["status"]) == (
        "POST",
        url,
        403,
    )


def test_an_anonymous_visitor_or_a_page_that_opens_leaves_no_denial(client, leader, plan):
    assert client.get(reverse("plans:review_list")).status_code == 302
    client.force_login(leader)
    assert client.get(reverse("dashboard:home")).status_code == 200
    assert denials() == []
