"""The registry's pages: per register (``registry.registers``) a list (filtered, paginated,
exported to Excel with the same filter), a detail page with related records and the change
history, and the stewards' pages that create a record, correct it and end it before its time
(through ``registry.services``, the same checks as an import). Reading needs
``registry.view_registry``, keeping the registers ``registry.manage_registry``."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_http_methods
from django_tables2 import RequestConfig

from innoplan.accounts.permissions import Requires, authorise, requires
from innoplan.audit.exports import xlsx_response
from innoplan.core.audit import audit_rows
from innoplan.core.forms import add_service_error
from innoplan.registry import models as registry
from innoplan.registry import registers, selectors, services, tables
from innoplan.registry.forms import MergeForm, RetireForm, StewardGroupsForm, record_form
from innoplan.registry.models import RegisterGroup
from innoplan.registry.registers import REGISTERS, Register

PER_PAGE = 50

# Fields a reader does not need on a detail page.
HIDDEN_FIELDS = {"id", "created", "updated"}


def _title(model) -> str:
    return capfirst(model._meta.verbose_name_plural)


def registry_index(request):
    """The registers, each with how many records count today."""
    authorise(request.user, "registry.view_registry")
    today = timezone.localdate()
    counts = selectors.register_counts(as_of=today)
    steward = request.user.has_perm("registry.manage_registry") and not request.user.has_perm(
        "registry.assign_stewards"
    )
    totals = selectors.register_totals()
    # A tile says what it counts — the records that count today, of all on record — and opens
    # the list of exactly those (``?as_of=today``), so the two never disagree.
    shown = [
        {
            "title": _title(register.model),
            "url": reverse(f"registry:{register.route}_list") + f"?as_of={today.isoformat()}",
            "all_url": reverse(f"registry:{register.route}_list"),
            "count": counts[register.model],
            "total": totals[register.model],
            # A data steward's own registers are marked.
            "kept": steward and request.user.has_perm("registry.manage_registry", register),
        }
        for register in REGISTERS
    ]
    return render(
        request,
        "registry/index.html",
        {
            "registers": shown,
            "today": today,
            "can_import": request.user.has_perm("registry.manage_registry"),
        },
    )


class RegisterView(Requires, View):
    """A page of one register (``register``, given by the URLs)."""

    permission = "registry.view_registry"
    register: Register | None = None  # given by the URLs

    def get_permission_object(self):
        # A data steward keeps some registers only.
        return self.register

    def can_manage(self) -> bool:
        return self.request.user.has_perm("registry.manage_registry", self.register)

    @property
    def model(self) -> type[models.Model]:
        return self.register.model

    @property
    def route(self) -> str:
        return self.register.route


class RegisterListView(RegisterView):
    """A register's records through its FilterSet: a page of its table, or ``?format=xlsx``
    for every filtered record with the table's columns."""

    def get(self, request):
        records = selectors.records(self.model, user=request.user)
        filterset = self.register.filterset(request.GET, queryset=records)
        if request.GET.get("format") == "xlsx":
            # Empty cells stay empty in Excel, without the page's "—".
            table = self.register.table(filterset.qs, default="")
            header, rows = selectors.table_values(table, request=request)
            title = _title(self.model)
            return xlsx_response(
                filename=f"{title}-{timezone.localdate().isoformat()}.xlsx",
                title=title,
                headers=header,
                rows=rows,
                request=request,
                obj=self.model,
            )
        table = self.register.table(filterset.qs)
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
                "create_url": reverse(f"registry:{self.route}_create")
                if self.can_manage()
                else None,
                "quality_url": reverse(f"registry:{self.route}_quality")
                if self.can_manage()
                else None,
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
        elif field.is_relation and value is not None and registers.register_of(type(value)):
            route = registers.register_of(type(value)).route
            url = reverse(f"registry:{route}_detail", args=[value.pk])
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
                "can_manage": self.can_manage(),
                "edit_url": reverse(f"registry:{self.route}_edit", args=[obj.pk]),
                "merge_url": reverse("registry:organisation_merge", args=[obj.pk])
                if self.model is registry.Organisation
                else None,
                # A record that has counted can be ended before its time.
                "retire_url": reverse(f"registry:{self.route}_retire", args=[obj.pk])
                if self.register.dated and obj.valid_from is not None
                else None,
                **context,
            },
        )

    def fields(self, obj, **context) -> list[dict]:
        """Rows shown before the record's editable fields."""
        return []

    def related(self, obj) -> list[tuple[str, object]]:
        """(heading, table) of the records shown with this one."""
        return []


