"""The one guard for Office files (.xlsx, .docx) before any reader opens them: damaged zips,
declared XML entities, parts that inflate beyond the ratio or beyond the absolute cap — each
part inflated in chunks, whatever sizes the archive declares, in little memory."""

from __future__ import annotations

import io
import json
import pickle
import random
import struct
import subprocess
import sys
import textwrap
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import Workbook

from innoplan.core import archives
from innoplan.core.archives import ArchiveError, check_office_archive
from innoplan.core.spreadsheets import SpreadsheetError, read_table
from innoplan.plans.ingest.readers import DocumentError, read_document

MB = 1024 * 1024
# What the review found: a document inflating to 190 MB, under the 100x ratio.
BOMB_INFLATED = 190 * MB
XML_HEAD = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
W_NS = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
S_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def noisy_block(start: bytes, end: bytes) -> bytes:
    """64 KB of markup that deflates about 80:1: a little random text, then spaces."""
    text = "".join(random.Random(0).choices("甲乙丙丁ABCDEFGHabcdefgh0123456789", k=800))
    element = start + text.encode() + end
    return element + b" " * (64 * 1024 - len(element))


@dataclass
class Part:
    """One zip member as it will be written: its raw (deflated or stored) bytes, the true
    CRC and size of its content, and the sizes the archive will declare."""

    name: str
    raw: bytes
    crc: int
    size: int
    method: int = zipfile.ZIP_DEFLATED
    declared_size: int | None = None
    declared_compressed: int | None = None

    @classmethod
    def of(cls, name: str, content: bytes, **lies) -> Part:
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        raw = packer.compress(content) + packer.flush()
        return cls(name, raw, zlib.crc32(content), len(content), **lies)

    @classmethod
    def repeated(cls, name: str, head: bytes, block: bytes, tail: bytes, size: int, **lies):
        """A part ``head + block * n + tail`` of about ``size`` bytes, deflated without ever
        holding it: each piece deflated on its own and flushed, the block's deflate repeated."""
        times = size // len(block)

        def deflated(piece: bytes, last: bool) -> bytes:
            packer = zlib.compressobj(9, zlib.DEFLATED, -15)
            return packer.compress(piece) + packer.flush(
                zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH
            )

        crc = zlib.crc32(head)
        for _ in range(times):
            crc = zlib.crc32(block, crc)
        crc = zlib.crc32(tail, crc)
        raw = deflated(head, False) + deflated(block, False) * times + deflated(tail, True)
        return cls(name, raw, crc, len(head) + times * len(block) + len(tail), **lies)


def zip_of(parts: list[Part]) -> bytes:
    """A zip written byte by byte, so that its headers may say what is not so."""
    out, central = bytearray(), bytearray()
    for part in parts:
        name = part.name.encode()
        declared = part.size if part.declared_size is None else part.declared_size
        compressed = len(part.raw) if part.declared_compressed is None else part.declared_compressed
        offset = len(out)
        out += struct.pack(
            "<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, part.method, 0, 0x21,
            part.crc, compressed, declared, len(name), 0,
        )  # fmt: skip
        out += name + part.raw
        central += struct.pack(
            "<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 0, 20, 0, 0, part.method, 0, 0x21,
            part.crc, compressed, declared, len(name), 0, 0, 0, 0, 0, offset,
        )  # fmt: skip
        central += name
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(central), len(out), 0
    )
    return bytes(out + central + end)


def parts_of(office_file: bytes) -> list[Part]:
    with zipfile.ZipFile(io.BytesIO(office_file)) as archive:
        return [Part.of(info.filename, archive.read(info)) for info in archive.infolist()]


