"""科技创新团队 — innovation teams by name and year, with their members."""

from __future__ import annotations

from innoplan.registry.models import (
    Team,
    TeamMember,
)
from innoplan.registry.resources.lookups import (
    EXAMPLE_CREDIT_CODE,
    TalentLookups,
    organisation_lookup,
)
from innoplan.tabular.columns import Column
from innoplan.tabular.resources import RegisterResource
from innoplan.tabular.widgets import (
    Day,
    Text,
    Year,
)

MEMBER_ID_KINDS = "成员证件类型"


class TeamResource(RegisterResource):
    title = "科技创新团队"
    key_fields = ("name", "recognition_year")
    beside_fields = ("members", "member_id_kinds")

    name = Column(
        "团队名称",
        "name",
        Text(required=True, max_length=200),
        example="示例智能算法创新团队",
        width=30,
    )
    organisation = Column(
        "牵头单位统一社会信用代码",
        "organisation",
        organisation_lookup(),
        example=EXAMPLE_CREDIT_CODE,
        text=True,
        width=22,
    )
    recognition_year = Column("认定年度", "recognition_year", Year(), example=2025)
    valid_from = Column(
        "认定日期", "valid_from", Day(required=True, past=True), example="2025-06-30"
    )
    valid_to = Column("认定终止日期", "valid_to", Day())
    members = Column(
        "成员身份证号码",
        "members",
        TalentLookups(kind_column=MEMBER_ID_KINDS, required=False),
        text=True,
        width=30,
        note="成员的证件号码，多个用“；”分隔，第一位为团队负责人；成员须已在“人才”中登记",
    )
    # Read with the members' numbers by their look-up.
    # A plain text column, not a drop-down: it may list one type per member.
    member_id_kinds = Column(
        MEMBER_ID_KINDS,
        "member_id_kinds",
        Text(),
        width=24,
        note="可空，空为均是居民身份证；填一种则所有成员均为该证件，"
        "或按成员顺序逐个填写，用“；”分隔（护照、回乡证、台胞证、永居证、居住证）",
    )

    class Meta(RegisterResource.Meta):
        model = Team
        use_bulk = False  # its related rows are written once the record has its id
        fields = (
            "name",
            "organisation",
            "recognition_year",
            "valid_from",
            "valid_to",
            "members",
            "member_id_kinds",
        )
        import_id_fields = ("name", "recognition_year")

    def read_beside(self, instance, row):
        instance._members = []
        instance._members = self.fields["members"].clean(row)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        unchanged = super().skip_row(instance, original, row, import_validation_errors)
        if instance.pk is None or import_validation_errors:
            return False
        current = list(
            TeamMember.objects.filter(team=instance)
            .order_by("-is_leader", "id")
            .values_list("talent_id", flat=True)
        )
        wanted = [m.pk for m in instance._members]
        if current != wanted:
            self.row_changes.setdefault(self.current_row, {})["members"] = [current, wanted]
            return False
        return unchanged

    def after_save_instance(self, instance, row, **kwargs):
        TeamMember.objects.filter(team=instance).delete()
        TeamMember.objects.bulk_create(
            TeamMember(team=instance, talent=talent, is_leader=index == 0)
            for index, talent in enumerate(instance._members)
        )
