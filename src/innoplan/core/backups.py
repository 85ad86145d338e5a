"""Backups of innoplan's data: the database and the uploaded files, in one archive.

A backup is a tar archive holding:

- ``manifest.json``: what the archive is (format and version), when it was made, from which
  database engine and database, by which versions of innoplan and Django, the migrations the
  database had, the SHA-256 of the dump and of each media file (since format 2);
- the database dump: ``database.sqlite3`` (SQLite's online backup API, a consistent copy taken
  while the server runs, never a file copy) or ``database.pgdump`` (``pg_dump`` custom format);
- ``media/…``: every file under ``MEDIA_ROOT`` (attachments of reported figures, uploaded import
  files), which the database names and a restore needs.

What is deliberately NOT in it: the keys under ``var/`` (``field_key``, ``field_key.previous``,
``audit_key``, ``secret_key``) or given by the environment. The identifiers in the dump stay
encrypted; a stolen archive without the field key reveals no ID number or phone. Keep the keys
backed up separately, in another place: a restored database without its field key has lost
every ID number and phone, and one without its audit key fails ``innoplan audit verify``.

A restore checks the whole archive (that it is a whole, readable tar archive, then format,
engine, migrations, checksum) before it touches anything; a refused archive changes nothing.
An archive cut short (an interrupted copy) or with garbage in it is refused with one message
naming the file and what is wrong, never a traceback.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "innoplan-backup"
# 2: each media file's SHA-256 in the manifest (format 1 archives are still read).
FORMAT_VERSION = 2
MANIFEST = "manifest.json"
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA_DIR = "media"
CHUNK = 1 << 20
# tarfile ends an archive with two zero blocks: an archive without them was cut short.
END_OF_ARCHIVE = bytes(2 * tarfile.BLOCKSIZE)


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, for the operator."""


class MediaRestoreError(BackupError):
    """The database was restored but the media files could not be replaced."""


@dataclass
class Manifest:
    engine: str
    database: str
    created: str
    innoplan_version: str
    django_version: str
    migrations: list[list[str]]
    dump: str
    dump_sha256: str
    dump_bytes: int
    media_files: int = 0
    media: list[str] = field(default_factory=list)
    media_sha256: dict[str, str] = field(default_factory=dict)
    format: str = FORMAT
    format_version: int = FORMAT_VERSION


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _innoplan_version() -> str:
    try:
        return importlib.metadata.version("innoplan")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - run from a checkout
        return "unknown"


def _applied_migrations(connection) -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def _engine(connection) -> str:
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")
    return connection.vendor


