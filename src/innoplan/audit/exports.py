"""Excel exports recorded in the audit trail.

Every download of data is an ``export`` event (or the caller's ``event``): who took it, what
(a model or record), how many rows, with which filters. The workbook itself, every cell
neutralised against formulas, is core's (``core.excel``).
"""

from __future__ import annotations

from django.http import HttpResponse

from innoplan.audit.services import query_filters, record_event
from innoplan.core.excel import xlsx_download


def xlsx_response(
    *,
    filename: str,
    title: str,
    headers,
    rows,
    request,
    obj=None,
    detail: dict | None = None,
    event: str = "export",
) -> HttpResponse:
    """The download, recorded in the audit trail as ``event`` by the requesting user: what
    (``obj``, a model class or instance), how many rows, with which filters (the query)."""
    rows = list(rows)
    response = xlsx_download(filename=filename, title=title, headers=headers, rows=rows)
    record_event(
        event,
        request=request,
        obj=obj,
        detail={
            "file": filename,
            "rows": len(rows),
            "filters": query_filters(request),
            **(detail or {}),
        },
    )
    return response
