"""Attachments (evidence, supporting documents): PDF, Office files and images, checked by
name, size and first bytes before anything is stored.

A form refused for a reason other than its file (a value out of range, a period already
reported) keeps the checked file while it is shown again (``keep_upload``): the file waits in
the default storage, which every web process shares, and the form carries a token signed
for the person who chose it, so that sending the corrected form needs no second choice of
the file. The token holds for a day; the daily job ``core.discard_kept_uploads`` deletes what
was kept and never sent again."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import uuid4

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls (Compound File Binary)
ZIP = b"PK\x03\x04"  # .docx, .xlsx, .pptx (Office Open XML)

# Extension -> (content type, the bytes such a file starts with).
ATTACHMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".doc": ("application/msword", (OLE,)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (ZIP,),
    ),
    ".xls": ("application/vnd.ms-excel", (OLE,)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (ZIP,)),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (ZIP,),
    ),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}
ATTACHMENT_EXTENSIONS = frozenset(ATTACHMENT_TYPES)


def extension_of(name: str) -> str:
    return name[name.rfind(".") :].lower() if "." in name else ""


def check_attachment(upload: UploadedFile, *, field: str = "attachment") -> str:
    """The attachment's content type, or a ValidationError on ``field`` naming the file: a
    type not accepted, too large (checked on the declared size, before the file is read), or
    content that is not what its name says (its first bytes)."""
    name = upload.name or ""
    extension = extension_of(name)
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError(
            {
                field: _(
                    "Attachments must be PDF, Word, Excel, PowerPoint or an image "
                    "(%(allowed)s); %(name)s is not."
                )
                % {"allowed": " ".join(sorted(ATTACHMENT_EXTENSIONS)), "name": name}
            }
        )
    if upload.size is None or upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            {
                field: _("%(name)s is %(size)s MB; at most %(max)d MB is accepted.")
                % {
                    "name": name,
                    "size": f"{(upload.size or 0) / 2**20:.1f}",
                    "max": settings.UPLOAD_MAX_BYTES // 2**20,
                }
            }
        )
    content_type, signatures = ATTACHMENT_TYPES[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in signatures):
        raise ValidationError(
            {
                field: _("%(name)s is not a %(kind)s file: its content does not match its name.")
                % {"name": name, "kind": extension.lstrip(".").upper()}
            }
        )
    return content_type


# --- uploads kept while a refused form is shown again ---------------------------------------

KEPT_UPLOADS = "kept-uploads"
KEPT_UPLOAD_SALT = "innoplan.core.uploads.kept"
KEPT_UPLOAD_MAX_AGE = timedelta(days=1)


@dataclass(frozen=True)
class KeptUpload:
    """A file chosen on a form that was refused, kept for the form shown again."""

    token: str  # what the form carries back: signed, for its owner only
    name: str  # the file's name as the person chose it
    stored: str  # its name in the default storage

    def open(self) -> File:
        """The kept file, named as it was chosen (a model's FileField saves it so)."""
        file = default_storage.open(self.stored, "rb")
        file.name = self.name
        return file


def keep_upload(upload: UploadedFile, *, owner) -> KeptUpload:
    """Keep ``upload`` (already checked) while its form is shown again to ``owner``."""
    stored = default_storage.save(
        f"{KEPT_UPLOADS}/{uuid4().hex}{extension_of(upload.name or '')}", upload
    )
    token = signing.dumps(
        {"stored": stored, "name": upload.name, "owner": owner.pk}, salt=KEPT_UPLOAD_SALT
    )
    return KeptUpload(token=token, name=upload.name, stored=stored)


def kept_upload(token: str, *, owner) -> KeptUpload:
    """The upload ``token`` names, or a ValidationError telling ``owner`` to choose the file
    again: the token is altered, another person's, older than a day, or its file is gone."""
    again = ValidationError(
        _("The file chosen before is no longer kept; please choose it again."), code="kept"
    )
    try:
        data = signing.loads(
            token, salt=KEPT_UPLOAD_SALT, max_age=KEPT_UPLOAD_MAX_AGE.total_seconds()
        )
    except signing.BadSignature as error:
        raise again from error
    stored = data.get("stored", "")
    if (
        data.get("owner") != owner.pk
        or not stored.startswith(f"{KEPT_UPLOADS}/")
        or not default_storage.exists(stored)
    ):
        raise again
    return KeptUpload(token=token, name=data.get("name") or stored, stored=stored)


def discard_kept_upload(kept: KeptUpload) -> None:
    default_storage.delete(kept.stored)


def kept_uploads_discard(day: date | None = None) -> int:
    """Delete the kept uploads older than a day on ``day`` (today): their tokens no longer
    hold. Safe to run twice. How many were deleted."""
    day = day or timezone.localdate()
    cutoff = timezone.make_aware(datetime.combine(day, time.min)) - KEPT_UPLOAD_MAX_AGE
    try:
        _folders, names = default_storage.listdir(KEPT_UPLOADS)
    except FileNotFoundError:
        return 0
    count = 0
    for name in names:
        path = f"{KEPT_UPLOADS}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                count += 1
        except FileNotFoundError:
            continue  # deleted meanwhile: the form was sent
    if count:
        logger.info("discarded %d kept uploads", count)
    return count
