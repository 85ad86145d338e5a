"""django-auditlog's flush command is replaced by one that refuses."""

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError

from tests.registry.builders import make_organisation

pytestmark = pytest.mark.django_db


def test_auditlogflush_is_the_audit_apps_and_refuses():
    assert get_commands()["auditlogflush"] == "innoplan.audit"
    make_organisation("北京智云科技有限公司")
    count = LogEntry.objects.count()
    with pytest.raises(CommandError, match="append-only"):
        call_command("auditlogflush", "--yes")
    assert LogEntry.objects.count() == count
