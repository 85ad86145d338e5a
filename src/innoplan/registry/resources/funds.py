"""子基金 — sub-funds by name, with their committed scale from a date on."""

from __future__ import annotations

from innoplan.registry.models import (
    Fund,
    FundScale,
)
from innoplan.tabular.columns import Column
from innoplan.tabular.resources import RegisterResource
from innoplan.tabular.widgets import (
    Amount,
    Day,
    Text,
    YesNo,
)


class FundResource(RegisterResource):
    title = "子基金"
    key_fields = ("name",)
    beside_fields = ("scale", "scale_on")

    name = Column(
        "基金名称",
        "name",
        Text(required=True, max_length=200),
        example="副中心示例产业子基金",
        width=30,
    )
    manager = Column(
        "基金管理人", "manager", Text(max_length=200), example="示例基金管理有限公司", width=24
    )
    guiding_fund_participates = Column(
        "政府引导基金参与",
        "guiding_fund_participates",
        YesNo(),
        example="是",
        note="政府产业引导基金参与的子基金才计入指标",
    )
    valid_from = Column(
        "成立日期", "valid_from", Day(required=True, past=True), example="2024-05-01"
    )
    valid_to = Column("清算日期", "valid_to", Day())
    scale = Column(
        "认缴规模（元）",
        None,
        Amount(required=True),
        example=500000000,
        note="自“规模生效日期”起的认缴规模；规模变更时填新规模和生效日期",
    )
    scale_on = Column("规模生效日期", None, Day(past=True), note="留空则为成立日期")

    class Meta(RegisterResource.Meta):
        model = Fund
        use_bulk = False  # its related rows are written once the record has its id
        fields = (
            "name",
            "manager",
            "guiding_fund_participates",
            "valid_from",
            "valid_to",
            "scale",
            "scale_on",
        )
        import_id_fields = ("name",)

    def read_beside(self, instance, row):
        instance._scale = self.fields["scale"].clean(row)
        instance._scale_on = self.fields["scale_on"].clean(row) or instance.valid_from

    def _scale_changes(self, instance) -> bool:
        if instance.pk is None or instance._scale_on is None:
            return True
        current = FundScale.objects.filter(fund=instance, effective_on=instance._scale_on).first()
        return current is None or current.amount != instance._scale

    def skip_row(self, instance, original, row, import_validation_errors=None):
        unchanged = super().skip_row(instance, original, row, import_validation_errors)
        if import_validation_errors or instance.pk is None:
            return False
        if self._scale_changes(instance):
            self.row_changes.setdefault(self.current_row, {})["scale"] = [None, instance._scale]
            return False
        return unchanged

    def after_save_instance(self, instance, row, **kwargs):
        FundScale.objects.update_or_create(
            fund=instance, effective_on=instance._scale_on, defaults={"amount": instance._scale}
        )

    def column_of(self, attribute):
        if attribute == "scale":
            return "认缴规模（元）"
        return super().column_of(attribute)
