"""The registry's records: what each refuses, what it stores, and its names in the database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext

from innoplan.core.identifiers import credit_code_check_character, credit_code_findings
from innoplan.registry import validity
from innoplan.registry.choices import (
    BaseKind,
    Level,
    OrganisationKind,
    PlatformKind,
    QualificationKind,
)
from innoplan.registry.models import (
    Base,
    Fund,
    FundScale,
    Organisation,
    Park,
    Platform,
    Qualification,
)
from tests.registry.builders import (
    credit_code,
    make,
    make_organisation,
    with_wrong_check_character,
)

pytestmark = pytest.mark.django_db


def messages(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict.get(field, []))


# --- names in the database --------------------------------------------------------------


def test_table_column_index_and_constraint_names_fit_in_thirty_characters():
    for model in apps.get_app_config("registry").get_models():
        meta = model._meta
        names = [meta.db_table]
        names += [field.column for field in meta.local_fields]
        names += [index.name for index in meta.indexes]
        names += [constraint.name for constraint in meta.constraints]
        too_long = [name for name in names if len(name) > 30]
        assert not too_long, f"{model.__name__}: {too_long}"


def test_every_dated_register_keeps_its_dates_in_order_under_its_own_constraint_name():
    for model in (Park, Organisation, Qualification, Platform, Fund, Base):
        names = {c.name for c in model._meta.constraints}
        assert f"{model._meta.model_name}_period_in_order" in names


def test_every_qualification_kind_has_a_validity_rule():
    assert set(QualificationKind.values) == set(validity.EXPIRY_RULES)


def test_every_model_says_what_it_is_in_the_plans_terms():
    for model in apps.get_app_config("registry").get_models():
        assert model.__doc__ and any("\u4e00" <= c <= "\u9fff" for c in model.__doc__)


# --- credit codes -----------------------------------------------------------------------


def test_an_organisation_is_stored_with_its_credit_code_normalised():
    code = credit_code()
    typed = " ".join([code[:4], code[4:10], code[10:]]).lower()
    organisation = make_organisation("北京城市副中心智能科技有限公司", credit_code=typed)
    organisation.refresh_from_db()
    assert organisation.credit_code == code
    assert organisation.credit_code_warning == ""
    assert organisation.credit_code_confirmed is False


def test_a_credit_code_of_the_wrong_length_is_refused_with_the_reason(english):
    with pytest.raises(ValidationError) as caught:
        make_organisation("短码公司", credit_code=credit_code()[:17])
    assert "has 17 characters; a credit code has 18" in messages(caught.value, "credit_code")
    assert not Organisation.objects.exists()


def test_a_credit_code_with_a_letter_the_standard_excludes_is_refused(english):
    code = credit_code()
    with pytest.raises(ValidationError) as caught:
        make_organisation("错字公司", credit_code=code[:10] + "O" + code[11:])
    message = messages(caught.value, "credit_code")
    assert "'O' (position 11)" in message
    assert message.startswith(f"Credit code {code[:10]}O")


def test_an_unknown_registration_authority_is_refused(english):
    code = credit_code()
    bad = "B" + code[1:17]
    with pytest.raises(ValidationError) as caught:
        make_organisation("无名机关", credit_code=bad + credit_code_check_character(bad))
    assert "registration authority code 'B'" in messages(caught.value, "credit_code")


def test_a_failed_check_character_alone_needs_a_stewards_confirmation(english):
    code = with_wrong_check_character(credit_code())
    with pytest.raises(ValidationError) as caught:
        make_organisation("试点地区老企业", credit_code=code)
    message = messages(caught.value, "credit_code_confirmed")
    assert "check character (position 18)" in message
    assert "confirm" in message
    assert "credit_code" not in caught.value.message_dict
    assert not Organisation.objects.exists()


def test_a_confirmed_doubtful_credit_code_is_kept_with_its_warning(english):
    code = with_wrong_check_character(credit_code())
    organisation = make_organisation("试点地区老企业", credit_code=code, credit_code_confirmed=True)
    organisation.refresh_from_db()
    assert organisation.credit_code == code
    assert organisation.credit_code_confirmed
    expected = credit_code_check_character(code[:17])
    # Kept in the site's language (zh-hans) whatever language the steward works in.
    with translation.override(settings.LANGUAGE_CODE):
        finding = next(f for f in credit_code_findings(code) if f.severity == "warning")
        assert organisation.credit_code_warning == finding.render(gettext)
    assert f"'{expected}'" in finding.message


def test_correcting_a_doubtful_credit_code_clears_its_warning():
    good = credit_code()
    organisation = make_organisation(
        "试点地区老企业", credit_code=with_wrong_check_character(good), credit_code_confirmed=True
    )
    organisation.credit_code = good
    organisation.full_clean()
    organisation.save()
    organisation.refresh_from_db()
    assert (organisation.credit_code_warning, organisation.credit_code_confirmed) == ("", False)


def test_two_organisations_cannot_share_a_credit_code():
    code = credit_code()
    make_organisation("甲公司", credit_code=code)
    with pytest.raises(ValidationError) as caught:
        make_organisation("乙公司", credit_code=code.lower())
    assert "credit_code" in caught.value.message_dict


# --- location and parents ---------------------------------------------------------------


def test_an_organisation_is_located_in_a_town_or_street(town, street):
    assert make_organisation("镇上企业", town=town).town == town
    assert make_organisation("街道企业", town=street).town == street


def test_a_department_is_not_a_location(departments, english):
    with pytest.raises(ValidationError) as caught:
        make_organisation("错位企业", town=departments[0])
    assert "is not a town or street office" in messages(caught.value, "town")


def test_parks_and_bases_are_located_in_towns_too(departments):
    with pytest.raises(ValidationError) as caught:
        make(Park, name="错位园区", town=departments[0], valid_from=date(2024, 1, 1))
    assert "town" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        make(
            Base,
            name="错位小院",
            kind=BaseKind.SCIENCE_COURTYARD,
            level=Level.MUNICIPAL,
            town=departments[0],
            valid_from=date(2024, 1, 1),
        )
    assert "town" in caught.value.message_dict


def test_a_branch_belongs_to_a_university_or_institute(english):
    university = make_organisation(
        "中国人民大学", kind=OrganisationKind.UNIVERSITY, settled_on=None
    )
    branch = make_organisation(
        "中国人民大学通州校区", kind=OrganisationKind.BRANCH, parent=university
    )
    assert list(university.branches.all()) == [branch]
    with pytest.raises(ValidationError) as caught:
        make_organisation("无主分院", kind=OrganisationKind.BRANCH)
    assert "A branch needs" in messages(caught.value, "parent")
    company = make_organisation("某公司")
    with pytest.raises(ValidationError) as caught:
        make_organisation("某公司研究院", kind=OrganisationKind.BRANCH, parent=company)
    assert "is not a university or research institute" in messages(caught.value, "parent")
    with pytest.raises(ValidationError) as caught:
        make_organisation("子公司", parent=company)
    assert "Only a branch" in messages(caught.value, "parent")


# --- validity dates ---------------------------------------------------------------------


def test_an_end_before_the_start_is_refused_in_the_models_own_words(english):
    with pytest.raises(ValidationError) as caught:
        make(Fund, name="倒序基金", valid_from=date(2025, 5, 1), valid_to=date(2025, 5, 1))
    assert messages(caught.value, "valid_to") == (
        "“Liquidated on” must be after “Established on” (2025-05-01)."
    )


def test_the_database_refuses_dates_out_of_order_even_without_validation():
    with pytest.raises(IntegrityError), transaction.atomic():
        Fund.objects.create(name="倒序基金", valid_from=date(2025, 5, 1), valid_to=date(2025, 4, 1))


def test_an_organisation_cannot_leave_a_district_it_never_settled_in(english):
    with pytest.raises(ValidationError) as caught:
        make_organisation("从未落地", settled_on=None, left_on=date(2025, 1, 1))
    assert "before" in messages(caught.value, "valid_from")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(
            credit_code=credit_code(), name="从未落地", kind="enterprise", valid_to=date(2025, 1, 1)
        )


def test_a_record_knows_whether_it_holds_on_a_day():
    park = make(
        Park, name="张家湾设计小镇园区", valid_from=date(2024, 3, 1), valid_to=date(2026, 3, 1)
    )
    assert not park.is_valid_on(date(2024, 2, 29))
    assert park.is_valid_on(date(2024, 3, 1))
    assert park.is_valid_on(date(2026, 2, 28))
    assert not park.is_valid_on(date(2026, 3, 1))


def test_an_empty_expiry_follows_the_kinds_rule():
    organisation = make_organisation("高企甲")
    certificate = make(
        Qualification,
        organisation=organisation,
        kind=QualificationKind.HIGH_TECH,
        valid_from=date(2023, 10, 26),
    )
    assert certificate.valid_to == date(2026, 10, 26)
    partner = make(
        Qualification,
        organisation=organisation,
        kind=QualificationKind.INNOVATION_PARTNER,
        valid_from=date(2024, 6, 1),
    )
    assert partner.valid_to is None


def test_the_same_qualification_cannot_be_recorded_twice():
    organisation = make_organisation("高企乙")
    fields = {
        "organisation": organisation,
        "kind": QualificationKind.HIGH_TECH,
        "valid_from": date(2023, 10, 26),
    }
    make(Qualification, **fields)
    with pytest.raises(ValidationError):
        make(Qualification, **fields)


def test_a_platform_is_hosted_by_an_organisation():
    host = make_organisation("北京某科技有限公司")
    platform = make(
        Platform,
        name="北京市企业技术中心（某科技）",
        kind=PlatformKind.ENTERPRISE_TECHNOLOGY_CENTER,
        level=Level.MUNICIPAL,
        host=host,
        valid_from=date(2023, 12, 1),
    )
    assert list(host.platforms.all()) == [platform]


def test_a_fund_scale_cannot_be_negative():
    fund = make(Fund, name="副中心科创子基金", valid_from=date(2024, 1, 1))
    with pytest.raises(ValidationError) as caught:
        make(FundScale, fund=fund, effective_on=date(2024, 1, 1), amount=Decimal("-1"))
    assert "amount" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        FundScale.objects.create(fund=fund, effective_on=date(2024, 1, 1), amount=Decimal("-1"))


def test_changes_to_registry_records_are_audited():
    organisation = make_organisation("被审计企业")
    organisation.name = "被审计企业（更名）"
    organisation.save()
    entries = LogEntry.objects.get_for_object(organisation)
    assert entries.count() == 2
    assert "created" not in entries.first().changes_dict


def test_the_migration_fills_the_name_initials_of_existing_organisations(db):
    import importlib

    from django.apps import apps

    from innoplan.registry.models import Organisation
    from tests.registry.builders import credit_code

    Organisation.objects.bulk_create(
        [Organisation(name="北京智云科技有限公司", credit_code=credit_code(), kind="enterprise")]
    )
    assert Organisation.objects.get().name_initials == ""
    migration = importlib.import_module(
        "innoplan.registry.migrations.0002_organisation_name_initials"
    )
    migration.fill_name_initials(apps, None)
    assert Organisation.objects.get().name_initials == "bjzykjyxgs"
