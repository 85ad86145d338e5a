"""Plan documents (规划文本) as plain text: .txt, .docx and .pdf read into one paragraph a line.

``read_document(data, name)`` returns a :class:`DocumentText` — the text the plan parser reads —
or raises :class:`DocumentError` with a message that says what is wrong and why:

- .txt in UTF-8 (with or without a BOM), UTF-16 with a BOM, else GBK/GB18030; line endings are
  normalised and empty lines kept.
- .docx (Word, WPS, LibreOffice): the body's paragraphs and table rows in document order, a
  row's cells joined by a tab. Word's automatic list numbering, which lives in numbering.xml and
  not in the text, is rendered as the prefix a reader sees ("一、", "（一）", "1."), counted as
  Word counts it. Bookmarks, field codes, deleted revisions, headers and footers are left out.
- .pdf with a text layer: each page's lines, the lines a paragraph wraps over joined again;
  a PDF without any text (a scan) is refused, since there is nothing to read without OCR.

Files are checked before they are parsed: the declared size against the limit
(:func:`check_size`, called with an upload's size before it is read), the extension, that
the content is what the name says (a .docx is a Word zip, a .pdf starts with %PDF), and a
.docx by the one Office file guard (``core.archives``: damaged zips, XML entities, parts that
inflate beyond the ratio or the ``INNOPLAN_OFFICE_MAX_INFLATED_BYTES`` cap).

:func:`not_a_plan_error` tells a plan from other text (a news article, a letter), so that the
user hears "this does not look like a plan" rather than an empty result. No Django import here:
messages are English templates marked for translation; ``DocumentError.render(gettext)`` shows
them in the reader's language.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from innoplan.core.archives import check_office_archive
from innoplan.core.messages import TranslatableError
from innoplan.plans.ingest.messages import gettext_noop

__all__ = [
    "ACCEPTED_EXTENSIONS",
    "DEFAULT_MAX_BYTES",
    "DocumentError",
    "DocumentText",
    "check_size",
    "looks_like_a_plan",
    "not_a_plan_error",
    "read_document",
    "read_document_file",
]

ACCEPTED_EXTENSIONS = (".docx", ".txt", ".pdf")
# The default of the INNOPLAN_PLAN_MAX_BYTES setting; callers pass the setting in.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .wps: the old binary formats
PDF_MAGIC = b"%PDF-"


class DocumentError(TranslatableError):
    """The file cannot be read as a plan document; the message says what and why.

    ``str()`` is English; ``render(gettext)`` is the reader's language.
    """

    # Parameters that are themselves marked messages, translated with the template.
    TRANSLATED_PARAMS = ("kind",)


@dataclass(frozen=True)
class DocumentText:
    """A document as plain text, one paragraph (or table row) a line, and how it was read.

    ``format`` is "txt", "docx" or "pdf"; ``encoding`` is "utf-8", "utf-16" or "gbk" for a .txt
    and None otherwise; ``pages`` is a PDF's page count.
    """

    text: str
    format: str
    encoding: str | None = None
    pages: int | None = None

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


# --- checks before reading ---------------------------------------------------------------------


def check_size(size: int, *, max_bytes: int) -> None:
    """Refuse a file of ``size`` bytes over the limit — call it with an upload's declared size
    before the upload is read into memory; :func:`read_document` checks the bytes again."""
    if size > max_bytes:
        raise DocumentError(
            gettext_noop(
                "the file is %(size)s MB; the limit is %(limit)s MB — a plan document is "
                "rarely larger: remove pictures, or save it as .txt"
            ),
            size=f"{size / 1024 / 1024:.1f}",
            limit=f"{max_bytes / 1024 / 1024:.1f}",
        )


def _extension(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def read_document_file(
    path: str | os.PathLike,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_inflated_bytes: int | None = None,
) -> DocumentText:
    """Read a document from disk; its size is checked before a byte of it is read."""
    name = os.fspath(path)
    try:
        size = os.path.getsize(name)
        check_size(size, max_bytes=max_bytes)
        with open(name, "rb") as file:
            data = file.read()
    except FileNotFoundError:
        raise DocumentError(gettext_noop("file not found: %(name)s"), name=name) from None
    except IsADirectoryError:
        raise DocumentError(gettext_noop("%(name)s is a directory"), name=name) from None
    except OSError as error:
        raise DocumentError(
            gettext_noop("cannot read %(name)s: %(reason)s"),
            name=name,
            reason=error.strerror or str(error),
        ) from None
    return read_document(
        data, os.path.basename(name), max_bytes=max_bytes, max_inflated_bytes=max_inflated_bytes
    )


def read_document(
    data: bytes,
    name: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_inflated_bytes: int | None = None,
) -> DocumentText:
    """The plan document ``data`` (a file named ``name``) as plain text, one paragraph a line.
    A .docx may inflate to ``max_inflated_bytes``, by default the
    ``INNOPLAN_OFFICE_MAX_INFLATED_BYTES`` setting (see ``core.archives``)."""
    check_size(len(data), max_bytes=max_bytes)
    extension = _extension(name)
    if extension not in ACCEPTED_EXTENSIONS:
        if extension in (".doc", ".wps"):
            raise DocumentError(
                gettext_noop(
                    "%(name)s is an old-style Word (%(extension)s) file; save it as .docx first"
                ),
                name=name,
                extension=extension,
            )
        raise DocumentError(
            gettext_noop(
                "%(name)s cannot be read: upload a .docx, .txt or .pdf file (a .pdf must have "
                "a text layer)"
            ),
            name=name,
        )
    if not data.strip():
        raise DocumentError(gettext_noop("the file %(name)s is empty"), name=name)
    _check_content_matches_name(data, name, extension)
    if extension == ".txt":
        document = _read_txt(data, name)
    elif extension == ".docx":
        document = _read_docx(data, name, max_inflated_bytes)
    else:
        document = _read_pdf(data, name)
    if not document.text.strip():
        raise DocumentError(gettext_noop("%(name)s contains no text"), name=name)
    return document


def _content_kind(data: bytes) -> str:
    """What the bytes are, whatever the name says: "zip", "ole", "pdf", "binary" or "text"."""
    if data.startswith(ZIP_MAGIC):
        return "zip"
    if data.startswith(OLE_MAGIC):
        return "ole"
    if PDF_MAGIC in data[:1024]:  # the header may follow a little junk; readers allow it
        return "pdf"
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text carries NULs
        return "text"
    if b"\x00" in head:
        return "binary"
    return "text"


_KIND_NAMES = {
    "zip": gettext_noop("a zip archive (a Word, Excel or other Office file?)"),
    "ole": gettext_noop("an old-style binary Office file (.doc/.xls)"),
    "pdf": gettext_noop("a PDF"),
    "binary": gettext_noop("binary data, not text"),
    "text": gettext_noop("plain text"),
}


def _check_content_matches_name(data: bytes, name: str, extension: str) -> None:
    kind = _content_kind(data)
    expected = {".txt": "text", ".docx": "zip", ".pdf": "pdf"}[extension]
    if kind == expected:
        return
    raise DocumentError(
        gettext_noop(
            "%(name)s is named %(extension)s but its content is %(kind)s; save it in the "
            "format its name says, or rename it"
        ),
        name=name,
        extension=extension,
        kind=_KIND_NAMES[kind],
    )


# --- .txt --------------------------------------------------------------------------------------

# What pandoc and some converters leave where a Word bookmark was: "[bookmark: _GoBack]".
_BOOKMARK_MARKER = re.compile(r"\[bookmark: [^\]\n]*\]")


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            pass
        try:
            # GB18030 is a superset of GBK and GB2312, which Chinese Windows editors write.
            return data.decode("gb18030"), "gbk"
        except UnicodeDecodeError:
            pass
    raise DocumentError(
        gettext_noop(
            "%(name)s cannot be decoded: it is neither UTF-8 nor GBK text; save it as UTF-8"
        ),
        name=name,
    )


def _normalise_lines(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\ufeff", "")
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _read_txt(data: bytes, name: str) -> DocumentText:
    text, encoding = _decode(data, name)
    text = _BOOKMARK_MARKER.sub("", text)
    return DocumentText(text=_normalise_lines(text), format="txt", encoding=encoding)


# --- .docx -------------------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _check_docx_zip(data: bytes, name: str, max_inflated_bytes: int | None) -> None:
    names = check_office_archive(
        data,
        name,
        extension=".docx",
        error=DocumentError,
        max_inflated_bytes=max_inflated_bytes,
    )
    if "word/document.xml" not in names:
        raise DocumentError(
            gettext_noop(
                "%(name)s is not a Word document (an Excel or other Office file?); save it "
                "from Word, WPS or LibreOffice as .docx"
            ),
            name=name,
        )


def _read_docx(data: bytes, name: str, max_inflated_bytes: int | None) -> DocumentText:
    import docx  # python-docx; imported here so reading a .txt does not load lxml and friends

    _check_docx_zip(data, name, max_inflated_bytes)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises KeyError, ValueError, lxml errors …
        raise DocumentError(
            gettext_noop("%(name)s cannot be read as a Word document (%(reason)s)"),
            name=name,
            reason=str(error) or type(error).__name__,
        ) from None
    numbering = _Numbering.of(document)
    lines = list(_body_lines(document.element.body, numbering))
    return DocumentText(text=_normalise_lines("\n".join(lines)), format="docx")


def _attr(element, child: str, default: str | None = None) -> str | None:
    """The w:val of ``element``'s child ``child`` (a w: local name), or ``default``."""
    if element is None:
        return default
    found = element.find(W + child)
    if found is None:
        return default
    return found.get(W + "val", default)


