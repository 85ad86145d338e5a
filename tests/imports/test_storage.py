"""What an import keeps of an upload: encrypted with the field key, only while it is needed,
and re-encrypted when the key is rotated."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from innoplan.imports import services, storage
from innoplan.imports.models import ImportJob
from innoplan.registry.models import Talent
from tests.registry.builders import id_number

pytestmark = pytest.mark.django_db

PHONE = "13900139007"


def talent_file(count=2) -> bytes:
    book = Workbook()
    book.active.append(["姓名", "身份证号码", "手机号码"])
    for n in range(count):
        book.active.append([f"测试{n}", id_number(70 + n), PHONE if n == 0 else ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def stored_files(root: Path) -> list[Path]:
    return [Path(d) / f for d, _, files in os.walk(root) for f in files]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(actor, data=None) -> ImportJob:
    return services.import_job_create(
        importer="talents",
        upload=SimpleUploadedFile("人才.xlsx", data or talent_file()),
        actor=actor,
    )


def test_a_kept_upload_holds_no_id_number_or_phone_in_clear(plan_owner, media):
    data = talent_file()
    job = upload(plan_owner, data)
    assert job.status == ImportJob.Status.CHECKED
    [kept] = stored_files(media)
    raw = kept.read_bytes()
    assert not raw.startswith(b"PK")  # not the workbook as uploaded
    assert id_number(70).encode() not in raw and PHONE.encode() not in raw
    assert storage.read(job) == data  # the import reads it back whole


def test_the_kept_upload_is_deleted_once_the_import_ends(plan_owner, media):
    job = upload(plan_owner)
    job = services.import_job_confirm(job=job, actor=plan_owner)
    assert job.status == ImportJob.Status.APPLIED
    assert Talent.objects.count() == 2
    assert stored_files(media) == []
    assert job.report["counts"]["new"] == 2  # the report stays


def test_a_checked_upload_never_confirmed_is_deleted_after_the_keeping_days(
    plan_owner, media, settings
):
    settings.INNOPLAN_IMPORT_KEEP_DAYS = 7
    old, recent = upload(plan_owner), upload(plan_owner)
    ImportJob.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=8))
    assert len(stored_files(media)) == 2

    assert services.kept_files_discard() == 1
    assert services.kept_files_discard() == 0  # run twice: nothing more
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file and recent.file
    assert [p.name for p in stored_files(media)] == [Path(recent.file.name).name]
    # A job without its file cannot be confirmed any more: it says so, and writes nothing.
    old = services.import_job_confirm(job=old, actor=plan_owner)
    assert old.status == ImportJob.Status.FAILED and old.error
    assert not Talent.objects.exists()


def test_the_discard_runs_every_day(plan_owner):
    from innoplan.core.schedule import daily_jobs

    assert "imports.discard_kept_files" in daily_jobs()


def test_a_key_rotation_reencrypts_the_kept_uploads(plan_owner, tmp_path, monkeypatch):
    from django.core.management import call_command
    from django.test import override_settings

    from innoplan.core.crypto import key_id

    monkeypatch.delenv("INNOPLAN_FIELD_KEY", raising=False)
    monkeypatch.delenv("INNOPLAN_FIELD_KEY_FILE", raising=False)
    var = tmp_path / "var"
    var.mkdir()
    (var / "field_key").write_text("the old field key\n")
    with override_settings(
        VAR_DIR=var, INNOPLAN_FIELD_KEY="the old field key", INNOPLAN_FIELD_KEY_PREVIOUS=[]
    ):
        job = upload(plan_owner)
        [kept] = stored_files(tmp_path / "media")
        assert kept.read_bytes().startswith(f"aesgcm1:{key_id('the old field key')}:".encode())

        out = io.StringIO()
        call_command("rotate-field-key", stdout=out)

        new = (var / "field_key").read_text().strip()
        assert kept.read_bytes().startswith(f"aesgcm1:{key_id(new)}:".encode())
        assert "imports.kept_file: 1" in out.getvalue()
        job = services.import_job_confirm(job=job, actor=plan_owner)  # readable, and imported
        assert job.status == ImportJob.Status.APPLIED and Talent.objects.count() == 2
