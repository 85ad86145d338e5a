"""Forms of the identity pages: second factor, role grants, lockout release."""

from django import forms
from django.utils.translation import gettext_lazy as _

from innoplan.accounts.choices import Role
from innoplan.accounts.models import Department


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Code from the authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits your authenticator app shows.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 8}
        ),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip()


class EnrolForm(TokenForm):
    """The new device's code; to replace a confirmed device, also a code from that one."""

    current_token = forms.RegexField(
        label=_("Code from the authenticator app you use now"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={
            "invalid": _("Enter the 6 digits your authenticator app shows."),
            "required": _("Enter a code from the authenticator app you use now."),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 8}
        ),
    )

    def __init__(self, *args, replacing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not replacing:
            del self.fields["current_token"]

    def clean_current_token(self):
        return self.cleaned_data["current_token"].strip()


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        required=False,
        help_text=_("Required for a department reporter."),
    )


class LockoutReleaseForm(forms.Form):
    username = forms.CharField(max_length=255)
    ip = forms.GenericIPAddressField(required=False)