class OrganisationDetailView(RegisterDetailView):
    def related(self, obj):
        return [
            (
                _title(registry.Qualification),
                tables.QualificationTable(
                    obj.qualifications.all(),
                    exclude=("organisation", "credit_code"),
                    orderable=False,
                ),
            ),
            (
                _title(registry.Platform),
                tables.PlatformTable(
                    obj.platforms.select_related("host"), exclude=("host",), orderable=False
                ),
            ),
            (
                _title(registry.Patent),
                tables.PatentTable(
                    obj.patents.prefetch_related("owners"), exclude=("owners",), orderable=False
                ),
            ),
            (
                _title(registry.Talent),
                tables.TalentTable(obj.talents.all(), exclude=("employer",), orderable=False),
            ),
        ]


class FundDetailView(RegisterDetailView):
    def related(self, obj):
        return [(_("Committed scale history"), tables.FundScaleTable(obj.scales.all()))]


class PatentDetailView(RegisterDetailView):
    def related(self, obj):
        return [
            (
                capfirst(registry.Patent._meta.get_field("owners").verbose_name),
                tables.OrganisationTable(obj.owners.select_related("town"), orderable=False),
            )
        ]


class TalentDetailView(RegisterDetailView):
    """A person: the masked ID number, and for those allowed a button that shows the whole
    number once (POST), each time recorded in the audit log as an access."""

    def post(self, request, pk):
        talent = self.get_object(request, pk)
        number = services.talent_id_number_reveal(talent=talent, actor=request.user)
        # The phone is unmasked with the number, under the same permission and audit entry.
        return self.render_detail(request, talent, id_number=number, phone=talent.phone())

    def fields(self, obj, id_number=None, phone=None, **context):
        return [
            {
                "label": obj.get_id_kind_display(),
                "value": id_number or obj.id_number_masked,
                "unmask": id_number is None
                and self.request.user.has_perm("registry.unmask_id_number"),
            },
            {"label": _("Mobile phone"), "value": phone or obj.phone_masked or "—"},
        ]

    def related(self, obj):
        return [
            (
                _title(registry.TalentRecognition),
                tables.TalentRecognitionTable(
                    obj.recognitions.select_related("talent"),
                    exclude=("talent", "id_kind", "id_number_masked"),
                    orderable=False,
                ),
            ),
            (
                _title(registry.Team),
                tables.TeamTable(obj.teams.select_related("organisation"), orderable=False),
            ),
        ]


class TeamDetailView(RegisterDetailView):
    def related(self, obj):
        members = registry.Talent.objects.filter(team_memberships__team=obj).select_related(
            "employer"
        )
        return [
            (
                capfirst(registry.Team._meta.get_field("members").verbose_name),
                tables.TalentTable(members.order_by("-team_memberships__is_leader", "name")),
            )
        ]


class RegisterEditView(RegisterView):
    """A steward's form for a new record (no ``pk``) or for correcting one."""

    permission = "registry.manage_registry"

    def detail_url(self, record) -> str:
        return reverse(f"registry:{self.route}_detail", args=[record.pk])

    def get_object(self, request, pk):
        if pk is None:
            return self.model()
        try:
            return selectors.record(self.model, user=request.user, pk=pk)
        except self.model.DoesNotExist:
            raise Http404 from None

    def get(self, request, pk=None):
        record = self.get_object(request, pk)
        return self.render_form(request, record, record_form(self.model)(instance=record))

    def post(self, request, pk=None):
        record = self.get_object(request, pk)
        form = record_form(self.model)(request.POST, instance=record)
        if form.is_valid():
            try:
                services.record_save(record=form.instance, actor=request.user)
            except ValidationError as error:
                add_service_error(form, error, {})
            else:
                messages.success(request, _("Saved. The change is in the record's history."))
                return redirect(f"registry:{self.route}_detail", pk=form.instance.pk)
        return self.render_form(request, record, form, status=400)

    def render_form(self, request, record, form, status=200):
        return render(
            request,
            "registry/record_form.html",
            {
                "object": record if record.pk else None,
                "title": _title(self.model),
                "list_url": reverse(f"registry:{self.route}_list"),
                "cancel_url": self.detail_url(record)
                if record.pk
                else reverse(f"registry:{self.route}_list"),
                "form": form,
            },
            status=status,
        )


class RegisterQualityView(RegisterView):
    """数据质量: the register's records to look at — warnings, suspected duplicates, records
    that never count for want of a date — each with a link to correct it."""

    permission = "registry.manage_registry"

    def get(self, request):
        return render(
            request,
            "registry/record_quality.html",
            {
                "title": _title(self.model),
                "list_url": reverse(f"registry:{self.route}_list"),
                "edit_route": f"registry:{self.route}_edit",
                "quality": selectors.register_quality(self.model),
                "start_label": capfirst(self.model._meta.get_field("valid_from").verbose_name)
                if self.register.dated
                else "",
            },
        )


