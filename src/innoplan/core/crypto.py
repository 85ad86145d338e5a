"""Encryption of personal identifiers (ID-card numbers) at rest, behind one interface.

A stored identifier is two columns: the ciphertext, which only this module can read back, and
a keyed digest (HMAC), which finds a record by its identifier and keeps it unique without
decrypting anything. Both keys are derived from ``settings.INNOPLAN_FIELD_KEY``.

The cipher is chosen by ``settings.INNOPLAN_FIELD_CIPHER`` (a dotted path to a class with
the ``FieldCipher`` methods), so that a national-standard cipher (SM4) can replace the default
AES-256-GCM without touching any model. A ciphertext names its scheme (``"aesgcm1:…"``) so
that records written under an old cipher stay readable while a re-encryption runs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache
from typing import Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.module_loading import import_string


class FieldCipher(Protocol):
    """What the models need of a cipher."""

    def encrypt(self, plaintext: str) -> str: ...

    def decrypt(self, token: str) -> str: ...

    def digest(self, plaintext: str) -> str:
        """A keyed, deterministic digest of ``plaintext`` for look-up and uniqueness."""
        ...


class DecryptionError(ValueError):
    """A stored value cannot be read with the configured key."""


def derive_key(secret: str, purpose: str) -> bytes:
    """A 256-bit key for one ``purpose`` derived from the configured secret, so that the
    encryption key and the digest key are never the same bytes."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"innoplan-field", info=purpose.encode()
    ).derive(secret.encode("utf-8"))


class AesGcmCipher:
    """AES-256-GCM with a random 96-bit nonce per value; HMAC-SHA256 digests."""

    scheme = "aesgcm1"

    def __init__(self, secret: str):
        if not secret:
            raise ValueError("INNOPLAN_FIELD_KEY is empty: identifiers cannot be encrypted")
        self._aead = AESGCM(derive_key(secret, "encrypt"))
        self._digest_key = derive_key(secret, "digest")

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode("utf-8"), self.scheme.encode())
        return f"{self.scheme}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"

    def decrypt(self, token: str) -> str:
        scheme, _, body = token.partition(":")
        if scheme != self.scheme:
            raise DecryptionError(f"not a {self.scheme} value")
        try:
            raw = base64.urlsafe_b64decode(body.encode("ascii"))
            return self._aead.decrypt(raw[:12], raw[12:], self.scheme.encode()).decode("utf-8")
        except Exception as exc:  # InvalidTag, binascii.Error, UnicodeDecodeError
            raise DecryptionError("the value cannot be decrypted with this key") from exc

    def digest(self, plaintext: str) -> str:
        return hmac.new(self._digest_key, plaintext.encode("utf-8"), hashlib.sha256).hexdigest()


@cache
def _cipher(path: str, secret: str) -> FieldCipher:
    return import_string(path)(secret)


def field_cipher() -> FieldCipher:
    """The configured cipher for personal identifiers."""
    path = getattr(settings, "INNOPLAN_FIELD_CIPHER", "innoplan.core.crypto.AesGcmCipher")
    return _cipher(path, settings.INNOPLAN_FIELD_KEY)
