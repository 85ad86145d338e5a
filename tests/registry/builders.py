"""Builders for registry records that tests across apps share, each validated as a
steward's entry would be. Credit codes are computed, so every one passes the national check."""

from __future__ import annotations

import itertools
from datetime import date

from innoplan.core.identifiers import (
    credit_code_check_character,
    organisation_code_check_character,
)
from innoplan.registry.choices import OrganisationKind

_serials = itertools.count(1)


def _register_routes() -> tuple[str, ...]:
    from innoplan.registry.registers import REGISTERS

    return tuple(register.route for register in REGISTERS)


# The registers with a list page, by the stem of their URL names (<stem>_list, <stem>_detail),
# as the registry declares them.
REGISTER_LISTS = _register_routes()


def credit_code(serial: int | None = None, *, division: str = "110112") -> str:
    """A 统一社会信用代码 of an enterprise registered in Tongzhou (110112) whose two check
    characters are right."""
    body = f"MA{next(_serials) if serial is None else serial:06d}"
    first17 = "91" + division + body + organisation_code_check_character(body)
    return first17 + credit_code_check_character(first17)


def with_wrong_check_character(code: str) -> str:
    """The same code with a check character (position 18) that fails the check."""
    wrong = "1" if code[17] != "1" else "2"
    return code[:17] + wrong


def make_organisation(
    name: str,
    *,
    settled_on: date | None = date(2020, 1, 1),
    left_on: date | None = None,
    kind: str = OrganisationKind.ENTERPRISE,
    **fields,
):
    from innoplan.registry.models import Organisation

    fields.setdefault("credit_code", credit_code())
    organisation = Organisation(
        name=name, kind=kind, valid_from=settled_on, valid_to=left_on, **fields
    )
    organisation.full_clean()
    organisation.save()
    return organisation


def make(model, **fields):
    """Any other registry record, through the model's validation."""
    record = model(**fields)
    record.full_clean()
    record.save()
    return record


def application_number(year: int = 2015, kind_digit: str = "1", serial: int | None = None) -> str:
    """A 专利申请号 of ``year`` whose check digit is right: 12 digits, a dot, the check."""
    from innoplan.core.identifiers import patent_check_character

    digits = f"{year}{kind_digit}{next(_serials) if serial is None else serial:07d}"
    return f"{digits}.{patent_check_character(digits)}"


def make_patent(*, owners=(), **fields):
    """A granted invention patent (no high-value fact unless given), owned by ``owners``."""
    from innoplan.registry.models import Patent, PatentOwner

    fields.setdefault("filed_on", date(2020, 1, 1))
    fields.setdefault("application_number", application_number(fields["filed_on"].year))
    fields.setdefault("title", "一种数据处理方法")
    fields.setdefault("kind", "invention")
    fields.setdefault("valid_from", date(2022, 1, 1))
    patent = Patent(**fields)
    patent.full_clean()
    patent.save()
    for owner in owners:
        PatentOwner.objects.create(patent=patent, organisation=owner)
    return patent


def id_number(serial: int | None = None, *, birth: date = date(1985, 6, 1)) -> str:
    """A 居民身份证号码 whose check character is right, in a region no real person has."""
    from innoplan.core.identifiers import id_card_check_character

    first17 = f"119901{birth:%Y%m%d}{(next(_serials) if serial is None else serial) % 1000:03d}"
    return first17 + id_card_check_character(first17)


def phone_number(serial: int | None = None) -> str:
    """A mobile number in the 140 segment, whose 11-digit numbers reach no person."""
    return f"140{(next(_serials) if serial is None else serial) % 10**8:08d}"


def make_talent(name: str = "张伟", *, number: str | None = None, phone: str = "", **fields):
    from innoplan.registry.models import Talent

    talent = Talent(name=name, **fields)
    talent.set_id_number(number or id_number())
    talent.set_phone(phone)
    talent.full_clean()
    talent.save()
    return talent
