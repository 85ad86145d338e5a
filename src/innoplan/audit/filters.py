"""The audit administrator's filters, shared by the list page and its Excel export."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .events import Event, Outcome
from .models import AuditEvent


def object_type_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The kinds of object a record can be about, by the name the model gives them, grouped
    under their app's name: innoplan's own models (the trail records nothing else)."""
    groups = []
    for config in apps.get_app_configs():
        if not config.name.startswith("innoplan."):
            continue
        models = sorted(
            ((m._meta.label_lower, str(m._meta.verbose_name)) for m in config.get_models()),
            key=lambda choice: choice[0],
        )
        if models:
            groups.append((str(config.verbose_name), models))
    return groups


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditEventFilterSet(django_filters.FilterSet):
    since = django_filters.DateFilter(
        label=_("From"), method="filter_since", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        label=_("To"), method="filter_until", widget=forms.DateInput(attrs={"type": "date"})
    )
    user = django_filters.CharFilter(
        label=_("User"), field_name="actor_name", lookup_expr="icontains"
    )
    event = django_filters.ChoiceFilter(
        label=_("Event"), choices=Event.choices, empty_label=_("All")
    )
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome"), choices=Outcome.choices, empty_label=_("All")
    )
    object_type = django_filters.ChoiceFilter(
        label=_("Object type"), choices=object_type_choices, empty_label=_("All")
    )
    object = django_filters.CharFilter(label=_("Object"), method="filter_object")

    class Meta:
        model = AuditEvent
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs["class"] = (
                "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )

    def filter_since(self, queryset, name, value):
        return queryset.filter(occurred_at__gte=_start_of(value))

    def filter_until(self, queryset, name, value):
        # The whole of the last day, in local time.
        return queryset.filter(occurred_at__lt=_start_of(value + timedelta(days=1)))

    def filter_object(self, queryset, name, value):
        return queryset.filter(
            Q(object_repr__icontains=value) | Q(object_type__icontains=value) | Q(object_id=value)
        )
