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
    """``innoplan audit verify``: (exit status, its message). The message is the verdict: the
    error, or the first line printed; ``full=True`` gives everything printed, the error last."""

    def run(*, full: bool = False) -> tuple[int, str]:
        from io import StringIO

        out = StringIO()
        try:
            call_command("audit", "verify", stdout=out)
        except CommandError as error:
            printed = out.getvalue().strip()
            return error.returncode, f"{printed}\n{error}".strip() if full else str(error)
        printed = out.getvalue().strip()
        return 0, printed if full else printed.splitlines()[0]

    return run
