"""The registry's read-only pages: per register a list (filtered, paginated, exported to
Excel with the same filter) and a detail page with related records and the change history.
Stewards edit records in the admin for now. Every page needs ``registry.view_registry``."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views import View
from django_tables2 import RequestConfig

from innoplan.audit.exports import xlsx_response
from innoplan.core.audit import audit_rows
from innoplan.registry import filters, selectors, services, tables
from innoplan.registry.models import (
    Base,
    BrandEvent,
    Fund,
    Organisation,
    Park,
    Patent,
    Platform,
    Qualification,
    Talent,
    TalentRecognition,
    Team,
)

PER_PAGE = 50

# Each register's route prefix: ``registry:<route>_list`` and ``registry:<route>_detail``.
ROUTES: dict[type[models.Model], str] = {
    Organisation: "organisation",
    Qualification: "qualification",
    Platform: "platform",
    Fund: "fund",
    BrandEvent: "brand_event",
    Base: "base",
    Park: "park",
    Patent: "patent",
    Talent: "talent",
    TalentRecognition: "talent_recognition",
    Team: "team",
}
# Fields a reader does not need on a detail page.
HIDDEN_FIELDS = {"id", "created", "updated"}


def _require_reader(request) -> None:
    if not request.user.has_perm("registry.view_registry"):
        raise PermissionDenied


def _title(model) -> str:
    return capfirst(model._meta.verbose_name_plural)


def registry_index(request):
    """The registers, each with how many records count today."""
    _require_reader(request)
    today = timezone.localdate()
    counts = selectors.register_counts(as_of=today)
    registers = [
        {
            "title": _title(model),
            "url": reverse(f"registry:{route}_list"),
            "count": counts[model],
        }
        for model, route in ROUTES.items()
    ]
    return render(request, "registry/index.html", {"registers": registers, "today": today})


class RegisterView(View):
    model: type[models.Model]

    def dispatch(self, request, *args, **kwargs):
        _require_reader(request)
        return super().dispatch(request, *args, **kwargs)

    @property
    def route(self) -> str:
        return ROUTES[self.model]


class RegisterListView(RegisterView):
    """A register's records through its FilterSet: a page of its table, or ``?format=xlsx``
    for every filtered record with the table's columns."""

    filterset_class: type[filters.RegisterFilterSet]
    table_class: type[tables.RegisterTable]

    def get(self, request):
        records = selectors.records(self.model, user=request.user)
        filterset = self.filterset_class(request.GET, queryset=records)
        if request.GET.get("format") == "xlsx":
            # Empty cells stay empty in Excel, without the page's "—".
            table = self.table_class(filterset.qs, default="")
            RequestConfig(request, paginate=False).configure(table)
            header, *rows = table.as_values()
            title = _title(self.model)
            return xlsx_response(
                filename=f"{title}-{timezone.localdate().isoformat()}.xlsx",
                title=title,
                headers=header,
                rows=rows,
                request=request,
                obj=self.model,
            )
        table = self.table_class(filterset.qs)
        RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
        export = request.GET.copy()
        export.pop("page", None)
        export["format"] = "xlsx"
        return render(
            request,
            "registry/record_list.html",
            {
                "title": _title(self.model),
                "filter": filterset,
                "table": table,
                "export_query": export.urlencode(),
            },
        )


def _field_rows(obj) -> list[dict]:
    """The record's fields as (label, value, link) for its detail page."""
    rows = []
    for field in obj._meta.concrete_fields:
        if field.name in HIDDEN_FIELDS or not field.editable:
            continue
        value, url = getattr(obj, field.name), None
        if field.choices:
            value = getattr(obj, f"get_{field.name}_display")()
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(field, models.BooleanField):
            value = _("Yes") if value else _("No")
        elif field.is_relation and value is not None and type(value) in ROUTES:
            url = reverse(f"registry:{ROUTES[type(value)]}_detail", args=[value.pk])
        rows.append(
            {
                "label": capfirst(field.verbose_name),
                "value": value,
                "url": url,
                "multiline": isinstance(field, models.TextField),
            }
        )
    return rows


class RegisterDetailView(RegisterView):
    """One record: its fields, the records entered with it, its change history."""

    def get(self, request, pk):
        return self.render_detail(request, self.get_object(request, pk))

    def get_object(self, request, pk):
        try:
            return selectors.record(self.model, user=request.user, pk=pk)
        except self.model.DoesNotExist:
            raise Http404 from None

    def render_detail(self, request, obj, **context):
        return render(
            request,
            "registry/record_detail.html",
            {
                "object": obj,
                "title": _title(self.model),
                "list_url": reverse(f"registry:{self.route}_list"),
                "fields": self.fields(obj, **context) + _field_rows(obj),
                "related": [{"title": title, "table": table} for title, table in self.related(obj)],
                "audit": audit_rows(selectors.audit_entries(obj)),
                **context,
            },
        )

    def fields(self, obj, **context) -> list[dict]:
        """Rows shown before the record's editable fields."""
        return []

    def related(self, obj) -> list[tuple[str, object]]:
        """(heading, table) of the records shown with this one."""
        return []


