"""The district's house style for Word documents, after 党政机关公文格式 (GB/T 9704-2012).

A4 paper with the standard's margins, the title in 方正小标宋简体 (二号), first-level headings in
黑体 and second-level ones in 楷体 (三号), the body in 仿宋_GB2312 (三号), tables smaller, and the
page number in the footer as "— 1 —".

The document always names the GB/T 9704 fonts, in every slot of a run's fonts (East Asian
included, which is what Word, WPS and LibreOffice use for Chinese text), whatever fonts the
machine that builds it has: a government PC with those fonts installed renders them. The font
table describes each (the GB2312 character set, its other name), so that Word picks a like
font where one is missing. Nothing in the file names a fallback. Where the fonts are not
installed — the server that converts a report to PDF, a Linux desktop — fontconfig supplies
one: ``fontconfig_fallbacks()`` (``innoplan report fontconfig``) writes the rules that send
each GB/T 9704 font to its usual other names and then to the Noto CJK face of its kind
(Noto Serif CJK for 宋/仿宋/楷, Noto Sans CJK for 黑体).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from lxml import etree

# Chinese type sizes (字号) in points.
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_SMALL_4 = Pt(12)  # 小四
SIZE_5 = Pt(10.5)  # 五号


@dataclass(frozen=True)
class Font:
    """A GB/T 9704 font: the name the document gives it, the font's other names (the first
    is the one its font file also carries), how Word classes it (w:family, w:pitch), and the
    fontconfig fallbacks where it is not installed, Noto CJK last."""

    name: str
    other_names: tuple[str, ...]
    family: str
    pitch: str
    fallbacks: tuple[str, ...]


SERIF_FALLBACK = "Noto Serif CJK SC"
SANS_FALLBACK = "Noto Sans CJK SC"

TITLE = Font(
    "方正小标宋简体",
    ("FZXiaoBiaoSong-B05S",),
    "script",
    "variable",
    ("方正小标宋_GBK", "FZXiaoBiaoSong-B05", SERIF_FALLBACK),
)
HEADING = Font("黑体", ("SimHei",), "modern", "fixed", ("方正黑体_GBK", SANS_FALLBACK))
SUBHEADING = Font(
    "楷体",
    ("KaiTi",),
    "modern",
    "fixed",
    ("楷体_GB2312", "KaiTi_GB2312", "AR PL UKai CN", SERIF_FALLBACK),
)
BODY = Font(
    "仿宋_GB2312",
    ("FangSong_GB2312",),
    "modern",
    "fixed",
    ("仿宋", "FangSong", SERIF_FALLBACK),
)
GBT_9704_FONTS = (TITLE, HEADING, SUBHEADING, BODY)


@dataclass(frozen=True)
class Fonts:
    """The font names the documents use for each role."""

    title: str
    heading: str  # 一级标题
    subheading: str  # 二级标题
    body: str


FONTS = Fonts(title=TITLE.name, heading=HEADING.name, subheading=SUBHEADING.name, body=BODY.name)


def fontconfig_fallbacks() -> str:
    """fontconfig rules for a machine without the GB/T 9704 fonts (a conf.d file): each font
    name accepts its other names and then its Noto CJK face. Where the font itself is
    installed it still wins."""
    aliases = []
    for font in GBT_9704_FONTS:
        accepted = "".join(
            f"<family>{escape(name)}</family>" for name in (*font.other_names, *font.fallbacks)
        )
        aliases.append(
            f'  <alias binding="same">\n    <family>{escape(font.name)}</family>\n'
            f"    <accept>{accepted}</accept>\n  </alias>\n"
        )
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<!-- innoplan: the GB/T 9704 fonts of its Word reports, and what stands in for them\n"
        "     where they are not installed. -->\n"
        f"<fontconfig>\n{''.join(aliases)}</fontconfig>\n"
    )


def set_fonts(element, name: str) -> None:
    """Name ``name`` in every slot of an rPr-holding element's rFonts (ascii, hAnsi, East
    Asian, complex script), dropping theme fonts, which would take precedence."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)


def _style_font(style, name: str, size, *, bold: bool = False) -> None:
    style.font.size = size
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(style.element, name)


