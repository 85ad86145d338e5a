"""The district's house style for Word documents, after 党政机关公文格式 (GB/T 9704-2012).

A4 paper with the standard's margins, the title in 方正小标宋简体 (二号), headings in 黑体 (三号),
the body in 仿宋_GB2312 (三号), tables smaller, and the page number in the footer as "— 1 —".

The intranet's machines do not all have the government fonts. Each role names its fonts in
order of preference, and the first one fontconfig knows on the machine that builds the
document is written into it (East Asian slot included, which is what Word and LibreOffice use
for Chinese text), so that the file renders with real Chinese glyphs where it is built and
converted (LibreOffice, PDF). Without fontconfig the first preference is written, as a
Windows desktop would have it.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

# Chinese type sizes (字号) in points.
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_SMALL_4 = Pt(12)  # 小四
SIZE_5 = Pt(10.5)  # 五号

TITLE_FONTS = ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "黑体", "SimHei")
HEADING_FONTS = ("黑体", "SimHei", "方正黑体_GBK", "Heiti SC")
BODY_FONTS = ("仿宋_GB2312", "仿宋", "FangSong", "FangSong_GB2312", "STFangsong")
# Installed with the machine's CJK support (fonts-noto-cjk): the last resort of each role.
SERIF_FALLBACKS = ("Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN")
SANS_FALLBACKS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
)


@functools.cache
def installed_families() -> frozenset[str] | None:
    """The font families fontconfig knows for Chinese on this machine (every name it gives a
    family, localised ones too), or None when there is no fontconfig to ask."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        result = subprocess.run(
            [fc_list, ":lang=zh", "family"],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    names = set()
    for line in result.stdout.splitlines():
        names.update(name.strip() for name in line.split(",") if name.strip())
    return frozenset(names)


def pick_font(preferences: tuple[str, ...], installed: frozenset[str] | None) -> str:
    """The first preferred family that is installed; the first preference when none is or
    nothing is known (``installed`` None)."""
    if installed:
        for name in preferences:
            if name in installed:
                return name
    return preferences[0]


@dataclass(frozen=True)
class Fonts:
    title: str
    heading: str
    body: str


@functools.cache
def house_fonts() -> Fonts:
    """The fonts the documents use on this machine (looked up once per process)."""
    installed = installed_families()
    return Fonts(
        title=pick_font(TITLE_FONTS + SANS_FALLBACKS, installed),
        heading=pick_font(HEADING_FONTS + SANS_FALLBACKS, installed),
        body=pick_font(BODY_FONTS + SERIF_FALLBACKS, installed),
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
        self.fonts = house_fonts()
        self.document = Document()
        self._page()
        self._styles()
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
        for level in (1, 2):
            heading = styles[f"Heading {level}"]
            _style_font(heading, self.fonts.heading, SIZE_3, bold=level == 2)
            heading.paragraph_format.space_before = Pt(6)
            heading.paragraph_format.space_after = Pt(0)
            heading.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            heading.paragraph_format.line_spacing = Pt(28)
            heading.paragraph_format.keep_with_next = True
        _style_font(styles["Table Grid"], self.fonts.body, SIZE_5)

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
        paragraph = self.document.add_paragraph(style=f"Heading {level}")
        font = self.fonts.heading if level == 1 else self.fonts.body
        self._run(paragraph, text, font, SIZE_3, bold=level == 2)

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
