"""人才 — people by their document's type and number, which is kept encrypted."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from innoplan.core.identifiers import (
    normalise_phone,
    personal_id_problem,
)
from innoplan.registry.choices import IdKind
from innoplan.registry.models import (
    Talent,
)
from innoplan.registry.resources.lookups import (
    EXAMPLE_CREDIT_CODE,
    EXAMPLE_ID_NUMBER,
    EXAMPLE_PHONE,
    id_kind_column,
    organisation_lookup,
)
from innoplan.tabular.columns import Column
from innoplan.tabular.resources import RegisterResource
from innoplan.tabular.widgets import (
    CHUNK,
    Text,
)


class TalentResource(RegisterResource):
    title = "人才"
    key_fields = ("id_number",)

    name = Column("姓名", "name", Text(required=True, max_length=100), example="张三")
    # The header keeps its name from before other documents were taken, so that the files
    # the district's agencies already fill still import.
    id_number = Column(
        "身份证号码",
        "id_number",
        Text(required=True, identifier=True),
        example=EXAMPLE_ID_NUMBER,
        text=True,
        width=22,
        note="证件号码：18位居民身份证号码，或“证件类型”所填证件的号码；加密保存",
    )
    id_kind = id_kind_column()
    employer = Column(
        "工作单位统一社会信用代码",
        "employer",
        organisation_lookup(),
        example=EXAMPLE_CREDIT_CODE,
        text=True,
        width=22,
    )
    title_ = Column("职务职称", "title", Text(max_length=100), example="首席科学家")
    phone = Column(
        "手机号码",
        "phone",
        Text(identifier=True),
        example=EXAMPLE_PHONE,
        text=True,
        width=16,
        note="11位手机号码，可空；加密保存",
    )

    class Meta(RegisterResource.Meta):
        model = Talent
        fields = ("name", "id_number", "id_kind", "employer", "title_", "phone")
        import_id_fields = ("id_number",)

    def _kind(self, row) -> str:
        """The row's 证件类型: an ID card when the cell, or the column, is empty."""
        field = self.fields["id_kind"]
        return field.clean(row) if field.column_name in row else IdKind.ID_CARD

    def row_key(self, row):
        try:
            number = Text(identifier=True).clean(row.get("身份证号码"))
            kind = self._kind(row)
        except ValueError:
            return None
        if not number or personal_id_problem(number, kind):
            return None
        return (Talent.digest_of(number, kind),)

    def instance_key(self, record):
        return (record.id_number_digest,)

    def existing(self, keys):
        digests = sorted({key[0] for key in keys})
        for start in range(0, len(digests), CHUNK):
            yield from Talent.objects.filter(id_number_digest__in=digests[start : start + CHUNK])

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # The numbers are checked by Talent.clean; an unchanged number is not set again, since
        # re-encrypting it would make every re-import look like a change.
        if field.attribute == "id_kind":
            self._kind(row)  # a type that cannot be read is this column's error
        elif field.attribute == "id_number":
            number = field.clean(row)
            try:
                kind = self._kind(row)
            except ValueError:
                return  # the type's column says why; the number cannot be checked without it
            if instance.pk is None or instance.id_number_digest != Talent.digest_of(number, kind):
                instance.set_id_number(number, kind=kind)
        elif field.attribute == "phone":
            if field.column_name not in row:
                return  # a file without the column leaves the numbers as they are
            number = normalise_phone(field.clean(row) or "")
            if (Talent.phone_digest_of(number) if number else "") != instance.phone_digest:
                instance.set_phone(number)
        else:
            super().import_field(field, instance, row, is_m2m, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            errors = error.error_dict
            if "id_kind" in errors:
                errors.pop("id_number", None)  # not checked without its type (import_field)
            raise ValidationError(errors) from None

    def export_field(self, field, instance, **kwargs):
        if field.attribute == "id_number":
            return instance.id_number_masked  # exports never carry the whole number
        if field.attribute == "phone":
            return instance.phone_masked
        return super().export_field(field, instance, **kwargs)
