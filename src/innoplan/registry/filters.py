"""One FilterSet per register (``<Model>FilterSet``), shared by its list page and its Excel
export so that both show the same records.

Every FilterSet has ``q`` (a search over the register's names) and ``as_of`` (only the records
that count on that day, see ``ValidityQuerySet.valid_on``)."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innoplan.accounts.models import Department
from innoplan.core.crypto import field_cipher
from innoplan.core.identifiers import (
    MOBILE,
    normalise_patent_application,
    normalise_phone,
)
from innoplan.registry import models as registry
from innoplan.registry.choices import (
    BaseKind,
    CanalTalentTier,
    Industry,
    Level,
    OrganisationKind,
    PatentKind,
    PlatformKind,
    QualificationKind,
    RecognitionKind,
)
from innoplan.registry.models import TOWN_KINDS

# What may be pinyin initials: Latin letters and digits only.
INITIALS = re.compile(r"[a-z0-9]+")


def _towns(request=None):
    return Department.objects.filter(kind__in=TOWN_KINDS)


class RegisterFilterSet(django_filters.FilterSet):
    """What every register's filter has: a search and a day the records count on."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    as_of = django_filters.DateFilter(
        method="filter_as_of",
        label=_("Valid on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    # Fields ``q`` looks in (icontains), in the subclass's terms.
    search_fields: tuple[str, ...] = ("name",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
            if isinstance(field, forms.ChoiceField):
                field.empty_label = _("All")

    def search_q(self, text: str) -> Q:
        condition = Q()
        for name in self.search_fields:
            condition |= Q(**{f"{name}__icontains": text})
        return condition

    def filter_q(self, queryset, name, value):
        text = value.strip()
        return queryset.filter(self.search_q(text)) if text else queryset

    def filter_as_of(self, queryset, name, value):
        return queryset.valid_on(value)

    def as_of_or_today(self):
        return self.form.cleaned_data.get("as_of") or timezone.localdate()


def _choice(choices, label=None):
    return django_filters.ChoiceFilter(choices=choices, label=label, empty_label=_("All"))


def _town():
    return django_filters.ModelChoiceFilter(
        queryset=_towns, label=_("town or street"), empty_label=_("All")
    )


class OrganisationFilterSet(RegisterFilterSet):
    kind = _choice(OrganisationKind.choices, _("kind"))
    industry = _choice(Industry.choices, _("industry"))
    town = _town()
    qualification = django_filters.ChoiceFilter(
        choices=QualificationKind.choices,
        method="filter_qualification",
        label=_("Holds qualification"),
        empty_label=_("All"),
    )

    search_fields = ("name", "former_names", "credit_code")

    class Meta:
        model = registry.Organisation
        fields = ["q", "kind", "industry", "town", "qualification", "as_of"]

    def search_q(self, text):
        condition = super().search_q(text)
        initials = text.lower().replace(" ", "")
        if INITIALS.fullmatch(initials):
            condition |= Q(name_initials__contains=initials)
        return condition

    def filter_qualification(self, queryset, name, value):
        """Organisations that hold a qualification of this kind valid on the filter's day."""
        holds = registry.Qualification.objects.valid_on(self.as_of_or_today()).filter(
            kind=value, organisation=OuterRef("pk")
        )
        return queryset.filter(Exists(holds))


class QualificationFilterSet(RegisterFilterSet):
    kind = _choice(QualificationKind.choices, _("kind"))

    search_fields = ("organisation__name", "organisation__credit_code", "certificate_no")

    class Meta:
        model = registry.Qualification
        fields = ["q", "kind", "as_of"]


class PlatformFilterSet(RegisterFilterSet):
    kind = _choice(PlatformKind.choices, _("kind"))
    level = _choice(Level.choices, _("level"))

    search_fields = ("name", "host__name", "host__credit_code")

    class Meta:
        model = registry.Platform
        fields = ["q", "kind", "level", "as_of"]


class FundFilterSet(RegisterFilterSet):
    search_fields = ("name", "manager")

    class Meta:
        model = registry.Fund
        fields = ["q", "as_of"]


class BrandEventFilterSet(RegisterFilterSet):
    search_fields = ("name", "organiser")

    class Meta:
        model = registry.BrandEvent
        fields = ["q", "as_of"]


class BaseFilterSet(RegisterFilterSet):
    kind = _choice(BaseKind.choices, _("kind"))
    level = _choice(Level.choices, _("level"))
    town = _town()

    search_fields = ("name", "host__name")

    class Meta:
        model = registry.Base
        fields = ["q", "kind", "level", "town", "as_of"]


class ParkFilterSet(RegisterFilterSet):
    industry = _choice(Industry.choices, _("industry"))
    town = _town()

    class Meta:
        model = registry.Park
        fields = ["q", "industry", "town", "as_of"]


class PatentFilterSet(RegisterFilterSet):
    kind = _choice(PatentKind.choices, _("kind"))

    search_fields = ("application_number", "title")

    class Meta:
        model = registry.Patent
        fields = ["q", "kind", "as_of"]

    def search_q(self, text):
        # A number typed as 'ZL2023 1 0123456.7' is found as it is stored.
        return super().search_q(text) | Q(
            application_number__icontains=normalise_patent_application(text)
        )


def _id_number_q(text: str, path: str = "") -> Q:
    """A whole document number (of whatever kind it is valid for) is found through its keyed
    digest, never by decrypting."""
    digests = registry.id_number_digests(text)
    if digests:
        return Q(**{f"{path}id_number_digest__in": digests})
    return Q()


def _phone_q(text: str) -> Q:
    """A whole mobile number is found through its keyed digest, never by decrypting."""
    number = normalise_phone(text)
    if MOBILE.fullmatch(number):
        return Q(phone_digest__in=field_cipher().digests(number))
    return Q()


class TalentFilterSet(RegisterFilterSet):
    recognition = django_filters.ChoiceFilter(
        choices=RecognitionKind.choices,
        method="filter_recognition",
        label=_("Holds recognition"),
        empty_label=_("All"),
    )

    search_fields = ("name", "employer__name", "title")

    class Meta:
        model = registry.Talent
        fields = ["q", "recognition", "as_of"]

    def search_q(self, text):
        return super().search_q(text) | _id_number_q(text) | _phone_q(text)

    def _holding(self, queryset, **conditions):
        holds = registry.TalentRecognition.objects.valid_on(self.as_of_or_today()).filter(
            talent=OuterRef("pk"), **conditions
        )
        return queryset.filter(Exists(holds))

    def filter_recognition(self, queryset, name, value):
        """People holding a recognition of this kind valid on the filter's day."""
        return self._holding(queryset, kind=value)

    def filter_as_of(self, queryset, name, value):
        # A person has no dates of their own: they count while a recognition holds.
        return self._holding(queryset)


class TalentRecognitionFilterSet(RegisterFilterSet):
    kind = _choice(RecognitionKind.choices, _("recognition"))
    tier = _choice(CanalTalentTier.choices, _("tier"))

    search_fields = ("talent__name", "certificate_no")

    class Meta:
        model = registry.TalentRecognition
        fields = ["q", "kind", "tier", "as_of"]

    def search_q(self, text):
        return super().search_q(text) | _id_number_q(text, "talent__")


class TeamFilterSet(RegisterFilterSet):
    recognition_year = django_filters.NumberFilter(label=_("recognition year"))

    search_fields = ("name", "organisation__name")

    class Meta:
        model = registry.Team
        fields = ["q", "recognition_year", "as_of"]
