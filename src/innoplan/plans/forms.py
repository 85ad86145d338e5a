"""Forms of the plan pages. They parse what a person typed; the rules live in services."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from innoplan.accounts.models import Department
from innoplan.core.forms import BootstrapForm, VersionedForm
from innoplan.core.uploads import ATTACHMENT_EXTENSIONS
from innoplan.plans.choices import PeriodKind

MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


class ReportedValueForm(BootstrapForm):
    """A figure for one month or quarter, typed in the unit the plan uses (亿元, 家)."""

    period_kind = forms.ChoiceField(
        label=_("Period type"), choices=PeriodKind.choices, initial=PeriodKind.MONTH
    )
    period = forms.CharField(
        label=_("Month"),
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2025-06"}),
        help_text=_(
            "The month the figure is for (YYYY-MM). For a quarterly figure pick any month of "
            "the quarter."
        ),
    )
    value = forms.DecimalField(label=_("Value"), max_digits=24)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(ATTACHMENT_EXTENSIONS))}),
        help_text=_("Optional: the source document (PDF, Word, Excel or an image)."),
    )

    # Where the service's errors go on this form.
    SERVICE_FIELDS = {"period_start": "period", "period_end": "period"}

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["value"].label = _("Value (%(unit)s)") % {"unit": indicator.display_unit}
        if indicator.annual:
            self.fields["value"].help_text = _(
                "Year-to-date total: everything since 1 January of that year."
            )
        else:
            self.fields["value"].help_text = _("The total standing at the end of the period.")

    def clean_period(self) -> date:
        match = MONTH_RE.match(self.cleaned_data["period"].strip())
        if not match or not 1 <= int(match[2]) <= 12:
            raise ValidationError(_("Enter a month as YYYY-MM, e.g. 2025-06."), code="month")
        return date(int(match[1]), int(match[2]), 1)

    def clean(self):
        cleaned = super().clean()
        month, kind = cleaned.get("period"), cleaned.get("period_kind")
        if month and kind:
            if kind == PeriodKind.QUARTER:
                month = month.replace(month=(month.month - 1) // 3 * 3 + 1)
            cleaned["period_start"] = month
        return cleaned


class IndicatorForm(VersionedForm, BootstrapForm):
    """What the plan owner may change on an indicator: its 口径, reporter and baseline."""

    definition = forms.CharField(
        label=_("Definition"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    department = forms.ModelChoiceField(
        label=_("Reporting department"), queryset=Department.objects.all(), required=False
    )
    baseline_value = forms.DecimalField(label=_("Baseline value"), required=False, min_value=0)
    baseline_on = forms.DateField(
        label=_("Baseline date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["baseline_value"].label = _("Baseline value (%(unit)s)") % {
            "unit": indicator.display_unit
        }


class TaskAssignmentForm(VersionedForm, BootstrapForm):
    """The departments that lead a task (牵头) and those that co-operate (配合)."""

    lead = forms.ModelMultipleChoiceField(
        label=_("Lead departments"),
        queryset=Department.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cooperating = forms.ModelMultipleChoiceField(
        label=_("Co-operating departments"),
        queryset=Department.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ReviewForm(VersionedForm):
    """The plan owner's decision on a pending figure."""

    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))])
    reason = forms.CharField(required=False, max_length=2000)