class HouseDocument:
    """A Word document in the house style, written paragraph by paragraph."""

    def __init__(self):
        self.fonts = FONTS
        self.document = Document()
        self._page()
        self._styles()
        self._font_table()
        self._footer()

    # --- set-up ---------------------------------------------------------------------------

    def _page(self) -> None:
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
        section.footer_distance = Cm(2.5)

    def _styles(self) -> None:
        styles = self.document.styles
        # The document defaults name the body font too: text outside any style stays Chinese.
        defaults = self.document.styles.element.find(qn("w:docDefaults"))
        rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
        if rpr_default is not None and rpr_default.find(qn("w:rPr")) is not None:
            holder = _RprHolder(rpr_default)
            set_fonts(holder, self.fonts.body)
            lang = holder.get_or_add_rPr().find(qn("w:lang"))
            if lang is None:
                lang = OxmlElement("w:lang")
                holder.get_or_add_rPr().append(lang)
            lang.set(qn("w:eastAsia"), "zh-CN")
        normal = styles["Normal"]
        _style_font(normal, self.fonts.body, SIZE_3)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        # About 22 lines to the page, as the standard has it.
        normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        normal.paragraph_format.line_spacing = Pt(28)
        _style_font(styles["Title"], self.fonts.title, SIZE_2)
        title_format = styles["Title"].paragraph_format
        title_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        title_format.space_before, title_format.space_after = Pt(12), Pt(12)
        # The title style's bottom border (python-docx's default template) is not ours.
        ppr = styles["Title"].element.pPr
        if ppr is not None:
            for border in ppr.findall(qn("w:pBdr")):
                ppr.remove(border)
        for level, font in ((1, self.fonts.heading), (2, self.fonts.subheading)):
            heading = styles[f"Heading {level}"]
            _style_font(heading, font, SIZE_3)
            heading.paragraph_format.space_before = Pt(6)
            heading.paragraph_format.space_after = Pt(0)
            heading.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            heading.paragraph_format.line_spacing = Pt(28)
            heading.paragraph_format.keep_with_next = True
        _style_font(styles["Table Grid"], self.fonts.body, SIZE_5)

    def _font_table(self) -> None:
        """Describe the GB/T 9704 fonts in the font table (word/fontTable.xml): their other
        names and the GB2312 character set, which Word matches a missing font by."""
        part = next(
            rel.target_part
            for rel in self.document.part.rels.values()
            if rel.reltype.endswith("/fontTable")
        )
        table = parse_xml(part.blob)
        for font in GBT_9704_FONTS:
            table.append(
                parse_xml(
                    f'<w:font {nsdecls("w")} w:name="{escape(font.name)}">'
                    f'<w:altName w:val="{escape(",".join(font.other_names))}"/>'
                    '<w:charset w:val="86"/>'
                    f'<w:family w:val="{font.family}"/><w:pitch w:val="{font.pitch}"/>'
                    "</w:font>"
                )
            )
        # python-docx keeps this part as plain bytes, with no setter: they are replaced.
        part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _footer(self) -> None:
        """ "— 1 —": the page number as a PAGE field between two dashes, centred, 四号."""
        footer = self.document.sections[0].footer
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        self._run(paragraph, "— ", self.fonts.body, SIZE_4)
        for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None)):
            run = self._run(paragraph, "", self.fonts.body, SIZE_4)
            if kind == "instr":
                instruction = OxmlElement("w:instrText")
                instruction.set(qn("xml:space"), "preserve")
                instruction.text = text
                run._r.append(instruction)
            else:
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._r.append(char)
        self._run(paragraph, "1", self.fonts.body, SIZE_4)
        end = self._run(paragraph, "", self.fonts.body, SIZE_4)
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), "end")
        end._r.append(char)
        self._run(paragraph, " —", self.fonts.body, SIZE_4)

    # --- writing ----------------------------------------------------------------------------

    @staticmethod
    def _run(paragraph, text: str, font: str, size, *, bold: bool = False):
        run = paragraph.add_run(text)
        run.font.size = size
        run.font.bold = bold
        set_fonts(run._r, font)
        return run

    def title(self, text: str) -> None:
        paragraph = self.document.add_paragraph(style="Title")
        self._run(paragraph, text, self.fonts.title, SIZE_2)

    def centred(self, text: str, *, size=SIZE_3) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._run(paragraph, text, self.fonts.body, size)

    def heading(self, text: str, level: int = 1) -> None:
        """一、… in 黑体 (level 1), （一）… in 楷体 (level 2)."""
        paragraph = self.document.add_paragraph(style=f"Heading {level}")
        font = self.fonts.heading if level == 1 else self.fonts.subheading
        self._run(paragraph, text, font, SIZE_3)

    def paragraph(self, text: str) -> None:
        """A body paragraph, its first line indented by two characters."""
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(32)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        self._run(paragraph, text, self.fonts.body, SIZE_3)

    def table(
        self,
        headers: list[str],
        rows: list[list[str]],
        *,
        widths: list[float],
        numeric: set[int] = frozenset(),
        group_rows: set[int] = frozenset(),
    ):
        """A grid table in 五号, its header row bold and repeated on every page. ``widths`` in
        cm; columns in ``numeric`` are right-aligned; rows in ``group_rows`` are one merged,
        bold cell (a group's name)."""
        table = self.document.add_table(rows=1, cols=len(headers), style="Table Grid")
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        header = table.rows[0]
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        header._tr.get_or_add_trPr().append(repeat)
        for index, text in enumerate(headers):
            self._cell(header.cells[index], text, bold=True, centre=True)
        for number, values in enumerate(rows):
            row = table.add_row()
            # A row is not split across two pages.
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            cells = row.cells
            if number in group_rows:
                merged = cells[0].merge(cells[-1])
                self._cell(merged, values[0], bold=True)
                continue
            for index, text in enumerate(values):
                self._cell(cells[index], text, right=index in numeric)
        # Word reads the cells' widths, LibreOffice the grid's: both are set.
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        table._tbl.tblPr.append(layout)
        for index, width in enumerate(widths):
            table.columns[index].width = Cm(width)
        for row in table.rows:
            for index, width in enumerate(widths):
                row.cells[index].width = Cm(width)
        # Space after the table before the next paragraph.
        self.document.add_paragraph()
        return table

    def _cell(self, cell, text: str, *, bold=False, centre=False, right=False) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        paragraph.paragraph_format.first_line_indent = Pt(0)
        if centre:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        lines = str(text).split("\n")
        for index, line in enumerate(lines):
            run = self._run(paragraph, line, self.fonts.body, SIZE_5, bold=bold)
            if index < len(lines) - 1:
                run.add_break()

    def save(self, target) -> None:
        self.document.save(target)


class _RprHolder:
    """Gives ``set_fonts`` the rPr of the document defaults (w:rPrDefault)."""

    def __init__(self, element):
        self.element = element

    def get_or_add_rPr(self):
        rpr = self.element.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            self.element.append(rpr)
        return rpr
