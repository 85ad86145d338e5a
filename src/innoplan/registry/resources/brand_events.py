"""品牌活动 — brand events by name."""

from __future__ import annotations

from innoplan.registry.models import (
    BrandEvent,
)
from innoplan.tabular.columns import Column
from innoplan.tabular.resources import RegisterResource
from innoplan.tabular.widgets import (
    Day,
    Text,
)


class BrandEventResource(RegisterResource):
    title = "品牌活动"
    key_fields = ("name",)

    name = Column(
        "活动名称",
        "name",
        Text(required=True, max_length=200),
        example="运河计算产业大会",
        width=30,
    )
    organiser = Column("主办单位", "organiser", Text(max_length=200), example="区科委")
    valid_from = Column(
        "首次举办日期", "valid_from", Day(required=True, past=True), example="2023-09-01"
    )
    valid_to = Column("停办日期", "valid_to", Day())

    class Meta(RegisterResource.Meta):
        model = BrandEvent
        fields = ("name", "organiser", "valid_from", "valid_to")
        import_id_fields = ("name",)
