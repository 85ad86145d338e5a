"""创新平台 — innovation platforms by name, kind and level."""

from __future__ import annotations

from innoplan.registry.choices import (
    Level,
    PlatformKind,
)
from innoplan.registry.models import (
    Platform,
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


class PlatformResource(RegisterResource):
    title = "创新平台"
    key_fields = ("name", "kind", "level")

    name = Column(
        "平台名称",
        "name",
        Text(required=True, max_length=200),
        example="北京示例智能装备重点实验室",
        width=30,
    )
    kind = Column("平台类型", "kind", Choice(PlatformKind), example="重点实验室")
    level = Column("级别", "level", Choice(Level), example="市级")
    host = Column(
        "依托单位统一社会信用代码",
        "host",
        organisation_lookup(required=True),
        example=EXAMPLE_CREDIT_CODE,
        text=True,
        width=22,
    )
    valid_from = Column(
        "批准日期", "valid_from", Day(required=True, past=True), example="2023-06-30"
    )
    valid_to = Column("撤销日期", "valid_to", Day())

    class Meta(RegisterResource.Meta):
        model = Platform
        fields = ("name", "kind", "level", "host", "valid_from", "valid_to")
        import_id_fields = ("name", "kind", "level")
