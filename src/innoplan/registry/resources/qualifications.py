"""资质 — qualifications by organisation, kind and issue date."""

from __future__ import annotations

from innoplan.registry.choices import (
    QualificationKind,
)
from innoplan.registry.models import (
    Qualification,
)
from innoplan.registry.resources.lookups import (
    EXAMPLE_CREDIT_CODE,
    organisation_lookup,
)
from innoplan.tabular.columns import Column
from innoplan.tabular.resources import RegisterResource
from innoplan.tabular.widgets import (
    Choice,
    Day,
    Text,
)


class QualificationResource(RegisterResource):
    title = "资质"
    key_fields = ("organisation", "kind", "valid_from")

    organisation = Column(
        "统一社会信用代码",
        "organisation",
        organisation_lookup(required=True),
        example=EXAMPLE_CREDIT_CODE,
        text=True,
        width=22,
    )
    kind = Column("资质类型", "kind", Choice(QualificationKind), example="高新技术企业")
    certificate_no = Column(
        "证书编号", "certificate_no", Text(max_length=100), example="GR202411000001", text=True
    )
    valid_from = Column(
        "发证日期", "valid_from", Day(required=True, past=True), example="2024-12-02"
    )
    valid_to = Column("到期日期", "valid_to", Day(), note="留空则按资质类型的有效期计算")

    class Meta(RegisterResource.Meta):
        model = Qualification
        fields = ("organisation", "kind", "certificate_no", "valid_from", "valid_to")
        import_id_fields = ("organisation", "kind", "valid_from")
