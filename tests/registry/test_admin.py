"""A data steward enters registry records on the admin pages; the models' rules apply there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from innoplan.registry.models import Organisation, Qualification
from tests.registry.builders import credit_code, make_organisation, with_wrong_check_character

pytestmark = pytest.mark.django_db

MODELS = ("park", "organisation", "qualification", "platform", "fund", "brandevent", "base")


@pytest.fixture
def steward(client, sysadmin):
    sysadmin.is_staff = sysadmin.is_superuser = True
    sysadmin.save()
    client.force_login(sysadmin)
    return client


def organisation_form(**fields):
    form = {
        "name": "北京副中心数智科技有限公司",
        "kind": "enterprise",
        "industry": "digital_economy",
        "valid_from": "2024-03-01",
        "qualifications-TOTAL_FORMS": "0",
        "qualifications-INITIAL_FORMS": "0",
    }
    form.update(fields)
    return form


@pytest.mark.parametrize("model", MODELS)
def test_every_register_has_a_list_and_an_add_page(steward, model):
    make_organisation("已有企业")
    for name in (f"admin:registry_{model}_changelist", f"admin:registry_{model}_add"):
        assert steward.get(reverse(name)).status_code == 200


def test_the_list_can_show_what_counts_today(steward):
    make_organisation("在区企业")
    response = steward.get(
        reverse("admin:registry_organisation_changelist"), {"validity": "current"}
    )
    assert "在区企业" in response.content.decode()


def test_a_doubtful_credit_code_is_kept_only_once_confirmed(steward, town):
    code = with_wrong_check_character(credit_code())
    url = reverse("admin:registry_organisation_add")
    response = steward.post(url, organisation_form(credit_code=code, town=town.pk))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["credit_code_confirmed"]
    assert not Organisation.objects.exists()
    response = steward.post(
        url, organisation_form(credit_code=code, town=town.pk, credit_code_confirmed="on")
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert organisation.credit_code_confirmed
    assert "18" in organisation.credit_code_warning


def test_a_qualification_entered_without_expiry_follows_the_rule(steward):
    organisation = make_organisation("高企丙")
    response = steward.post(
        reverse("admin:registry_qualification_add"),
        {"organisation": organisation.pk, "kind": "high_tech", "valid_from": "2024-12-02"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert str(Qualification.objects.get().valid_to) == "2027-12-02"
