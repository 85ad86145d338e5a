"""Encryption of personal identifiers (ID-card numbers, phone numbers) at rest, behind one
interface.

A stored identifier is two columns: the ciphertext, which only this module can read back, and
a keyed digest (HMAC), which finds a record by its identifier and keeps it unique without
decrypting anything. Both keys are derived from ``settings.INNOPLAN_FIELD_KEY``.

The cipher is chosen by ``settings.INNOPLAN_FIELD_CIPHER`` (a dotted path to a class with
the ``FieldCipher`` methods), so that a national-standard cipher (SM4) can replace the default
AES-256-GCM without touching any model. A ciphertext names its scheme and the key that sealed
it (``"aesgcm1:<key id>:…"``), so that a key rotation can say exactly which values are under
which key, and so that values sealed under an earlier key stay readable while it runs.

Keys form a ring (``FieldKeyring``): the current key, which encrypts and digests, and the
previous keys (``settings.INNOPLAN_FIELD_KEY_PREVIOUS``), which only decrypt and find. A
rotation (``innoplan rotate-field-key``) re-encrypts every value under a new key in one
transaction; whatever happens to it half-way, every value is readable with the ring.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.module_loading import import_string

KEY_FILE = "field_key"
PREVIOUS_KEYS_FILE = "field_key.previous"


class FieldCipher(Protocol):
    """What the models need of a cipher class (an SM4 one included): built from one secret,
    it encrypts, decrypts and digests. ``key_id`` names the secret without revealing it;
    ``encrypt`` puts it in the token and ``key_id_of`` reads it back (None for a token that
    carries none)."""

    key_id: str

    def encrypt(self, plaintext: str) -> str: ...

    def decrypt(self, token: str) -> str: ...

    def digest(self, plaintext: str) -> str:
        """A keyed, deterministic digest of ``plaintext`` for look-up and uniqueness."""
        ...

    def key_id_of(self, token: str) -> str | None: ...


class DecryptionError(ValueError):
    """A stored value cannot be read with the configured keys."""


def derive_key(secret: str, purpose: str) -> bytes:
    """A 256-bit key for one ``purpose`` derived from the configured secret, so that the
    encryption key, the digest key and the key id are never the same bytes."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"innoplan-field", info=purpose.encode()
    ).derive(secret.encode("utf-8"))


def key_id(secret: str) -> str:
    """Eight hex characters naming a secret, derived one-way from it: enough to tell the keys
    of one installation apart, nothing about the key itself."""
    return derive_key(secret, "key-id")[:4].hex()


def new_secret() -> str:
    """A fresh random secret for a field key."""
    return secrets.token_urlsafe(50)


class AesGcmCipher:
    """AES-256-GCM with a random 96-bit nonce per value; HMAC-SHA256 digests.

    Token: ``aesgcm1:<key id>:<base64(nonce + ciphertext + tag)>``; scheme and key id are
    authenticated as associated data. Tokens written before key ids existed
    (``aesgcm1:<base64>``) still decrypt."""

    scheme = "aesgcm1"

    def __init__(self, secret: str):
        if not secret:
            raise ValueError("INNOPLAN_FIELD_KEY is empty: identifiers cannot be encrypted")
        self.key_id = key_id(secret)
        self._aead = AESGCM(derive_key(secret, "encrypt"))
        self._digest_key = derive_key(secret, "digest")

    def _split(self, token: str) -> tuple[str | None, str]:
        parts = token.split(":")
        if parts[0] != self.scheme or len(parts) not in (2, 3):
            raise DecryptionError(f"not a {self.scheme} value")
        return (parts[1], parts[2]) if len(parts) == 3 else (None, parts[1])

    def key_id_of(self, token: str) -> str | None:
        return self._split(token)[0]

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(12)
        aad = f"{self.scheme}:{self.key_id}".encode()
        sealed = self._aead.encrypt(nonce, plaintext.encode("utf-8"), aad)
        body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii")
        return f"{self.scheme}:{self.key_id}:{body}"

    def decrypt(self, token: str) -> str:
        kid, body = self._split(token)
        if kid is not None and kid != self.key_id:
            raise DecryptionError("the value was sealed under another key")
        aad = self.scheme if kid is None else f"{self.scheme}:{kid}"
        try:
            raw = base64.urlsafe_b64decode(body.encode("ascii"))
            return self._aead.decrypt(raw[:12], raw[12:], aad.encode()).decode("utf-8")
        except Exception as exc:  # InvalidTag, binascii.Error, UnicodeDecodeError
            raise DecryptionError("the value cannot be decrypted with this key") from exc

    def digest(self, plaintext: str) -> str:
        return hmac.new(self._digest_key, plaintext.encode("utf-8"), hashlib.sha256).hexdigest()