def workbook_bytes() -> bytes:
    book = Workbook()
    book.active.append(["名称", "数量"])
    book.active.append(["北京启明科技有限公司", 3])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def document_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("一、总体目标")
    document.add_paragraph("到2027年，高新技术企业达到1500家。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def padded(office_file: bytes, padding: Part) -> bytes:
    return zip_of([*parts_of(office_file), padding])


def replaced(office_file: bytes, name: str, content: bytes) -> bytes:
    return zip_of(
        [Part.of(p.name, content) if p.name == name else p for p in parts_of(office_file)]
    )


def bomb(kind: str, **lies) -> bytes:
    """A .xlsx whose sheet, or a .docx whose body, inflates to 190 MB: about 80 times the
    file, well-formed markup a reader would parse."""
    if kind == "xlsx":
        name, original = "xl/worksheets/sheet1.xml", workbook_bytes()
        head = XML_HEAD + b"<worksheet " + S_NS + b"><sheetData>"
        block = noisy_block(b'<row><c t="inlineStr"><is><t>', b"</t></is></c></row>")
        tail = b"</sheetData></worksheet>"
    else:
        name, original = "word/document.xml", document_bytes()
        head = XML_HEAD + b"<w:document " + W_NS + b"><w:body>"
        block = noisy_block(b"<w:p><w:r><w:t>", b"</w:t></w:r></w:p>")
        tail = b"</w:body></w:document>"
    main = Part.repeated(name, head, block, tail, BOMB_INFLATED, **lies)
    return zip_of([main if p.name == name else p for p in parts_of(original)])


def read(kind: str, data: bytes):
    if kind == "xlsx":
        return read_table(data, "台账.xlsx", max_bytes=50 * MB)
    return read_document(data, "方案.docx", max_bytes=20 * MB)


ERRORS = {"xlsx": SpreadsheetError, "docx": DocumentError}


# --- the cap --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_a_file_inflating_past_the_cap_is_refused_though_under_the_ratio(kind, settings):
    assert settings.INNOPLAN_OFFICE_MAX_INFLATED_BYTES == 100 * MB
    data = bomb(kind)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        declared = sum(info.file_size for info in archive.infolist())
    assert BOMB_INFLATED - 64 * 1024 < declared < archives.MAX_INFLATION * len(data)
    with pytest.raises(ERRORS[kind]) as error:
        read(kind, data)
    assert str(error.value).endswith(
        "inflates to more than 100.0 MB, an implausible size; it is refused"
    )


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
@pytest.mark.parametrize(
    "lies",
    [
        {"declared_size": 1024},
        {"declared_size": 1024, "declared_compressed": 512},
    ],
    ids=["size", "size-and-compressed-size"],
)
def test_sizes_the_archive_under_declares_do_not_hide_what_a_part_inflates_to(kind, lies):
    data = bomb(kind, **lies)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sum(info.file_size for info in archive.infolist()) < 1 * MB
    with pytest.raises(ERRORS[kind], match="implausible size"):
        read(kind, data)


def test_the_cap_is_the_setting(settings):
    data = padded(workbook_bytes(), Part.of("xl/media/image1.png", bytes(3 * MB)))
    assert read_table(data, "a.xlsx", max_bytes=50 * MB).headers == ["名称", "数量"]
    settings.INNOPLAN_OFFICE_MAX_INFLATED_BYTES = 2 * MB
    with pytest.raises(SpreadsheetError, match=r"more than 2\.0 MB"):
        read_table(data, "a.xlsx", max_bytes=50 * MB)
    with pytest.raises(ArchiveError, match=r"more than 4\.0 MB"):
        check_office_archive(bomb("docx"), "a.docx", extension=".docx", max_inflated_bytes=4 * MB)


def test_the_ratio_still_bounds_a_small_file_when_the_cap_is_raised(settings):
    settings.INNOPLAN_OFFICE_MAX_INFLATED_BYTES = 1024 * MB
    data = padded(document_bytes(), Part.of("word/media/image1.png", bytes(150 * MB)))
    assert len(data) < 1 * MB  # the ratio counts from 1 MB: at most 100 MB
    with pytest.raises(DocumentError, match="inflates to an implausible size and is refused"):
        read_document(data, "方案.docx")


MEASURE = textwrap.dedent(
    """
    import json, resource, sys, tracemalloc
    from pathlib import Path

    from innoplan.core.spreadsheets import SpreadsheetError, read_table
    from innoplan.plans.ingest.readers import DocumentError, read_document

    data = Path(sys.argv[2]).read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    try:
        if sys.argv[1] == "xlsx":
            read_table(data, "台账.xlsx", max_bytes=50 * 2**20)
        else:
            read_document(data, "方案.docx", max_bytes=20 * 2**20)
    except (SpreadsheetError, DocumentError) as error:
        refused = str(error)
    else:
        refused = None
    peak = tracemalloc.get_traced_memory()[1]
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(json.dumps({"refused": refused, "peak": peak, "rss_growth": grown * 1024}))
    """
)


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
@pytest.mark.parametrize("lies", [{}, {"declared_size": 1024}], ids=["honest", "under-declared"])
def test_checking_a_bomb_takes_little_memory(kind, lies, tmp_path):
    """Measured in a process of its own: the largest the Python heap grew while the file was
    refused (tracemalloc, zlib's buffers included) and how much the peak resident size rose
    (the readers' native code included)."""
    path = tmp_path / f"bomb.{kind}"
    path.write_bytes(bomb(kind, **lies))
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, kind, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    measured = json.loads(result.stdout)
    assert measured["refused"] and "implausible size" in measured["refused"]
    assert measured["peak"] < 50 * MB, measured
    assert measured["rss_growth"] < 50 * MB, measured


# --- XML entities ---------------------------------------------------------------------------------

DTD = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'


@pytest.mark.parametrize(
    "content",
    [
        XML_HEAD + DTD + b"<w:document/>",
        # Past the first 4 KB, behind a long comment.
        XML_HEAD + b"<!--" + b" " * 20_000 + b"-->" + DTD + b"<w:document/>",
        # In UTF-16, as XML may be encoded.
        ('<?xml version="1.0" encoding="UTF-16"?>' + DTD.decode() + "<w:document/>").encode(
            "utf-16"
        ),
    ],
    ids=["head", "after-4kb", "utf-16"],
)
def test_a_part_declaring_xml_entities_is_refused(content):
    data = replaced(document_bytes(), "word/document.xml", content)
    with pytest.raises(DocumentError, match="declares XML entities"):
        read_document(data, "方案.docx")


def test_an_xml_part_not_named_xml_is_checked_by_its_content_type():
    document = parts_of(document_bytes())
    types = next(p for p in document if p.name == "[Content_Types].xml")
    content_types = zlib.decompress(types.raw, -15).replace(
        b"</Types>",
        b'<Override PartName="/customXml/item1.dat" ContentType="application/xml"/></Types>',
    )
    parts = [Part.of(p.name, content_types) if p is types else p for p in document]
    parts.append(Part.of("customXml/item1.dat", XML_HEAD + DTD + b"<root/>"))
    with pytest.raises(ArchiveError, match="declares XML entities"):
        check_office_archive(zip_of(parts), "a.docx", extension=".docx")


def test_a_picture_is_not_parsed_so_its_dtd_is_no_concern():
    svg = XML_HEAD + b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "svg11.dtd"><svg/>'
    data = padded(document_bytes(), Part.of("word/media/image1.svg", svg))
    assert "word/media/image1.svg" in check_office_archive(data, "a.docx", extension=".docx")


# --- damaged and odd archives ---------------------------------------------------------------------


def test_real_office_files_pass_and_their_parts_are_named():
    assert "xl/workbook.xml" in check_office_archive(workbook_bytes(), "a.xlsx", extension=".xlsx")
    assert "word/document.xml" in check_office_archive(
        document_bytes(), "a.docx", extension=".docx"
    )


def truncated_stream(office_file: bytes) -> bytes:
    parts = parts_of(office_file)
    parts[-1].raw = parts[-1].raw[: len(parts[-1].raw) // 2]
    return zip_of(parts)


def bad_local_header(office_file: bytes) -> bytes:
    return office_file.replace(b"PK\x03\x04", b"PK\x03\x05", 2).replace(
        b"PK\x03\x05", b"PK\x03\x04", 1
    )


def garbage_stream(office_file: bytes) -> bytes:
    parts = parts_of(office_file)
    parts[0].raw = b"\xff" * len(parts[0].raw)
    return zip_of(parts)


@pytest.mark.parametrize("damage", [truncated_stream, bad_local_header, garbage_stream])
@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_a_damaged_archive_is_refused_naming_the_file(kind, damage):
    original = workbook_bytes() if kind == "xlsx" else document_bytes()
    with pytest.raises(ERRORS[kind], match=rf"is damaged: it is not a readable \.{kind} file"):
        read(kind, damage(original))


def test_an_archive_with_more_parts_than_an_office_file_has_is_refused():
    empty = Part.of("x", b"")
    many = zip_of([Part(f"{n:05}", empty.raw, empty.crc, 0) for n in range(30_000)])
    with pytest.raises(ArchiveError, match="more parts than an Office file has"):
        check_office_archive(many, "many.xlsx", extension=".xlsx")


# --- messages -------------------------------------------------------------------------------------


def test_the_guards_messages_are_in_the_callers_language():
    with translation.override("zh-hans"):
        with pytest.raises(SpreadsheetError) as sheet:
            read_table(truncated_stream(workbook_bytes()), "台账.xlsx", max_bytes=50 * MB)
        with pytest.raises(DocumentError) as document:
            read_document(bomb("docx"), "方案.docx")
        assert sheet.value.render(gettext) == "台账.xlsx 已损坏：不是可读的 .xlsx 文件"
        assert document.value.render(gettext) == "方案.docx 解压后超过 100.0 MB，大小异常，已拒收"


def test_a_guard_error_survives_pickling_with_its_template():
    error = ArchiveError("%(name)s is damaged: it is not a readable %(extension)s file",
                         name="a.docx", extension=".docx")  # fmt: skip
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.template, copy.params) == (ArchiveError, error.template, error.params)


def test_the_guard_needs_no_django():
    source = Path(archives.__file__).read_text(encoding="utf-8")
    module_level = [line for line in source.splitlines() if line.startswith(("import", "from"))]
    assert not [line for line in module_level if "django" in line]
