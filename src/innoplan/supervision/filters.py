"""The FilterSets of the supervision lists, shared by each list page and its Excel export so
that both show the same records. The querysets they filter are already scoped to the user
(``selectors.restrict_milestones`` / ``restrict_notices``)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innoplan.accounts.models import Department
from innoplan.plans.models import Section, Task
from innoplan.supervision import selectors
from innoplan.supervision.choices import NoticeLevel, NoticeStatus, State
from innoplan.supervision.models import Milestone, Notice

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _departments(request=None):
    return Department.objects.order_by("position", "code")


class BootstrapFilterSet(django_filters.FilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


def _departments_q(department) -> Q:
    """Led by the department, or co-operated on (a subquery: no join, no duplicate rows)."""
    return Q(lead_department=department) | Q(
        pk__in=Milestone.cooperating_departments.through.objects.filter(
            department=department
        ).values("milestone_id")
    )


class MilestoneFilterSet(BootstrapFilterSet):
    """Milestones by task, section, department, state on a day, due dates and a search."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    section = django_filters.ModelChoiceFilter(
        field_name="task__section",
        queryset=Section.objects.none(),
        label=_("Section"),
        empty_label=_("All"),
    )
    task = django_filters.ModelChoiceFilter(
        queryset=Task.objects.none(), label=_("Key task"), empty_label=_("All")
    )
    department = django_filters.ModelChoiceFilter(
        queryset=_departments,
        method="filter_department",
        label=_("Department"),
        empty_label=_("All"),
    )
    state = django_filters.ChoiceFilter(
        choices=State.choices, method="filter_state", label=_("State"), empty_label=_("All")
    )
    due_from = django_filters.DateFilter(
        field_name="due_on", lookup_expr="gte", label=_("Due from"), widget=DATE_WIDGET
    )
    due_to = django_filters.DateFilter(
        field_name="due_on", lookup_expr="lte", label=_("Due by"), widget=DATE_WIDGET
    )
    as_of = django_filters.DateFilter(
        method="filter_as_of", label=_("State as of"), widget=DATE_WIDGET
    )

    class Meta:
        model = Milestone
        fields: list[str] = []

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["section"].queryset = plan.sections.order_by("position")
        self.filters["task"].queryset = plan.tasks.order_by("number")
        self.form.fields["section"].queryset = self.filters["section"].queryset
        self.form.fields["task"].queryset = self.filters["task"].queryset
        self.form.fields["task"].label_from_instance = lambda task: f"{task.number}. {task.title}"

    def as_of_or_today(self):
        data = getattr(self.form, "cleaned_data", None) or {}
        return data.get("as_of") or timezone.localdate()

    def filter_as_of(self, queryset, name, value):
        # Only the day the state is read on; it selects nothing by itself.
        return queryset

    def filter_q(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(title__icontains=text)
            | Q(deliverable__icontains=text)
            | Q(project__name__icontains=text)
            | Q(task__title__icontains=text)
        )

    def filter_department(self, queryset, name, value):
        return queryset.filter(_departments_q(value))

    def filter_state(self, queryset, name, value):
        # A state is computed for a day by ``timeline.state_on``, never stored: the same rule
        # as the battle map's, applied to the filtered rows (one query, whatever their number).
        as_of = self.as_of_or_today()
        ids = [
            m.pk
            for m in queryset.prefetch_related(None)
            if selectors.row_for(m, as_of=as_of).state == value
        ]
        return queryset.filter(pk__in=ids)


class NoticeFilterSet(BootstrapFilterSet):
    """Notices by level, status (待答复, 已答复, 已办结 …), department and the day they were
    raised."""

    level = django_filters.ChoiceFilter(
        choices=NoticeLevel.choices, label=_("Level"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        choices=NoticeStatus.choices,
        method="filter_status",
        label=_("Status"),
        empty_label=_("All"),
    )
    department = django_filters.ModelChoiceFilter(
        queryset=_departments, label=_("Department"), empty_label=_("All")
    )
    raised_from = django_filters.DateFilter(
        field_name="raised_on", lookup_expr="gte", label=_("Raised from"), widget=DATE_WIDGET
    )

    class Meta:
        model = Notice
        fields: list[str] = []

    def filter_status(self, queryset, name, value):
        # Computed, never stored: the same rule as each notice's ``status``.
        return selectors.notices_in_status(queryset, value)
