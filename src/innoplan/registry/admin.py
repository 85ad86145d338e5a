"""Admin pages where a data steward enters and corrects registry records by hand (bulk loads
come through imports). The model's own ``clean`` applies here too: credit-code checks, towns,
validity dates and the qualification expiry rule."""

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innoplan.accounts.models import Department
from innoplan.registry import models as registry
from innoplan.registry.forms import TalentForm
from innoplan.registry.models import TOWN_KINDS


class ValidityListFilter(admin.SimpleListFilter):
    """Whether a record counts today, has ended, or has not started."""

    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [
            ("current", _("Counts today")),
            ("ended", _("Ended")),
            ("future", _("Not yet in force")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "current":
            return queryset.valid_on(today)
        if self.value() == "ended":
            return queryset.filter(valid_to__lte=today)
        if self.value() == "future":
            return queryset.filter(Q(valid_from__gt=today) | Q(valid_from__isnull=True))
        return queryset


class TownChoicesMixin:
    """Offer only towns and street offices where a record asks for its town."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "town":
            kwargs["queryset"] = Department.objects.filter(kind__in=TOWN_KINDS)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(registry.Park)
class ParkAdmin(TownChoicesMixin, admin.ModelAdmin):
    list_display = ("name", "town", "industry", "valid_from", "valid_to")
    list_filter = (ValidityListFilter, "industry", "town")
    list_select_related = ("town",)
    search_fields = ("name",)


class QualificationInline(admin.TabularInline):
    model = registry.Qualification
    fields = ("kind", "certificate_no", "valid_from", "valid_to")
    extra = 0


@admin.register(registry.Organisation)
class OrganisationAdmin(TownChoicesMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "credit_code",
        "kind",
        "industry",
        "town",
        "valid_from",
        "valid_to",
        "credit_code_confirmed",
    )
    list_filter = (
        ValidityListFilter,
        "kind",
        "industry",
        "town",
        "central_soe_subsidiary",
        "municipal_soe_hq",
        "single_champion",
        "credit_code_confirmed",
    )
    list_select_related = ("town",)
    search_fields = ("name", "credit_code", "former_names")
    autocomplete_fields = ("parent", "park")
    readonly_fields = ("credit_code_warning",)
    inlines = (QualificationInline,)
    # A million rows: do not count the whole table a second time on every page.
    show_full_result_count = False
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "credit_code",
                    "credit_code_warning",
                    "credit_code_confirmed",
                    "former_names",
                    "kind",
                    "parent",
                    "industry",
                )
            },
        ),
        (_("Location"), {"fields": ("town", "park")}),
        (
            _("Flags"),
            {"fields": ("central_soe_subsidiary", "municipal_soe_hq", "single_champion")},
        ),
        (_("Dates"), {"fields": ("established_on", "valid_from", "valid_to")}),
    )


@admin.register(registry.Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ("organisation", "kind", "certificate_no", "valid_from", "valid_to")
    list_filter = (ValidityListFilter, "kind")
    list_select_related = ("organisation",)
    search_fields = ("organisation__name", "organisation__credit_code", "certificate_no")
    autocomplete_fields = ("organisation",)
    date_hierarchy = "valid_from"
    show_full_result_count = False


@admin.register(registry.Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "level", "host", "valid_from", "valid_to")
    list_filter = (ValidityListFilter, "level", "kind")
    list_select_related = ("host",)
    search_fields = ("name", "host__name", "host__credit_code")
    autocomplete_fields = ("host",)


class FundScaleInline(admin.TabularInline):
    model = registry.FundScale
    fields = ("effective_on", "amount")
    extra = 1


@admin.register(registry.Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ("name", "manager", "valid_from", "valid_to")
    list_filter = (ValidityListFilter,)
    search_fields = ("name", "manager")
    inlines = (FundScaleInline,)


@admin.register(registry.BrandEvent)
class BrandEventAdmin(admin.ModelAdmin):
    list_display = ("name", "organiser", "valid_from", "valid_to")
    list_filter = (ValidityListFilter,)
    search_fields = ("name", "organiser")


@admin.register(registry.Base)
class BaseAdmin(TownChoicesMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "level", "host", "town", "valid_from", "valid_to")
    list_filter = (ValidityListFilter, "kind", "level", "town")
    list_select_related = ("host", "town")
    search_fields = ("name", "host__name")
    autocomplete_fields = ("host",)


class PatentOwnerInline(admin.TabularInline):
    model = registry.PatentOwner
    fields = ("organisation",)
    autocomplete_fields = ("organisation",)
    extra = 1


@admin.register(registry.Patent)
class PatentAdmin(admin.ModelAdmin):
    list_display = ("application_number", "title", "kind", "filed_on", "valid_from", "valid_to")
    list_filter = (
        ValidityListFilter,
        "kind",
        "strategic_emerging_industry",
        "overseas_family",
        "award",
    )
    search_fields = ("application_number", "title")
    date_hierarchy = "valid_from"
    inlines = (PatentOwnerInline,)
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("application_number", "title", "kind")}),
        (_("Dates"), {"fields": ("filed_on", "valid_from", "valid_to")}),
        (
            _("High-value facts"),
            {
                "fields": (
                    "strategic_emerging_industry",
                    "overseas_family",
                    "pledge_amount",
                    "award",
                )
            },
        ),
    )


class TalentRecognitionInline(admin.TabularInline):
    model = registry.TalentRecognition
    fields = ("kind", "tier", "certificate_no", "valid_from", "valid_to")
    extra = 0


@admin.register(registry.Talent)
class TalentAdmin(admin.ModelAdmin):
    form = TalentForm
    list_display = ("name", "id_kind", "id_number_masked", "phone_masked", "employer", "title")
    list_select_related = ("employer",)
    search_fields = ("name", "employer__name")
    readonly_fields = ("id_number_masked", "phone_masked")
    autocomplete_fields = ("employer",)
    inlines = (TalentRecognitionInline,)
    fields = (
        "name",
        "id_kind",
        "id_number_masked",
        "id_number",
        "phone_masked",
        "phone",
        "remove_phone",
        "employer",
        "title",
    )


class TeamMemberInline(admin.TabularInline):
    model = registry.TeamMember
    fields = ("talent", "is_leader")
    autocomplete_fields = ("talent",)
    extra = 0


@admin.register(registry.Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "recognition_year", "valid_from", "valid_to")
    list_filter = (ValidityListFilter, "recognition_year")
    list_select_related = ("organisation",)
    search_fields = ("name", "organisation__name")
    autocomplete_fields = ("organisation",)
    inlines = (TeamMemberInline,)
