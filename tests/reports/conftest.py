"""What the report tests share: approved figures on the supervision scene's plan, a notice
answered, and readers of the generated .docx files."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from docx import Document

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def report_scene(supervision_scene, plan, plan_owner, reporter_a, reporter_b, indicator_of_b):
    """The supervision scene with two approved figures (one in 亿元) and department A's answer
    to the supervision notice on its overdue milestone."""
    from innoplan.plans.services import reported_value_approve, reported_value_submit
    from innoplan.supervision import services
    from innoplan.supervision.choices import NoticeLevel

    for indicator, reporter, value in (
        (indicator_of_b, reporter_b, Decimal("1234000000")),  # 子基金总规模: 12.34 亿元
    ):
        reported = reported_value_submit(
            indicator=indicator,
            period_kind="month",
            period_start=date(2026, 6, 1),
            value=value,
            actor=reporter,
        )
        reported_value_approve(value=reported, actor=plan_owner)
    services.supervise(as_of=supervision_scene.day, plan=plan)
    notice = supervision_scene.overdue.notices.get(level=NoticeLevel.SUPERVISION)
    # Answered the day after the scene's day, with a new date in October.
    with time_machine.travel(datetime(2026, 10, 1, 9, tzinfo=SHANGHAI), tick=False):
        services.notice_answer(
            notice=notice, actor=reporter_a, reason="签约主体调整", new_date=date(2026, 10, 20)
        )
    supervision_scene.indicator = indicator_of_b
    return supervision_scene


def open_docx(data: bytes):
    return Document(BytesIO(data))


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)