def _body_lines(container, numbering: _Numbering) -> Iterator[str]:
    """The lines of a body (or a content control) in document order."""
    for child in container:
        if child.tag == W + "p":
            yield numbering.prefix(child) + _paragraph_text(child)
        elif child.tag == W + "tbl":
            yield from _table_lines(child, numbering)
        elif child.tag == W + "sdt":  # a content control wraps paragraphs and tables
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from _body_lines(content, numbering)


def _table_lines(table, numbering: _Numbering) -> Iterator[str]:
    for row in table.iter(W + "tr"):
        if row.getparent() is not table:  # a nested table's rows are read with its cell
            continue
        cells = []
        for cell in row.findall(W + "tc"):
            parts = [part for part in _body_lines(cell, numbering) if part.strip()]
            cells.append(" ".join(part.replace("\t", " ").strip() for part in parts))
        if any(cells):
            yield "\t".join(cells)


def _paragraph_text(paragraph) -> str:
    """A paragraph's visible text: runs, tabs and breaks; no field codes, no deleted text."""
    parts: list[str] = []
    in_instruction = 0  # between a complex field's begin and separate: the code, not its result

    def walk(element) -> None:
        nonlocal in_instruction
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag == MC_FALLBACK:  # comments; duplicate drawings
                continue
            if tag in (W + "del", W + "moveFrom", W + "pPr", W + "rPr", W + "instrText"):
                continue
            if tag == W + "fldChar":
                kind = child.get(W + "fldCharType")
                if kind == "begin":
                    in_instruction += 1
                elif kind == "separate" and in_instruction:
                    in_instruction -= 1
                continue
            if tag == W + "t":
                if not in_instruction:
                    parts.append(child.text or "")
            elif tag in (W + "tab", W + "ptab"):
                if not in_instruction:
                    parts.append("\t")
            elif tag in (W + "br", W + "cr"):
                if child.get(W + "type") not in ("page", "column") and not in_instruction:
                    parts.append("\n")
            elif tag == W + "noBreakHyphen":
                parts.append("-")
            else:
                walk(child)

    walk(paragraph)
    return "".join(parts)


