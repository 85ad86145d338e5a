"""Shared personas and the Tongzhou plan, for every test that needs the database.

The personas: a plan owner (区科委), two department reporters (A and B), a district leader
and a system administrator.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from innoplan.accounts.choices import Role

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


def _user(username, role, department=None):
    from innoplan.accounts.models import User

    return User.objects.create_user(
        username=username, password=PASSWORD, role=role, department=department
    )


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
def sysadmin(db):
    return _user("sysadmin", Role.SYSTEM_ADMIN)


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