class OrganisationListView(RegisterListView):
    model = Organisation
    filterset_class = filters.OrganisationFilterSet
    table_class = tables.OrganisationTable


class OrganisationDetailView(RegisterDetailView):
    model = Organisation

    def related(self, obj):
        return [
            (
                _title(Qualification),
                tables.QualificationTable(
                    obj.qualifications.all(),
                    exclude=("organisation", "credit_code"),
                    orderable=False,
                ),
            ),
            (
                _title(Platform),
                tables.PlatformTable(
                    obj.platforms.select_related("host"), exclude=("host",), orderable=False
                ),
            ),
            (
                _title(Patent),
                tables.PatentTable(
                    obj.patents.prefetch_related("owners"), exclude=("owners",), orderable=False
                ),
            ),
            (
                _title(Talent),
                tables.TalentTable(obj.talents.all(), exclude=("employer",), orderable=False),
            ),
        ]


class QualificationListView(RegisterListView):
    model = Qualification
    filterset_class = filters.QualificationFilterSet
    table_class = tables.QualificationTable


class QualificationDetailView(RegisterDetailView):
    model = Qualification


class PlatformListView(RegisterListView):
    model = Platform
    filterset_class = filters.PlatformFilterSet
    table_class = tables.PlatformTable


class PlatformDetailView(RegisterDetailView):
    model = Platform


class FundListView(RegisterListView):
    model = Fund
    filterset_class = filters.FundFilterSet
    table_class = tables.FundTable


class FundDetailView(RegisterDetailView):
    model = Fund

    def related(self, obj):
        return [(_("Committed scale history"), tables.FundScaleTable(obj.scales.all()))]


class BrandEventListView(RegisterListView):
    model = BrandEvent
    filterset_class = filters.BrandEventFilterSet
    table_class = tables.BrandEventTable


class BrandEventDetailView(RegisterDetailView):
    model = BrandEvent


class BaseListView(RegisterListView):
    model = Base
    filterset_class = filters.BaseFilterSet
    table_class = tables.BaseTable


class BaseDetailView(RegisterDetailView):
    model = Base


class ParkListView(RegisterListView):
    model = Park
    filterset_class = filters.ParkFilterSet
    table_class = tables.ParkTable


class ParkDetailView(RegisterDetailView):
    model = Park


class PatentListView(RegisterListView):
    model = Patent
    filterset_class = filters.PatentFilterSet
    table_class = tables.PatentTable


class PatentDetailView(RegisterDetailView):
    model = Patent

    def related(self, obj):
        return [
            (
                capfirst(Patent._meta.get_field("owners").verbose_name),
                tables.OrganisationTable(obj.owners.select_related("town"), orderable=False),
            )
        ]


class TalentListView(RegisterListView):
    model = Talent
    filterset_class = filters.TalentFilterSet
    table_class = tables.TalentTable


class TalentDetailView(RegisterDetailView):
    """A person: the masked ID number, and for those allowed a button that shows the whole
    number once (POST), each time recorded in the audit log as an access."""

    model = Talent

    def post(self, request, pk):
        talent = self.get_object(request, pk)
        number = services.talent_id_number_reveal(talent=talent, actor=request.user)
        # The phone is unmasked with the number, under the same permission and audit entry.
        return self.render_detail(request, talent, id_number=number, phone=talent.phone())

    def fields(self, obj, id_number=None, phone=None, **context):
        return [
            {
                "label": _("ID card number"),
                "value": id_number or obj.id_number_masked,
                "unmask": id_number is None
                and self.request.user.has_perm("registry.unmask_id_number"),
            },
            {"label": _("Mobile phone"), "value": phone or obj.phone_masked or "—"},
        ]

    def related(self, obj):
        return [
            (
                _title(TalentRecognition),
                tables.TalentRecognitionTable(
                    obj.recognitions.select_related("talent"),
                    exclude=("talent", "id_number_masked"),
                    orderable=False,
                ),
            ),
            (
                _title(Team),
                tables.TeamTable(obj.teams.select_related("organisation"), orderable=False),
            ),
        ]


class TalentRecognitionListView(RegisterListView):
    model = TalentRecognition
    filterset_class = filters.TalentRecognitionFilterSet
    table_class = tables.TalentRecognitionTable


class TalentRecognitionDetailView(RegisterDetailView):
    model = TalentRecognition


class TeamListView(RegisterListView):
    model = Team
    filterset_class = filters.TeamFilterSet
    table_class = tables.TeamTable


class TeamDetailView(RegisterDetailView):
    model = Team

    def related(self, obj):
        members = Talent.objects.filter(team_memberships__team=obj).select_related("employer")
        return [
            (
                capfirst(Team._meta.get_field("members").verbose_name),
                tables.TalentTable(members.order_by("-team_memberships__is_leader", "name")),
            )
        ]
