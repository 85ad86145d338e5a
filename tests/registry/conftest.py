"""Fixtures for the registry tests: the towns records are located in, and English messages."""

import pytest


@pytest.fixture
def town(db):
    from innoplan.accounts.choices import DepartmentKind
    from innoplan.accounts.models import Department

    return Department.objects.create(code="songzhuang", name="宋庄镇", kind=DepartmentKind.TOWN)


@pytest.fixture
def street(db):
    from innoplan.accounts.choices import DepartmentKind
    from innoplan.accounts.models import Department

    return Department.objects.create(code="beiyuan", name="北苑街道", kind=DepartmentKind.STREET)


@pytest.fixture
def english():
    """Messages in English, whatever the catalogue translates, so tests can read them."""
    from django.utils import translation

    with translation.override("en"):
        yield
