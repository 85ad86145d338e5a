"""Talents: ID-card numbers checked, kept encrypted, found by digest, shown masked, and
unmasked only by the plan owner with an audit entry; recognitions and teams."""

from __future__ import annotations

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from innoplan.registry import services
from innoplan.registry.choices import RecognitionKind
from innoplan.registry.models import Talent, TalentRecognition
from tests.registry.builders import id_number, make, make_organisation, make_talent

pytestmark = pytest.mark.django_db


def test_a_talent_keeps_the_number_encrypted_with_a_digest_and_a_masked_form():
    number = id_number(7)
    talent = make_talent("王芳", number=number)
    stored = Talent.objects.values().get(pk=talent.pk)
    assert number not in str(stored)
    assert stored["id_number_masked"] == number[:4] + "*" * 10 + number[-4:]
    assert Talent.objects.get(pk=talent.pk).id_number() == number
    assert Talent.objects.with_id_number(number.lower()).get() == talent


def test_the_same_person_cannot_be_recorded_twice(english):
    number = id_number(8)
    make_talent("王芳", number=number)
    with pytest.raises(ValidationError, match="A person with this ID card number is recorded"):
        make_talent("王芳（重复）", number=number)
    twin = Talent(name="王芳（重复）")
    twin.set_id_number(number)
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_registering_checks_the_number_and_refuses_a_second_record(plan_owner, english):
    number = id_number(9)
    talent = services.talent_register(name=" 赵磊 ", id_number=number, actor=plan_owner)
    assert talent.name == "赵磊"
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError, match="check character"):
        services.talent_register(name="钱洋", id_number=wrong, actor=plan_owner)
    with pytest.raises(ValidationError, match="is recorded"):
        services.talent_register(name="孙涛", id_number=number, actor=plan_owner)
    assert Talent.objects.count() == 1


def test_only_stewards_register_talents(reporter_a):
    with pytest.raises(PermissionDenied):
        services.talent_register(name="周杰", id_number=id_number(10), actor=reporter_a)


def test_the_audit_log_never_holds_the_number(plan_owner):
    number = id_number(11)
    talent = services.talent_register(name="吴敏", id_number=number, actor=plan_owner)
    entry = LogEntry.objects.get_for_object(talent).get()
    assert number not in str(entry.changes)
    assert talent.id_number_masked in str(entry.changes)


def test_canal_talent_needs_a_tier_and_other_recognitions_have_none(english):
    talent = make_talent("郑超")
    with pytest.raises(ValidationError, match="tier"):
        make(
            TalentRecognition,
            talent=talent,
            kind=RecognitionKind.CANAL_TALENT,
            valid_from=date(2024, 1, 1),
        )
    with pytest.raises(ValidationError, match="Only"):
        make(
            TalentRecognition,
            talent=talent,
            kind=RecognitionKind.YOUNG_SCIENTIST,
            tier="young",
            valid_from=date(2024, 1, 1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        TalentRecognition.objects.create(
            talent=talent, kind=RecognitionKind.CANAL_TALENT, valid_from=date(2024, 1, 1)
        )


# --- pages -----------------------------------------------------------------------------------


@pytest.fixture
def talent():
    return make_talent(
        "李静", number=id_number(12), employer=make_organisation("北京启明科技有限公司")
    )


def test_lists_and_pages_show_the_masked_number_only(client, leader, talent):
    client.force_login(leader)
    number = talent.id_number()
    for url in (
        reverse("registry:talent_list"),
        reverse("registry:talent_detail", args=[talent.pk]),
    ):
        page = client.get(url).content.decode()
        assert talent.id_number_masked in page
        assert number not in page
        assert 'data-testid="unmask"' not in page
    export = client.get(reverse("registry:talent_list") + "?format=xlsx").content
    assert number.encode() not in export


def test_a_whole_number_typed_in_the_search_finds_the_person(client, leader, talent):
    make_talent("李静", number=id_number(13))
    client.force_login(leader)
    response = client.get(reverse("registry:talent_list"), {"q": talent.id_number().lower()})
    assert [row.record for row in response.context["table"].paginated_rows] == [talent]


def test_the_plan_owner_unmasks_a_number_and_it_is_audited(client, plan_owner, talent):
    client.force_login(plan_owner)
    url = reverse("registry:talent_detail", args=[talent.pk])
    assert 'data-testid="unmask"' in client.get(url).content.decode()
    response = client.post(url)
    assert talent.id_number() in response.content.decode()
    access = LogEntry.objects.get_for_object(talent).filter(action=LogEntry.Action.ACCESS).get()
    assert access.actor == plan_owner


@pytest.mark.parametrize("persona", ["leader", "reporter_a"])
def test_others_cannot_unmask(client, request, persona, talent):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("registry:talent_detail", args=[talent.pk]))
    assert response.status_code == 403
    assert talent.id_number() not in response.content.decode()
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()