class RecordActionView(RegisterEditView):
    """A steward's action on one record through a form of its own (end it, merge a duplicate
    into it): the form, then the service, then back to the record with what was done."""

    form_class: type
    heading = intro = button = done = ""

    def act(self, record, data: dict, actor) -> None:
        raise NotImplementedError

    def get(self, request, pk):
        return self.render_action(request, self.get_object(request, pk), self.form_class())

    def post(self, request, pk):
        record = self.get_object(request, pk)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.act(record, form.cleaned_data, request.user)
            except ValidationError as error:
                add_service_error(form, error, {})
            else:
                messages.success(request, self.done)
                return redirect(self.detail_url(record))
        return self.render_action(request, record, form, status=400)

    def render_action(self, request, record, form, status=200):
        return render(
            request,
            "registry/record_action.html",
            {
                "object": record,
                "title": _title(self.model),
                "list_url": reverse(f"registry:{self.route}_list"),
                "cancel_url": self.detail_url(record),
                "form": form,
                "view": self,
            },
            status=status,
        )


class RegisterRetireView(RecordActionView):
    """End a dated record before its time, with the day and the reason."""

    form_class = RetireForm
    name = "retire"
    heading = gettext_lazy("End before its time")
    intro = gettext_lazy(
        "It counts until the day before the day you give, and no longer from that day. The "
        "reason stays with the record and in its history."
    )
    button = gettext_lazy("End it")
    done = gettext_lazy("Ended. It no longer counts from that day.")

    def act(self, record, data, actor):
        services.record_retire(record=record, on=data["on"], reason=data["reason"], actor=actor)


class OrganisationMergeView(RecordActionView):
    """Merge an organisation entered twice into this one."""

    form_class = MergeForm
    name = "merge"
    heading = gettext_lazy("Merge a duplicate into it")
    intro = gettext_lazy(
        "For the same organisation entered twice. This record stays; the duplicate's records "
        "move to it. Every move is in the history."
    )
    button = gettext_lazy("Merge")
    done = gettext_lazy("Merged. The duplicate's records are now this one's.")

    def act(self, record, data, actor):
        services.organisation_merge(keep=record, duplicate=data["duplicate"], actor=actor)


@require_http_methods(["GET", "POST"])
@requires("registry.assign_stewards")
def stewards(request):
    """数据管理员分工: which register groups each data steward keeps. The accounts come from
    the system administrator and the role from the security administrator; the plan owner
    assigns the registers here."""
    forms_by_steward = {}
    status = 200
    for steward in selectors.data_stewards():
        form = StewardGroupsForm(prefix=f"s{steward.pk}", initial={"groups": steward.groups_kept})
        forms_by_steward[steward.pk] = (steward, form)
    if request.method == "POST":
        try:
            steward, _form = forms_by_steward[int(request.POST.get("steward", ""))]
        except (KeyError, ValueError):
            raise Http404 from None
        form = StewardGroupsForm(request.POST, prefix=f"s{steward.pk}")
        if form.is_valid():
            try:
                services.steward_groups_assign(
                    steward=steward, groups=form.cleaned_data["groups"], actor=request.user
                )
            except ValidationError as error:
                add_service_error(form, error, {})
            else:
                messages.success(
                    request, _("Saved: %(user)s keeps the registers ticked.") % {"user": steward}
                )
                return redirect("registry:stewards")
        forms_by_steward[steward.pk] = (steward, form)
        status = 400
    groups = {group: [] for group, _label in RegisterGroup.choices}
    for register in REGISTERS:
        groups[register.group].append(_title(register.model))
    return render(
        request,
        "registry/stewards.html",
        {
            "stewards": list(forms_by_steward.values()),
            "groups": [(label, groups[group]) for group, label in RegisterGroup.choices],
        },
        status=status,
    )


# Detail pages that show more than the record's fields; the others are RegisterDetailView.
DETAIL_VIEWS: dict[type[models.Model], type[RegisterDetailView]] = {
    registry.Organisation: OrganisationDetailView,
    registry.Fund: FundDetailView,
    registry.Patent: PatentDetailView,
    registry.Talent: TalentDetailView,
    registry.Team: TeamDetailView,
}


def detail_view(register: Register) -> type[RegisterDetailView]:
    return DETAIL_VIEWS.get(register.model, RegisterDetailView)
