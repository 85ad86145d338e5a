"""Talents registered by another document than a mainland ID card — a passport, a travel
permit for Hong Kong, Macao or Taiwan residents, a permanent residence card, a residence
permit: checked as that document's, unique per type and number, kept encrypted, found and
shown masked with the type."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from innoplan.core.crypto import field_cipher
from innoplan.core.identifiers import PERSONAL_ID_DOCUMENTS, PERSONAL_ID_MAX_LENGTH
from innoplan.imports.services import import_apply, import_check, import_template
from innoplan.registry import services
from innoplan.registry.choices import IdKind, RecognitionKind
from innoplan.registry.forms import TalentForm
from innoplan.registry.models import Talent, TalentRecognition, Team
from tests.registry.builders import id_number, make, make_talent
from tests.registry.test_imports import errors_of, only_error, table

pytestmark = pytest.mark.django_db

PASSPORT = "E12345678"


def passport_holder(name="安娜·米勒", number=PASSPORT, kind=IdKind.PASSPORT):
    talent = Talent(name=name)
    talent.set_id_number(number, kind=kind)
    talent.full_clean()
    talent.save()
    return talent


def test_the_kinds_are_the_documents_the_identifier_rules_check():
    assert set(IdKind.values) == set(PERSONAL_ID_DOCUMENTS)
    assert Talent._meta.get_field("id_number_masked").max_length >= PERSONAL_ID_MAX_LENGTH
    assert Talent._meta.get_field("id_kind").default == IdKind.ID_CARD
    with translation.override("zh-hans"):
        assert [str(label) for label in IdKind.labels] == [
            "居民身份证",
            "护照",
            "港澳居民来往内地通行证",
            "台湾居民来往大陆通行证",
            "外国人永久居留身份证",
            "港澳台居民居住证",
        ]


def test_a_passport_holder_is_registered_through_the_edit_service(plan_owner, english):
    form = TalentForm({"name": "安娜·米勒", "id_kind": IdKind.PASSPORT, "id_number": "e1234 5678"})
    assert form.is_valid(), form.errors
    talent = services.record_save(record=form.instance, actor=plan_owner)
    talent = Talent.objects.get(pk=talent.pk)
    stored = Talent.objects.values().get(pk=talent.pk)
    assert PASSPORT not in str(stored)
    assert (talent.id_kind, talent.id_number_masked) == (IdKind.PASSPORT, "E******78")
    assert talent.id_number() == PASSPORT
    assert str(talent) == "安娜·米勒 (Passport E******78)"
    assert Talent.objects.with_id_number("e12345678", kind=IdKind.PASSPORT).get() == talent
    assert not Talent.objects.with_id_number(PASSPORT).exists()  # not an ID card's number


def test_the_edit_page_offers_the_type_beside_the_number_and_saves_it(client, plan_owner):
    client.force_login(plan_owner)
    url = reverse("registry:talent_create")
    page = client.get(url).content.decode()
    assert 'name="id_kind"' in page and "护照" in page
    assert page.index('name="id_kind"') < page.index('name="id_number"')
    response = client.post(
        url, {"name": "陈大文", "id_kind": IdKind.HK_MACAO_PERMIT, "id_number": "h12345678"}
    )
    assert response.status_code == 302
    talent = Talent.objects.get()
    assert (talent.id_kind, talent.id_number_masked) == (IdKind.HK_MACAO_PERMIT, "H*****678")


def test_a_wrong_number_is_refused_with_what_is_wrong_for_its_kind(plan_owner, english):
    with pytest.raises(ValidationError) as refused:
        services.talent_register(
            name="安娜·米勒", id_number="E123", id_kind=IdKind.PASSPORT, actor=plan_owner
        )
    assert refused.value.message_dict["id_number"] == [
        "Passport number has 4 characters; a passport number has 5 to 17."
    ]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.talent_register(
            name="陈大文", id_number="K12345678", id_kind=IdKind.HK_MACAO_PERMIT, actor=plan_owner
        )
    assert refused.value.message_dict["id_number"] == [
        "港澳居民来往内地通行证号码首字母为“K”，应为H（香港）或M（澳门）。"
    ]
    assert not Talent.objects.exists()


def test_a_mainland_id_cards_digest_is_what_it_was_before_the_kinds():
    number = id_number(41)
    talent = make_talent("王芳", number=number)
    assert talent.id_kind == IdKind.ID_CARD
    assert talent.id_number_digest == field_cipher().digest(number)
    assert Talent.digest_of(number) == field_cipher().digest(number)
    assert str(talent) == f"王芳 ({talent.id_number_masked})"


def test_two_people_with_the_same_number_under_different_kinds_are_both_recorded():
    passport = passport_holder("约翰·史密斯", "12345678")
    taiwan = passport_holder("林志明", "12345678", kind=IdKind.TAIWAN_PERMIT)
    assert passport.id_number_digest != taiwan.id_number_digest
    assert Talent.objects.with_id_number("12345678", kind=IdKind.PASSPORT).get() == passport
    assert Talent.objects.with_id_number("12345678", kind=IdKind.TAIWAN_PERMIT).get() == taiwan


def test_the_same_kind_and_number_are_refused_with_a_clear_message(plan_owner, english):
    passport_holder()
    with pytest.raises(ValidationError) as refused:
        services.talent_register(
            name="安娜（重复）",
            id_number=PASSPORT.lower(),
            id_kind=IdKind.PASSPORT,
            actor=plan_owner,
        )
    assert (
        "A person with this Passport number is recorded." in refused.value.message_dict["id_number"]
    )
    with translation.override("zh-hans"):
        twin = Talent(name="安娜（重复）")
        twin.set_id_number(PASSPORT, kind=IdKind.PASSPORT)
        with pytest.raises(ValidationError, match="已登记持有该护照号码的人员"):
            twin.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_a_changed_kind_needs_the_number_typed_again(plan_owner, english):
    talent = passport_holder()
    data = {"name": "安娜·米勒", "id_kind": IdKind.PERMANENT_RESIDENCE, "id_number": ""}
    form = TalentForm(data, instance=Talent.objects.get(pk=talent.pk))
    assert not form.is_valid()
    assert "Type the number again" in str(form.errors)
    form = TalentForm(
        {**data, "id_number": "usa110212345678"}, instance=Talent.objects.get(pk=talent.pk)
    )
    assert form.is_valid(), form.errors
    services.record_save(record=form.instance, actor=plan_owner)
    talent.refresh_from_db()
    assert (talent.id_kind, talent.id_number()) == (IdKind.PERMANENT_RESIDENCE, "USA110212345678")
    # A form without the type (as posted before there were types) keeps the recorded one.
    form = TalentForm({"name": "安娜", "id_number": ""}, instance=Talent.objects.get(pk=talent.pk))
    assert form.is_valid(), form.errors
    assert form.instance.id_kind == IdKind.PERMANENT_RESIDENCE


def recognise(talent):
    return make(
        TalentRecognition,
        talent=talent,
        kind=RecognitionKind.YOUNG_SCIENTIST,
        valid_from=date(2025, 1, 1),
    )


# --- pages --------------------------------------------------------------------------------------


def test_lists_and_the_detail_page_show_the_type_and_the_masked_number_only(client, leader):
    talent = passport_holder()
    recognise(talent)
    client.force_login(leader)
    for url in (
        reverse("registry:talent_list"),
        reverse("registry:talent_detail", args=[talent.pk]),
        reverse("registry:talent_recognition_list"),
    ):
        page = client.get(url).content.decode()
        assert "E******78" in page and "护照" in page, url
        assert PASSPORT not in page, url
    export = client.get(reverse("registry:talent_list") + "?format=xlsx").content
    assert PASSPORT.encode() not in export


def test_a_whole_passport_number_typed_in_the_search_finds_the_person(client, leader):
    talent = passport_holder()
    make_talent("李静")
    client.force_login(leader)
    response = client.get(reverse("registry:talent_list"), {"q": "e12345678"})
    assert [row.record for row in response.context["table"].paginated_rows] == [talent]


def test_the_plan_owner_unmasks_a_passport_number(client, plan_owner):
    talent = passport_holder()
    client.force_login(plan_owner)
    response = client.post(reverse("registry:talent_detail", args=[talent.pk]))
    assert PASSPORT in response.content.decode()


# --- imports ------------------------------------------------------------------------------------

TALENTS = ["姓名", "身份证号码", "证件类型", "职务职称"]


def test_the_talent_template_has_the_type_column_with_its_labels():
    book = load_workbook(io.BytesIO(import_template("talents")))
    headers = [c.value for c in book.active[1]]
    assert "证件类型" in headers
    workbook_text = json.dumps(
        [[c.value for c in row] for sheet in book.worksheets for row in sheet.iter_rows()],
        ensure_ascii=False,
    )
    assert "港澳居民来往内地通行证" in workbook_text and "护照" in workbook_text


def test_an_import_registers_people_by_type_and_number_and_matches_them_again(english):
    number = id_number(42)
    rows = [
        ["安娜·米勒", "e1234 5678", "护照", "首席科学家"],
        ["陈大文", "H12345678", "回乡证", "研究员"],
        ["林志明", "12345678", "Mainland travel permit for Taiwan residents", ""],
        ["王芳", number, "", ""],
    ]
    report = import_apply("talents", table(TALENTS, rows))
    assert report.counts()["new"] == 4
    assert PASSPORT not in json.dumps(report.as_json(), ensure_ascii=False)
    kinds = dict(Talent.objects.values_list("name", "id_kind"))
    assert kinds == {
        "安娜·米勒": IdKind.PASSPORT,
        "陈大文": IdKind.HK_MACAO_PERMIT,
        "林志明": IdKind.TAIWAN_PERMIT,
        "王芳": IdKind.ID_CARD,
    }
    assert Talent.objects.with_id_number(PASSPORT, kind=IdKind.PASSPORT).get().name == "安娜·米勒"
    assert import_apply("talents", table(TALENTS, rows)).counts()["unchanged"] == 4
    # Without its column, a file names ID cards only: the passport holder is not matched.
    again = import_apply("talents", table(["姓名", "身份证号码"], [["王芳", number]]))
    assert again.counts()["unchanged"] == 1


def test_an_import_says_what_is_wrong_with_a_type_or_a_number(english):
    report = import_check(
        "talents",
        table(
            TALENTS,
            [
                ["安娜·米勒", "E123", "护照", ""],
                ["约翰·史密斯", PASSPORT, "驾照", ""],
            ],
        ),
    )
    errors = errors_of(report)
    assert (
        2,
        "身份证号码",
        "Passport number has 4 characters; a passport number has 5 to 17.",
    ) in (errors)
    [(row, column, message)] = [e for e in errors if e[0] == 3]
    assert (row, column) == (3, "证件类型") and "“驾照” is not one of" in message
    assert PASSPORT not in json.dumps(report.as_json(), ensure_ascii=False)
    assert not Talent.objects.exists()


RECOGNITIONS = ["身份证号码", "证件类型", "认定类别", "层次", "认定日期"]


def test_a_recognitions_import_finds_a_person_by_type_and_number(english):
    anna = passport_holder()
    chen = passport_holder("陈大文", "H12345678", kind=IdKind.HK_MACAO_PERMIT)
    wang = make_talent("王芳", number=id_number(43))
    rows = [
        [PASSPORT.lower(), "护照", "运河英才", "领军", "2025-09-10"],
        ["H12345678", "港澳居民来往内地通行证", "杰出青年科技工作者", "", "2025-09-10"],
        [wang.id_number(), "", "运河英才", "青年", "2025-09-10"],
    ]
    import_apply("talent-recognitions", table(RECOGNITIONS, rows))
    assert set(TalentRecognition.objects.values_list("talent", flat=True)) == {
        anna.pk,
        chen.pk,
        wang.pk,
    }
    # The same number under another type, or without a type, is nobody's.
    report = import_check(
        "talent-recognitions",
        table(RECOGNITIONS, [[PASSPORT, "台胞证", "运河英才", "领军", "2025-10-10"]]),
    )
    row, column, message = only_error(report)
    assert (row, column) == (2, "身份证号码")
    assert "no person with the ID number" in message
    assert PASSPORT not in json.dumps(report.as_json(), ensure_ascii=False)
    report = import_check(
        "talent-recognitions",
        table(
            ["身份证号码", "认定类别", "层次", "认定日期"],
            [[PASSPORT, "运河英才", "领军", "2025-10-10"]],
        ),
    )
    assert only_error(report)[1] == "身份证号码"


def test_an_unknown_passport_is_reported_masked_with_its_type(english):
    report = import_check(
        "talent-recognitions",
        table(RECOGNITIONS, [["G7654321", "护照", "运河英才", "领军", "2025-09-10"]]),
    )
    _row, column, message = only_error(report)
    assert column == "身份证号码" and "Passport G*****21" in message
    assert "G7654321" not in json.dumps(report.as_json(), ensure_ascii=False)


def test_a_recognitions_import_names_a_type_it_cannot_read(english):
    passport_holder()
    report = import_check(
        "talent-recognitions",
        table(RECOGNITIONS, [[PASSPORT, "驾照", "运河英才", "领军", "2025-09-10"]]),
    )
    _row, column, message = only_error(report)
    assert column == "身份证号码" and "in 证件类型" in message and "驾照" in message


def test_a_teams_import_finds_its_members_by_their_types_and_numbers(english):
    leader = make_talent("王芳", number=id_number(44))
    anna = passport_holder()
    chen = passport_holder("陈大文", "H12345678", kind=IdKind.HK_MACAO_PERMIT)
    headers = ["团队名称", "认定年度", "认定日期", "成员身份证号码", "成员证件类型"]
    members = f"{leader.id_number()}；{PASSPORT}；H12345678"
    import_apply(
        "teams",
        table(headers, [["智算团队", 2025, "2025-06-30", members, "身份证；护照；回乡证"]]),
    )
    team = Team.objects.get()
    assert list(team.memberships.values_list("talent", "is_leader")) == [
        (leader.pk, True),
        (anna.pk, False),
        (chen.pk, False),
    ]
    report = import_check(
        "teams",
        table(headers, [["智算团队", 2025, "2025-06-30", members, "身份证；护照"]]),
    )
    _row, column, message = only_error(report)
    assert column == "成员身份证号码"
    assert "gives 2 types for 3 numbers" in message
    # One type for every member.
    import_apply(
        "teams",
        table(headers, [["护照团队", 2025, "2025-06-30", PASSPORT, "护照"]]),
    )
    assert list(Team.objects.get(name="护照团队").memberships.values_list("talent", flat=True)) == [
        anna.pk
    ]
