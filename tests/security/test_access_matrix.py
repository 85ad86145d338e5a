"""The access matrix: for every URL pattern of the site (the admin site's too) and every API
operation, for every role, the answer that role gets — written out below, and asserted.

A pattern or an API operation without an entry fails ``test_every_url_pattern_has_an_entry``
with its name: a new page is not reachable until someone has decided who may open it.

The roles: anonymous, the plan owner (区科委), a reporter of department A, a reporter of
department B (another department, for the objects A owns), a district leader, and the three
administrators (三员: system, security, audit), each past the second factor, and a data steward
who keeps the enterprises and their qualifications (no other register). Every object in a
URL belongs to department A where it can belong to a department, so the column of B's
reporter is the IDOR column: 404 (or 403), never A's data (``test_another_department...``).

Each cell is the status of a GET and of a POST with an empty body (a form that fails
validation, so a POST changes nothing unless it needs no data: logout, confirm). A POST-only
view answers a GET with 405 — its POST row says who may use it.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.registry.builders import REGISTER_LISTS
from tests.security.routes import fill, routes

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "plan_owner",
    "reporter_a",
    "reporter_b",
    "leader",
    "sysadmin",
    "security_admin",
    "audit_admin",
    "steward",
)
# What each role's fixture is called in tests/conftest.py.
FIXTURES = dict(zip(ROLES, (None, *ROLES[1:]), strict=True))

# Distinctive values of department A's records: they must never reach another department.
SECRET_DEFINITION = "甲部门口径-IDOR-7f3a"
SECRET_NOTE = "甲部门备注-IDOR-91c2"
SECRET_ATTACHMENT = b"%PDF-1.4 IDOR-ATTACHMENT-5d8e"

# fmt: off
#            anon plan rep  rep  lead sys  sec  audit stew
#                 own  A    B    er   adm  adm  adm   ard
# route name: (object in the URL, GET, POST)
MATRIX: dict[str, tuple[str | None, str, str]] = {
    "dashboard:home": (None,
        "302 200  200  200  200  302  302  302  200",
        "302 200  200  200  200  302  302  302  200"),
    "set_language": (None,
        "302 302  302  302  302  302  302  302  302",
        "302 302  302  302  302  302  302  302  302"),
    # --- accounts ---
    "accounts:login": (None,
        "200 302  302  302  302  302  302  302  302",
        "200 302  302  302  302  302  302  302  302"),
    "accounts:logout": (None,
        "302 405  405  405  405  405  405  405  405",
        "302 302  302  302  302  302  302  302  302"),
    "accounts:password_change": (None,
        "302 200  200  200  200  200  200  200  200",
        "302 200  200  200  200  200  200  200  200"),
    "accounts:otp_verify": (None,
        "302 302  302  302  302  302  302  302  302",
        "302 302  302  302  302  302  302  302  302"),
    "accounts:otp_enrol": (None,
        "302 200  200  200  200  200  200  200  200",
        "302 200  200  200  200  200  200  200  200"),
    "accounts:security": (None,
        "302 200  200  200  200  200  200  200  200",
        "302 200  200  200  200  200  200  200  200"),
    "accounts:security_policy": (None,
        "302 403  403  403  403  403  200  403  403",
        "302 403  403  403  403  403  200  403  403"),
    "accounts:lockout_list": (None,
        "302 403  403  403  403  403  200  403  403",
        "302 403  403  403  403  403  200  403  403"),
    "accounts:lockout_release": (None,
        "302 405  405  405  405  405  405  405  405",
        "302 403  403  403  403  403  302  403  403"),
    "accounts:user_list": (None,
        "302 403  403  403  403  403  200  403  403",
        "302 403  403  403  403  403  200  403  403"),
    "accounts:role_grant": ("account",
        "302 403  403  403  403  403  200  403  403",
        "302 403  403  403  403  403  200  403  403"),
    "accounts:otp_reset": ("account",
        "302 405  405  405  405  405  405  405  405",
        "302 403  403  403  403  403  302  403  403"),
    # --- the plan ---
    "plans:indicator_detail": ("indicator",
        "302 200  200  404  200  403  403  403  404",
        "302 200  200  404  200  403  403  403  404"),
    "plans:indicator_edit": ("indicator",
        "302 200  403  403  403  403  403  403  403",
        "302 400  403  403  403  403  403  403  403"),
    "plans:report_create": ("indicator",
        "302 403  200  404  403  403  403  403  404",
        "302 403  400  404  403  403  403  403  404"),
    "plans:indicator_records": ("measured",
        "302 200  200  404  200  403  403  403  404",
        "302 200  200  404  200  403  403  403  404"),
    "plans:my_reports": (None,
        "302 403  200  200  403  403  403  403  403",
        "302 403  200  200  403  403  403  403  403"),
    "plans:review_list": (None,
        "302 200  403  403  403  403  403  403  403",
        "302 200  403  403  403  403  403  403  403"),
    "plans:report_review": ("report",
        "302 405  405  405  405  405  405  405  405",
        "302 302  403  403  403  403  403  403  403"),
    "plans:report_attachment": ("report",
        "302 200  200  404  200  403  403  403  404",
        "302 200  200  404  200  403  403  403  404"),
    "plans:task_edit": ("task",
        "302 200  403  403  403  403  403  403  403",
        "302 400  403  403  403  403  403  403  403"),
    "plans:plan_ingest": (None,
        "302 200  403  403  403  403  403  403  403",
        "302 400  403  403  403  403  403  403  403"),
    "plans:plan_ingest_confirm": (None,
        "302 405  405  405  405  405  405  405  405",
        "302 400  403  403  403  403  403  403  403"),
    # --- the registry: read by business users and data stewards, kept by the plan owner and
    # by the stewards of each register (the import rows: organisations, the steward's) ---
    "registry:index": (None,
        "302 200  200  200  200  403  403  403  200",
        "302 200  200  200  200  403  403  403  200"),
    # Assigning the data stewards their registers: the plan owner's; an empty POST names no
    # steward (404).
    "registry:stewards": (None,
        "302 200  403  403  403  403  403  403  403",
        "302 404  403  403  403  403  403  403  403"),
    "registry:import_list": (None,
        "302 200  403  403  403  403  403  403  200",
        "302 200  403  403  403  403  403  403  200"),
    "registry:import_template": ("register",
        "302 200  403  403  403  403  403  403  200",
        "302 405  405  405  405  405  405  405  405"),
    "registry:import_job": ("import_job",
        "302 200  403  403  403  403  403  403  200",
        "302 405  405  405  405  405  405  405  405"),
    "registry:import_job_state": ("import_job",
        "302 200  403  403  403  403  403  403  200",
        "302 405  405  405  405  405  405  405  405"),
    "registry:import_job_confirm": ("import_job",
        "302 405  405  405  405  405  405  405  405",
        "302 302  403  403  403  403  403  403  302"),
    # --- the audit trail: the audit administrator's alone ---
    "audit:event_list": (None,
        "302 403  403  403  403  403  403  200  403",
        "302 405  405  405  405  405  405  405  405"),
    "audit:event_detail": ("audit_event",
        "302 403  403  403  403  403  403  200  403",
        "302 405  405  405  405  405  405  405  405"),
    # --- task supervision (every object is department A's) ---
    "supervision:battle_map": (None,
        "302 200  200  200  200  403  403  403  403",
        "302 200  200  200  200  403  403  403  403"),
    "supervision:scoreboard": (None,
        "302 200  200  200  200  403  403  403  403",
        "302 200  200  200  200  403  403  403  403"),
    # A leader has no to-do list: he is sent to the battle map.
    "supervision:my_list": (None,
        "302 200  200  200  302  403  403  403  403",
        "302 200  200  200  302  403  403  403  403"),
    "supervision:milestone_list": (None,
        "302 200  200  200  200  403  403  403  403",
        "302 200  200  200  200  403  403  403  403"),
    "supervision:milestone_create": (None,
        "302 200  403  403  403  403  403  403  403",
        "302 400  403  403  403  403  403  403  403"),
    "supervision:milestone_detail": ("milestone",
        "302 200  200  404  200  403  403  403  403",
        "302 403  400  404  403  403  403  403  403"),
    "supervision:milestone_edit": ("milestone",
        "302 200  403  403  403  403  403  403  403",
        "302 400  403  403  403  403  403  403  403"),
    "supervision:progress_review": ("progress_update",
        "302 405  405  405  405  405  405  405  405",
        "302 400  403  403  403  403  403  403  403"),
    "supervision:evidence_download": ("evidence",
        "302 200  200  404  200  403  403  403  403",
        "302 200  200  404  200  403  403  403  403"),
    "supervision:project_list": (None,
        "302 200  200  200  200  403  403  403  403",
        "302 200  200  200  200  403  403  403  403"),
    "supervision:project_create": (None,
        "302 200  403  403  403  403  403  403  403",
        "302 400  403  403  403  403  403  403  403"),
    "supervision:policy": (None,
        "302 200  403  403  403  403  403  403  403",
        "302 400  403  403  403  403  403  403  403"),
    "supervision:notice_list": (None,
        "302 200  200  200  200  403  403  403  403",
        "302 200  200  200  200  403  403  403  403"),
    "supervision:notice_detail": ("notice",
        "302 200  200  404  200  403  403  403  403",
        "302 403  400  404  403  403  403  403  403"),
    "supervision:milestone_import_list": (None,
        "302 200  403  403  403  403  403  403  403",
        "302 200  403  403  403  403  403  403  403"),
    "supervision:milestone_import_template": ("milestones",
        "302 200  403  403  403  403  403  403  403",
        "302 405  405  405  405  405  405  405  405"),
    "supervision:milestone_import_job": ("milestone_import_job",
        "302 200  403  403  403  403  403  403  403",
        "302 405  405  405  405  405  405  405  405"),
    "supervision:milestone_import_job_state": ("milestone_import_job",
        "302 200  403  403  403  403  403  403  403",
        "302 405  405  405  405  405  405  405  405"),
    "supervision:milestone_import_job_confirm": ("milestone_import_job",
        "302 405  405  405  405  405  405  405  405",
        "302 302  403  403  403  403  403  403  403"),
    # --- reports (the job in the URL is the plan owner's) ---
    "reports:index": (None,
        "302 200  403  403  200  403  403  403  403",
        "302 405  405  405  405  405  405  405  405"),
    "reports:request": (None,
        "302 405  405  405  405  405  405  405  405",
        "302 400  403  403  400  403  403  403  403"),
    "reports:download": ("report_job",
        "302 200  403  403  404  403  403  403  403",
        "302 405  405  405  405  405  405  405  405"),
    "reports:status": ("report_job",
        "302 200  403  403  404  403  403  403  403",
        "302 405  405  405  405  405  405  405  405"),
    # --- notifications (the one in the URL is reporter A's) ---
    "notifications:inbox": (None,
        "302 200  200  200  200  403  403  403  403",
        "302 405  405  405  405  405  405  405  405"),
    "notifications:read": ("notification",
        "302 405  405  405  405  405  405  405  405",
        "302 404  302  404  404  403  403  403  403"),
    "notifications:read_all": (None,
        "302 405  405  405  405  405  405  405  405",
        "302 302  302  302  302  403  403  403  403"),
    # --- the API (its operations are also checked against the OpenAPI schema below) ---
    "api:api-root": (None,
        "302 404  404  404  404  404  404  404  404",
        "302 404  404  404  404  404  404  404  404"),
    # The schema and its viewer answer any method the same way: they read nothing private.
    "api:openapi-json": (None,
        "302 200  200  200  200  200  200  200  200",
        "302 200  200  200  200  200  200  200  200"),
    "api:openapi-view": (None,
        "302 200  200  200  200  200  200  200  200",
        "302 200  200  200  200  200  200  200  200"),
    "api:figures": (None,
        "302 200  200  200  200  403  403  403  200",
        "302 405  405  405  405  405  405  405  405"),
    "api:figure": ("indicator",
        "302 200  200  404  200  403  403  403  404",
        "302 405  405  405  405  405  405  405  405"),
}

# The data steward keeps the enterprises and their qualifications (tests/conftest.py): he
# reads every register and keeps those two only.
STEWARD_KEEPS = ("organisation", "qualification")
for _register in REGISTER_LISTS:
    _kept = _register in STEWARD_KEEPS
    # Class-based views: the permission is checked before the method, so business users get
    # 405 for a POST and everyone else 403.
    MATRIX[f"registry:{_register}_list"] = (None,
        "302 200  200  200  200  403  403  403  200",
        "302 405  405  405  405  403  403  403  405")
    MATRIX[f"registry:{_register}_detail"] = (_register,
        "302 200  200  200  200  403  403  403  200",
        "302 405  405  405  405  403  403  403  405")
    # The steward's pages (the plan owner keeps every register): an empty POST is refused.
    MATRIX[f"registry:{_register}_quality"] = (None,
        "302 200  403  403  403  403  403  403  " + ("200" if _kept else "403"),
        "302 405  403  403  403  403  403  403  " + ("405" if _kept else "403"))
    MATRIX[f"registry:{_register}_create"] = (None,
        "302 200  403  403  403  403  403  403  " + ("200" if _kept else "403"),
        "302 400  403  403  403  403  403  403  " + ("400" if _kept else "403"))
    MATRIX[f"registry:{_register}_edit"] = (_register,
        "302 200  403  403  403  403  403  403  " + ("200" if _kept else "403"),
        "302 400  403  403  403  403  403  403  " + ("400" if _kept else "403"))
    if _register != "talent":
        MATRIX[f"registry:{_register}_retire"] = (_register,
            "302 200  403  403  403  403  403  403  " + ("200" if _kept else "403"),
            "302 400  403  403  403  403  403  403  " + ("400" if _kept else "403"))
MATRIX["registry:organisation_merge"] = ("organisation",
    "302 200  403  403  403  403  403  403  200",
    "302 400  403  403  403  403  403  403  400")
# A talent's page takes a POST: showing the whole ID-card number, the plan owner's alone.
MATRIX["registry:talent_detail"] = ("talent",
    "302 200  200  200  200  403  403  403  200",
    "302 200  403  403  403  403  403  403  403")

# fmt: on

# Every operation of the OpenAPI schema: (method, path) -> the route it is served by.
API_OPERATIONS = {
    ("get", "/api/plans/figures"): "api:figures",
    ("get", "/api/plans/figures/{indicator_id}"): "api:figure",
}


def _codes(row: str) -> dict[str, int]:
    codes = [int(code) for code in row.split()]
    assert len(codes) == len(ROLES), row
    return dict(zip(ROLES, codes, strict=True))


# --- the world the matrix is asserted in -----------------------------------------------------


@pytest.fixture
def world(
    plan,
    departments,
    plan_owner,
    reporter_a,
    reporter_b,
    leader,
    sysadmin,
    security_admin,
    audit_admin,
    settings,
    tmp_path,
):
    """One record of every kind a URL names, owned by department A where that applies."""
    from innoplan.audit.models import AuditEvent
    from innoplan.imports.models import ImportJob
    from innoplan.plans.services import indicator_update, reported_value_submit
    from tests.registry.builders import make_talent

    settings.MEDIA_ROOT = tmp_path
    department_a = departments[0]
    indicator = plan.indicators.get(name="优秀科技创新团队资助")
    indicator.department = department_a
    indicator.save()
    indicator_update(indicator=indicator, actor=plan_owner, definition=SECRET_DEFINITION)
    measured = plan.indicators.get(name="高新技术企业")
    measured.department = department_a
    measured.metric_key = "high_tech_enterprises"
    measured.save()
    report = reported_value_submit(
        indicator=indicator,
        period_kind="month",
        period_start=date(2025, 1, 1),
        value=Decimal(3),
        note=SECRET_NOTE,
        attachment=SimpleUploadedFile("名单.pdf", SECRET_ATTACHMENT),
        actor=reporter_a,
    )
    job = ImportJob.objects.create(
        importer="organisations",
        file_name="机构名单.csv",
        status=ImportJob.Status.FAILED,
        error="no key column",
        created_by=plan_owner,
    )
    milestone_job = ImportJob.objects.create(
        importer="milestones",
        file_name="节点.xlsx",
        status=ImportJob.Status.FAILED,
        error="no key column",
        created_by=plan_owner,
    )
    records = _registry_records(make_talent)
    supervised = _supervision_records(plan, department_a, plan_owner, reporter_a)
    return {
        "indicator": indicator.pk,
        "measured": measured.pk,
        "report": report.pk,
        "task": plan.tasks.get(number=1).pk,
        "import_job": job.pk,
        "milestone_import_job": milestone_job.pk,
        "register": "organisations",
        "milestones": "milestones",
        "audit_event": AuditEvent.objects.order_by("-pk").first().pk,
        "account": leader.pk,
        **records,
        **supervised,
    }


def _supervision_records(plan, department_a, plan_owner, reporter_a) -> dict[str, int]:
    """A milestone of A with a completion (and its evidence) waiting for acceptance, a 督办
    notice to A, a report job of the plan owner and a notification to A's reporter."""
    from innoplan.notifications.services import notify
    from innoplan.reports.models import ReportJob
    from innoplan.supervision import services as supervision
    from innoplan.supervision.models import Evidence, Notice

    task = plan.tasks.get(number=1)
    milestone = supervision.milestone_create(
        task=task,
        title="甲部门节点",
        due_on=date(2025, 6, 30),
        lead_department=department_a,
        actor=plan_owner,
    )
    update = supervision.progress_post(
        milestone=milestone,
        actor=reporter_a,
        kind="completion",
        narrative=SECRET_NOTE,
        files=[SimpleUploadedFile("佐证.pdf", SECRET_ATTACHMENT)],
    )
    notice = Notice.objects.create(
        milestone=milestone,
        level="supervision",
        department=department_a,
        raised_on=date(2025, 7, 1),
        due_on=milestone.due_on,
        days_late=1,
    )
    job = ReportJob.objects.create(
        kind="supervision",
        plan=plan,
        as_of=date(2026, 9, 30),
        status="done",
        file=SimpleUploadedFile("r.docx", b"PK\x03\x04"),
        created_by=plan_owner,
    )
    notification = notify(recipients=[reporter_a], subject="x", body="", urgent=True, key="matrix")[
        0
    ]
    return {
        "milestone": milestone.pk,
        "progress_update": update.pk,
        "evidence": Evidence.objects.get(update=update).pk,
        "notice": notice.pk,
        "report_job": job.pk,
        "notification": notification.pk,
    }


