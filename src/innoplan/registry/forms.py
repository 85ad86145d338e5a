"""The stewards' forms: one ``<Model>Form`` per register, a ModelForm over the fields a steward
types (the model's ``clean`` checks them, as it checks an import row), and the form that ends a
record before its time."""

from __future__ import annotations

from django import forms
from django.db import models
from django.forms import modelform_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innoplan.accounts.models import Department
from innoplan.core.forms import BootstrapForm
from innoplan.registry import models as registry
from innoplan.registry.models import TOWN_KINDS

# Set by the system, by the retirement, or entered with the record through their own pages or
# imports (a patent's owners, a team's members).
NOT_TYPED = ("end_reason", "credit_code_warning", "owners", "members")


class RecordForm(forms.ModelForm):
    """What every register's form has: Bootstrap classes, date pickers, towns only where a
    town or street is asked for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(field, forms.DateField):
                field.widget = widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            if name == "town" and isinstance(field, forms.ModelChoiceField):
                field.queryset = Department.objects.filter(kind__in=TOWN_KINDS)
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 3)


class TalentForm(RecordForm):
    """The document number is typed in full with its type beside it, checked as that type's,
    and kept only encrypted; on a change form an empty box keeps the number already recorded
    (a changed type needs the number typed again)."""

    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        required=False,
        help_text=_(
            "As on the document: 18 characters for an ID card, letters and digits for a "
            "passport. Kept encrypted; an empty box keeps the number recorded."
        ),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        help_text=_("11 digits; kept encrypted. An empty box keeps the number recorded."),
    )
    remove_phone = forms.BooleanField(label=_("Remove the mobile phone"), required=False)

    class Meta:
        model = registry.Talent
        fields = ("name", "id_kind", "id_number", "employer", "title")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "id_kind" in self.fields:
            # A form posted without it (a script written before the kinds) keeps the kind.
            self.fields["id_kind"].required = False

    def clean_id_kind(self):
        return self.cleaned_data.get("id_kind") or self.instance.id_kind

    def _post_clean(self):
        # The numbers are checked by Talent.clean, as every other way in checks them.
        if self.cleaned_data.get("id_number", "").strip():
            self.instance.set_id_number(
                self.cleaned_data["id_number"],
                kind=self.cleaned_data.get("id_kind") or self.instance.id_kind,
            )
        if self.cleaned_data.get("remove_phone"):
            self.instance.set_phone("")
        elif self.cleaned_data.get("phone", "").strip():
            self.instance.set_phone(self.cleaned_data["phone"])
        super()._post_clean()


def typed_fields(model: type[models.Model]) -> list[str]:
    """The fields a steward types for ``model``, in the model's order."""
    return [
        f.name
        for f in model._meta.get_fields()
        if getattr(f, "editable", False)
        and not f.auto_created
        and (f.concrete or f.many_to_many)
        and f.name not in NOT_TYPED
        and f.name not in ("id", "created", "updated")
    ]


def record_form(model: type[models.Model]) -> type[forms.ModelForm]:
    """The register's ``<Model>Form``: its own where it has one, else a ``RecordForm`` over
    the fields a steward types."""
    if model is registry.Talent:
        return TalentForm
    return modelform_factory(model, form=RecordForm, fields=typed_fields(model))


class RetireForm(BootstrapForm):
    """End a record before its time: from which day it no longer counts, and why."""

    on = forms.DateField(
        label=_("No longer counts from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The first day it no longer counts; it counts until the day before."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Why it ends: revoked, moved out of the district, withdrawn for integrity … A "
            "retirement is not an expiry: the record keeps its reason."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class MergeForm(BootstrapForm):
    """Name the record entered twice, by its credit code, to merge it into this one."""

    duplicate = forms.CharField(
        label=_("Credit code of the duplicate"),
        max_length=30,
        help_text=_(
            "Its qualifications, platforms, patents, talents and teams move to this record; "
            "its name is kept among the former names; then it is deleted."
        ),
    )

    def clean_duplicate(self):
        from innoplan.core.identifiers import normalise_credit_code

        code = normalise_credit_code(self.cleaned_data["duplicate"])
        found = registry.Organisation.objects.filter(credit_code=code).first()
        if found is None:
            raise forms.ValidationError(
                _("No organisation has the credit code %(code)s.") % {"code": code}
            )
        return found


class StewardGroupsForm(BootstrapForm):
    """The register groups one data steward keeps."""

    groups = forms.MultipleChoiceField(
        label=_("Register groups"),
        choices=registry.RegisterGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
