"""科普基地和科技小院 — bases by kind, name, level and date."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from innoplan.accounts.models import Department
from innoplan.registry.choices import (
    BaseKind,
    Level,
)
from innoplan.registry.models import (
    Base,
)
from innoplan.registry.resources.lookups import (
    organisation_lookup,
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


class BaseResource(RegisterResource):
    title = "科普基地和科技小院"
    key_fields = ("kind", "name", "level", "valid_from")

    name = Column(
        "基地名称", "name", Text(required=True, max_length=200), example="示例科普基地", width=30
    )
    kind = Column("基地类型", "kind", Choice(BaseKind), example="科普基地")
    level = Column("级别", "level", Choice(Level), example="区级")
    host = Column("依托单位统一社会信用代码", "host", organisation_lookup(), text=True, width=22)
    town = Column(
        "所在镇街",
        "town",
        Lookup(Department, "name", describe=gettext_lazy("town or street"), queryset=towns),
        example="宋庄镇",
    )
    valid_from = Column(
        "认定日期", "valid_from", Day(required=True, past=True), example="2024-04-01"
    )
    valid_to = Column("撤销日期", "valid_to", Day())

    class Meta(RegisterResource.Meta):
        model = Base
        fields = ("name", "kind", "level", "host", "town", "valid_from", "valid_to")
        import_id_fields = ("kind", "name", "level", "valid_from")

    def existing(self, keys):
        return Base.objects.filter(name__in={key[1] for key in keys})
