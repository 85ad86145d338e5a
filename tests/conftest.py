"""Shared personas and the Tongzhou plan, for every test that needs the database.

The personas: a plan owner (区科委), two department reporters (A and B), a district leader
and the three administrators (三员: system, security and audit administrator).

Every persona has a fresh password (no forced change). The administrators and the plan owner
(who may unmask personal data) have a confirmed TOTP device, and the ``client`` fixture's
``force_login`` marks the session as having passed the second factor for any user with a
confirmed device, so tests reach the pages behind the identity gates; tests of the gates
themselves use ``Client`` from django.test directly.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from innoplan.accounts.choices import ADMINISTRATOR_ROLES, Role

pytest_plugins = ["tests.browser"]

PLAN_FIXTURE = (
    Path(__file__).resolve().parent.parent / "src/innoplan/plans/fixtures/tongzhou_2024.yaml"
)
PASSWORD = "Innoplan-2024!"


@pytest.fixture(autouse=True)
def _static_files_from_finders(settings):
    """Serve static files by their plain names from the apps and node_modules, so tests need
    no collectstatic run and the live server finds every file; production keeps the manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language (zh-hans): a request served in English
    leaves English active on the thread, which would leak into the next test's messages."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def departments(db):
    from innoplan.accounts.models import Department

    a = Department.objects.create(code="dept-a", name="区科委", position=1)
    b = Department.objects.create(code="dept-b", name="区经济和信息化局", position=2)
    return a, b


def confirmed_totp_device(user):
    """The user's confirmed TOTP device, created if missing."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def mark_otp_verified(client, user):
    """Mark the client's session as having passed the second factor with the user's device."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


