"""innoplan rotate-field-key: every identifier moves to a new key in one transaction, look-ups
keep working, the old key alone reads nothing, and a rotation that fails half-way leaves every
value readable."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from innoplan.audit.models import AuditEvent
from innoplan.core import crypto
from innoplan.core.crypto import AesGcmCipher, DecryptionError, key_id, keyring
from innoplan.registry.models import Talent
from tests.registry.builders import id_number, make_talent, phone_number

pytestmark = pytest.mark.django_db

OLD = "the old field key"


@pytest.fixture
def var_dir(tmp_path, monkeypatch):
    """A key kept in var/field_key, as `innoplan` makes it when none is in the environment."""
    monkeypatch.delenv("INNOPLAN_FIELD_KEY", raising=False)
    monkeypatch.delenv("INNOPLAN_FIELD_KEY_FILE", raising=False)
    (tmp_path / "field_key").write_text(OLD + "\n")
    with override_settings(
        VAR_DIR=tmp_path, INNOPLAN_FIELD_KEY=OLD, INNOPLAN_FIELD_KEY_PREVIOUS=[]
    ):
        yield tmp_path


@pytest.fixture
def people(var_dir):
    """Ten people, every other one with a phone: (talent, ID number, phone)."""
    people = []
    for serial in range(10):
        phone = phone_number(500 + serial) if serial % 2 == 0 else ""
        number = id_number(400 + serial)
        people.append((make_talent(f"人才{serial}", number=number, phone=phone), number, phone))
    return people


def rotate(*args) -> str:
    out = io.StringIO()
    call_command("rotate-field-key", *args, stdout=out)
    return out.getvalue()


def tokens() -> list[str]:
    return [
        token
        for pair in Talent.objects.values_list("id_number_encrypted", "phone_encrypted")
        for token in pair
        if token
    ]


def test_rotation_moves_every_value_to_a_new_key_and_keeps_them_readable(var_dir, people):
    output = rotate()
    new = (var_dir / "field_key").read_text().strip()
    assert new != OLD
    assert (var_dir / "field_key.previous").read_text().splitlines() == [OLD]
    assert "Re-encrypted 15 value(s)" in output
    new_ring = keyring(new)  # the new key alone, no previous keys
    assert {new_ring.key_id_of(t) for t in tokens()} == {key_id(new)}
    for talent, number, phone in people:
        fresh = Talent.objects.get(pk=talent.pk)
        assert new_ring.decrypt(fresh.id_number_encrypted) == number
        assert fresh.id_number() == number
        assert fresh.phone() == phone
        assert fresh.id_number_digest == AesGcmCipher(new).digest(number)
        assert Talent.objects.with_id_number(number).get() == talent
        if phone:
            assert Talent.objects.with_phone(phone).get() == talent
    old = AesGcmCipher(OLD)
    for token in tokens():
        with pytest.raises(DecryptionError):
            old.decrypt(token)
    digests = set(Talent.objects.values_list("id_number_digest", flat=True))
    assert not digests & {old.digest(number) for _t, number, _p in people}
    event = AuditEvent.objects.get(event="field_key.rotate")
    assert event.outcome == "success"
    assert event.detail["key"] == key_id(new) and event.detail["previous"] == [key_id(OLD)]
    assert new not in str(event.detail) and OLD not in str(event.detail)


def test_what_else_is_kept_under_the_key_moves_after_the_fields_with_the_new_key(
    var_dir, people, monkeypatch
):
    """The extension point for other encrypted things (the kept import files): each step runs
    once the fields moved, with the new key ring, and its count is reported and recorded."""
    seen = []

    def kept_files(ring):
        seen.append((ring.key_id, Talent.objects.get(pk=people[0][0].pk).id_number()))
        return Counter({"imports.ImportJob.file": 2})

    monkeypatch.setattr(crypto, "ROTATION_STEPS", [kept_files])
    output = rotate()
    new = (var_dir / "field_key").read_text().strip()
    assert seen == [(key_id(new), people[0][1])]  # the fields had moved: read with the new key
    assert "Re-encrypted 17 value(s)" in output
    assert "imports.ImportJob.file: 2" in output
    event = AuditEvent.objects.get(event="field_key.rotate")
    assert event.detail["values"]["imports.ImportJob.file"] == 2


def test_a_step_after_the_fields_that_fails_is_recorded_and_the_new_key_stays(
    var_dir, people, monkeypatch
):
    def broken(ring):
        raise OSError("the storage is gone")

    monkeypatch.setattr(crypto, "ROTATION_STEPS", [broken])
    with pytest.raises(OSError):
        rotate()
    new = (var_dir / "field_key").read_text().strip()
    assert new != OLD  # the fields are under it: the key files keep it
    talent, number, _phone = people[0]
    assert Talent.objects.get(pk=talent.pk).id_number() == number
    event = AuditEvent.objects.get(event="field_key.rotate")
    assert event.outcome == "failure" and "the storage is gone" in event.detail["error"]
    assert event.detail["values"]["registry.Talent.id_number_encrypted"] == 10


def test_a_second_rotation_keeps_both_earlier_keys_for_reading_backups(var_dir, people):
    rotate()
    middle = (var_dir / "field_key").read_text().strip()
    rotate()
    assert (var_dir / "field_key.previous").read_text().splitlines() == [middle, OLD]
    talent, number, phone = people[0]
    assert Talent.objects.get(pk=talent.pk).phone() == phone
    assert Talent.objects.with_id_number(number).get() == talent


def test_check_says_how_many_values_are_under_which_key(var_dir, people):
    output = rotate("--check")
    assert f"registry.Talent.id_number_encrypted: 10 under {key_id(OLD)} (current)" in output
    assert f"registry.Talent.phone_encrypted: 5 under {key_id(OLD)} (current)" in output
    assert "Every value is under the current key." in output
    # A value written under another key the ring still holds is reported as such.
    with override_settings(INNOPLAN_FIELD_KEY="a newer key", INNOPLAN_FIELD_KEY_PREVIOUS=[OLD]):
        output = rotate("--check")
        assert f"10 under {key_id(OLD)}" in output
        assert f"0 under {key_id('a newer key')} (current)" in output
        assert "10 digest(s) under an old key" in output
        assert "run `innoplan rotate-field-key`" in output


def test_an_interrupted_rotation_changes_nothing_and_leaves_every_value_readable(var_dir, people):
    # The last record holds a value no configured key opens: the rotation reaches it after
    # re-encrypting the others, fails, and must undo everything.
    stray = make_talent("外来数据", number=id_number(499))
    Talent.objects.filter(pk=stray.pk).update(
        id_number_encrypted=AesGcmCipher("a key nobody has").encrypt(id_number(499))
    )
    before = dict(Talent.objects.values_list("pk", "id_number_encrypted"))
    with pytest.raises(CommandError, match="nothing was changed"):
        rotate()
    assert AuditEvent.objects.get(event="field_key.rotate").outcome == "failure"
    assert dict(Talent.objects.values_list("pk", "id_number_encrypted")) == before
    assert (var_dir / "field_key").read_text().strip() == OLD
    assert not (var_dir / "field_key.previous").exists()
    for talent, number, phone in people:
        fresh = Talent.objects.get(pk=talent.pk)
        assert (fresh.id_number(), fresh.phone()) == (number, phone)
        assert Talent.objects.with_id_number(number).get() == talent
    with pytest.raises(CommandError, match="1 value"):
        rotate("--check")


def test_a_process_killed_after_the_key_files_changed_leaves_everything_readable(var_dir, people):
    # The state a kill between writing the key files and committing leaves: the new key is
    # current, the old one previous, every value still under the old one.
    with override_settings(INNOPLAN_FIELD_KEY="the new key", INNOPLAN_FIELD_KEY_PREVIOUS=[OLD]):
        for talent, number, phone in people:
            fresh = Talent.objects.get(pk=talent.pk)
            assert (fresh.id_number(), fresh.phone()) == (number, phone)
            assert Talent.objects.with_id_number(number).get() == talent
        talent, _number, phone = people[0]
        assert Talent.objects.with_phone(phone).get() == talent
        # Running the command again finishes the work.
        (var_dir / "field_key").write_text("the new key\n")
        (var_dir / "field_key.previous").write_text(OLD + "\n")
        rotate()
        current = (var_dir / "field_key").read_text().strip()
        assert {keyring(current).key_id_of(t) for t in tokens()} == {key_id(current)}


def test_a_key_from_the_environment_needs_a_new_key_file(var_dir, people, monkeypatch, tmp_path):
    monkeypatch.setenv("INNOPLAN_FIELD_KEY", OLD)
    with pytest.raises(CommandError, match="--new-key-file"):
        rotate()
    new_file = tmp_path / "new-field-key"
    output = rotate("--new-key-file", str(new_file))
    new = new_file.read_text().strip()
    assert oct(new_file.stat().st_mode & 0o777) == "0o600"
    assert f"INNOPLAN_FIELD_KEY_FILE={new_file}" in output
    assert "INNOPLAN_FIELD_KEY_PREVIOUS" in output
    assert (var_dir / "field_key").read_text().strip() == OLD  # the file is not the key's home
    talent, _number, phone = people[0]
    assert keyring(new).decrypt(Talent.objects.get(pk=talent.pk).phone_encrypted) == phone
    with pytest.raises(CommandError, match="current key"):
        rotate("--new-key-file", str(new_file))


def test_a_passport_number_keeps_its_kind_in_the_digest_through_a_rotation(var_dir):
    from innoplan.registry.choices import IdKind

    anna = Talent(name="安娜·米勒")
    anna.set_id_number("E12345678", kind=IdKind.PASSPORT)
    anna.save()
    lin = Talent(name="林志明")
    lin.set_id_number("12345678", kind=IdKind.TAIWAN_PERMIT)
    lin.save()
    rotate()
    new = AesGcmCipher((var_dir / "field_key").read_text().strip())
    anna.refresh_from_db()
    assert anna.id_number() == "E12345678"
    assert anna.id_number_digest == new.digest("passport:E12345678")
    assert Talent.objects.with_id_number("E12345678", kind=IdKind.PASSPORT).get() == anna
    assert Talent.objects.with_id_number("12345678", kind=IdKind.TAIWAN_PERMIT).get() == lin
    assert not Talent.objects.with_id_number("12345678", kind=IdKind.PASSPORT).exists()
    assert "digest(s) under an old key" not in rotate("--check")