class FieldKeyring:
    """The current key's cipher, which encrypts and digests, and the previous keys' ciphers,
    which only read: what the models use (``field_cipher()``)."""

    def __init__(self, current: FieldCipher, previous: Iterable[FieldCipher] = ()):
        self.current = current
        self.previous = [c for c in previous if c.key_id != current.key_id]
        self.ciphers = [current, *self.previous]
        self.key_id = current.key_id

    def encrypt(self, plaintext: str) -> str:
        return self.current.encrypt(plaintext)

    def digest(self, plaintext: str) -> str:
        return self.current.digest(plaintext)

    def digests(self, plaintext: str) -> list[str]:
        """The value's digest under every key of the ring, current first: a look-up that
        finds a record whatever key its digest was computed with."""
        return [c.digest(plaintext) for c in self.ciphers]

    def key_id_of(self, token: str) -> str | None:
        return self.current.key_id_of(token)

    def cipher_for(self, token: str) -> FieldCipher:
        """The ring's cipher that opens ``token``: by its key id, or by trying each key for a
        token that carries none."""
        kid = self.key_id_of(token)
        if kid is not None:
            for cipher in self.ciphers:
                if cipher.key_id == kid:
                    return cipher
            raise DecryptionError(f"the value was sealed under key {kid}, which is not configured")
        for cipher in self.ciphers:
            try:
                cipher.decrypt(token)
            except DecryptionError:
                continue
            return cipher
        raise DecryptionError("the value cannot be decrypted with any configured key")

    def decrypt(self, token: str) -> str:
        return self.cipher_for(token).decrypt(token)


@cache
def _keyring(path: str, secret: str, previous: tuple[str, ...]) -> FieldKeyring:
    cls = import_string(path)
    return FieldKeyring(cls(secret), [cls(s) for s in previous if s and s != secret])


def keyring(secret: str, previous: Iterable[str] = ()) -> FieldKeyring:
    """A ring of the configured cipher class for these secrets."""
    path = getattr(settings, "INNOPLAN_FIELD_CIPHER", "innoplan.core.crypto.AesGcmCipher")
    return _keyring(path, secret, tuple(previous))


def field_cipher() -> FieldKeyring:
    """The configured keys for personal identifiers."""
    return keyring(
        settings.INNOPLAN_FIELD_KEY, getattr(settings, "INNOPLAN_FIELD_KEY_PREVIOUS", ())
    )


# --- what else is kept under the field key ------------------------------------------------------

# Steps of ``innoplan rotate-field-key`` that move what else an app keeps under the field key
# (its kept files), run once every encrypted field has moved. A step takes the new key ring and
# returns how many items it re-encrypted, per kind (a ``collections.Counter``). Apps register
# theirs in ``AppConfig.ready`` with ``after_rotation``.
ROTATION_STEPS: list = []


def after_rotation(step):
    """Register ``step(ring) -> Counter`` to run after the fields moved to a new key."""
    if step not in ROTATION_STEPS:
        ROTATION_STEPS.append(step)
    return step


# --- where the keys are kept -------------------------------------------------------------------


def key_from_environment() -> bool:
    """Whether the field key comes from the environment (``INNOPLAN_FIELD_KEY`` or
    ``INNOPLAN_FIELD_KEY_FILE``) rather than from the key file under ``var/``."""
    return bool(os.environ.get("INNOPLAN_FIELD_KEY") or os.environ.get("INNOPLAN_FIELD_KEY_FILE"))


def read_previous_keys(path: Path) -> list[str]:
    """Previous keys kept one a line, newest first; none when the file does not exist."""
    if not path.exists():
        return []
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_secret_file(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically (a reader sees the old file or the new one,
    never half of one), readable by the owner only, flushed to disk."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()
