"""Every Excel download of data is an audited export: ``audit.exports.xlsx_response`` records
who took what, how many rows and with which filters, then answers with core's workbook."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.test import RequestFactory
from openpyxl import load_workbook

import innoplan
from innoplan.audit.exports import xlsx_response
from innoplan.audit.models import AuditEvent

SRC = Path(innoplan.__file__).resolve().parent

pytestmark = pytest.mark.django_db


def test_an_export_is_recorded_then_answered_with_the_workbook(plan_owner, indicator_of_a):
    request = RequestFactory().get("/records/", {"q": "启明", "format": "xlsx"})
    request.user = plan_owner
    response = xlsx_response(
        filename="高新技术企业.xlsx",
        title="高新技术企业",
        headers=["名称", "公式"],
        rows=iter([["北京启明科技有限公司", "=1+1"]]),
        request=request,
        obj=indicator_of_a,
        detail={"as_of": "2025-06-30"},
    )
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''%E9%AB%98%E6%96%B0%E6%8A%80%E6%9C%AF%E4%BC%81%E4%B8%9A.xlsx"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["名称", "公式"],
        ["北京启明科技有限公司", "'=1+1"],
    ]
    event = AuditEvent.objects.get(event="export")
    assert (event.actor, event.object_id) == (plan_owner, str(indicator_of_a.pk))
    assert event.detail == {
        "file": "高新技术企业.xlsx",
        "rows": 1,
        "filters": {"q": "启明"},
        "as_of": "2025-06-30",
    }


def test_no_view_sends_a_workbook_without_recording_it():
    """core answers with a workbook but records nothing (it imports no app): only the audited
    export calls it."""
    callers = {
        path.relative_to(SRC).as_posix()
        for path in SRC.rglob("*.py")
        if re.search(r"\bxlsx_download\(", path.read_text(encoding="utf-8"))
    }
    assert callers == {"core/excel.py", "audit/exports.py"}
