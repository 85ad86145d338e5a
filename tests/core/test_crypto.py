"""The cipher behind personal identifiers: round trips, keyed digests, tampering, and the one
interface another cipher (SM4) plugs into."""

import base64

import pytest
from django.test import override_settings

from innoplan.core.crypto import AesGcmCipher, DecryptionError, field_cipher

NUMBER = "11990119850601001X"


def test_a_value_comes_back_and_is_not_readable_at_rest():
    cipher = AesGcmCipher("key one")
    token = cipher.encrypt(NUMBER)
    assert NUMBER not in token and "19850601" not in token
    assert token.startswith("aesgcm1:")
    assert cipher.decrypt(token) == NUMBER


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
    scheme, body = token.split(":")
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[15] ^= 0x01  # one bit of the ciphertext
    with pytest.raises(DecryptionError):
        cipher.decrypt(f"{scheme}:{base64.urlsafe_b64encode(bytes(raw)).decode()}")
    with pytest.raises(DecryptionError):
        cipher.decrypt("sm4:" + body)


def test_an_empty_key_is_refused():
    with pytest.raises(ValueError, match="INNOPLAN_FIELD_KEY"):
        AesGcmCipher("")


class Sm4Standin:
    """What an SM4 cipher class provides: built from the key, the three methods."""

    def __init__(self, secret):
        self.secret = secret

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
    assert isinstance(cipher, Sm4Standin)
    assert cipher.encrypt("12") == "sm4:21"
