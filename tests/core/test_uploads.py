"""Uploads kept while a refused form is shown again: signed for their owner, discarded when
used or after a day."""

from __future__ import annotations

import os
import time
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from innoplan.core import uploads
from innoplan.core.schedule import daily_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name="名单.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 list", content_type="application/pdf")


def test_a_kept_upload_opens_again_for_its_owner_only(reporter_a, reporter_b):
    kept = uploads.keep_upload(pdf(), owner=reporter_a)
    again = uploads.kept_upload(kept.token, owner=reporter_a)
    assert again.name == "名单.pdf"
    with again.open() as file:
        assert (file.name, file.read()) == ("名单.pdf", b"%PDF-1.4 list")
    with pytest.raises(ValidationError, match="请重新选择"):
        uploads.kept_upload(kept.token, owner=reporter_b)
    uploads.discard_kept_upload(again)
    with pytest.raises(ValidationError, match="请重新选择"):
        uploads.kept_upload(kept.token, owner=reporter_a)


def test_kept_uploads_older_than_a_day_are_discarded_by_the_daily_job(reporter_a):
    old = uploads.keep_upload(pdf("旧.pdf"), owner=reporter_a)
    fresh = uploads.keep_upload(pdf("新.pdf"), owner=reporter_a)
    two_days_ago = time.time() - 2 * 86400
    os.utime(default_storage.path(old.stored), (two_days_ago, two_days_ago))
    job = daily_jobs()["core.discard_kept_uploads"]
    assert job(date.today()) == 1
    assert not default_storage.exists(old.stored)
    assert default_storage.exists(fresh.stored)
    assert job(date.today() + timedelta(days=2)) == 1
    assert job(date.today()) == 0  # nothing left: safe to run again
