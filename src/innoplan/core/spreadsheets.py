"""Reading uploaded spreadsheets safely, and writing import templates.

``read_table`` takes the bytes of an upload and returns its first sheet as a header row and
data rows, or raises ``SpreadsheetError`` with a message a clerk can act on. It accepts .xlsx
(Excel, WPS, LibreOffice) and .csv in UTF-8 or GBK/GB18030, and refuses, before parsing
anything:

- files over the size limit;
- anything that is not one of those (an .xls, a Word file, a picture, random bytes);
- workbooks that ``core.archives`` refuses: damaged, declaring XML entities (XML bombs; a real
  workbook has none), or inflating beyond the ratio or the absolute cap (zip bombs).

Cells are read as the values the spreadsheet last saved: a formula is never evaluated, its
cached result is what is read (python-calamine). No Django import here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from python_calamine import CalamineWorkbook

from innoplan.core.archives import check_office_archive
from innoplan.core.messages import TranslatableError, gettext_noop

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc: the old binary formats


class SpreadsheetError(TranslatableError):
    """The file cannot be read as a table; the message says why and what to do. ``str()``
    is English; ``render(gettext)`` is the reader's language."""


@dataclass
class Table:
    headers: list[str]
    rows: list[list[object]]  # one list per data row, as long as ``headers``
    source: str  # "xlsx" or "csv"
    encoding: str | None = None  # of a .csv


def _check_zip(data: bytes, filename: str, max_inflated_bytes: int | None) -> None:
    names = check_office_archive(
        data,
        filename,
        extension=".xlsx",
        error=SpreadsheetError,
        max_inflated_bytes=max_inflated_bytes,
    )
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise SpreadsheetError(
            gettext_noop(
                "the file is not an Excel workbook (a Word or other Office file?); "
                "save it from Excel, WPS or LibreOffice as .xlsx"
            )
        )


def _cell(value: object) -> object:
    # calamine gives '' for an empty cell and datetime for a date-time; a whole-day datetime
    # is the date a clerk typed.
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    if isinstance(value, str):
        return value.strip()
    return value


def _rectangle(raw: Sequence[Sequence[object]]) -> tuple[list[str], list[list[object]]]:
    rows = [[_cell(v) for v in row] for row in raw]
    # Trailing rows that are wholly empty are formatting, not data.
    while rows and all(v in ("", None) for v in rows[-1]):
        rows.pop()
    if not rows:
        raise SpreadsheetError(
            gettext_noop("the sheet is empty: the first row must hold the column headers")
        )
    headers = [str(h).strip() if h not in (None, "") else "" for h in rows[0]]
    while headers and headers[-1] == "":
        headers.pop()
    width = len(headers)
    body = []
    for row in rows[1:]:
        row = list(row[:width]) + [""] * (width - len(row))
        body.append(row)
    return headers, body


def _read_xlsx(data: bytes, filename: str, max_inflated_bytes: int | None) -> Table:
    _check_zip(data, filename, max_inflated_bytes)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        raw = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for damaged workbooks
        raise SpreadsheetError(
            gettext_noop("the workbook cannot be read (%(reason)s)"), reason=str(exc)
        ) from exc
    headers, rows = _rectangle(raw)
    return Table(headers=headers, rows=rows, source="xlsx")


def _decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without the BOM Excel writes), else GB18030, a superset of GBK that
    Chinese Excel and WPS write by default."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), "utf-8" if encoding == "utf-8-sig" else "gbk"
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(gettext_noop("the .csv file is neither UTF-8 nor GBK text"))


def _read_csv(data: bytes) -> Table:
    text, encoding = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        raw = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise SpreadsheetError(
            gettext_noop("the .csv file cannot be read (%(reason)s)"), reason=str(exc)
        ) from exc
    headers, rows = _rectangle(raw)
    return Table(headers=headers, rows=rows, source="csv", encoding=encoding)


def check_size(size: int, *, max_bytes: int) -> None:
    """Refuse a file of ``size`` bytes over the limit — called with an upload's declared size
    before it is read into memory, and again on the bytes read."""
    if size > max_bytes:
        raise SpreadsheetError(
            gettext_noop(
                "the file is %(size)s MB; the limit is %(limit)s MB — split it into smaller files"
            ),
            size=f"{size / 1024 / 1024:.1f}",
            limit=f"{max_bytes / 1024 / 1024:.1f}",
        )


def read_table(
    data: bytes, filename: str, *, max_bytes: int, max_inflated_bytes: int | None = None
) -> Table:
    """The first sheet of an uploaded .xlsx or .csv as headers and rows. A workbook may
    inflate to ``max_inflated_bytes``, by default the ``INNOPLAN_OFFICE_MAX_INFLATED_BYTES``
    setting (see ``core.archives``)."""
    check_size(len(data), max_bytes=max_bytes)
    if not data:
        raise SpreadsheetError(gettext_noop("the file is empty"))
    name = filename.lower()
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data, filename, max_inflated_bytes)
    if data.startswith(OLE_MAGIC) or name.endswith(".xls"):
        raise SpreadsheetError(
            gettext_noop(
                "this is an old-style .xls (or other binary Office) file; save it as .xlsx first"
            )
        )
    if name.endswith((".xlsx", ".xlsm")):
        raise SpreadsheetError(gettext_noop("the file is named .xlsx but is not an Excel workbook"))
    if b"\x00" in data[:8192]:
        raise SpreadsheetError(
            gettext_noop("the file is not a spreadsheet: upload an .xlsx or .csv file")
        )
    if not name.endswith((".csv", ".txt")):
        raise SpreadsheetError(gettext_noop("upload an .xlsx or .csv file"))
    return _read_csv(data)


# --- templates -------------------------------------------------------------------------------


@dataclass
class TemplateColumn:
    header: str
    example: object = ""
    choices: Sequence[str] = ()  # a drop-down list in the template
    text: bool = False  # keep as text: identifiers with 18 digits must not become numbers
    width: int = 16
    note: str = ""  # shown as the header cell's comment


def write_template(
    columns: Iterable[TemplateColumn], *, title: str, rows: Iterable[Sequence] = ()
) -> bytes:
    """An .xlsx with the header row, an example row (or the given rows), drop-down lists
    for coded columns and text format for identifiers."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    columns = list(columns)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    lists = workbook.create_sheet("选项")
    sheet.append([c.header for c in columns])
    rows = list(rows) or [[c.example for c in columns]]
    for row in rows:
        sheet.append(list(row))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    list_column = 0
    last_row = 10000
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = bold, fill
        if column.note:
            cell.comment = Comment(column.note, "innoplan")
        sheet.column_dimensions[letter].width = column.width
        if column.text:
            for row_cells in sheet.iter_rows(
                min_row=2, max_row=max(len(rows) + 1, 200), min_col=index, max_col=index
            ):
                for data_cell in row_cells:
                    data_cell.number_format = "@"
        if column.choices:
            list_column += 1
            list_letter = get_column_letter(list_column)
            lists.cell(row=1, column=list_column, value=column.header).font = bold
            for offset, choice in enumerate(column.choices, start=2):
                lists.cell(row=offset, column=list_column, value=choice)
            source = (
                f"{quote_sheetname(lists.title)}!${list_letter}$2:"
                f"${list_letter}${len(column.choices) + 1}"
            )
            validation = DataValidation(
                type="list",
                formula1=source,
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=column.header,
                error=f"请从下拉列表中选择{column.header}",
            )
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last_row}")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def is_date(value: object) -> bool:
    return isinstance(value, date)
