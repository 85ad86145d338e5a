"""Oversized uploads and wrong file types are refused before the application reads them, with
a clear message and nothing stored. What tests/registry/test_import_views.py and
tests/plans/test_views.py already cover (a file over the import limit; binary, damaged and
old-style files as imports; an .exe as an attachment) is not repeated here; this adds:

- an attachment over the size limit, through the form and straight to the service;
- proof that neither the attachment check nor the import reads an oversized file: the
  upload's ``read``/``chunks``/``open`` fail the test if called;
- file names that try to pass for an allowed type (double extensions, case, no extension,
  HTML and SVG that a browser would run);
- an attachment, whatever its bytes, is downloaded as an attachment with ``nosniff``, never
  rendered in the site's origin.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.urls import reverse

from innoplan.imports.models import ImportJob
from innoplan.plans.models import ReportedValue
from innoplan.plans.services import reported_value_submit

pytestmark = pytest.mark.django_db


class Unreadable(UploadedFile):
    """An upload of a declared size whose content must not be touched."""

    def __init__(self, name: str, size: int):
        super().__init__(file=None, name=name, content_type="application/octet-stream", size=size)

    def read(self, *args, **kwargs):
        raise AssertionError("the upload was read")

    def chunks(self, *args, **kwargs):
        raise AssertionError("the upload was read")

    def open(self, *args, **kwargs):
        raise AssertionError("the upload was opened")

    def multiple_chunks(self, *args, **kwargs):
        raise AssertionError("the upload was read")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def report(client, indicator, attachment, period="2025-03"):
    return client.post(
        reverse("plans:report_create", args=[indicator.pk]),
        {
            "period_kind": "month",
            "period": period,
            "value": "900",
            "note": "",
            "attachment": attachment,
        },
    )


# --- attachments -----------------------------------------------------------------------------


def test_an_attachment_over_the_limit_is_refused_on_the_form(
    client, reporter_a, indicator_of_a, media, settings
):
    settings.UPLOAD_MAX_BYTES = 4096
    client.force_login(reporter_a)
    big = SimpleUploadedFile("名单.pdf", b"%PDF-1.4 " + b"0" * 8192, content_type="application/pdf")
    response = report(client, indicator_of_a, big)
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["attachment"])
    assert "MB" in errors
    assert not ReportedValue.objects.exists()
    assert stored(media) == []


def test_an_oversized_attachment_is_refused_before_it_is_read(
    indicator_of_a, reporter_a, media, settings
):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as refused:
        reported_value_submit(
            indicator=indicator_of_a,
            period_kind="month",
            period_start=date(2025, 3, 1),
            value=Decimal(900),
            actor=reporter_a,
            attachment=Unreadable("名单.pdf", 50 * 1024 * 1024),
        )
    assert "attachment" in refused.value.message_dict
    assert not ReportedValue.objects.exists()
    assert stored(media) == []


@pytest.mark.parametrize(
    "name",
    [
        "名单.pdf.exe",
        "名单.PDF.EXE",
        "名单",
        "名单.",
        "page.html",
        "page.htm",
        "image.svg",
        "script.js",
        "名单.pdf\x00.exe",
        "archive.zip",
    ],
)
def test_an_attachment_that_is_no_allowed_type_is_refused_before_it_is_read(
    indicator_of_a, reporter_a, media, name
):
    with pytest.raises(ValidationError) as refused:
        reported_value_submit(
            indicator=indicator_of_a,
            period_kind="month",
            period_start=date(2025, 3, 1),
            value=Decimal(900),
            actor=reporter_a,
            attachment=Unreadable(name, 100),
        )
    assert "attachment" in refused.value.message_dict
    assert not ReportedValue.objects.exists()
    assert stored(media) == []


@pytest.mark.parametrize("name", ["page.html", "image.svg", "名单.pdf.exe"])
def test_a_dangerous_file_name_is_refused_on_the_form(
    client, reporter_a, indicator_of_a, media, name
):
    client.force_login(reporter_a)
    upload = SimpleUploadedFile(name, b"<script>alert(1)</script>", content_type="text/html")
    response = report(client, indicator_of_a, upload)
    assert response.status_code == 400
    assert response.context["form"].errors["attachment"]
    assert not ReportedValue.objects.exists()
    assert stored(media) == []


def test_an_attachment_is_downloaded_never_rendered(
    client, reporter_a, indicator_of_a, plan_owner, media
):
    # HTML bytes under an allowed name are refused by their first bytes, before being stored.
    disguised = SimpleUploadedFile("名单.pdf", b"<html><script>alert(1)</script></html>")
    submit = {
        "indicator": indicator_of_a,
        "period_kind": "month",
        "period_start": date(2025, 3, 1),
        "value": Decimal(900),
        "actor": reporter_a,
    }
    with pytest.raises(ValidationError) as refused:
        reported_value_submit(**submit, attachment=disguised)
    assert "名单.pdf" in refused.value.message_dict["attachment"][0]
    assert stored(media) == []
    # A real PDF is stored, and the browser must save it, not show it on this site.
    value = reported_value_submit(
        **submit, attachment=SimpleUploadedFile("名单.pdf", b"%PDF-1.4\n%%EOF\n")
    )
    client.force_login(plan_owner)
    response = client.get(reverse("plans:report_attachment", args=[value.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "html" not in response["Content-Type"]


# --- imports ---------------------------------------------------------------------------------


def test_an_oversized_import_is_refused_before_it_is_read(plan_owner, media, settings):
    from innoplan.imports.services import import_job_create
    from innoplan.tabular.report import ImportFileError

    settings.INNOPLAN_IMPORT_MAX_BYTES = 1024 * 1024
    with pytest.raises(ImportFileError, match="MB"):
        import_job_create(
            importer="organisations",
            upload=Unreadable("机构名单.xlsx", 200 * 1024 * 1024),
            actor=plan_owner,
        )
    assert not ImportJob.objects.exists()
    assert stored(media) == []


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("机构名单.xlsx.exe", b"MZ\x90\x00" + b"\x00" * 100),
        ("机构名单.xlsx", b"MZ\x90\x00" + b"\x00" * 100),
        ("机构名单.json", b'{"a": 1}'),
    ],
)
def test_an_import_that_is_no_spreadsheet_is_refused_with_nothing_stored(
    client, plan_owner, media, name, data
):
    client.force_login(plan_owner)
    response = client.post(
        reverse("registry:import_list"),
        {"importer": "organisations", "file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()
    assert stored(media) == []


def test_the_upload_limits_default_to_twenty_and_fifty_megabytes(monkeypatch):
    import importlib

    from innoplan import settings as project_settings

    monkeypatch.delenv("INNOPLAN_UPLOAD_MAX_BYTES", raising=False)
    monkeypatch.delenv("INNOPLAN_IMPORT_MAX_BYTES", raising=False)
    reloaded = importlib.reload(project_settings)
    assert reloaded.UPLOAD_MAX_BYTES == 20 * 1024 * 1024
    assert reloaded.INNOPLAN_IMPORT_MAX_BYTES == 50 * 1024 * 1024
    # A request body without files is capped just above the attachment limit.
    assert reloaded.DATA_UPLOAD_MAX_MEMORY_SIZE <= reloaded.UPLOAD_MAX_BYTES + 2 * 1024 * 1024