# Word's numbering formats (ST_NumberFormat) that Chinese documents use, and the usual others.
_DIGITS = "〇一二三四五六七八九"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_LEGAL = "零壹贰叁肆伍陆柒捌玖"


def _chinese_counting_thousand(n: int, digits: str = _DIGITS, units: str = "十百千") -> str:
    """一, 十, 十一, 二十, 一百零一, 一千零一十 — Chinese counting up to 9999."""
    if n == 0:
        return digits[0]
    if n >= 10000:
        return str(n)
    out, zero = "", False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        digit = n // power % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += digits[digit] + unit
    if out.startswith("一十") and digits is _DIGITS:
        out = out[1:]  # 十一, not 一十一
    return out


def _chinese_counting(n: int) -> str:
    """Word's chineseCounting: 一 … 九十九, then digit by digit (一〇一)."""
    if n < 100:
        return _chinese_counting_thousand(n)
    return "".join(_DIGITS[int(d)] for d in str(n))


def _letters(n: int, alphabet: str) -> str:
    # Word repeats the letter: a … z, aa … zz.
    if n < 1:
        return str(n)
    return alphabet[(n - 1) % 26] * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = ""
    for value, numeral in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while n >= value:
            out += numeral
            n -= value
    return out


def _enclosed(n: int, first: int, last: int) -> str:
    return chr(first + n - 1) if 1 <= n <= last else str(n)


