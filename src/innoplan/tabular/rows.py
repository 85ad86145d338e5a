"""An upload read with the one file guard (``core.spreadsheets``), and its rows laid under the
importer's headers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import tablib
from django.conf import settings
from django.utils.translation import gettext as _

from innoplan.core.spreadsheets import SpreadsheetError, Table, check_size, read_table
from innoplan.tabular.report import ImportFileError

ACCEPTED = (".xlsx", ".csv")


def check_upload_size(size: int | None) -> None:
    """Refuse an upload by its declared size, before it is read into memory."""
    if size is None:
        return
    try:
        check_size(size, max_bytes=settings.INNOPLAN_IMPORT_MAX_BYTES)
    except SpreadsheetError as error:
        raise ImportFileError(error.render(_)) from error


def read_upload(data: bytes, filename: str) -> Table:
    """The first sheet of an .xlsx or .csv upload, or ``ImportFileError`` saying why not."""
    try:
        return read_table(data, filename, max_bytes=settings.INNOPLAN_IMPORT_MAX_BYTES)
    except SpreadsheetError as error:
        raise ImportFileError(error.render(_)) from error


def data_rows(table: Table) -> int:
    """The rows an import will read: an empty line is not a record."""
    return sum(1 for row in table.rows if any(value not in ("", None) for value in row))


@dataclass
class PreparedRows:
    dataset: tablib.Dataset
    sheet_rows: list[int]  # the spreadsheet row number of each dataset row
    warnings: list[str]


def prepare_rows(table: Table, *, headers: Sequence[str], required: Sequence[str]) -> PreparedRows:
    """The table's rows under ``headers`` (a column the file lacks is empty), without empty
    lines; a missing ``required`` column or a file without rows is refused as a whole, and
    columns that are not ``headers`` are named in a warning."""
    present = {h: i for i, h in enumerate(table.headers) if h}
    missing = [h for h in required if h not in present]
    if missing:
        raise ImportFileError(
            _("the first row lacks the column(s) %(missing)s; the template has the headers")
            % {"missing": "、".join(missing)}
        )
    warnings = []
    unknown = [h for h in table.headers if h and h not in headers]
    if unknown:
        warnings.append(
            _("column(s) %(columns)s are not in the template and were not read")
            % {"columns": "、".join(unknown)}
        )
    dataset = tablib.Dataset(headers=list(headers))
    sheet_rows = []
    for offset, row in enumerate(table.rows, start=2):
        if all(value in ("", None) for value in row):
            continue  # an empty line is not a record
        dataset.append([row[present[h]] if h in present else "" for h in headers])
        sheet_rows.append(offset)
    if not sheet_rows:
        raise ImportFileError(_("the file has headers but no rows to import"))
    return PreparedRows(dataset=dataset, sheet_rows=sheet_rows, warnings=warnings)
