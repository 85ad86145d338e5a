"""专利 — patents by application number, with their patentees."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from innoplan.core.identifiers import (
    normalise_credit_code,
    normalise_patent_application,
)
from innoplan.registry.choices import (
    PatentKind,
)
from innoplan.registry.models import (
    Organisation,
    Patent,
    PatentOwner,
)
from innoplan.registry.resources.lookups import (
    EXAMPLE_CREDIT_CODE,
    EXAMPLE_PATENT,
)
from innoplan.tabular.columns import Column
from innoplan.tabular.resources import RegisterResource
from innoplan.tabular.widgets import (
    Amount,
    Choice,
    Day,
    Lookups,
    Text,
    YesNo,
)


class PatentResource(RegisterResource):
    title = "专利"
    key_fields = ("application_number",)
    beside_fields = ("owners",)

    application_number = Column(
        "申请号",
        "application_number",
        Text(required=True, identifier=True),
        example=EXAMPLE_PATENT,
        text=True,
        note="如 202310123456.7（含校验位）",
    )
    title_ = Column(
        "专利名称",
        "title",
        Text(required=True, max_length=500),
        example="一种示例装置及方法",
        width=30,
    )
    kind = Column("专利类型", "kind", Choice(PatentKind), example="发明")
    filed_on = Column("申请日", "filed_on", Day(required=True, past=True), example="2023-03-01")
    valid_from = Column("授权日", "valid_from", Day(required=True, past=True), example="2025-01-10")
    valid_to = Column("失效日", "valid_to", Day(), note="权利终止之日；有效则留空")
    owners = Column(
        "专利权人统一社会信用代码",
        "owners",
        Lookups(
            Organisation,
            "credit_code",
            describe=gettext_lazy("organisation with the credit code"),
            normalise=normalise_credit_code,
            required=True,
            text=Text(identifier=True),
        ),
        example=EXAMPLE_CREDIT_CODE,
        text=True,
        width=22,
        note="多个专利权人用“；”分隔",
    )
    strategic_emerging_industry = Column(
        "战略性新兴产业", "strategic_emerging_industry", YesNo(), example="是"
    )
    overseas_family = Column("有海外同族专利", "overseas_family", YesNo(), example="否")
    pledge_amount = Column("质押融资金额（元）", "pledge_amount", Amount(), example=0)
    award = Column("获国家科学技术奖或中国专利奖", "award", YesNo(), example="否", width=22)
    award_name = Column(
        "所获奖项",
        "award_name",
        Text(max_length=200),
        width=24,
        note="获奖时填写奖项名称，如“第二十五届中国专利金奖”",
    )

    class Meta(RegisterResource.Meta):
        model = Patent
        use_bulk = False  # its related rows are written once the record has its id
        fields = (
            "application_number",
            "title_",
            "kind",
            "filed_on",
            "valid_from",
            "valid_to",
            "owners",
            "strategic_emerging_industry",
            "overseas_family",
            "pledge_amount",
            "award",
            "award_name",
        )
        import_id_fields = ("application_number",)

    def row_key(self, row):
        key = super().row_key(row)
        return None if key is None else (normalise_patent_application(key[0]),)

    def read_beside(self, instance, row):
        instance._owners = []
        instance._owners = self.fields["owners"].clean(row)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        unchanged = super().skip_row(instance, original, row, import_validation_errors)
        if instance.pk is None or import_validation_errors:
            return False
        current = set(instance.owners.values_list("pk", flat=True))
        wanted = {o.pk for o in instance._owners}
        if current != wanted:
            self.row_changes.setdefault(self.current_row, {})["owners"] = [
                sorted(current),
                sorted(wanted),
            ]
            return False
        return unchanged

    def after_save_instance(self, instance, row, **kwargs):
        wanted = {o.pk for o in instance._owners}
        current = set(
            PatentOwner.objects.filter(patent=instance).values_list("organisation_id", flat=True)
        )
        PatentOwner.objects.filter(patent=instance).exclude(organisation_id__in=wanted).delete()
        for pk in wanted - current:
            PatentOwner.objects.create(patent=instance, organisation_id=pk)
