"""innoplan rotate-field-key: re-encrypt every personal identifier under a new field key.

Every (ciphertext, digest) pair a model declares in ``encrypted_fields`` is decrypted with the
key ring and written again under the new key, its digest recomputed, all in one transaction:
either every value moves to the new key or none does. Then the apps' steps
(``core.crypto.after_rotation``) move what else is kept under the field key: the import files.

The key files are arranged so that no moment leaves a value unreadable:

- key kept in ``var/field_key``: the old key is added to ``var/field_key.previous`` first,
  then the new key replaces ``var/field_key``, then the values are re-encrypted. Should the
  transaction fail, the old key goes back into ``var/field_key``; should the process die, both
  keys are in the files, the ring reads every value, and running the command again finishes
  the work.
- key from the environment: the new key is written to (or read from) ``--new-key-file``; after
  the values moved, the operator sets ``INNOPLAN_FIELD_KEY_FILE`` to that file and
  ``INNOPLAN_FIELD_KEY_PREVIOUS`` to the old key, and restarts.

Running processes keep the key they started with: stop the service for the rotation, or restart
it right after.

``--check`` writes nothing: it says how many values are under which key, and whether each digest
is the current key's.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from innoplan.audit.services import record_event
from innoplan.core import crypto
from innoplan.core.crypto import (
    KEY_FILE,
    PREVIOUS_KEYS_FILE,
    DecryptionError,
    FieldKeyring,
    key_from_environment,
    keyring,
    new_secret,
    read_previous_keys,
    write_secret_file,
)

BATCH = 500


def encrypted_models() -> list:
    """The models that keep encrypted fields, each naming its (ciphertext, digest) pairs."""
    return [m for m in apps.get_models() if getattr(m, "encrypted_fields", None)]


def reencrypt(ring: FieldKeyring) -> Counter:
    """Every encrypted value re-encrypted under ``ring``'s current key, its digest recomputed,
    in one transaction; a value no key of the ring opens aborts it all. Returns the number of
    values per ``model.field``."""
    moved: Counter = Counter()
    with transaction.atomic():
        for model in encrypted_models():
            columns = [name for pair in model.encrypted_fields for name in pair]
            rows = model._base_manager.select_for_update().only("pk", *columns).order_by("pk")
            pks = list(rows.values_list("pk", flat=True))
            batch = []
            for record in (
                record
                for start in range(0, len(pks), BATCH)
                for record in rows.filter(pk__in=pks[start : start + BATCH])
            ):
                for cipher_field, digest_field in model.encrypted_fields:
                    token = getattr(record, cipher_field)
                    if not token:
                        continue
                    try:
                        plaintext = ring.decrypt(token)
                    except DecryptionError as error:
                        raise CommandError(
                            f"{model._meta.label} #{record.pk} {cipher_field}: {error}; "
                            "nothing was changed"
                        ) from error
                    setattr(record, cipher_field, ring.encrypt(plaintext))
                    setattr(record, digest_field, ring.digest(plaintext))
                    moved[f"{model._meta.label}.{cipher_field}"] += 1
                batch.append(record)
                if len(batch) >= BATCH:
                    model._base_manager.bulk_update(batch, columns)
                    batch = []
            if batch:
                model._base_manager.bulk_update(batch, columns)
    return moved


def census(ring: FieldKeyring) -> dict[str, Counter]:
    """Per ``model.field``: how many values are under each key id (``unreadable`` for one no
    key opens), and how many digests are the current key's (``digest current``) or not."""
    result: dict[str, Counter] = {}
    for model in encrypted_models():
        columns = [name for pair in model.encrypted_fields for name in pair]
        for cipher_field, _digest_field in model.encrypted_fields:
            result[f"{model._meta.label}.{cipher_field}"] = Counter()
        for values in model._base_manager.values_list(*columns).iterator(chunk_size=BATCH):
            row = dict(zip(columns, values, strict=True))
            for cipher_field, digest_field in model.encrypted_fields:
                token = row[cipher_field]
                if not token:
                    continue
                counts = result[f"{model._meta.label}.{cipher_field}"]
                try:
                    cipher = ring.cipher_for(token)
                    plaintext = cipher.decrypt(token)
                except DecryptionError:
                    counts["unreadable"] += 1
                    continue
                counts[cipher.key_id] += 1
                current = row[digest_field] == ring.digest(plaintext)
                counts["digest current" if current else "digest stale"] += 1
    return result


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field (ID-card numbers, phones) under a new field key and "
        "recompute every digest, in one transaction. --check only reports."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Report how many values are under which key; change nothing.",
        )
        parser.add_argument(
            "--new-key-file",
            type=Path,
            help=(
                "Where the new key is (or, when the file does not exist, is written to). "
                "Required when the key comes from the environment."
            ),
        )

    def handle(self, *args, check=False, new_key_file=None, **options):
        if check:
            return self.check(keyring(settings.INNOPLAN_FIELD_KEY, self.previous_keys()))
        if key_from_environment():
            return self.rotate_environment_key(new_key_file)
        if new_key_file is not None:
            raise CommandError(
                "--new-key-file is for a key given in the environment; the key is in "
                f"{self.var_dir() / KEY_FILE}, and the command makes the new one there"
            )
        return self.rotate_key_file()

    # -- where keys are ---

    def var_dir(self) -> Path:
        return Path(settings.VAR_DIR)

    def previous_keys(self) -> list[str]:
        return list(getattr(settings, "INNOPLAN_FIELD_KEY_PREVIOUS", []))

    # -- the two ways a key is kept ---

    def rotate_key_file(self):
        old = settings.INNOPLAN_FIELD_KEY
        key_path = self.var_dir() / KEY_FILE
        previous_path = self.var_dir() / PREVIOUS_KEYS_FILE
        kept_previous = read_previous_keys(previous_path)
        previous_before = (
            previous_path.read_text(encoding="utf-8") if previous_path.exists() else None
        )
        previous = list(dict.fromkeys([old, *self.previous_keys(), *kept_previous]))
        new = new_secret()
        # Both keys reach the disk before any value changes.
        write_secret_file(previous_path, "\n".join(previous) + "\n")
        write_secret_file(key_path, new + "\n")
        ring = keyring(new, previous)
        try:
            moved = reencrypt(ring)
        except BaseException as error:
            write_secret_file(key_path, old + "\n")
            if previous_before is None:
                previous_path.unlink(missing_ok=True)
            else:
                write_secret_file(previous_path, previous_before)
            self.record(ring, None, error)
            raise
        self.use_keys(new, previous)
        moved += self.move_the_rest(ring, moved)
        self.record(ring, moved)
        self.report(moved, ring)
        self.stdout.write(
            f"The new key is in {key_path}; the old one was added to {previous_path}.\n"
            "Restart the service so that it uses the new key. Back up both files, apart from "
            "the database backups. Remove an old key from the .previous file only when "
            "`innoplan rotate-field-key --check` shows no value under it and no backup you "
            "may restore was made under it."
        )

    def rotate_environment_key(self, new_key_file: Path | None):
        if new_key_file is None:
            raise CommandError(
                "The field key comes from the environment (INNOPLAN_FIELD_KEY or "
                "INNOPLAN_FIELD_KEY_FILE): give --new-key-file PATH, where the new key is "
                "written (or read from, if the file exists)."
            )
        old = settings.INNOPLAN_FIELD_KEY
        if new_key_file.exists():
            new = new_key_file.read_text(encoding="utf-8").strip()
            if not new:
                raise CommandError(f"{new_key_file} is empty")
        else:
            new = new_secret()
            write_secret_file(new_key_file, new + "\n")
        if new == old:
            raise CommandError(f"{new_key_file} holds the current key; give a new one")
        previous = [k for k in dict.fromkeys([old, *self.previous_keys()]) if k != new]
        ring = keyring(new, previous)
        try:
            moved = reencrypt(ring)
        except BaseException as error:
            self.record(ring, None, error)
            raise
        self.use_keys(new, previous)
        moved += self.move_the_rest(ring, moved)
        self.record(ring, moved)
        self.report(moved, ring)
        self.stdout.write(
            "Now set, and restart the service:\n"
            f"  INNOPLAN_FIELD_KEY_FILE={new_key_file}   (or INNOPLAN_FIELD_KEY=<its content>)\n"
            "  INNOPLAN_FIELD_KEY_PREVIOUS=<the old key>   (comma-separated, newest first)\n"
            "Until then the running service cannot read the re-encrypted values."
        )

    def use_keys(self, new: str, previous: list[str]) -> None:
        # This process goes on with the new keys (a command run after this one in the same
        # process, or a test, sees what a restarted service will).
        settings.INNOPLAN_FIELD_KEY = new
        settings.INNOPLAN_FIELD_KEY_PREVIOUS = previous

    def move_the_rest(self, ring: FieldKeyring, fields: Counter) -> Counter:
        """Run the apps' steps (``core.crypto.after_rotation``: the import files, say) with the
        new key ring — this process already uses the new key. Both keys stay in the ring, so a
        step that fails half-way leaves every item readable, and running the rotation again
        moves what is left; the failure is recorded with what had moved."""
        moved: Counter = Counter()
        for step in list(crypto.ROTATION_STEPS):
            try:
                moved += step(ring)
            except BaseException as error:
                self.record(ring, fields + moved, error)
                raise
        return moved

    # -- reporting ---

    def record(self, ring: FieldKeyring, moved: Counter | None, error=None) -> None:
        """The audit record: which key replaced which (key ids, never keys), and how many
        values moved, or why nothing did."""
        detail = {"key": ring.key_id, "previous": [c.key_id for c in ring.previous]}
        if moved is not None:
            detail["values"] = dict(moved)
        if error is not None:
            detail["error"] = str(error)
        record_event(
            "field_key.rotate", outcome="success" if error is None else "failure", detail=detail
        )

    def report(self, moved: Counter, ring: FieldKeyring) -> None:
        total = sum(moved.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-encrypted {total} value(s) under key {ring.key_id} in one transaction."
            )
        )
        for field, count in sorted(moved.items()):
            self.stdout.write(f"  {field}: {count}")

    def check(self, ring: FieldKeyring):
        previous_ids = [c.key_id for c in ring.previous]
        self.stdout.write(
            f"Current key {ring.key_id}; previous keys: {', '.join(previous_ids) or 'none'}."
        )
        unreadable = stale = 0
        for field, counts in census(ring).items():
            parts = [
                f"{counts[kid]} under {kid}" + (" (current)" if kid == ring.key_id else "")
                for kid in [ring.key_id, *previous_ids]
                if counts[kid] or kid == ring.key_id
            ]
            if counts["unreadable"]:
                parts.append(f"{counts['unreadable']} unreadable")
            parts.append(f"{counts['digest current']} digest(s) current")
            if counts["digest stale"]:
                parts.append(f"{counts['digest stale']} digest(s) under an old key")
            self.stdout.write(f"  {field}: " + ", ".join(parts))
            unreadable += counts["unreadable"]
            stale += counts["digest stale"] + sum(counts[kid] for kid in previous_ids)
        if unreadable:
            raise CommandError(f"{unreadable} value(s) cannot be read with the configured keys")
        if stale:
            self.stdout.write(
                f"{stale} value(s) or digest(s) are under an old key: run "
                "`innoplan rotate-field-key` to move them to the current one."
            )
        else:
            self.stdout.write(self.style.SUCCESS("Every value is under the current key."))