def _registry_records(make_talent) -> dict[str, int]:
    from innoplan.accounts.choices import DepartmentKind
    from innoplan.accounts.models import Department
    from innoplan.registry.models import (
        Base,
        BrandEvent,
        Fund,
        Park,
        Platform,
        Qualification,
        TalentRecognition,
        Team,
    )
    from tests.registry.builders import make, make_organisation, make_patent

    town = Department.objects.create(code="matrix-town", name="宋庄镇", kind=DepartmentKind.TOWN)
    organisation = make_organisation("北京矩阵科技有限公司", town=town)
    talent = make_talent("王矩阵", employer=organisation)
    return {
        "organisation": organisation.pk,
        "qualification": make(
            Qualification,
            organisation=organisation,
            kind="high_tech",
            valid_from=date(2024, 1, 1),
        ).pk,
        "platform": make(
            Platform,
            name="矩阵实验室",
            kind="key_laboratory",
            level="municipal",
            host=organisation,
            valid_from=date(2021, 1, 1),
        ).pk,
        "fund": make(Fund, name="矩阵基金", valid_from=date(2021, 1, 1)).pk,
        "brand_event": make(BrandEvent, name="矩阵大会", valid_from=date(2019, 1, 1)).pk,
        "base": make(
            Base,
            name="矩阵基地",
            kind="science_popularisation",
            level="district",
            host=organisation,
            town=town,
            valid_from=date(2021, 1, 1),
        ).pk,
        "park": make(Park, name="矩阵园区", town=town, valid_from=date(2020, 1, 1)).pk,
        "patent": make_patent(owners=[organisation], title="一种矩阵方法").pk,
        "talent": talent.pk,
        "talent_recognition": make(
            TalentRecognition,
            talent=talent,
            kind="canal_talent",
            tier="leading",
            valid_from=date(2023, 5, 1),
        ).pk,
        "team": make(
            Team,
            name="矩阵团队",
            organisation=organisation,
            recognition_year=2024,
            valid_from=date(2024, 6, 1),
        ).pk,
    }


