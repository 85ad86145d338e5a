"""Where an import job keeps its upload and its progress.

The upload is kept in the default storage (a local folder, or S3-compatible object storage
when several hosts serve) under a name of our own, encrypted with the field key through the
one cipher interface (``core.crypto.field_cipher``): an organisation or talent file holds
ID-card numbers and phones, which must not lie in clear on disk or in a backup. The kept file
is read again only by the job's check and import, and discarded at the latest
``INNOPLAN_IMPORT_KEEP_DAYS`` after the upload (``services.kept_files_discard``).

Progress: the check and the import each run inside one database transaction, so progress
written to the job's row from inside would stay invisible to the pages until the transaction
ended, and on SQLite a second connection would wait for the import's write lock. The running
job therefore writes ``{"done": …, "total": …}`` to a small file beside the upload, at most
twice a second; every web process and worker reads the same storage, and the file is deleted
once the job's row says how the work ended. The job's status is always the row's.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from innoplan.core.crypto import field_cipher

logger = logging.getLogger(__name__)

# Seconds between two writes of the progress file (the last row is always written).
PROGRESS_INTERVAL = 0.5


def seal(data: bytes) -> bytes:
    """``data`` encrypted under the current field key."""
    return field_cipher().encrypt(base64.b64encode(data).decode("ascii")).encode("ascii")


def unseal(sealed: bytes) -> bytes:
    """The bytes ``seal`` was given, under whichever configured key sealed them."""
    return base64.b64decode(field_cipher().decrypt(sealed.decode("ascii")))


def keep(job, data: bytes, *, suffix: str) -> None:
    """Keep ``data`` as ``job``'s file, encrypted, under a name of our own (the uploader's
    may be anything); the suffix says how to read it again. Does not save the job."""
    from uuid import uuid4

    job.file.save(f"{uuid4().hex}.{suffix}.sealed", ContentFile(seal(data)), save=False)


def read(job) -> bytes:
    with job.file.open("rb") as file:
        return unseal(file.read())


def stored_suffix(job) -> str:
    """How the kept file is read: "xlsx" or "csv"."""
    return job.file.name.removesuffix(".sealed").rsplit(".", 1)[-1]


def reseal(job, ring=None) -> bool:
    """Encrypt ``job``'s kept file again under the current key of ``ring`` (the configured
    keys by default); whether it was rewritten."""
    if not job.file:
        return False
    with job.file.open("rb") as file:
        sealed = file.read()
    cipher = ring or field_cipher()
    token = sealed.decode("ascii")
    if cipher.key_id_of(token) == cipher.key_id:
        return False
    fresh = cipher.encrypt(cipher.decrypt(token)).encode("ascii")
    name = job.file.name
    default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(fresh))
    if saved != name:
        job.file.name = saved
        job.save(update_fields=["file"])
    return True


def discard(job) -> None:
    """Delete the kept file (and any progress beside it); the job's row stays."""
    if job.file:
        name = job.file.name
        for path in (name, progress_name(job)):
            try:
                default_storage.delete(path)
            except OSError:
                logger.warning("cannot delete %s", path, exc_info=True)
        job.file.name = ""


def progress_name(job) -> str:
    return f"{job.file.name}.progress.json"


class ProgressFile:
    """An import's progress callback, kept in the default storage (see above)."""

    def __init__(self, job):
        self.name = progress_name(job)
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        self.write(done, total)

    def write(self, done: int, total: int) -> None:
        data = json.dumps({"done": done, "total": total}).encode()
        try:
            # Storages do not overwrite on save (a local folder would pick another name).
            default_storage.delete(self.name)
            default_storage.save(self.name, ContentFile(data))
        except OSError:
            # Progress is a courtesy: a failed write must not stop the import.
            logger.warning("cannot write import progress to %s", self.name, exc_info=True)

    def clear(self) -> None:
        try:
            default_storage.delete(self.name)
        except OSError:
            logger.warning("cannot delete import progress %s", self.name, exc_info=True)


def read_progress(job) -> tuple[int, int] | None:
    """(rows done, rows in all) of a running job, or None before its work has started."""
    try:
        with default_storage.open(progress_name(job), "rb") as file:
            data = json.loads(file.read())
        return int(data["done"]), int(data["total"])
    except (OSError, ValueError, KeyError, TypeError):
        # Not there yet (or no longer), or caught while being rewritten.
        return None


def progress_time(job) -> datetime | None:
    """When a running job last wrote its progress, or None before it has started."""
    try:
        return default_storage.get_modified_time(progress_name(job))
    except (OSError, NotImplementedError):
        return None
