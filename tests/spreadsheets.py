"""Real .xlsx files for the import tests, built with openpyxl as Excel would save them."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The organisation template's columns that most import tests fill.
ORG_HEADERS = ["统一社会信用代码", "名称", "机构类型", "产业方向", "所在镇街", "入驻日期"]


def xlsx(headers: Sequence, rows: Iterable[Sequence]) -> bytes:
    """A workbook whose first sheet has ``headers`` and then ``rows``."""
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