_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"}),
    "decimalFullWidth2": lambda n: str(n).translate(
        {ord(d): 0xFF10 + int(d) for d in "0123456789"}
    ),
    "decimalHalfWidth": str,
    "upperLetter": lambda n: _letters(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    "lowerLetter": lambda n: _letters(n, "abcdefghijklmnopqrstuvwxyz"),
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "chineseCounting": _chinese_counting,
    "chineseCountingThousand": _chinese_counting_thousand,
    "japaneseCounting": _chinese_counting_thousand,
    "taiwaneseCounting": _chinese_counting,
    "taiwaneseCountingThousand": _chinese_counting_thousand,
    "ideographDigital": lambda n: "".join(_DIGITS[int(d)] for d in str(n)),
    "taiwaneseDigital": lambda n: "".join(_DIGITS[int(d)] for d in str(n)),
    "chineseLegalSimplified": lambda n: _chinese_counting_thousand(n, _LEGAL, "拾佰仟"),
    "ideographLegalTraditional": lambda n: _chinese_counting_thousand(n, _LEGAL, "拾佰仟"),
    "ideographTraditional": lambda n: _STEMS[(n - 1) % 10] if n >= 1 else str(n),
    "ideographZodiac": lambda n: _BRANCHES[(n - 1) % 12] if n >= 1 else str(n),
    "decimalEnclosedCircle": lambda n: _enclosed(n, 0x2460, 20),
    "decimalEnclosedCircleChinese": lambda n: _enclosed(n, 0x2460, 20),
    "ideographEnclosedCircle": lambda n: _enclosed(n, 0x3280, 10),
    "decimalEnclosedParen": lambda n: _enclosed(n, 0x2474, 20),
    "decimalEnclosedFullstop": lambda n: _enclosed(n, 0x2488, 20),
    "none": lambda n: "",
}


@dataclass
class _Level:
    start: int
    fmt: str
    text: str | None  # lvlText; None when the level has none
    restart: int | None  # lvlRestart: restart after a use of a level < this (1-based); None: any
    legal: bool  # isLgl: show the other levels' numbers in decimal
    suffix: str  # "tab", "space" or "nothing"
    style: str | None  # the paragraph style this level belongs to (w:pStyle), if any


