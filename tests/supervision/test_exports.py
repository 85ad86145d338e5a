"""The milestone sheet as core.excel writes it, opened again with openpyxl."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

import pytest
from django.utils import translation
from openpyxl import load_workbook

from innoplan.core.excel import workbook_bytes
from innoplan.supervision.exports import MILESTONE_HEADERS, milestone_values
from innoplan.supervision.selectors import milestone_rows

pytestmark = pytest.mark.django_db


def test_the_workbook_has_a_row_per_milestone_with_real_dates_and_a_frozen_bold_header(
    supervision_scene, plan
):
    scene = supervision_scene
    scene.overdue.cooperating_departments.add(scene.b)
    # Text a spreadsheet would run as a formula stays text.
    scene.overdue_b.deliverable = '=HYPERLINK("http://evil")'
    scene.overdue_b.save()
    with translation.override("en"):
        rows = milestone_rows(plan=plan, as_of=scene.day)
        data = workbook_bytes(
            title="节点清单", headers=MILESTONE_HEADERS, rows=[milestone_values(r) for r in rows]
        )
        book = load_workbook(BytesIO(data))
    sheet = book.active
    assert [c.value for c in sheet[1]] == list(MILESTONE_HEADERS)
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    records = {row[3]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(records) == 7

    overdue = records[scene.overdue.title]
    task = scene.overdue.task
    assert overdue[:3] == (task.number, task.title, task.section.title)
    assert overdue[5] == datetime(2026, 9, 10)  # a date cell, not text
    assert overdue[6:11] == (scene.a.name, scene.b.name, "Overdue", 30, 20)
    assert overdue[11:] == (None, None)
    due_cell = next(r for r in sheet.iter_rows(min_row=2) if r[3].value == scene.overdue.title)[5]
    assert due_cell.is_date and due_cell.number_format == "yyyy-mm-dd"

    done_late = records[scene.done_late.title]
    assert done_late[8:12] == ("Done late", 100, 12, datetime(2026, 9, 12))
    # Not yet due: no days late, rather than days left.
    assert records[scene.not_started.title][10] is None
    assert records[scene.overdue_b.title][4] == '\'=HYPERLINK("http://evil")'
    assert date(2026, 9, 25) == records[scene.overdue_b.title][5].date()