@pytest.fixture
def signed_in(request, login_client):
    """``signed_in(role)``: a new client of that role, past every identity gate."""

    def make(role: str) -> Client:
        if role == "anonymous":
            return Client()
        return login_client(request.getfixturevalue(FIXTURES[role]))

    return make


def _path(name: str, route: str, world: dict) -> str:
    obj = MATRIX[name][0]
    values = {}
    for parameter in ("pk", "indicator_id", "register", "importer"):
        if f"<{parameter}>" in route or f":{parameter}>" in route:
            values[parameter] = world[obj]
    return fill(route, values)


def _site_routes():
    return [(name, route) for name, route, _ in routes() if not name.startswith("admin:")]


# --- the matrix ------------------------------------------------------------------------------


def test_every_url_pattern_has_an_entry():
    missing = sorted(
        f"{name} ({route})"
        for name, route, _ in routes()
        if not name.startswith("admin:") and name not in MATRIX
    )
    assert missing == [], "URL patterns without an entry in the access matrix: " + ", ".join(
        missing
    )
    stale = sorted(set(MATRIX) - {name for name, _, _ in routes()})
    assert stale == [], f"entries for patterns that no longer exist: {stale}"


def test_every_api_operation_has_an_entry(signed_in):
    schema = json.loads(signed_in("leader").get("/api/openapi.json").content)
    operations = {
        (method, path)
        for path, methods in schema["paths"].items()
        for method in methods
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert operations == set(API_OPERATIONS), "API operations and the matrix differ"
    assert set(API_OPERATIONS.values()) <= set(MATRIX)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_the_answer_the_matrix_gives(world, signed_in, role):
    wrong = []
    for name, route in _site_routes():
        if name not in MATRIX:
            continue  # reported by test_every_url_pattern_has_an_entry
        path = _path(name, route, world)
        _, get_row, post_row = MATRIX[name]
        for method, row in (("get", get_row), ("post", post_row)):
            expected = _codes(row)[role]
            # A fresh client each time: a POST may log out or change the session.
            response = getattr(signed_in(role), method)(path)
            if response.status_code != expected:
                wrong.append(
                    f"{method.upper()} {path} ({name}) as {role}: "
                    f"{response.status_code}, the matrix says {expected}"
                )
    assert wrong == [], "\n".join(wrong)


def test_an_anonymous_visitor_is_sent_to_the_login_page_and_nowhere_else(world, signed_in):
    from django.contrib.auth.views import redirect_to_login

    for name, route in _site_routes():
        if name not in MATRIX or name in ("accounts:login", "set_language"):
            continue
        path = _path(name, route, world)
        response = signed_in("anonymous").get(path)
        assert response.status_code == 302
        assert response.url == redirect_to_login(path).url, name


# --- IDOR: another department's records by their ids -----------------------------------------

# Every URL naming an object a department owns: its figures (and their attachments), its
# indicators (and their records, reports, API figures).
DEPARTMENT_OWNED = [
    name for name, (obj, *_rows) in MATRIX.items() if obj in ("indicator", "measured", "report")
]


def test_the_department_owned_urls_are_the_ones_expected():
    assert sorted(DEPARTMENT_OWNED) == sorted(
        [
            "plans:indicator_detail",
            "plans:indicator_edit",
            "plans:report_create",
            "plans:indicator_records",
            "plans:report_review",
            "plans:report_attachment",
            "api:figure",
        ]
    )


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_departments_records_answer_404_or_403_and_never_their_data(
    world, signed_in, method
):
    from innoplan.plans.models import ReportedValue

    routes_by_name = dict(_site_routes())
    for name in DEPARTMENT_OWNED:
        path = _path(name, routes_by_name[name], world)
        response = getattr(signed_in("reporter_b"), method)(path)
        assert response.status_code in (403, 404, 405), (name, response.status_code)
        body = b"".join(response) if response.streaming else response.content
        for secret in (SECRET_DEFINITION.encode(), SECRET_NOTE.encode(), SECRET_ATTACHMENT):
            assert secret not in body, (name, secret)
    # Nothing of A's changed.
    report = ReportedValue.objects.get(pk=world["report"])
    assert report.status == "pending"
    assert report.note == SECRET_NOTE


def test_the_owning_department_does_see_the_data(world, signed_in):
    """The other side of the IDOR test: the same URLs do show A's data to A, so the
    secrets above are the right things to look for."""
    client = signed_in("reporter_a")
    detail = client.get(f"/plans/indicators/{world['indicator']}/").content.decode()
    assert SECRET_DEFINITION in detail and SECRET_NOTE in detail
    attachment = client.get(f"/plans/reports/{world['report']}/attachment/")
    assert b"".join(attachment) == SECRET_ATTACHMENT


def test_the_api_lists_no_other_departments_figure(world, signed_in):
    figures = json.loads(signed_in("reporter_b").get("/api/plans/figures").content)
    assert world["indicator"] not in {f["id"] for f in figures}
    assert world["measured"] not in {f["id"] for f in figures}
    mine = json.loads(signed_in("reporter_a").get("/api/plans/figures").content)
    assert world["indicator"] in {f["id"] for f in mine}


@pytest.mark.parametrize(
    "path",
    [
        "/plans/indicators/{indicator}/",
        "/plans/reports/{report}/attachment/",
        "/api/plans/figures/{indicator}",
    ],
)
def test_guessing_ids_finds_nothing_of_another_department(world, signed_in, path):
    """Every id near A's (and A's own) answers B's reporter the same way: not found."""
    client = signed_in("reporter_b")
    anchor = world["report" if "reports" in path else "indicator"]
    statuses = set()
    for guess in range(max(1, anchor - 20), anchor + 20):
        url = path.format(indicator=guess, report=guess)
        response = client.get(url)
        body = b"".join(response) if response.streaming else response.content
        assert SECRET_ATTACHMENT not in body and SECRET_NOTE.encode() not in body
        if guess == anchor:
            statuses.add(response.status_code)
    assert statuses <= {403, 404}


# --- the admin site --------------------------------------------------------------------------
#
# Only the system administrator is staff. Everyone else — anonymous or signed in with any other
# role — is sent to the admin's login page (302) from every admin URL; its login page itself
# answers 200. The system administrator keeps accounts and departments (view, add, change;
# never delete: accounts are deactivated) and nothing else: no business data, no lockouts (the
# security administrator's pages), no second-factor devices, no groups, no task queue.

NOT_STAFF = 302
# fmt: off
ADMIN_PAGES: dict[str, tuple[str, str]] = {
    #                          anon plan rep  rep  lead sys  sec  audit stew
    "admin:index": (           "302 302  302  302  302  200  302  302  302",
                               "302 302  302  302  302  200  302  302  302"),
    "admin:login": (           "200 200  200  200  200  302  200  200  200",
                               "200 200  200  200  200  200  200  200  200"),
    "admin:logout": (          "302 302  302  302  302  405  302  302  302",
                               "302 302  302  302  302  302  302  302  302"),
    "admin:password_change": ( "302 302  302  302  302  200  302  302  302",
                               "302 302  302  302  302  200  302  302  302"),
    "admin:password_change_done": (
                               "302 302  302  302  302  200  302  302  302",
                               "302 302  302  302  302  405  302  302  302"),
    # Autocomplete answers only for a field of a model the user may see (403 without one).
    "admin:autocomplete": (    "302 302  302  302  302  403  302  302  302",
                               "302 302  302  302  302  405  302  302  302"),
    "admin:jsi18n": (          "302 302  302  302  302  200  302  302  302",
                               "302 302  302  302  302  405  302  302  302"),
    # No model has a page on the site: "view on site" finds nothing.
    "admin:view_on_site": (    "302 302  302  302  302  404  302  302  302",
                               "302 302  302  302  302  404  302  302  302"),
    "admin:app_list": (        "302 302  302  302  302  200  302  302  302",
                               "302 302  302  302  302  200  302  302  302"),
    "admin:catch_all": (       "302 302  302  302  302  404  302  302  302",
                               "302 302  302  302  302  404  302  302  302"),
}
# fmt: on

# Per model on the admin site, the system administrator's answer (GET and POST alike) for
# each of its pages; the bare object URL redirects to its change page (302) for him.
ADMIN_VIEWS = ("changelist", "add", "history", "delete", "change", "object")
ADMIN_MODELS: dict[str, str] = {
    #                                       list add  hist del  chg  obj
    "accounts.user": "200 200  200  403  200  302",
    "accounts.department": "200 200  200  403  200  302",
    "auth.group": "403 403  403  403  403  302",
    "axes.accessattempt": "403 403  403  403  403  302",
    "axes.accesslog": "403 403  403  403  403  302",
    "axes.accessfailurelog": "403 403  403  403  403  302",
    "otp_totp.totpdevice": "403 403  403  403  403  302",
    "registry.park": "403 403  403  403  403  302",
    "registry.organisation": "403 403  403  403  403  302",
    "registry.qualification": "403 403  403  403  403  302",
    "registry.platform": "403 403  403  403  403  302",
    "registry.fund": "403 403  403  403  403  302",
    "registry.brandevent": "403 403  403  403  403  302",
    "registry.base": "403 403  403  403  403  302",
    "registry.patent": "403 403  403  403  403  302",
    "registry.talent": "403 403  403  403  403  302",
    "registry.team": "403 403  403  403  403  302",
    "imports.importjob": "403 403  403  403  403  302",
    "django_tasks_database.dbtaskresult": "403 403  403  403  403  302",
}
# Extra pages some model admins add, for the system administrator.
ADMIN_EXTRA: dict[str, int] = {
    "admin:auth_user_password_change": 200,  # setting an account's password
    "admin:otp_totp_totpdevice_config": 403,
    "admin:otp_totp_totpdevice_qrcode": 403,
}


def _admin_objects(world) -> dict[str, object]:
    """A real object of every model on the admin site, so object pages find one."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.apps import apps
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from innoplan.imports.tasks import import_job_check

    Group.objects.create(name="matrix")
    seen = {"user_agent": "test", "ip_address": "10.0.0.1", "username": "leader"}
    AccessAttempt.objects.create(
        **seen, http_accept="*/*", path_info="/", attempt_time=timezone.now(),
        get_data="", post_data="", failures_since_start=1,
    )  # fmt: skip
    AccessFailureLog.objects.create(
        **seen, http_accept="*/*", path_info="/", attempt_time=timezone.now()
    )
    AccessLog.objects.get_or_create(
        **seen, http_accept="*/*", path_info="/", attempt_time=timezone.now()
    )
    import_job_check.enqueue(world["import_job"])
    objects = {}
    for label in ADMIN_MODELS:
        model = apps.get_model(label)
        obj = model.objects.order_by("pk").first()
        assert obj is not None, f"no {label} to open on the admin site"
        objects[label] = obj.pk
    return objects


def _admin_routes():
    """(matrix key, route, model label or None) of every admin pattern."""
    for name, route, _ in routes():
        if not name.startswith("admin:"):
            continue
        label = None
        for registered in admin_site._registry:
            if route.startswith(
                f"admin/{registered._meta.app_label}/{registered._meta.model_name}/"
            ):
                label = registered._meta.label_lower
        if name == "admin:None":
            key = "admin:catch_all" if label is None else f"{label}:object"
        elif label and name in ADMIN_EXTRA:
            key = name
        elif label:
            key = f"{label}:{name.rsplit('_', 1)[-1]}"
        else:
            key = name
        yield key, route, label


def _admin_path(route: str, label: str | None, objects: dict) -> str:
    values = {"app_label": "accounts", "url": "no-such-page/", "content_type_id": 1}
    if label:
        values.update(object_id=objects[label], pk=objects[label], id=objects[label])
    else:
        values["object_id"] = 1
    return fill(route, values)


def _admin_expected(key: str) -> dict[str, int] | None:
    if key in ADMIN_PAGES:
        return None  # two rows, handled by the caller
    if key in ADMIN_EXTRA:
        return {"get": ADMIN_EXTRA[key], "post": ADMIN_EXTRA[key]}
    label, view = key.rsplit(":", 1)
    if label not in ADMIN_MODELS or view not in ADMIN_VIEWS:
        return {}
    code = int(ADMIN_MODELS[label].split()[ADMIN_VIEWS.index(view)])
    return {"get": code, "post": code}


def test_every_admin_pattern_has_an_entry():
    missing = []
    for key, route, _label in _admin_routes():
        if key not in ADMIN_PAGES and not _admin_expected(key):
            missing.append(f"{key} ({route})")
    assert missing == [], "admin patterns without an entry in the access matrix: " + ", ".join(
        missing
    )
    registered = {model._meta.label_lower for model in admin_site._registry}
    assert registered == set(ADMIN_MODELS), "models on the admin site and the matrix differ"


@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_the_admin_answer_the_matrix_gives(world, signed_in, role):
    objects = _admin_objects(world)
    wrong = []
    for key, route, label in _admin_routes():
        path = _admin_path(route, label, objects)
        for method in ("get", "post"):
            if key in ADMIN_PAGES:
                expected = _codes(ADMIN_PAGES[key][0 if method == "get" else 1])
            else:
                sysadmin = _admin_expected(key)[method]
                expected = {other: NOT_STAFF for other in ROLES} | {"sysadmin": sysadmin}
            code = expected[role]
            response = getattr(signed_in(role), method)(path)
            if response.status_code != code:
                wrong.append(
                    f"{method.upper()} {path} ({key}) as {role}: "
                    f"{response.status_code}, the matrix says {code}"
                )
    assert wrong == [], "\n".join(wrong)


def test_nobody_is_a_superuser_and_only_the_system_administrator_is_staff(world):
    from innoplan.accounts.models import User

    assert not User.objects.filter(is_superuser=True).exists()
    assert set(User.objects.filter(is_staff=True).values_list("role", flat=True)) <= {"sysadmin"}