class _Numbering:
    """Word's list numbering: numbering.xml's definitions and the counters as Word keeps them.

    Counters belong to the abstract list: two w:num instances of one abstractNum continue each
    other's count, as in Word, unless an instance overrides a level's start (startOverride),
    which restarts that level where the instance is first used. A paragraph's numbering comes
    from its own w:numPr or from its style's (Heading 1 linked to a multilevel list).
    """

    def __init__(self, abstract: dict[str, dict[int, _Level]], nums: dict, styles: dict):
        self.abstract = abstract  # abstractNumId -> level -> _Level
        self.nums = nums  # numId -> (abstractNumId, {level: start override}, {level: _Level})
        self.styles = styles  # styleId -> (numId | None, ilvl | None, basedOn | None)
        self.counters: dict[str, dict[int, int]] = {}
        self.used: set[str] = set()  # numIds whose overrides were applied

    @classmethod
    def of(cls, document) -> _Numbering:
        abstract: dict[str, dict[int, _Level]] = {}
        nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = {}
        styles: dict[str, tuple[str | None, int | None, str | None]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            root = None
        if root is not None:
            links: dict[str, str] = {}  # abstractNumId -> the numbering style it links to
            style_abstract: dict[str, str] = {}  # numbering style -> abstractNumId defining it
            for element in root.findall(W + "abstractNum"):
                key = element.get(W + "abstractNumId")
                abstract[key] = {
                    int(level.get(W + "ilvl", "0")): _level(level)
                    for level in element.findall(W + "lvl")
                }
                if (link := _attr(element, "numStyleLink")) is not None:
                    links[key] = link
                if (link := _attr(element, "styleLink")) is not None:
                    style_abstract[link] = key
            for key, link in links.items():  # a list defined by a numbering style
                if link in style_abstract and not abstract[key]:
                    abstract[key] = abstract[style_abstract[link]]
            for element in root.findall(W + "num"):
                overrides: dict[int, int] = {}
                levels: dict[int, _Level] = {}
                for override in element.findall(W + "lvlOverride"):
                    ilvl = int(override.get(W + "ilvl", "0"))
                    if (start := _attr(override, "startOverride")) is not None:
                        overrides[ilvl] = int(start)
                    if (level := override.find(W + "lvl")) is not None:
                        levels[ilvl] = _level(level)
                nums[element.get(W + "numId")] = (
                    _attr(element, "abstractNumId", ""),
                    overrides,
                    levels,
                )
        try:
            style_root = document.styles.element
        except (KeyError, NotImplementedError):
            style_root = None
        if style_root is not None:
            for style in style_root.findall(W + "style"):
                num_pr = style.find(f"{W}pPr/{W}numPr")
                ilvl = _attr(num_pr, "ilvl")
                styles[style.get(W + "styleId")] = (
                    _attr(num_pr, "numId"),
                    int(ilvl) if ilvl is not None else None,
                    _attr(style, "basedOn"),
                )
        return cls(abstract, nums, styles)

    def _style_numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        seen = set()
        while style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            num_id, ilvl, based_on = self.styles[style_id]
            if num_id is not None:
                if ilvl is None:  # the level whose w:pStyle names the style, else the first
                    abstract = self.abstract.get(self.nums.get(num_id, ("",))[0], {})
                    ilvl = next((i for i, lvl in abstract.items() if lvl.style == style_id), 0)
                return num_id, ilvl
            style_id = based_on
        return None, None

    def prefix(self, paragraph) -> str:
        """The number Word shows before ``paragraph`` (with its separator), counting it."""
        properties = paragraph.find(W + "pPr")
        num_pr = properties.find(W + "numPr") if properties is not None else None
        style_num, style_ilvl = self._style_numbering(_attr(properties, "pStyle"))
        num_id = _attr(num_pr, "numId", style_num)
        ilvl_text = _attr(num_pr, "ilvl")
        ilvl = int(ilvl_text) if ilvl_text is not None else (style_ilvl or 0)
        if num_id is None or num_id == "0" or num_id not in self.nums:
            return ""
        abstract_id, overrides, level_overrides = self.nums[num_id]
        levels = {**self.abstract.get(abstract_id, {}), **level_overrides}
        level = levels.get(ilvl)
        if level is None:
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.used:
            self.used.add(num_id)
            for overridden, start in overrides.items():
                counters[overridden] = start - 1
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper, deeper_level in levels.items():
            restart = deeper_level.restart if deeper_level.restart is not None else deeper
            if deeper > ilvl and ilvl < restart:
                counters.pop(deeper, None)
        if level.text is None or level.fmt == "bullet":
            return ""

        def number(match: re.Match) -> str:
            index = int(match.group(1)) - 1
            other = levels.get(index)
            if other is None:
                return ""
            value = counters.get(index, other.start)
            fmt = "decimal" if level.legal and index != ilvl else other.fmt
            return _FORMATS.get(fmt, str)(value)

        shown = re.sub(r"%([1-9])", number, level.text)
        if not shown or level.suffix == "nothing":
            return shown
        # "1." + 强化… reads as 1.强化…, as plan texts are typed; "第一章" takes a space.
        if shown[-1] in ".．、:：)）]】":
            return shown
        return shown + " "


def _level(element) -> _Level:
    start = _attr(element, "start", "1")
    restart = _attr(element, "lvlRestart")
    legal = element.find(W + "isLgl")
    return _Level(
        start=int(start) if start and start.lstrip("-").isdigit() else 1,
        fmt=_attr(element, "numFmt", "decimal") or "decimal",
        text=_attr(element, "lvlText"),
        restart=int(restart) if restart is not None and restart.isdigit() else None,
        legal=legal is not None and legal.get(W + "val", "1") not in ("0", "false", "off"),
        suffix=_attr(element, "suff", "tab") or "tab",
        style=_attr(element, "pStyle"),
    )


# --- .pdf --------------------------------------------------------------------------------------

# Where a sentence, and so possibly a paragraph, ends.
_SENTENCE_END = "。；：！？;:!?"
# A line that opens a numbered unit (一、 （一） (1) 1. 1、 ① 第一章): never a wrapped line.
_NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、]"
    r"|[①-⑳]|第[一二三四五六七八九十百\d]+[章节条部分篇])"
)
# A page number a footer leaves in the text: "3", "- 3 -", "— 3 —", "第3页", "3/12".
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d+\s*[-—–－]|\d+|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
    r"|\d+\s*/\s*\d+)\s*$"
)


