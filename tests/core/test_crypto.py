"""The cipher behind personal identifiers: round trips, keyed digests, tampering, and the one
interface another cipher (SM4) plugs into."""

import base64

import pytest
from django.test import override_settings

from innoplan.core.crypto import (
    AesGcmCipher,
    DecryptionError,
    FieldKeyring,
    field_cipher,
    key_id,
    keyring,
)

NUMBER = "11990119850601001X"


def test_a_value_comes_back_and_is_not_readable_at_rest():
    cipher = AesGcmCipher("key one")
    token = cipher.encrypt(NUMBER)
    assert NUMBER not in token and "19850601" not in token
    assert token.startswith(f"aesgcm1:{key_id('key one')}:")
    assert cipher.decrypt(token) == NUMBER


def test_a_value_names_the_key_that_sealed_it_without_revealing_it():
    one, two = AesGcmCipher("key one"), AesGcmCipher("key two")
    assert one.key_id != two.key_id and len(one.key_id) == 8
    assert "key one" not in one.key_id
    assert one.key_id_of(one.encrypt(NUMBER)) == one.key_id
    assert two.key_id_of(two.encrypt(NUMBER)) == two.key_id


def test_a_key_id_cannot_be_swapped_on_a_value():
    one, two = AesGcmCipher("key one"), AesGcmCipher("key two")
    scheme, _kid, body = one.encrypt(NUMBER).split(":")
    with pytest.raises(DecryptionError):
        one.decrypt(f"{scheme}:{two.key_id}:{body}")
    with pytest.raises(DecryptionError):
        two.decrypt(f"{scheme}:{two.key_id}:{body}")


def test_a_value_written_before_key_ids_still_reads():
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from innoplan.core.crypto import derive_key

    nonce = b"\x00" * 12
    sealed = AESGCM(derive_key("key one", "encrypt")).encrypt(nonce, NUMBER.encode(), b"aesgcm1")
    legacy = "aesgcm1:" + base64.urlsafe_b64encode(nonce + sealed).decode()
    assert AesGcmCipher("key one").decrypt(legacy) == NUMBER
    assert AesGcmCipher("key one").key_id_of(legacy) is None
    ring = FieldKeyring(AesGcmCipher("key two"), [AesGcmCipher("key one")])
    assert ring.decrypt(legacy) == NUMBER
    assert ring.cipher_for(legacy).key_id == key_id("key one")


def test_the_ring_reads_under_any_of_its_keys_and_writes_under_the_current_one():
    old_token = AesGcmCipher("key one").encrypt(NUMBER)
    ring = keyring("key two", ["key one"])
    assert ring.decrypt(old_token) == NUMBER
    assert ring.key_id_of(ring.encrypt(NUMBER)) == key_id("key two")
    assert ring.digest(NUMBER) == AesGcmCipher("key two").digest(NUMBER)
    assert ring.digests(NUMBER) == [
        AesGcmCipher("key two").digest(NUMBER),
        AesGcmCipher("key one").digest(NUMBER),
    ]
    with pytest.raises(DecryptionError, match="not configured"):
        keyring("key two").decrypt(old_token)
    with pytest.raises(DecryptionError):
        keyring("key three", ["key two"]).decrypt(AesGcmCipher("key one").encrypt(NUMBER))


def test_the_same_value_encrypts_differently_each_time_but_digests_the_same():
    cipher = AesGcmCipher("key one")
    assert cipher.encrypt(NUMBER) != cipher.encrypt(NUMBER)
    assert cipher.digest(NUMBER) == cipher.digest(NUMBER)
    assert cipher.digest(NUMBER) != cipher.digest(NUMBER[:-1] + "1")


def test_another_key_neither_reads_nor_finds_a_value():
    token = AesGcmCipher("key one").encrypt(NUMBER)
    with pytest.raises(DecryptionError):
        AesGcmCipher("key two").decrypt(token)
    assert AesGcmCipher("key one").digest(NUMBER) != AesGcmCipher("key two").digest(NUMBER)


def test_a_tampered_value_is_refused():
    cipher = AesGcmCipher("key one")
    token = cipher.encrypt(NUMBER)
    scheme, kid, body = token.split(":")
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[15] ^= 0x01  # one bit of the ciphertext
    with pytest.raises(DecryptionError):
        cipher.decrypt(f"{scheme}:{kid}:{base64.urlsafe_b64encode(bytes(raw)).decode()}")
    with pytest.raises(DecryptionError):
        cipher.decrypt("sm4:" + body)


def test_an_empty_key_is_refused():
    with pytest.raises(ValueError, match="INNOPLAN_FIELD_KEY"):
        AesGcmCipher("")


class Sm4Standin:
    """What an SM4 cipher class provides: built from the key, its key id and the methods."""

    def __init__(self, secret):
        self.secret = secret
        self.key_id = key_id(secret)

    def key_id_of(self, token):
        return self.key_id

    def encrypt(self, plaintext):
        return "sm4:" + plaintext[::-1]

    def decrypt(self, token):
        return token.removeprefix("sm4:")[::-1]

    def digest(self, plaintext):
        return f"{self.secret}:{plaintext}"


@override_settings(
    INNOPLAN_FIELD_CIPHER="tests.core.test_crypto.Sm4Standin", INNOPLAN_FIELD_KEY="k"
)
def test_the_configured_cipher_class_is_the_one_used():
    cipher = field_cipher()
    assert isinstance(cipher.current, Sm4Standin)
    assert cipher.encrypt("12") == "sm4:21"
    assert cipher.decrypt("sm4:21") == "12"
