"""Office files (.xlsx, .docx) checked before any reader opens them: the one guard against
zip bombs and XML entity bombs, used by the spreadsheet reader and the plan document reader.

``check_office_archive(data, name, extension=…)`` refuses, with a message naming the file:

- a damaged archive: no readable central directory, or a part whose local header,
  compression (Office programs write only stored and deflated parts), deflate stream or
  CRC is wrong;
- a central directory larger than any Office file has: a million empty parts cost a reader
  hundreds of MB before it reads one of them;
- declared XML entities: ``<!DOCTYPE`` or ``<!ENTITY`` anywhere in a part that is XML (named
  .xml or .rels, or given an XML content type in ``[Content_Types].xml``), in UTF-8 or UTF-16.
  No Office program writes them, and they are how the billion-laughs bomb works. Pictures
  (an SVG's content type is ``image/…``) are never parsed, so they are not looked into;
- parts that together inflate past ``MAX_INFLATION`` times the file (counted from 1 MB), or
  past an absolute cap, the ``INNOPLAN_OFFICE_MAX_INFLATED_BYTES`` setting (100 MB by default).

Every part is inflated here, 64 KB at a time, and counting stops at the first chunk past a
bound. The sizes the central directory declares are not trusted — a crafted archive
under-declares them, and not every reader stops where they say — and no part is ever held
whole, so checking a file takes a few MB whatever it would inflate to.

Messages are English templates marked for translation. The caller passes its own error class
(a :class:`~innoplan.core.messages.TranslatableError`), so that the message reaches the user in
the user's language along with the caller's other messages. No Django import at module level:
when the caller gives no cap, the setting is read if Django is configured.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from xml.etree import ElementTree

from innoplan.core.messages import TranslatableError, gettext_noop

__all__ = [
    "DEFAULT_MAX_INFLATED_BYTES",
    "MAX_INFLATION",
    "ArchiveError",
    "check_office_archive",
    "inflation_cap",
]

# The parts may inflate to this many times the file (a file under 1 MB counts as 1 MB) …
MAX_INFLATION = 100
RATIO_FLOOR = 1024 * 1024
# … and to no more than this, whatever the file's size: the INNOPLAN_OFFICE_MAX_INFLATED_BYTES
# setting's default.
DEFAULT_MAX_INFLATED_BYTES = 100 * 1024 * 1024
# A workbook or document has tens of parts, a large one a few thousand: 1 MB of central
# directory names over 10,000 of them.
MAX_CENTRAL_DIRECTORY_BYTES = 1024 * 1024
# [Content_Types].xml is read whole to learn which parts are XML; it lists each part at most once.
MAX_CONTENT_TYPES_BYTES = 4 * 1024 * 1024
CHUNK = 64 * 1024

XML_NAMES = (".xml", ".rels")
# A DTD, as UTF-8 (or any ASCII-compatible encoding) and UTF-16 spell its start.
DECLARATIONS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
OVERLAP = max(len(marker) for marker in DECLARATIONS) - 1
LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # as zipfile.structFileHeader
LOCAL_HEADER_MAGIC = b"PK\x03\x04"
ENCRYPTED = 0x1

DAMAGED = gettext_noop("%(name)s is damaged: it is not a readable %(extension)s file")
TOO_MANY_PARTS = gettext_noop("%(name)s holds more parts than an Office file has; it is refused")
ENTITIES = gettext_noop(
    "%(name)s declares XML entities, which no Office program writes; it is refused as unsafe"
)
OVER_RATIO = gettext_noop("%(name)s inflates to an implausible size and is refused")
OVER_CAP = gettext_noop(
    "%(name)s inflates to more than %(limit)s MB, an implausible size; it is refused"
)


class ArchiveError(TranslatableError):
    """An Office file refused before it was read; the message names the file and says why."""


class _Damaged(Exception):
    pass


def inflation_cap() -> int:
    """The cap in force: the ``INNOPLAN_OFFICE_MAX_INFLATED_BYTES`` setting, or its default
    where Django is not configured (a script, a test of a pure module)."""
    try:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured
    except ImportError:  # pragma: no cover - Django is a dependency
        return DEFAULT_MAX_INFLATED_BYTES
    try:
        return int(settings.INNOPLAN_OFFICE_MAX_INFLATED_BYTES)
    except (ImproperlyConfigured, AttributeError):
        return DEFAULT_MAX_INFLATED_BYTES


def check_office_archive(
    data: bytes,
    name: str,
    *,
    extension: str,
    error: type[TranslatableError] = ArchiveError,
    max_inflated_bytes: int | None = None,
) -> list[str]:
    """Refuse ``data`` (a file named ``name``, which should be an ``extension`` file such as
    ".xlsx") by raising ``error`` unless it is a sound zip that a reader may open: see the
    module's docstring. Returns the names of its parts, for the caller to check that they are
    the kind of file it reads."""
    cap = inflation_cap() if max_inflated_bytes is None else max_inflated_bytes
    bound = MAX_INFLATION * max(len(data), RATIO_FLOOR)
    view = memoryview(data)

    def refuse(template: str, **params: object) -> TranslatableError:
        return error(template, name=name, **params)

    if _central_directory_size(data) > MAX_CENTRAL_DIRECTORY_BYTES:
        raise refuse(TOO_MANY_PARTS)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, struct.error):
        raise refuse(DAMAGED, extension=extension) from None

    inflated = 0

    def checked(member: zipfile.ZipInfo, xml: bool) -> Iterator[bytes]:
        """The member's content in chunks, counted against both bounds and, for an XML
        part, searched for a DTD across the chunks' seams."""
        nonlocal inflated
        seam = b""
        for piece in _inflate(view, member):
            inflated += len(piece)
            if inflated > cap:
                raise refuse(OVER_CAP, limit=f"{cap / 1024 / 1024:.1f}")
            if inflated > bound:
                raise refuse(OVER_RATIO)
            if xml:
                window = seam + piece
                if any(marker in window for marker in DECLARATIONS):
                    raise refuse(ENTITIES)
                seam = window[-OVERLAP:]
            yield piece

    try:
        content_types = next((m for m in members if m.filename == "[Content_Types].xml"), None)
        types = _ContentTypes()
        if content_types is not None:
            content = bytearray()
            for piece in checked(content_types, xml=True):
                content += piece
                if len(content) > MAX_CONTENT_TYPES_BYTES:
                    raise refuse(TOO_MANY_PARTS)
            types = _ContentTypes.parse(bytes(content))
        for member in members:
            if member is content_types:
                continue
            for _piece in checked(member, xml=types.is_xml(member.filename)):
                pass
    except (_Damaged, zlib.error, ElementTree.ParseError):
        raise refuse(DAMAGED, extension=extension) from None
    return [member.filename for member in members]


