"""Attachments (evidence, supporting documents): PDF, Office files and images, checked by
name, size and first bytes before anything is stored."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

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
