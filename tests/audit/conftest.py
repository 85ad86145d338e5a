import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


@pytest.fixture(autouse=True)
def _english(_default_language):
    """Messages in English, whatever the catalogue holds: the tests read the commands' words."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def verify_output():
    """``innoplan audit verify``: (exit status, its message)."""

    def run() -> tuple[int, str]:
        from io import StringIO

        out = StringIO()
        try:
            call_command("audit", "verify", stdout=out)
        except CommandError as error:
            return error.returncode, str(error)
        return 0, out.getvalue().strip()

    return run
