"""Forms of the plan upload page (规划文本上传): the document, and the signed proposal that
carries the parser's result from the proposal page to the confirmation."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from innoplan.core.forms import BootstrapForm
from innoplan.plans.ingest.readers import (
    ACCEPTED_EXTENSIONS,
    DocumentError,
    DocumentText,
    check_size,
    not_a_plan_error,
    read_document,
)

# The proposal travels in the page, signed: the client can send it back, not change it.
PROPOSAL_SALT = "innoplan.plans.ingest.proposal"
PROPOSAL_MAX_AGE = 24 * 60 * 60


def sign_proposal(payload: dict) -> str:
    return signing.dumps(payload, salt=PROPOSAL_SALT, compress=True)


def unsign_proposal(token: str) -> dict:
    """The payload of a signed proposal; raises ``signing.BadSignature`` (expired included)."""
    return signing.loads(token, salt=PROPOSAL_SALT, max_age=PROPOSAL_MAX_AGE)


class PlanUploadForm(BootstrapForm):
    """A plan document: refused by its declared size before it is read, then read and checked
    to be a plan. ``cleaned_data["document"]`` is the :class:`DocumentText`."""

    file = forms.FileField(
        label=_("Plan document"),
        help_text=_("A .docx, a .txt (UTF-8 or GBK) or a .pdf with a text layer."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        max_bytes = settings.INNOPLAN_PLAN_MAX_BYTES
        try:
            check_size(upload.size, max_bytes=max_bytes)
            document: DocumentText = read_document(upload.read(), upload.name, max_bytes=max_bytes)
            refusal = not_a_plan_error(document.text)
            if refusal is not None:
                raise refusal
        except DocumentError as error:
            raise forms.ValidationError(error.render(gettext), code="document") from error
        self.cleaned_data["document"] = document
        return upload


class ProposalForm(forms.Form):
    """The signed proposal sent back on confirmation; the edited fields are read beside it."""

    proposal = forms.CharField(widget=forms.HiddenInput)

    def clean_proposal(self):
        try:
            return unsign_proposal(self.cleaned_data["proposal"])
        except signing.SignatureExpired as error:
            raise forms.ValidationError(
                _("This proposal is more than a day old; upload the document again."),
                code="expired",
            ) from error
        except signing.BadSignature as error:
            raise forms.ValidationError(
                _("This proposal was changed outside this page; upload the document again."),
                code="tampered",
            ) from error
