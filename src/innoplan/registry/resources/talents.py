"""人才 — people by their ID-card number, which is kept encrypted."""

from __future__ import annotations

from innoplan.core.identifiers import (
    id_card_problem,
    normalise_phone,
)
from innoplan.registry.models import (
    Talent,
)
from innoplan.registry.resources.lookups import (
    EXAMPLE_CREDIT_CODE,
    EXAMPLE_ID_NUMBER,
    EXAMPLE_PHONE,
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
    id_number = Column(
        "身份证号码",
        "id_number",
        Text(required=True, identifier=True),
        example=EXAMPLE_ID_NUMBER,
        text=True,
        width=22,
        note="18位居民身份证号码；加密保存",
    )
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
        fields = ("name", "id_number", "employer", "title_", "phone")
        import_id_fields = ("id_number",)

    def row_key(self, row):
        try:
            number = Text(identifier=True).clean(row.get("身份证号码"))
        except ValueError:
            return None
        if not number or id_card_problem(number):
            return None
        return (Talent.digest_of(number),)

    def instance_key(self, record):
        return (record.id_number_digest,)

    def existing(self, keys):
        digests = sorted({key[0] for key in keys})
        for start in range(0, len(digests), CHUNK):
            yield from Talent.objects.filter(id_number_digest__in=digests[start : start + CHUNK])

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # The numbers are checked by Talent.clean; an unchanged number is not set again, since
        # re-encrypting it would make every re-import look like a change.
        if field.attribute == "id_number":
            number = field.clean(row)
            if instance.pk is None or instance.id_number_digest != Talent.digest_of(number):
                instance.set_id_number(number)
        elif field.attribute == "phone":
            if field.column_name not in row:
                return  # a file without the column leaves the numbers as they are
            number = normalise_phone(field.clean(row) or "")
            if (Talent.phone_digest_of(number) if number else "") != instance.phone_digest:
                instance.set_phone(number)
        else:
            super().import_field(field, instance, row, is_m2m, **kwargs)

    def export_field(self, field, instance, **kwargs):
        if field.attribute == "id_number":
            return instance.id_number_masked  # exports never carry the whole number
        if field.attribute == "phone":
            return instance.phone_masked
        return super().export_field(field, instance, **kwargs)
