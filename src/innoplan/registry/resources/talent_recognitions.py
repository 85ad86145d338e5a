"""人才认定 — recognitions by person, kind and date."""

from __future__ import annotations

from innoplan.registry.choices import (
    CanalTalentTier,
    RecognitionKind,
)
from innoplan.registry.models import (
    TalentRecognition,
)
from innoplan.registry.resources.lookups import (
    EXAMPLE_ID_NUMBER,
    id_kind_column,
    talent_lookup,
)
from innoplan.tabular.columns import Column
from innoplan.tabular.resources import RegisterResource
from innoplan.tabular.widgets import (
    CHUNK,
    Choice,
    Day,
    Text,
)


class TalentRecognitionResource(RegisterResource):
    title = "人才认定"
    key_fields = ("talent", "kind", "valid_from")

    talent = Column(
        "身份证号码",
        "talent",
        talent_lookup(),
        example=EXAMPLE_ID_NUMBER,
        text=True,
        width=22,
        note="证件号码（18位居民身份证号码，或“证件类型”所填证件的号码）；人才须已在“人才”中登记",
    )
    # Read by the look-up above, with the number; nothing of the recognition's own.
    id_kind = id_kind_column(attribute="talent__id_kind")
    kind = Column("认定类别", "kind", Choice(RecognitionKind), example="运河英才")
    tier = Column(
        "层次",
        "tier",
        Choice(CanalTalentTier, required=False),
        example="领军",
        note="仅运河英才填写",
    )
    certificate_no = Column("证书编号", "certificate_no", Text(max_length=100), text=True)
    valid_from = Column(
        "认定日期", "valid_from", Day(required=True, past=True), example="2025-09-10"
    )
    valid_to = Column("到期日期", "valid_to", Day())

    class Meta(RegisterResource.Meta):
        model = TalentRecognition
        fields = (
            "talent",
            "id_kind",
            "kind",
            "tier",
            "certificate_no",
            "valid_from",
            "valid_to",
        )
        import_id_fields = ("talent", "kind", "valid_from")

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.attribute == "talent__id_kind":
            return  # the talent's look-up reads it, and says what is wrong with it
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def existing(self, keys):
        ids = sorted({key[0] for key in keys})
        for start in range(0, len(ids), CHUNK):
            yield from TalentRecognition.objects.filter(talent_id__in=ids[start : start + CHUNK])
