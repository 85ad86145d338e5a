"""Forms of the plan pages. They parse what a person typed; the rules live in services."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from innoplan.accounts.models import Department
from innoplan.core.forms import BootstrapForm, VersionedForm
from innoplan.core.uploads import (
    ATTACHMENT_EXTENSIONS,
    KeptUpload,
    check_attachment,
    discard_kept_upload,
    keep_upload,
    kept_upload,
)
from innoplan.plans.choices import PeriodKind

MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


class ReportedValueForm(BootstrapForm):
    """A figure for one month or quarter, typed in the unit the plan uses (亿元, 家).

    A refused form keeps the file chosen with it (``keep_attachment``): the form shown again
    names it (已上传：名单.pdf) and carries it back as a signed token, so that the corrected
    figure goes in with it; choosing another file replaces it, a tick removes it."""

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
    kept_attachment = forms.CharField(required=False, widget=forms.HiddenInput)
    remove_kept_attachment = forms.BooleanField(label=_("Remove this file"), required=False)

    # Where the service's errors go on this form.
    SERVICE_FIELDS = {"period_start": "period", "period_end": "period"}

    def __init__(self, *args, indicator, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.user = user
        self.kept: KeptUpload | None = None
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
        token = cleaned.get("kept_attachment")
        if token:
            try:
                self.kept = kept_upload(token, owner=self.user)
            except ValidationError as error:
                if not cleaned.get("attachment") and not cleaned.get("remove_kept_attachment"):
                    self.add_error("attachment", error)
        return cleaned

    def attachment_to_store(self):
        """The file the figure goes in with: one chosen now, else the kept one (open; the
        caller closes it), unless it was removed."""
        if self.cleaned_data.get("attachment"):
            return self.cleaned_data["attachment"]
        if self.kept is not None and not self.cleaned_data.get("remove_kept_attachment"):
            return self.kept.open()
        return None

    def discard_kept(self) -> None:
        """The figure is stored (with its file, if any): the kept copy is no longer needed."""
        if self.kept is not None:
            discard_kept_upload(self.kept)
            self.kept = None

    def keep_attachment(self) -> KeptUpload | None:
        """The form was refused: keep the file chosen now, if it passes the attachment check
        (else the form says why), in place of one kept before; or go on keeping the one kept
        before unless it was removed. The file the form shown again names, or None."""
        upload = self.files.get("attachment")
        if upload and "attachment" not in self.errors:
            try:
                check_attachment(upload)
            except ValidationError as error:
                self.add_error(None, error)  # on the attachment: which file, and why
            else:
                if self.kept is not None:
                    discard_kept_upload(self.kept)
                self.kept = keep_upload(upload, owner=self.user)
        elif self.kept is not None and self.data.get("remove_kept_attachment"):
            discard_kept_upload(self.kept)
            self.kept = None
        if self.kept is not None:
            # The bound field read its label when the form was cleaned: it is set there too.
            self.fields["attachment"].label = self["attachment"].label = _(
                "Replace with another file"
            )
        return self.kept


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
