"""Form pieces every app's pages share: Bootstrap classes, the record version carried by an
edit form, and a service's ValidationError put on the right field."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def add_service_error(form: forms.Form, error: ValidationError, fields: dict[str, str]) -> None:
    """Put a service's ValidationError on the form: on the field it names (through ``fields``,
    service name -> form field), else at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        target = fields.get(name, name)
        form.add_error(target if target in form.fields else None, errors)


class BootstrapForm(forms.Form):
    """Gives each widget the Bootstrap class it needs, and marks fields with errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in [field] if field else getattr(error, "error_dict", {}):
            widget = self.fields[name].widget if name in self.fields else None
            if widget is not None and "is-invalid" not in widget.attrs["class"]:
                widget.attrs["class"] += " is-invalid"
                widget.attrs["aria-invalid"] = "true"


class VersionedForm(forms.Form):
    """Carries the version of the record the form was loaded at (hidden), so that the service
    can refuse a save over someone else's newer change."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("version") is None and "version" not in self.errors:
            raise ValidationError(
                _("The form lacks the record's version. Reload the page and try again."),
                code="version",
            )
        return cleaned

    def add_error(self, field, error):
        # A hidden field's error would show nowhere: it goes at the top of the form.
        super().add_error(None if field == "version" else field, error)
