"""innoplan backup / restore: a populated database and its media files round-trip exactly,
every table compared row by row; an archive that is not a backup, or is another engine's, or
comes from newer code is refused with nothing changed."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tarfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from innoplan.audit.models import AuditEvent, ChainHead
from innoplan.plans import services as plan_services
from innoplan.plans.models import Indicator, ReportedValue
from innoplan.registry.models import Organisation, Talent
from tests.registry.builders import make_organisation, make_patent, make_talent, phone_number

AUDIT_MODELS = (AuditEvent, ChainHead)


@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def populated(media_root, plan, plan_owner, reporter_a, indicator_of_a):
    """Registers with encrypted identifiers, an m2m row, reported figures with attachments."""
    company = make_organisation("北京启明科技有限公司")
    make_patent(owners=[company])
    for serial in range(3):
        make_talent(f"人才{serial}", phone=phone_number(700 + serial), employer=company)
    group = Group.objects.create(name="备份测试组")
    reporter_a.groups.add(group)  # a row in an auto-created m2m table
    figures = []
    for month in (1, 2):
        figures.append(
            plan_services.reported_value_submit(
                indicator=indicator_of_a,
                period_kind="month",
                period_start=date(2025, month, 1),
                value=Decimal(1000 + month),
                actor=reporter_a,
                note=f"{month}月",
                attachment=SimpleUploadedFile(
                    f"统计表{month}.pdf", b"%PDF-1.4 figures " + bytes([month]) * 64
                ),
            )
        )
    plan_services.reported_value_approve(value=figures[0], actor=plan_owner)
    return figures


def every_table() -> dict[str, list[tuple]]:
    """Every row of every table the project's models (auto-created m2m tables included) and
    the migration recorder keep, ordered by primary key."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        tables[model._meta.db_table] = list(model._base_manager.order_by("pk").values_list())
    recorder = MigrationRecorder.Migration.objects.order_by("pk")
    tables["django_migrations"] = list(recorder.values_list("app", "name"))
    return tables


def media_files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_table_and_file_exactly(populated, media_root, tmp_path):
    before = every_table()
    assert before[Talent._meta.db_table] and before["accounts_user_groups"]
    files_before = media_files(media_root)
    assert len(files_before) == 2
    archive = tmp_path / "innoplan.tar"

    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "2 media file(s)" in out.getvalue()
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    assert AuditEvent.objects.filter(event="backup").count() == 1

    # Change, add and delete, in the database and on disk.
    ReportedValue.objects.get(pk=populated[1].pk).attachment.delete()
    Talent.objects.filter(name="人才0").delete()
    Indicator.objects.filter(pk=populated[0].indicator_id).update(definition="改过的口径")
    make_organisation("恢复后应消失的公司")
    Group.objects.all().delete()
    (media_root / "stray.txt").write_text("not in the backup")
    assert every_table() != before

    out = io.StringIO()
    call_command("restore", str(archive), "--yes", stdout=out)
    assert "Restored" in out.getvalue()

    after = every_table()
    assert after.keys() == before.keys()
    for table in before:
        if table in {m._meta.db_table for m in AUDIT_MODELS}:
            continue
        assert after[table] == before[table], table
    # The audit trail is the backup's, followed by the restore's own record.
    events_table = AuditEvent._meta.db_table
    assert after[events_table][: len(before[events_table])] == before[events_table]
    extra = AuditEvent.objects.order_by("pk")[len(before[events_table]) :]
    assert [e.event for e in extra] == ["restore"]
    assert ChainHead.objects.get().last_id == extra[0].pk
    assert media_files(media_root) == files_before

    # The restored database goes on: new rows get fresh keys, identifiers read back.
    make_organisation("恢复后新增的公司")
    assert Organisation.objects.count() == len(before[Organisation._meta.db_table]) + 1
    talent = Talent.objects.get(name="人才0")
    assert talent.phone() == phone_number(700)
    assert Talent.objects.with_phone(phone_number(700)).get() == talent


# --- refusals: nothing changes ------------------------------------------------------------------


def rewritten(archive: Path, target: Path, **changes) -> Path:
    """A copy of ``archive`` with its manifest changed (and the dump renamed to match)."""
    with tarfile.open(archive) as source, tarfile.open(target, "w") as copy:
        manifest = json.loads(source.extractfile("manifest.json").read())
        old_dump = manifest["dump"]
        manifest.update(changes)
        data = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        copy.addfile(info, io.BytesIO(data))
        for member in source.getmembers():
            if member.name == "manifest.json":
                continue
            content = source.extractfile(member)
            if member.name == old_dump:
                member.name = manifest["dump"]
            copy.addfile(member, content)
    return target


@pytest.fixture
def archive(populated, tmp_path) -> Path:
    path = tmp_path / "good.tar"
    call_command("backup", str(path), stdout=io.StringIO())
    return path


def refused(path: Path, match: str) -> None:
    before = every_table()
    with pytest.raises(CommandError, match=match) as error:
        call_command("restore", str(path), "--yes", stdout=io.StringIO())
    assert "Nothing was changed" in str(error.value)
    assert every_table() == before