def _media_files(media_root: Path) -> list[Path]:
    """Regular files under ``media_root``, sorted; links are not followed (a link could lead
    out of the directory)."""
    if not media_root.is_dir():
        return []
    found = []
    for directory, dirs, files in os.walk(media_root, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return found


# --- the database engines ---------------------------------------------------------------------


def _pg_command(program: str, settings_dict: dict, *args: str) -> tuple[list[str], dict]:
    """The command line and environment for a PostgreSQL client program; the password goes
    through PGPASSWORD, never on the command line (where ``ps`` would show it)."""
    binary = shutil.which(program)
    if binary is None:
        raise BackupError(
            f"{program} is not installed: install the PostgreSQL client programs of the "
            "server's major version"
        )
    command = [binary, "--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            command += [option, str(settings_dict[key])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if options.get(option):
            env[variable] = str(options[option])
    return [*command, *args], env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(
            f"{Path(command[0]).name} failed (exit {result.returncode}): "
            f"{result.stderr.strip() or result.stdout.strip()}"
        )


def _dump(connection, target: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        if connection.in_atomic_block:
            # The copy would wait for this very connection's open transaction.
            raise BackupError("a backup cannot run inside a transaction")
        destination = sqlite3.connect(target)
        try:
            # Pages are copied under SQLite's own locking: a consistent snapshot, even while
            # the server writes.
            connection.connection.backup(destination)
        finally:
            destination.close()
        return
    command, env = _pg_command(
        "pg_dump",
        connection.settings_dict,
        "--format=custom",
        "--file",
        str(target),
        connection.settings_dict["NAME"],
    )
    _run(command, env)


def _load(connection, source: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise BackupError("a restore cannot run inside a transaction")
        origin = sqlite3.connect(source)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
        return
    # Our own session must hold no lock the restore's DROPs would wait for.
    connection.close()
    command, env = _pg_command(
        "pg_restore",
        connection.settings_dict,
        "--clean",
        "--if-exists",
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        "--no-privileges",
        "--dbname",
        connection.settings_dict["NAME"],
        str(source),
    )
    _run(command, env)
    connection.close()


# --- making a backup ----------------------------------------------------------------------------


def backup_create(path: Path, *, using: str = "default") -> Manifest:
    """Write a backup of the database and the media files to ``path`` (replaced atomically,
    readable by its owner only)."""
    connection = connections[using]
    engine = _engine(connection)
    path = Path(path)
    media_root = Path(settings.MEDIA_ROOT)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".innoplan-backup-") as work:
        dump = Path(work) / DUMP_NAMES[engine]
        created = timezone.now()
        migrations = _applied_migrations(connection)
        _dump(connection, dump)
        media = _media_files(media_root)
        manifest = Manifest(
            engine=engine,
            database=str(connection.settings_dict.get("NAME", "")),
            created=created.isoformat(),
            innoplan_version=_innoplan_version(),
            django_version=django.get_version(),
            migrations=migrations,
            dump=dump.name,
            dump_sha256=_sha256(dump),
            dump_bytes=dump.stat().st_size,
            media_files=len(media),
            media=[p.relative_to(media_root).as_posix() for p in media],
            media_sha256={p.relative_to(media_root).as_posix(): _sha256(p) for p in media},
        )
        archive = Path(work) / "archive.tar"
        descriptor = os.open(archive, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle, tarfile.open(fileobj=handle, mode="w") as tar:
            data = json.dumps(asdict(manifest), ensure_ascii=False, indent=2).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(created.timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=dump.name, recursive=False)
            for file, name in zip(media, manifest.media, strict=True):
                tar.add(file, arcname=f"{MEDIA_DIR}/{name}", recursive=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(archive, path)
    return manifest


# --- reading and restoring ----------------------------------------------------------------------


def _known_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


class _Truncated(Exception):
    """The archive ends before tarfile's end marker."""


class _BadHeader(Exception):
    """Where tarfile stopped reading is neither an entry nor the end marker."""

    def __init__(self, offset: int):
        super().__init__(f"no readable entry at byte {offset}")
        self.offset = offset


def _unreadable(path: Path, error: BaseException) -> BackupError:
    """What is wrong with an archive that cannot be read, for the operator: cut short (an
    interrupted copy, a full disk), damaged, or not readable at all."""
    if isinstance(error, _Truncated | EOFError) or "unexpected end of data" in str(error):
        return BackupError(
            f"{path} is truncated: the archive ends before its last entry (an interrupted copy "
            "or a full disk?); copy the backup again"
        )
    if isinstance(error, _BadHeader):
        return BackupError(
            f"{path} is damaged: there is no readable entry at byte {error.offset} (garbage in "
            "the archive); use another copy of the backup"
        )
    if isinstance(error, tarfile.TarError):
        return BackupError(f"{path} is damaged: it cannot be read as a tar archive ({error})")
    reason = getattr(error, "strerror", None) or str(error)
    return BackupError(f"{path} cannot be read: {reason}")


def _members(tar: tarfile.TarFile) -> dict[str, tarfile.TarInfo]:
    """Every entry of the archive, which must run to tarfile's end marker. tarfile itself
    takes an archive that stops short, or a garbled header, for the end of the archive."""
    members = {m.name: m for m in tar.getmembers()}
    tar.fileobj.seek(tar.offset)
    tail = tar.fileobj.read(len(END_OF_ARCHIVE))
    if len(tail) < len(END_OF_ARCHIVE):
        raise _Truncated
    if tail != END_OF_ARCHIVE:
        raise _BadHeader(tar.offset)
    return members


def _safe_member(name: str) -> bool:
    pure = PurePosixPath(name)
    return not pure.is_absolute() and ".." not in pure.parts and name == pure.as_posix()


def backup_inspect(path: Path, *, using: str = "default") -> Manifest:
    """The archive's manifest, once the archive is known to be an innoplan backup this code
    and this database can restore; otherwise a BackupError saying why. Reads only."""
    path = Path(path)
    connection = connections[using]
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        if not tarfile.is_tarfile(path):
            raise BackupError(f"{path} is not an innoplan backup (not a tar archive)")
        manifest = _inspect_archive(path)
    except (tarfile.TarError, EOFError, OSError, _Truncated, _BadHeader) as error:
        raise _unreadable(path, error) from None
    engine = _engine(connection)
    if manifest.engine != engine:
        raise BackupError(
            f"{path} is a backup of a {manifest.engine} database; this installation uses "
            f"{engine}. Restore it into a {manifest.engine} installation (or move the data "
            "with dumpdata/loaddata)."
        )
    unknown = sorted(
        f"{app}.{name}"
        for app, name in manifest.migrations
        if (app, name) not in _known_migrations()
    )
    if unknown:
        raise BackupError(
            f"{path} comes from a newer version of innoplan ({manifest.innoplan_version}): "
            f"its database has migrations this code does not know ({', '.join(unknown[:5])}"
            f"{' …' if len(unknown) > 5 else ''}). Install that version, then restore."
        )
    return manifest


def _inspect_archive(path: Path) -> Manifest:
    """The manifest, once every entry has been read and the dump's checksum matches."""
    with tarfile.open(path, mode="r:") as tar:
        members = _members(tar)
        raw = tar.extractfile(members[MANIFEST]) if MANIFEST in members else None
        if raw is None:
            raise BackupError(f"{path} is not an innoplan backup (no {MANIFEST})")
        try:
            data = json.loads(raw.read().decode("utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError
            version = int(data.get("format_version", 0))
        except (ValueError, TypeError, AttributeError):
            raise BackupError(f"{path} is not an innoplan backup (unreadable manifest)") from None
        if version > FORMAT_VERSION:
            raise BackupError(
                f"{path} was written in backup format {version}; this version of innoplan "
                f"reads up to format {FORMAT_VERSION}"
            )
        try:
            manifest = Manifest(**data)
        except TypeError:
            raise BackupError(f"{path} is not an innoplan backup (unreadable manifest)") from None
        unsafe = [n for n, m in members.items() if not _safe_member(n) or not m.isfile()]
        if unsafe:
            raise BackupError(f"{path} holds entries a backup never has: {unsafe[:3]}")
        if manifest.dump not in members or manifest.dump != DUMP_NAMES.get(manifest.engine):
            raise BackupError(f"{path} lacks its database dump")
        if _member_sha256(tar, members[manifest.dump]) != manifest.dump_sha256:
            raise BackupError(f"{path}: the database dump is damaged (checksum mismatch)")
        missing = [n for n in manifest.media if f"{MEDIA_DIR}/{n}" not in members]
        if missing:
            raise BackupError(f"{path}: media files named in the manifest are missing")
        for name, expected in manifest.media_sha256.items():
            member = members.get(f"{MEDIA_DIR}/{name}")
            if member is None or _member_sha256(tar, member) != expected:
                raise BackupError(f"{path}: the media file {name} is damaged (checksum mismatch)")
    return manifest


def _member_sha256(tar: tarfile.TarFile, member: tarfile.TarInfo) -> str:
    digest = hashlib.sha256()
    content = tar.extractfile(member)
    while block := content.read(CHUNK):
        digest.update(block)
    return digest.hexdigest()


def pending_migrations(manifest: Manifest) -> list[str]:
    """Migrations of this code that the backup's database had not applied (it is older):
    ``innoplan migrate`` applies them after the restore."""
    applied = {tuple(m) for m in manifest.migrations}
    return sorted(f"{a}.{n}" for a, n in _known_migrations() - applied)


def backup_restore(path: Path, *, using: str = "default") -> Manifest:
    """Replace the database and the media files with the backup's. Everything is checked
    before anything is replaced; the database is replaced in one step (SQLite's backup API,
    ``pg_restore --single-transaction``), then the media files."""
    path = Path(path)
    manifest = backup_inspect(path, using=using)
    connection = connections[using]
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".innoplan-restore-") as work:
        work = Path(work)
        try:
            with tarfile.open(path, mode="r:") as tar:
                tar.extractall(work, filter="data")
        except (tarfile.TarError, EOFError) as error:  # changed since it was inspected
            raise _unreadable(path, error) from None
        except OSError as error:
            raise BackupError(
                f"{path} could not be unpacked into {work.parent}: {error.strerror or error}"
            ) from None
        dump = work / manifest.dump
        if _sha256(dump) != manifest.dump_sha256:  # the file changed since it was inspected
            raise BackupError(f"{path}: the database dump is damaged (checksum mismatch)")
        _load(connection, dump)
        try:
            _replace_media(work / MEDIA_DIR, media_root)
        except OSError as error:
            raise MediaRestoreError(
                f"the database was restored, but the media files under {media_root} could "
                f"not be replaced ({error}); fix that and restore again"
            ) from error
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    return manifest


def _replace_media(staged: Path, media_root: Path) -> None:
    """Make ``media_root`` hold exactly the staged files: the backup's files written, files
    the backup does not have removed (the restored database does not name them)."""
    media_root.mkdir(parents=True, exist_ok=True)
    wanted = set()
    if staged.is_dir():
        for file in _media_files(staged):
            relative = file.relative_to(staged)
            wanted.add(relative)
            target = media_root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, target)
    for file in _media_files(media_root):
        if file.relative_to(media_root) not in wanted:
            file.unlink()
