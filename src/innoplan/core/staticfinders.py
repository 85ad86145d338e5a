"""The front-end packages' files the pages use, found in node_modules — those and no others.

The packages' dist folders hold some 55 MB (every build of ECharts, source maps, ESM copies);
the pages load four files. Collecting only these (and the source maps they name, which the
manifest storage must find) keeps `collectstatic` and the deployed static folder small.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

# URL prefix -> (package folder under node_modules, the files the pages use).
VENDOR_FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "vendor/bootstrap": (
        "bootstrap/dist",
        (
            "css/bootstrap.min.css",
            "css/bootstrap.min.css.map",
            "js/bootstrap.bundle.min.js",
            "js/bootstrap.bundle.min.js.map",
        ),
    ),
    "vendor/echarts": ("echarts/dist", ("echarts.min.js",)),
    "vendor/htmx": ("htmx.org/dist", ("htmx.min.js",)),
}


class VendorFinder(BaseFinder):
    """Finds ``vendor/<package>/<file>`` for the files listed in ``VENDOR_FILES``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storages = {
            prefix: FileSystemStorage(location=settings.NODE_MODULES / folder)
            for prefix, (folder, _files) in VENDOR_FILES.items()
        }
        for prefix, storage in self.storages.items():
            storage.prefix = prefix

    def check(self, **kwargs):
        return [
            Error(
                f"{prefix}/{name} is missing from node_modules/{folder}",
                hint="Run `make install` (npm ci) to install the front-end packages.",
                id="innoplan.E001",
            )
            for prefix, (folder, files) in VENDOR_FILES.items()
            for name in files
            if not self.storages[prefix].exists(name)
        ]

    def find(self, path, find_all=False, **kwargs):
        find_all = find_all or kwargs.get("all", False)  # the name before Django 5.2
        found = []
        for prefix, (_folder, files) in VENDOR_FILES.items():
            name = path.removeprefix(prefix + "/")
            if name != path and name in files and self.storages[prefix].exists(name):
                match = self.storages[prefix].path(name)
                if not find_all:
                    return match
                found.append(match)
        return found

    def list(self, ignore_patterns):
        for prefix, (_folder, files) in VENDOR_FILES.items():
            storage = self.storages[prefix]
            for name in files:
                if storage.exists(name):
                    yield name, storage