@pytest.mark.django_db(transaction=True)
def test_a_file_that_is_not_a_backup_is_refused(populated, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    refused(text, "not an innoplan backup")
    other = tmp_path / "other.tar"
    with tarfile.open(other, "w") as tar:
        tar.add(text, arcname="notes.txt")
    refused(other, "not an innoplan backup")
    refused(tmp_path / "missing.tar", "no such file")


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_another_engine_is_refused(archive, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    dump = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[other]
    refused(rewritten(archive, tmp_path / "other.tar", engine=other, dump=dump), f"a {other}")


@pytest.mark.django_db(transaction=True)
def test_a_backup_from_newer_code_is_refused(archive, tmp_path):
    with tarfile.open(archive) as tar:
        migrations = json.loads(tar.extractfile("manifest.json").read())["migrations"]
    newer = rewritten(
        archive,
        tmp_path / "newer.tar",
        migrations=[*migrations, ["plans", "9999_from_the_future"]],
        innoplan_version="9.0.0",
    )
    refused(newer, "newer version of innoplan.*plans.9999_from_the_future")


@pytest.mark.django_db(transaction=True)
def test_a_damaged_dump_is_refused(archive, tmp_path):
    refused(rewritten(archive, tmp_path / "damaged.tar", dump_sha256="0" * 64), "damaged")


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_format_1_without_media_checksums_still_restores(archive, tmp_path):
    older = rewritten(archive, tmp_path / "format-1.tar", format_version=1, media_sha256={})
    out = io.StringIO()
    call_command("restore", str(older), "--yes", stdout=out)
    assert "Restored" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_restoring_asks_for_confirmation(archive):
    before = every_table()
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert every_table() == before


@pytest.mark.django_db(transaction=True)
def test_the_archive_holds_no_key(archive, settings):
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        content = b"".join(tar.extractfile(m).read() for m in tar.getmembers())
    assert not any("key" in name for name in names)
    for secret in (settings.INNOPLAN_FIELD_KEY, settings.INNOPLAN_AUDIT_KEY, settings.SECRET_KEY):
        assert secret.encode() not in content
    assert phone_number(700).encode() not in content  # identifiers stay encrypted


# --- truncated and corrupt archives: a message, not a traceback ----------------------------------


def truncated(archive: Path, target: Path) -> Path:
    """The archive cut to half its size, as an interrupted copy leaves it."""
    data = archive.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return target


def garbled(member: str):
    """The archive with garbage in the middle of the entry ``member`` (``media`` for the last
    media file), as a bad disk or transfer leaves it."""

    def damage(archive: Path, target: Path) -> Path:
        with tarfile.open(archive) as tar:
            members = tar.getmembers()
            found = members[-1] if member == "media" else tar.getmember(member)
        data = bytearray(archive.read_bytes())
        middle = found.offset_data + found.size // 2
        data[middle : middle + 16] = b"\xff" * 16
        target.write_bytes(bytes(data))
        return target

    return damage


def broken_header(archive: Path, target: Path) -> Path:
    """The archive with garbage where its last entry's header is: tarfile alone would take
    that for the end of the archive."""
    with tarfile.open(archive) as tar:
        offset = tar.getmembers()[-1].offset
    data = bytearray(archive.read_bytes())
    data[offset : offset + 512] = bytes(range(256)) * 2
    target.write_bytes(bytes(data))
    return target


def cut_between_entries(archive: Path, target: Path) -> Path:
    """The archive cut just before its last entry: every entry read is whole."""
    with tarfile.open(archive) as tar:
        offset = tar.getmembers()[-1].offset
    target.write_bytes(archive.read_bytes()[:offset])
    return target


def garbage(archive: Path, target: Path) -> Path:
    """No archive at all: bytes that are nothing."""
    target.write_bytes(bytes(range(256)) * 64)
    return target


DUMP = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[connection.vendor]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("damage", "what"),
    [
        (truncated, r" is truncated: the archive ends before its last entry"),
        (cut_between_entries, r" is truncated: the archive ends before its last entry"),
        (garbled(DUMP), r": the database dump is damaged \(checksum mismatch\)"),
        (garbled("media"), r": the media file \S+\.pdf is damaged \(checksum mismatch\)"),
        (broken_header, r" is damaged: there is no readable entry at byte \d+"),
        (garbage, r" is not an innoplan backup \(not a tar archive\)"),
    ],
    ids=[
        "truncated",
        "cut-between-entries",
        "garbled-dump",
        "garbled-media",
        "broken-header",
        "garbage",
    ],
)
def test_a_truncated_or_corrupt_archive_is_refused_with_a_message_naming_it(
    archive, tmp_path, media_root, damage, what
):
    damaged = damage(archive, tmp_path / "damaged.tar")
    files_before = media_files(media_root)
    before = every_table()
    with pytest.raises(CommandError) as error:
        call_command("restore", str(damaged), "--yes", stdout=io.StringIO())
    message = str(error.value)
    assert re.match(re.escape(str(damaged)) + what, message), message
    assert "Nothing was changed" in message
    assert "\n" not in message.strip()
    assert every_table() == before
    assert media_files(media_root) == files_before


@pytest.mark.django_db(transaction=True)
def test_the_command_line_says_so_in_one_line_and_exits_non_zero(archive, tmp_path):
    damaged = truncated(archive, tmp_path / "half.tar")
    result = subprocess.run(
        [sys.executable, "-m", "innoplan.cli", "restore", str(damaged), "--yes"],
        capture_output=True,
        text=True,
        # A throwaway installation: were the archive taken, nothing real would be replaced.
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "innoplan.settings",
            "INNOPLAN_VAR_DIR": str(tmp_path / "var"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'innoplan.sqlite3'}",
        },
        timeout=120,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(damaged) in lines[0], result.stderr
