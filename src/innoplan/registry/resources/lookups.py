"""Shared by the registers' resources: example identifiers for the templates (none of them
belongs to anyone) and the look-ups of organisations, towns and talents."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from innoplan.accounts.models import Department
from innoplan.core.identifiers import (
    credit_code_check_character,
    id_card_check_character,
    mask_id_card,
    normalise_credit_code,
    organisation_code_check_character,
    patent_check_character,
)
from innoplan.registry.models import (
    TOWN_KINDS,
    Organisation,
    Talent,
)
from innoplan.tabular.widgets import (
    Lookup,
    Text,
)


def _example_credit_code() -> str:
    body = "MA01ABCD"
    first17 = "91110112" + body + organisation_code_check_character(body)
    return first17 + credit_code_check_character(first17)


def _example_id_number() -> str:
    first17 = "11990119850601001"  # region 1199xx: no real person has this number
    return first17 + id_card_check_character(first17)


EXAMPLE_CREDIT_CODE = _example_credit_code()
EXAMPLE_ID_NUMBER = _example_id_number()
# 140 is an Internet-of-Things segment whose numbers have 13 digits: no 11-digit 140 number
# belongs to a person. (China's numbering plan reserves no fictional range.)
EXAMPLE_PHONE = "14000001234"
EXAMPLE_PATENT = "202310123456." + patent_check_character("202310123456")


def towns():
    return Department.objects.filter(kind__in=TOWN_KINDS)


def organisation_lookup(describe=None, required=False) -> Lookup:
    return Lookup(
        Organisation,
        "credit_code",
        describe=describe or gettext_lazy("organisation with the credit code"),
        normalise=normalise_credit_code,
        required=required,
        text=Text(identifier=True),
    )


def talent_lookup(required=True) -> Lookup:
    widget = Lookup(
        Talent,
        "id_number_digest",
        describe=gettext_lazy("person with the ID card number"),
        normalise=lambda text: Talent.digest_of(text),
        required=required,
        text=Text(identifier=True),
        display=mask_id_card,
    )
    return widget