# pypdf puts a space where the font changes, between Chinese and Latin text ("1000 亿元",
# "2025 年"): Chinese is written without spaces, so they are taken out again.
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_SPACE_BEFORE_CJK = re.compile(rf"(?<=[!-~])[ \t]+(?=[{_CJK}])")
_SPACE_AFTER_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[!-~])")
# The tab or space a list number is followed by: "1. 建设…" reads as the typed "1.建设…".
_SPACE_AFTER_NUMBER = re.compile(
    r"^((?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、]))[ \t]+"
)


def _tidy_pdf_line(line: str) -> str:
    line = _SPACE_AFTER_NUMBER.sub(r"\1", _restore_marks(line.strip()))
    return _SPACE_AFTER_CJK.sub("", _SPACE_BEFORE_CJK.sub("", line))


def _width(line: str) -> float:
    """A line's printed width in half-em units: a Chinese character 2, a digit about 1.1."""
    return sum(
        2 if unicodedata.east_asian_width(c) in ("W", "F") else 1.1 if c.isdigit() else 1
        for c in line
    )


def _read_pdf(data: bytes, name: str) -> DocumentText:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(
                gettext_noop("%(name)s is protected by a password; upload an unprotected copy"),
                name=name,
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise DocumentError(
            gettext_noop("%(name)s is damaged: it cannot be read as a PDF (%(reason)s)"),
            name=name,
            reason=str(error) or type(error).__name__,
        ) from None
    if not any(page.strip() for page in pages):
        raise DocumentError(
            gettext_noop(
                "a scanned PDF with no text layer: %(name)s has %(count)s page(s) of images and "
                "no text to read; upload the Word file, or run OCR on the PDF first"
            ),
            name=name,
            count=len(pages),
        )
    lines = []
    for page in pages:
        for line in _normalise_lines(page).split("\n"):
            line = _tidy_pdf_line(line)
            if line and not _PAGE_NUMBER.match(line):
                lines.append(line)
    return DocumentText(text=_join_wrapped_lines(lines), format="pdf", pages=len(pages))


# Punctuation a PDF writer may set in a Western font, apart from the Chinese text around it.
_MARK = "[“”‘’\"'—–…·]"
_STRAY_MARKS = re.compile(rf"{_MARK}(?: {_MARK})+")
_GAP = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")


def _restore_marks(line: str) -> str:
    """Put quotation marks and dashes back where the PDF drew them.

    LibreOffice draws a line's Chinese text first, leaving gaps, and the marks set in a Western
    font after it, so pypdf reads “专精特新” as "专精特新 … “ ”" or "“… 专精特新 …": the marks
    out of place and as many gaps between Chinese characters, which Chinese text never has.
    When the counts agree the marks go back into the gaps in order; otherwise the line is left
    as it was read.
    """
    marks = re.findall(f"{_MARK}+", line)  # ”“ drawn side by side go into one gap
    if not marks:
        return line
    rest = re.sub(_MARK, "", _STRAY_MARKS.sub("", line))
    if len(_GAP.findall(rest)) != len(marks):
        return line
    queue = iter(marks)
    return _GAP.sub(lambda m: next(queue), rest)


def _join_wrapped_lines(lines: list[str]) -> str:
    """The paragraphs that a PDF's lines wrap: a line runs on into the next when it is full
    (about as wide as the widest lines of the document), does not end a sentence, and the next
    line does not open a numbered unit. Shorter lines — headings, titles, a paragraph's last
    line — end their paragraph."""
    if not lines:
        return ""
    widths = sorted(_width(line) for line in lines)
    full = widths[int(len(widths) * 0.9)] if len(widths) > 1 else widths[0]
    paragraphs: list[str] = []
    current, previous = lines[0], lines[0]
    for line in lines[1:]:
        if _runs_on(previous, full) and not _NUMBERING.match(line):
            separator = " " if current[-1].isascii() and line[0].isascii() else ""
            current += separator + line
        else:
            paragraphs.append(current)
            current = line
        previous = line
    paragraphs.append(current)
    return "\n".join(paragraphs)


def _runs_on(line: str, full: float) -> bool:
    # A wrapped line falls short of the full width by the characters that may not end or begin
    # a line (，。 《） …) and by a number that would not fit: up to about four Chinese characters.
    return line[-1] not in _SENTENCE_END and _width(line) >= full - 8


# --- not a plan --------------------------------------------------------------------------------

_PLAN_WORDS = ("目标", "任务", "措施")
_CHAPTER = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[章部分])"
)


