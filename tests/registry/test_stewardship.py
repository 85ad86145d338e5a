"""A steward keeps the registers in the browser: adds a record, corrects it, ends it before its
time with a reason — through the same checks as an import, audited, and true for the days it
touches — and reads the history in plain words."""

from __future__ import annotations

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from innoplan.core.audit import audit_rows
from innoplan.metrics.selectors import metric_value
from innoplan.registry.choices import QualificationKind
from innoplan.registry.models import Organisation, Qualification, Talent
from innoplan.registry.selectors import audit_entries
from tests.registry.builders import credit_code, make, make_organisation, with_wrong_check_character

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client, plan_owner):
    client.force_login(plan_owner)
    return client


@pytest.fixture
def in_english(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def other_town(db):
    from innoplan.accounts.choices import DepartmentKind
    from innoplan.accounts.models import Department

    return Department.objects.create(code="zhangjiawan", name="张家湾镇", kind=DepartmentKind.TOWN)


def organisation_data(organisation, **changes):
    data = {
        "credit_code": organisation.credit_code,
        "name": organisation.name,
        "kind": organisation.kind,
        "industry": organisation.industry,
        "town": organisation.town_id or "",
        "valid_from": organisation.valid_from.isoformat() if organisation.valid_from else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_steward_adds_an_organisation_audited_under_his_name(owner, plan_owner, town):
    code = credit_code()
    response = owner.post(
        reverse("registry:organisation_create"),
        {
            "credit_code": code,
            "name": "北京新建科技有限公司",
            "kind": "enterprise",
            "industry": "digital_economy",
            "town": town.pk,
            "valid_from": "2024-05-01",
        },
    )
    organisation = Organisation.objects.get(credit_code=code)
    assert response.status_code == 302
    assert response.url == reverse("registry:organisation_detail", args=[organisation.pk])
    assert organisation.name_initials == "bjxjkjyxgs"
    assert LogEntry.objects.get_for_object(organisation).get().actor == plan_owner


def test_a_correction_is_checked_as_an_import_row_and_a_bad_one_changes_nothing(
    owner, town, other_town, in_english
):
    organisation = make_organisation("北京甲科技有限公司", town=town)
    url = reverse("registry:organisation_edit", args=[organisation.pk])
    assert owner.get(url).status_code == 200

    bad = organisation_data(organisation, credit_code="91110112MA01")
    response = owner.post(url, bad)
    assert response.status_code == 400
    assert "Credit code" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.town == town

    # A code that fails only its check character needs the steward's confirmation, as on import.
    doubtful = with_wrong_check_character(credit_code())
    response = owner.post(url, organisation_data(organisation, credit_code=doubtful))
    assert response.status_code == 400 and "confirm" in response.content.decode()

    response = owner.post(url, organisation_data(organisation, town=other_town.pk))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.town == other_town


def test_ending_a_qualification_keeps_its_reason_and_moves_the_count_on_that_day(owner, town):
    organisation = make_organisation("北京高企科技有限公司", town=town)
    certificate = make(
        Qualification,
        organisation=organisation,
        kind=QualificationKind.HIGH_TECH,
        valid_from=date(2024, 1, 10),
    )
    assert certificate.valid_to == date(2027, 1, 10)  # the kind's rule, from the model
    url = reverse("registry:qualification_retire", args=[certificate.pk])
    assert owner.get(url).status_code == 200

    assert owner.post(url, {"on": "2025-06-01", "reason": ""}).status_code == 400
    certificate.refresh_from_db()
    assert certificate.valid_to == date(2027, 1, 10)

    response = owner.post(url, {"on": "2025-06-01", "reason": "复核不合格，撤销资格"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.valid_to == date(2025, 6, 1)
    assert certificate.end_reason == "复核不合格，撤销资格"
    assert metric_value(key="high_tech_enterprises", as_of=date(2025, 5, 31)) == 1
    assert metric_value(key="high_tech_enterprises", as_of=date(2025, 6, 1)) == 0
    page = owner.get(reverse("registry:qualification_detail", args=[certificate.pk]))
    assert "复核不合格，撤销资格" in page.content.decode()


def test_a_talent_is_added_with_its_number_checked_by_the_model(owner, in_english):
    url = reverse("registry:talent_create")
    response = owner.post(url, {"name": "李雷", "id_number": "110101199001011234"})
    assert response.status_code == 400 and "ID card number" in response.content.decode()
    assert not Talent.objects.exists()


@pytest.mark.parametrize("persona", ["reporter_a", "leader", "sysadmin"])
def test_only_a_steward_opens_the_stewards_pages(client, request, persona, town):
    organisation = make_organisation("北京乙科技有限公司", town=town)
    client.force_login(request.getfixturevalue(persona))
    for url in (
        reverse("registry:organisation_create"),
        reverse("registry:organisation_edit", args=[organisation.pk]),
        reverse("registry:organisation_retire", args=[organisation.pk]),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {"on": "2025-01-01", "reason": "x"}).status_code == 403
    organisation.refresh_from_db()
    assert organisation.valid_to is None


def test_the_history_reads_in_plain_words(owner, town, other_town):
    organisation = make_organisation("北京丙科技有限公司", town=town)
    url = reverse("registry:organisation_edit", args=[organisation.pk])
    owner.post(url, organisation_data(organisation, town=other_town.pk, single_champion="on"))
    [update] = [r for r in audit_rows(audit_entries(organisation)) if r.entry.action == 1]
    changes = {c.field: (c.old, c.new) for c in update.changes}
    assert changes["乡镇（街道）"] == ("宋庄镇", "张家湾镇")
    assert changes["单项冠军企业"] == ("否", "是")
    assert not any("None" in c.old + c.new or "." in c.field for c in update.changes)


def test_merging_a_duplicate_moves_its_records_and_keeps_its_name(owner, plan_owner, town):
    keep = make_organisation("北京甲科技有限公司", town=town)
    duplicate = make_organisation("北京甲科技有限责任公司", town=town)
    for holder in (keep, duplicate):  # the same certificate entered under both
        make(
            Qualification,
            organisation=holder,
            kind=QualificationKind.HIGH_TECH,
            valid_from=date(2024, 1, 10),
        )
    make(
        Qualification,
        organisation=duplicate,
        kind=QualificationKind.SPECIALISED_SME,
        valid_from=date(2024, 5, 1),
    )
    url = reverse("registry:organisation_merge", args=[keep.pk])
    assert owner.post(url, {"duplicate": "91110112MA0000000X"}).status_code == 400

    response = owner.post(url, {"duplicate": duplicate.credit_code})

    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()
    keep.refresh_from_db()
    assert "北京甲科技有限责任公司" in keep.former_names
    kinds = sorted(keep.qualifications.values_list("kind", flat=True))
    assert kinds == sorted([QualificationKind.HIGH_TECH, QualificationKind.SPECIALISED_SME])
    assert metric_value(key="high_tech_enterprises", as_of=date(2025, 1, 1)) == 1
    deleted = LogEntry.objects.get_for_model(Organisation).filter(
        action=LogEntry.Action.DELETE, object_id=duplicate.pk
    )
    assert deleted.get().actor == plan_owner


def test_an_organisation_is_not_merged_into_itself(owner, town):
    keep = make_organisation("北京丁科技有限公司", town=town)
    url = reverse("registry:organisation_merge", args=[keep.pk])
    assert owner.post(url, {"duplicate": keep.credit_code}).status_code == 400
    assert Organisation.objects.filter(pk=keep.pk).exists()
