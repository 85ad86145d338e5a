"""特色产业园区 — parks by name."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from innoplan.accounts.models import Department
from innoplan.registry.choices import (
    Industry,
)
from innoplan.registry.models import (
    Park,
)
from innoplan.registry.resources.lookups import (
    towns,
)
from innoplan.tabular.columns import Column
from innoplan.tabular.resources import RegisterResource
from innoplan.tabular.widgets import (
    Choice,
    Day,
    Lookup,
    Text,
)


class ParkResource(RegisterResource):
    title = "特色产业园区"
    key_fields = ("name",)

    name = Column(
        "园区名称", "name", Text(required=True, max_length=200), example="张家湾设计小镇", width=30
    )
    town = Column(
        "所在镇街",
        "town",
        Lookup(Department, "name", describe=gettext_lazy("town or street"), queryset=towns),
        example="张家湾镇",
    )
    industry = Column(
        "主导产业",
        "industry",
        Choice(Industry, required=False, default=Industry.OTHER),
        example="数字经济",
    )
    valid_from = Column(
        "认定日期", "valid_from", Day(required=True, past=True), example="2022-01-01"
    )
    valid_to = Column("摘牌日期", "valid_to", Day())

    class Meta(RegisterResource.Meta):
        model = Park
        fields = ("name", "town", "industry", "valid_from", "valid_to")
        import_id_fields = ("name",)
