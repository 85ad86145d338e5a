"""One table per register (``<Model>Table``): the columns of its list page and, through
``Table.as_values``, of its Excel export."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from innoplan.registry import models as registry

DATE = "Y-m-d"


def _detail(route: str, accessor: str = "pk"):
    return (f"registry:{route}_detail", {"pk": tables.A(accessor)})


class RegisterTable(tables.Table):
    valid_from = tables.DateColumn(DATE)
    valid_to = tables.DateColumn(DATE)

    class Meta:
        template_name = "django_tables2/bootstrap5.html"
        attrs = {"class": "table table-sm table-hover ip-table"}
        empty_text = "—"


class OrganisationTable(RegisterTable):
    name = tables.Column(linkify=_detail("organisation"))

    class Meta(RegisterTable.Meta):
        model = registry.Organisation
        fields = ("name", "credit_code", "kind", "industry", "town", "valid_from", "valid_to")


class QualificationTable(RegisterTable):
    organisation = tables.Column(linkify=_detail("organisation", "organisation_id"))
    credit_code = tables.Column(
        accessor="organisation__credit_code",
        verbose_name=registry.Organisation._meta.get_field("credit_code").verbose_name,
    )
    kind = tables.Column(linkify=_detail("qualification"))

    class Meta(RegisterTable.Meta):
        model = registry.Qualification
        fields = (
            "organisation",
            "credit_code",
            "kind",
            "certificate_no",
            "valid_from",
            "valid_to",
        )


class PlatformTable(RegisterTable):
    name = tables.Column(linkify=_detail("platform"))
    host = tables.Column(linkify=_detail("organisation", "host_id"))

    class Meta(RegisterTable.Meta):
        model = registry.Platform
        fields = ("name", "kind", "level", "host", "valid_from", "valid_to")


class FundTable(RegisterTable):
    name = tables.Column(linkify=_detail("fund"))

    class Meta(RegisterTable.Meta):
        model = registry.Fund
        fields = ("name", "manager", "guiding_fund_participates", "valid_from", "valid_to")


class BrandEventTable(RegisterTable):
    name = tables.Column(linkify=_detail("brand_event"))

    class Meta(RegisterTable.Meta):
        model = registry.BrandEvent
        fields = ("name", "organiser", "valid_from", "valid_to")


class BaseTable(RegisterTable):
    name = tables.Column(linkify=_detail("base"))
    host = tables.Column(linkify=_detail("organisation", "host_id"))

    class Meta(RegisterTable.Meta):
        model = registry.Base
        fields = ("name", "kind", "level", "host", "town", "valid_from", "valid_to")


class ParkTable(RegisterTable):
    name = tables.Column(linkify=_detail("park"))

    class Meta(RegisterTable.Meta):
        model = registry.Park
        fields = ("name", "industry", "town", "valid_from", "valid_to")


class PatentTable(RegisterTable):
    application_number = tables.Column(linkify=_detail("patent"))
    owners = tables.ManyToManyColumn(orderable=False, separator="；")

    class Meta(RegisterTable.Meta):
        model = registry.Patent
        fields = (
            "application_number",
            "title",
            "kind",
            "owners",
            "filed_on",
            "valid_from",
            "valid_to",
        )

    filed_on = tables.DateColumn(DATE)


class FundScaleTable(tables.Table):
    """A fund's committed scale history, on its detail page."""

    effective_on = tables.DateColumn(DATE)

    class Meta:
        model = registry.FundScale
        fields = ("effective_on", "amount")
        template_name = "django_tables2/bootstrap5.html"
        attrs = {"class": "table table-sm ip-table"}
        orderable = False


class TalentTable(tables.Table):
    """People are listed with the masked ID number only; the full number is on the detail page,
    for those allowed to unmask it."""

    name = tables.Column(linkify=_detail("talent"))
    id_kind = tables.Column(verbose_name=_("ID document type"))
    id_number_masked = tables.Column(verbose_name=_("ID number"))
    phone_masked = tables.Column(verbose_name=_("Mobile phone"))
    employer = tables.Column(linkify=_detail("organisation", "employer_id"))

    class Meta(RegisterTable.Meta):
        model = registry.Talent
        fields = ("name", "id_kind", "id_number_masked", "phone_masked", "employer", "title")


class TalentRecognitionTable(RegisterTable):
    talent = tables.Column(linkify=_detail("talent", "talent_id"), accessor="talent__name")
    id_kind = tables.Column(accessor="talent__id_kind", verbose_name=_("ID document type"))
    id_number_masked = tables.Column(
        accessor="talent__id_number_masked", verbose_name=_("ID number")
    )
    kind = tables.Column(linkify=_detail("talent_recognition"))

    class Meta(RegisterTable.Meta):
        model = registry.TalentRecognition
        fields = (
            "talent",
            "id_kind",
            "id_number_masked",
            "kind",
            "tier",
            "certificate_no",
            "valid_from",
            "valid_to",
        )


class TeamTable(RegisterTable):
    name = tables.Column(linkify=_detail("team"))
    organisation = tables.Column(linkify=_detail("organisation", "organisation_id"))

    class Meta(RegisterTable.Meta):
        model = registry.Team
        fields = ("name", "organisation", "recognition_year", "valid_from", "valid_to")