class GatedClient(Client):
    """A test client whose ``force_login`` also passes the second factor when the user has a
    confirmed device, as a real login followed by a valid token would."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        mark_otp_verified(self, user)


@pytest.fixture
def client():
    return GatedClient()


@pytest.fixture
def login_client(db):
    """``login_client(user)``: a new client logged in as ``user`` past every identity gate."""

    def make(user, **kwargs):
        logged_in = GatedClient(**kwargs)
        logged_in.force_login(user)
        return logged_in

    return make


def _user(username, role, department=None):
    from innoplan.accounts.models import User

    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        department=department,
        # The system administrator's pages are on the admin site (granted by rules, 三员).
        is_staff=role == Role.SYSTEM_ADMIN,
    )
    if role in ADMINISTRATOR_ROLES or user.second_factor_required:
        confirmed_totp_device(user)
    return user


@pytest.fixture
def plan_owner(departments):
    return _user("owner", Role.PLAN_OWNER, departments[0])


@pytest.fixture
def reporter_a(departments):
    return _user("reporter_a", Role.REPORTER, departments[0])


@pytest.fixture
def reporter_b(departments):
    return _user("reporter_b", Role.REPORTER, departments[1])


@pytest.fixture
def leader(db):
    return _user("leader", Role.LEADER)


@pytest.fixture
def steward(db):
    """A data steward who keeps the enterprises and their qualifications (only)."""
    from innoplan.registry.models import RegisterGroup, RegisterSteward

    user = _user("steward", Role.DATA_STEWARD)
    RegisterSteward.objects.create(user=user, group=RegisterGroup.ENTERPRISES)
    return user


@pytest.fixture
def sysadmin(db):
    return _user("sysadmin", Role.SYSTEM_ADMIN)


@pytest.fixture
def security_admin(db):
    return _user("secadmin", Role.SECURITY_ADMIN)


@pytest.fixture
def audit_admin(db):
    return _user("auditadmin", Role.AUDIT_ADMIN)


@pytest.fixture
def plan(db):
    from innoplan.plans.ingest.schema import read_plan_file
    from innoplan.plans.services import plan_load

    return plan_load(document=read_plan_file(PLAN_FIXTURE)).plan


@pytest.fixture
def indicator_of_a(plan, departments):
    """高新技术企业, reported by department A."""
    indicator = plan.indicators.get(name="高新技术企业")
    indicator.department = departments[0]
    indicator.save()
    return indicator


@pytest.fixture
def indicator_of_b(plan, departments):
    """子基金总规模, reported by department B."""
    indicator = plan.indicators.get(name="子基金总规模")
    indicator.department = departments[1]
    indicator.save()
    return indicator


# --- task supervision -------------------------------------------------------------------------

# The day the supervision scene is seen from: every milestone state is present on it.
SUPERVISION_DAY = date(2026, 9, 30)


@pytest.fixture
def supervision_scene(plan, departments, plan_owner, reporter_a, reporter_b):
    """Milestones of the Tongzhou plan in every state as of ``SUPERVISION_DAY`` (2026-09-30),
    written straight to the tables with the dates the story needs; no notice raised yet.

    - ``not_started``: task 1, dept A, due 2026-12-31, no update;
    - ``in_progress``: task 1, dept A, due 2026-10-05 (inside the 7-day reminder window),
      40 % on 2026-09-01;
    - ``done``: task 2, dept A, due 2026-09-15, reported done 2026-09-10 and accepted;
    - ``overdue``: task 3, dept A, due 2026-09-10 (20 days late), 30 % on 2026-08-20;
    - ``done_late``: task 4, dept B, due 2026-08-31, reported done 2026-09-12, accepted;
    - ``overdue_b``: task 5, dept B, due 2026-09-25 (5 days late), never started;
    - ``submitted``: task 6, dept B, due 2026-10-20, reported done 2026-09-28, waiting.
    The project ``institute`` (task 3, dept A) holds ``overdue``."""
    from types import SimpleNamespace

    from innoplan.supervision.choices import Review, Stage, UpdateKind
    from innoplan.supervision.models import Milestone, ProgressUpdate, Project

    a, b = departments
    tasks = {task.number: task for task in plan.tasks.all()}
    institute = Project.objects.create(
        task=tasks[3], name="新型研发机构落地", lead_department=a, stage="under_way"
    )

    def milestone(name, task, dept, due, stage=Stage.PLANNED, project=None, **extra):
        return Milestone.objects.create(
            task=tasks[task],
            title=name,
            deliverable=f"{name}的成果",
            due_on=due,
            lead_department=dept,
            stage=stage,
            project=project,
            created_by=plan_owner,
            **extra,
        )

    def update(m, on, author, kind=UpdateKind.PROGRESS, percent=None, review=Review.NOT_NEEDED):
        return ProgressUpdate.objects.create(
            milestone=m,
            kind=kind,
            reported_on=on,
            narrative=f"{m.title}进展",
            percent=percent,
            author=author,
            department=author.department,
            review=review,
            reviewed_by=plan_owner if review == Review.ACCEPTED else None,
        )

    scene = SimpleNamespace(day=SUPERVISION_DAY, project=institute, a=a, b=b)
    scene.not_started = milestone("制定入库培育方案", 1, a, date(2026, 12, 31))
    scene.in_progress = milestone(
        "完成首批企业遴选", 1, a, date(2026, 10, 5), Stage.IN_PROGRESS, percent=40
    )
    update(scene.in_progress, date(2026, 9, 1), reporter_a, percent=40)
    scene.done = milestone(
        "出台支持政策",
        2,
        a,
        date(2026, 9, 15),
        Stage.DONE,
        percent=100,
        completed_on=date(2026, 9, 10),
    )
    update(scene.done, date(2026, 9, 10), reporter_a, UpdateKind.COMPLETION, 100, Review.ACCEPTED)
    scene.overdue = milestone(
        "研发机构签约落地", 3, a, date(2026, 9, 10), Stage.IN_PROGRESS, institute, percent=30
    )
    update(scene.overdue, date(2026, 8, 20), reporter_a, percent=30)
    scene.done_late = milestone(
        "基金设立",
        4,
        b,
        date(2026, 8, 31),
        Stage.DONE,
        percent=100,
        completed_on=date(2026, 9, 12),
    )
    update(
        scene.done_late, date(2026, 9, 12), reporter_b, UpdateKind.COMPLETION, 100, Review.ACCEPTED
    )
    scene.overdue_b = milestone("平台授牌", 5, b, date(2026, 9, 25))
    scene.submitted = milestone(
        "举办对接活动", 6, b, date(2026, 10, 20), Stage.SUBMITTED, percent=100
    )
    scene.submitted_update = update(
        scene.submitted, date(2026, 9, 28), reporter_b, UpdateKind.COMPLETION, 100, Review.PENDING
    )
    return scene
