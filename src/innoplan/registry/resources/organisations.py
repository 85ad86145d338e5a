"""机构 — organisations by their unified social credit code."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innoplan.accounts.models import Department
from innoplan.core.identifiers import (
    credit_code_findings,
    normalise_credit_code,
)
from innoplan.registry.choices import (
    Industry,
    OrganisationKind,
)
from innoplan.registry.models import (
    Organisation,
    Park,
)
from innoplan.registry.resources.lookups import (
    EXAMPLE_CREDIT_CODE,
    organisation_lookup,
    towns,
)
from innoplan.tabular.columns import Column
from innoplan.tabular.resources import RegisterResource
from innoplan.tabular.widgets import (
    Choice,
    Day,
    Lines,
    Lookup,
    Text,
    YesNo,
)


class OrganisationResource(RegisterResource):
    title = "机构"
    key_fields = ("credit_code",)

    credit_code = Column(
        "统一社会信用代码",
        "credit_code",
        Text(required=True, identifier=True),
        example=EXAMPLE_CREDIT_CODE,
        text=True,
        width=22,
        note="18位，GB 32100-2015",
    )
    name = Column(
        "名称",
        "name",
        Text(required=True, max_length=200),
        example="北京示例科技有限公司",
        width=30,
    )
    former_names = Column("曾用名", "former_names", Lines(), note="多个用“；”分隔")
    kind = Column("机构类型", "kind", Choice(OrganisationKind), example="企业")
    parent = Column(
        "上级机构统一社会信用代码",
        "parent",
        organisation_lookup(gettext_lazy("parent organisation with the credit code")),
        text=True,
        width=22,
        note="仅高校院所的分院、分部、研究院填写",
    )
    industry = Column(
        "产业方向",
        "industry",
        Choice(Industry, required=False, default=Industry.OTHER),
        example="数字经济",
        note="可空；空则为“其他”",
    )
    town = Column(
        "所在镇街",
        "town",
        Lookup(Department, "name", describe=gettext_lazy("town or street"), queryset=towns),
        example="宋庄镇",
    )
    park = Column("所在园区", "park", Lookup(Park, "name", describe=gettext_lazy("park")))
    central_soe_subsidiary = Column(
        "央企二三级企业", "central_soe_subsidiary", YesNo(), example="否"
    )
    municipal_soe_hq = Column("市属国企总部", "municipal_soe_hq", YesNo(), example="否")
    single_champion = Column("单项冠军", "single_champion", YesNo(), example="否")
    established_on = Column("成立日期", "established_on", Day(past=True), example="2018-03-01")
    valid_from = Column(
        "入驻日期",
        "valid_from",
        Day(past=True),
        example="2019-05-20",
        note="在本区注册或入驻之日；空表示不在本区，不计入指标",
    )
    valid_to = Column("迁出日期", "valid_to", Day(), note="迁出或注销之日；仍在本区则留空")

    def row_key(self, row):
        key = super().row_key(row)
        return None if key is None else (normalise_credit_code(key[0]),)

    class Meta(RegisterResource.Meta):
        model = Organisation
        fields = (
            "credit_code",
            "name",
            "former_names",
            "kind",
            "parent",
            "industry",
            "town",
            "park",
            "central_soe_subsidiary",
            "municipal_soe_hq",
            "single_champion",
            "established_on",
            "valid_from",
            "valid_to",
        )
        import_id_fields = ("credit_code",)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # A code failing only its check character is a warning; importing the file after
        # the preview is the steward's confirmation (GB 32100 codes issued in pilot regions
        # before the standard fail the check and are real).
        findings = credit_code_findings(normalise_credit_code(instance.credit_code or ""))
        warnings = [f for f in findings if f.severity == "warning"]
        if warnings and not [f for f in findings if f.severity == "error"]:
            instance.credit_code_confirmed = True
            for finding in warnings:
                self.warn(
                    kwargs["row_number"],
                    self.fields["credit_code"].column_name,
                    finding.render(_) + _("; check it against the business licence"),
                )
