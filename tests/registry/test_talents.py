"""Talents: ID-card numbers checked, kept encrypted, found by digest, shown masked, and
unmasked only by the plan owner with an audit entry; recognitions and teams."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from innoplan.registry import services
from innoplan.registry.choices import RecognitionKind
from innoplan.registry.models import Talent, TalentRecognition
from tests.registry.builders import (
    id_number,
    make,
    make_organisation,
    make_talent,
    phone_number,
)

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


# --- mobile phones -----------------------------------------------------------------------------


def test_a_phone_is_kept_encrypted_with_a_digest_and_a_masked_form():
    phone = phone_number(1234)
    talent = make_talent("陈晨", phone="+86 140-0000-1234")
    stored = Talent.objects.values().get(pk=talent.pk)
    assert phone not in str(stored) and "00001234" not in stored["phone_encrypted"]
    assert stored["phone_masked"] == "140****1234"
    assert Talent.objects.get(pk=talent.pk).phone() == phone
    assert Talent.objects.with_phone(f"{phone[:3]} {phone[3:7]} {phone[7:]}").get() == talent
    assert not Talent.objects.with_phone(phone_number(1235)).exists()


def test_a_phone_is_optional():
    talent = make_talent("无电话")
    stored = Talent.objects.values().get(pk=talent.pk)
    assert (stored["phone_encrypted"], stored["phone_digest"], stored["phone_masked"]) == ("",) * 3
    assert talent.phone() == ""


@pytest.mark.parametrize(
    "phone, message",
    [
        ("1400000123", "11 digits"),
        ("140000012345", "11 digits"),
        ("12000001234", "start with 13 to 19"),
        ("1400000123x", "not digits"),
    ],
)
def test_registering_refuses_a_phone_that_is_not_a_mainland_mobile(
    plan_owner, english, phone, message
):
    with pytest.raises(ValidationError, match=message) as refused:
        services.talent_register(
            name="错号", id_number=id_number(30), phone=phone, actor=plan_owner
        )
    assert "phone" in refused.value.message_dict
    assert phone not in str(refused.value)
    assert not Talent.objects.exists()


def test_registering_keeps_a_valid_phone(plan_owner):
    talent = services.talent_register(
        name="冯雪", id_number=id_number(31), phone=phone_number(31), actor=plan_owner
    )
    assert talent.phone() == phone_number(31) and talent.phone_masked == "140****0031"
    entry = LogEntry.objects.get_for_object(talent).get()
    assert phone_number(31) not in str(entry.changes)


@pytest.fixture
def talent_with_phone():
    return make_talent("周敏", number=id_number(32), phone=phone_number(32))


def test_pages_and_exports_show_the_phone_masked(client, leader, talent_with_phone):
    client.force_login(leader)
    for url in (
        reverse("registry:talent_list"),
        reverse("registry:talent_detail", args=[talent_with_phone.pk]),
    ):
        page = client.get(url).content.decode()
        assert "140****0032" in page
        assert phone_number(32) not in page
    export = client.get(reverse("registry:talent_list") + "?format=xlsx").content
    book = load_workbook(io.BytesIO(export))
    cells = {str(c.value) for row in book.active.iter_rows() for c in row}
    assert "140****0032" in cells
    assert phone_number(32) not in cells


def test_a_whole_phone_number_typed_in_the_search_finds_the_person(
    client, leader, talent_with_phone
):
    make_talent("周敏", phone=phone_number(33))
    client.force_login(leader)
    response = client.get(reverse("registry:talent_list"), {"q": phone_number(32)})
    assert [row.record for row in response.context["table"].paginated_rows] == [talent_with_phone]
    # Part of a number finds nobody: the digest matches whole numbers only.
    response = client.get(reverse("registry:talent_list"), {"q": phone_number(32)[:7]})
    assert not list(response.context["table"].paginated_rows)


def test_unmasking_shows_the_phone_with_the_number_under_the_same_audit(
    client, plan_owner, talent_with_phone
):
    client.force_login(plan_owner)
    response = client.post(reverse("registry:talent_detail", args=[talent_with_phone.pk]))
    page = response.content.decode()
    assert talent_with_phone.id_number() in page and phone_number(32) in page
    access = LogEntry.objects.get_for_object(talent_with_phone).filter(
        action=LogEntry.Action.ACCESS
    )
    assert access.get().actor == plan_owner


@pytest.mark.parametrize("persona", ["leader", "reporter_a"])
def test_others_cannot_unmask_the_phone(client, request, persona, talent_with_phone):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("registry:talent_detail", args=[talent_with_phone.pk]))
    assert response.status_code == 403
    assert phone_number(32) not in response.content.decode()


def test_the_import_reads_phones_and_its_report_never_shows_one(english):
    from innoplan.imports.services import import_apply, import_check, import_template
    from innoplan.registry.resources.talents import TalentResource
    from innoplan.tabular.rows import read_upload

    assert "手机号码" in TalentResource.headers()
    template = load_workbook(io.BytesIO(import_template("talents"))).active
    assert "手机号码" in [c.value for c in template[1]]

    def table(rows):
        book = Workbook()
        book.active.append(["姓名", "身份证号码", "手机号码"])
        for row in rows:
            book.active.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return read_upload(buffer.getvalue(), "talents.xlsx")

    number, phone = id_number(34), phone_number(34)
    import_apply("talents", table([["郑洁", number, phone], ["王强", id_number(35), ""]]))
    assert Talent.objects.with_id_number(number).get().phone() == phone
    assert Talent.objects.with_id_number(id_number(35)).get().phone() == ""
    again = import_apply("talents", table([["郑洁", number, phone]]))
    assert again.counts()["unchanged"] == 1
    changed = phone_number(36)
    import_apply("talents", table([["郑洁", number, changed]]))
    assert Talent.objects.with_phone(changed).get().name == "郑洁"

    wrong = "1200000" + "0034"
    report = import_check("talents", table([["李四", id_number(37), wrong]]))
    [(column, message)] = [(e.column, e.message) for r in report.rows for e in r.errors]
    assert column == "手机号码" and "13 to 19" in message
    assert wrong not in json.dumps(report.as_json(), ensure_ascii=False)


def test_the_admin_form_sets_checks_keeps_and_removes_a_phone(english, talent_with_phone):
    from innoplan.registry.admin import TalentForm

    def submit(**data):
        fields = {"name": "周敏", "id_number": "", "employer": "", "title": "", **data}
        return TalentForm(fields, instance=Talent.objects.get(pk=talent_with_phone.pk))

    form = submit(phone="12345")
    assert not form.is_valid() and "11 digits" in str(form.errors["phone"])
    form = submit(phone="")
    assert form.is_valid(), form.errors
    assert form.save().phone() == phone_number(32)  # an empty box keeps the number
    form = submit(phone=phone_number(38))
    assert form.is_valid()
    assert form.save().phone_masked == "140****0038"
    form = submit(remove_phone="on")
    assert form.is_valid()
    assert form.save().phone() == ""