def _central_directory_size(data: bytes) -> int:
    """The size the end record gives the central directory (0 when there is none), read
    before zipfile builds an entry per record of it. Uses zipfile's own reading of the end
    record (zip64 included), so that the size checked is the size zipfile will read."""
    try:
        end = zipfile._EndRecData(io.BytesIO(data))
    except (OSError, struct.error, ValueError):
        return 0
    return end[zipfile._ECD_SIZE] if end else 0


def _inflate(data: memoryview, member: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's content in chunks of at most CHUNK bytes. A deflated part is inflated
    until its deflate stream ends, wherever the archive says it ends; its CRC is checked."""
    offset = member.header_offset
    header = data[offset : offset + LOCAL_HEADER.size]
    if len(header) < LOCAL_HEADER.size or member.flag_bits & ENCRYPTED:
        raise _Damaged
    fields = LOCAL_HEADER.unpack(header)
    if fields[0] != LOCAL_HEADER_MAGIC:
        raise _Damaged
    start = offset + LOCAL_HEADER.size + fields[-2] + fields[-1]
    crc = 0
    if member.compress_type == zipfile.ZIP_STORED:
        end = start + member.compress_size
        if end > len(data):
            raise _Damaged
        for position in range(start, end, CHUNK):
            piece = bytes(data[position : min(position + CHUNK, end)])
            crc = zlib.crc32(piece, crc)
            yield piece
    elif member.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        position = start
        while not inflater.eof:
            if inflater.unconsumed_tail:
                source = inflater.unconsumed_tail
            elif position < len(data):
                source = data[position : position + CHUNK]
                position += CHUNK
            else:
                source = b""  # what zlib still holds, then the stream must have ended
            piece = inflater.decompress(source, CHUNK)
            if not piece and not source and not inflater.eof:
                raise _Damaged  # the file ends inside the stream
            crc = zlib.crc32(piece, crc)
            yield piece
    else:
        raise _Damaged
    if crc != member.CRC:
        raise _Damaged


class _ContentTypes:
    """Which parts [Content_Types].xml says are XML: by part name, else by extension."""

    NAMESPACE = "{http://schemas.openxmlformats.org/package/2006/content-types}"

    def __init__(self, defaults: dict[str, str] | None = None, overrides=None):
        self.defaults = defaults or {}
        self.overrides = overrides or {}

    @classmethod
    def parse(cls, content: bytes) -> _ContentTypes:
        # Checked for a DTD already: expat has nothing to expand.
        root = ElementTree.fromstring(content)
        defaults, overrides = {}, {}
        for element in root:
            tag = element.tag.removeprefix(cls.NAMESPACE)
            content_type = element.get("ContentType", "")
            if tag == "Default":
                defaults[element.get("Extension", "").lower()] = content_type
            elif tag == "Override":
                overrides[element.get("PartName", "").lstrip("/").lower()] = content_type
        return cls(defaults, overrides)

    def is_xml(self, part: str) -> bool:
        lower = part.lower()
        if lower.endswith(XML_NAMES):
            return True
        extension = lower.rpartition(".")[2] if "." in lower.rpartition("/")[2] else ""
        content_type = self.overrides.get(lower, self.defaults.get(extension, "")).lower()
        content_type = content_type.split(";")[0].strip()
        return content_type.endswith(("/xml", "+xml")) and not content_type.startswith("image/")
