"""The import pages are tried on the registry's importers: its fixtures serve here too."""

from tests.registry.conftest import english, street, town  # noqa: F401
