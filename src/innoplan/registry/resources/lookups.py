"""Shared by the registers' resources: example identifiers for the templates (none of them
belongs to anyone) and the look-ups of organisations, towns and talents (by their document's
type and number)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innoplan.accounts.models import Department
from innoplan.core.identifiers import (
    credit_code_check_character,
    id_card_check_character,
    mask_personal_id,
    normalise_credit_code,
    organisation_code_check_character,
    patent_check_character,
    personal_id_problem,
)
from innoplan.registry.choices import IdKind
from innoplan.registry.models import (
    TOWN_KINDS,
    Organisation,
    Talent,
)
from innoplan.tabular.columns import Column
from innoplan.tabular.widgets import (
    SEPARATORS,
    Choice,
    Lookup,
    Lookups,
    Text,
    squash,
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


# --- people, by their document's type and number ------------------------------------------

ID_KIND_HEADER = "证件类型"
ID_KIND_NOTE = "可空，空为居民身份证；也可写回乡证、台胞证、永居证、居住证"


class IdKindChoice(Choice):
    """证件类型 by its label (Chinese or English), its code, or the short name a clerk writes
    (身份证, 回乡证, 台胞证, 永居证, 居住证); an empty cell is the mainland ID card."""

    SHORT_NAMES = {
        "身份证": IdKind.ID_CARD,
        "回乡证": IdKind.HK_MACAO_PERMIT,
        "台胞证": IdKind.TAIWAN_PERMIT,
        "永居证": IdKind.PERMANENT_RESIDENCE,
        "居住证": IdKind.RESIDENCE_PERMIT,
    }

    def __init__(self):
        super().__init__(IdKind, required=False, default=IdKind.ID_CARD)

    def _lookup(self) -> dict[str, str]:
        table = super()._lookup()
        table.update({squash(name): value for name, value in self.SHORT_NAMES.items()})
        return table


def id_kind_column(header: str = ID_KIND_HEADER, attribute: str = "id_kind", note=ID_KIND_NOTE):
    return Column(header, attribute, IdKindChoice(), example="", width=18, note=note)


def shown_id_number(number: str, kind: str) -> str:
    """A person's number as an import report shows it: masked, with its type unless it is an
    ID card's."""
    masked = mask_personal_id(number, kind)
    return masked if kind == IdKind.ID_CARD else f"{IdKind(kind).label} {masked}"


class _ByIdKind:
    """A look-up of people by the number in its cell and the 证件类型 in ``kind_column`` of the
    same row: empty, every number is an ID card's; one type, every number is of it; else one
    type per number, in the same order. The file's numbers are fetched at once under each
    type they are valid for, so a row costs no query."""

    kind_widget = IdKindChoice()

    def __init__(self, *, kind_column: str, required: bool):
        super().__init__(
            Talent,
            "id_number_digest",
            describe=gettext_lazy("person with the ID number"),
            required=required,
            text=Text(identifier=True),
        )
        self.kind_column = kind_column

    def _key_of(self, number: str, kind: str) -> str:
        key = Talent.digest_of(number, kind)
        self.shown[key] = shown_id_number(number, kind)
        return key

    def _numbers(self, value) -> list[str]:
        text = self.text.clean(value)
        return [part.strip() for part in SEPARATORS.split(text) if part.strip()]

    def keys(self, value) -> list[str]:
        # For priming: the cell's numbers under every type they are valid for.
        return [
            self._key_of(number, kind)
            for number in self._numbers(value)
            for kind in IdKind.values
            if personal_id_problem(number, kind) is None
        ]

    def _kinds(self, row, count: int) -> list[str]:
        cell = Text().clean((row or {}).get(self.kind_column))
        try:
            kinds = [self.kind_widget.clean(part) for part in SEPARATORS.split(cell) if part]
        except ValueError as error:
            raise ValueError(
                _("in %(column)s, %(problem)s") % {"column": self.kind_column, "problem": error}
            ) from None
        if not kinds:
            return [IdKind.ID_CARD] * count
        if len(kinds) == 1:
            return kinds * count
        if len(kinds) != count:
            raise ValueError(
                _(
                    "%(column)s gives %(kinds)s types for %(count)s numbers; give one type for "
                    "all of them or one per number, in the same order"
                )
                % {"column": self.kind_column, "kinds": len(kinds), "count": count}
            )
        return kinds

    def records_by_pk(self, pks) -> dict:
        known = super().records_by_pk(pks)
        for record in known.values():
            # A person the file does not name (a member leaving a team) is shown masked too.
            if record.id_number_digest not in self.shown:
                self.shown[record.id_number_digest] = (
                    record.id_number_masked
                    if record.id_kind == IdKind.ID_CARD
                    else f"{record.get_id_kind_display()} {record.id_number_masked}"
                )
        return known

    def row_keys(self, value, row) -> list[str]:
        numbers = self._numbers(value)
        kinds = self._kinds(row, len(numbers))
        return [self._key_of(n, k) for n, k in zip(numbers, kinds, strict=True)]


class TalentLookup(_ByIdKind, Lookup):
    """One person, by the number and the row's 证件类型."""

    def clean(self, value, row=None, **kwargs):
        keys = self.row_keys(value, row)
        if not keys:
            if self.required:
                raise ValueError(_("is required"))
            return None
        return self.find(keys[0])


class TalentLookups(_ByIdKind, Lookups):
    """Several people in one cell, with their 证件类型 in another."""

    def clean(self, value, row=None, **kwargs):
        keys = self.row_keys(value, row)
        if not keys and self.required:
            raise ValueError(_("is required"))
        return [self.find(key) for key in dict.fromkeys(keys)]


def talent_lookup(required=True, kind_column: str = ID_KIND_HEADER) -> Lookup:
    return TalentLookup(kind_column=kind_column, required=required)