def not_a_plan_error(text: str) -> DocumentError | None:
    """Why ``text`` does not look like a plan (规划/方案/计划), or None when it does.

    A plan names its 目标, 任务 or 措施 and is divided into numbered chapters (一、 （一）
    第一章); a news article, a letter or a report of events is not.
    """
    has_words = any(word in text for word in _PLAN_WORDS)
    has_chapters = sum(1 for line in text.split("\n") if _CHAPTER.match(line)) >= 2
    if has_words and has_chapters:
        return None
    if not has_words and not has_chapters:
        template = gettext_noop(
            "this does not look like a plan: no 目标 (targets), 任务 (tasks) or 措施 (measures) "
            "and no numbered chapters (一、二、… or （一）（二）…); upload the 实施方案 or "
            "行动计划 itself"
        )
    elif not has_words:
        template = gettext_noop(
            "this does not look like a plan: no 目标 (targets), 任务 (tasks) or 措施 (measures); "
            "upload the 实施方案 or 行动计划 itself"
        )
    else:
        template = gettext_noop(
            "this does not look like a plan: no numbered chapters (一、二、… or （一）（二）…); "
            "upload the 实施方案 or 行动计划 itself"
        )
    return DocumentError(template)


def looks_like_a_plan(text: str) -> bool:
    """Whether ``text`` reads as a plan; :func:`not_a_plan_error` says why not."""
    return not_a_plan_error(text) is None
