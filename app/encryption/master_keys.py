"""Master keys: the keys that wrap data keys, and where they come from.

A master key is anything with a ``key_id`` that can ``wrap`` and ``unwrap`` a
short secret under a context string. Today that is a local AES-256 key from a
keyring file or an environment variable; a KMS or HSM key can implement the
same protocol later without touching the callers.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.encryption.errors import DecryptionFailed, KeyringError, UnknownMasterKey
from app.encryption.files import write_private_file

KEYRING_FORMAT = "stafettlogg-keyring"
KEYRING_VERSION = 1
_NONCE = 12


class MasterKey(Protocol):
    """A key-encryption key: wraps data keys, never leaves its holder in clear."""

    @property
    def key_id(self) -> str:
        """Stable public name of this key, stored beside every wrapped key."""
        ...

    def wrap(self, secret: bytes, context: bytes) -> bytes:
        """Encrypt a data key, binding it to ``context``."""
        ...

    def unwrap(self, wrapped: bytes, context: bytes) -> bytes:
        """Decrypt a data key wrapped under the same ``context``."""
        ...


@dataclass(frozen=True)
class LocalMasterKey:
    """A 256-bit AES-GCM master key held in this process."""

    key_id: str
    material: bytes

    def __post_init__(self) -> None:
        """Refuse anything but a 256-bit key."""
        if len(self.material) != 32:
            raise KeyringError(f"master key {self.key_id} is not 256 bits")

    @classmethod
    def generate(cls) -> LocalMasterKey:
        """Create a fresh random master key with a random id."""
        return cls(f"mk-{secrets.token_hex(8)}", AESGCM.generate_key(bit_length=256))

    def wrap(self, secret: bytes, context: bytes) -> bytes:
        """Return nonce + AES-GCM ciphertext of ``secret`` bound to ``context``."""
        nonce = os.urandom(_NONCE)
        return nonce + AESGCM(self.material).encrypt(nonce, secret, context)

    def unwrap(self, wrapped: bytes, context: bytes) -> bytes:
        """Invert :meth:`wrap`; raises DecryptionFailed on any mismatch."""
        try:
            return AESGCM(self.material).decrypt(wrapped[:_NONCE], wrapped[_NONCE:], context)
        except (InvalidTag, ValueError):
            raise DecryptionFailed(f"cannot unwrap with master key {self.key_id}") from None


class MasterKeyRing:
    """The active master key (wraps new keys) plus retired ones (unwrap only)."""

    def __init__(self, active: MasterKey, retired: tuple[MasterKey, ...] = ()) -> None:
        """Index every key by id; the active one is also used to wrap."""
        self.active = active
        self.retired = retired
        self._by_id = {key.key_id: key for key in (active, *retired)}

    def get(self, key_id: str) -> MasterKey:
        """Return the key with ``key_id`` or raise UnknownMasterKey."""
        try:
            return self._by_id[key_id]
        except KeyError:
            raise UnknownMasterKey(f"master key {key_id} is not in the keyring") from None

    def key_ids(self) -> list[str]:
        """Ids of all keys, active first."""
        return list(self._by_id)

    def rotated(self, new_key: MasterKey) -> MasterKeyRing:
        """A ring whose active key is ``new_key`` and which still opens the old ones."""
        return MasterKeyRing(new_key, (self.active, *self.retired))

    def without(self, key_id: str) -> MasterKeyRing:
        """A ring with one retired key removed; the active key cannot be removed."""
        if key_id == self.active.key_id:
            raise KeyringError("the active master key cannot be retired")
        self.get(key_id)
        return MasterKeyRing(self.active, tuple(k for k in self.retired if k.key_id != key_id))


def _encode_key(key: LocalMasterKey) -> dict[str, str]:
    return {"id": key.key_id, "material": base64.b64encode(key.material).decode()}


def _decode_key(entry: object, source: str) -> LocalMasterKey:
    if not isinstance(entry, dict) or not {"id", "material"} <= entry.keys():
        raise KeyringError(f"{source}: every key needs an id and material")
    try:
        material = base64.b64decode(str(entry["material"]), validate=True)
    except binascii.Error:
        raise KeyringError(f"{source}: key {entry['id']} is not valid base64") from None
    return LocalMasterKey(str(entry["id"]), material)


def write_keyring_file(path: Path, ring: MasterKeyRing) -> None:
    """Store a ring of local keys atomically with mode 0600."""
    keys = [ring.active, *ring.retired]
    if not all(isinstance(key, LocalMasterKey) for key in keys):
        raise KeyringError("only local master keys can be written to a keyring file")
    document = {
        "format": KEYRING_FORMAT,
        "version": KEYRING_VERSION,
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "active": ring.active.key_id,
        "keys": [_encode_key(key) for key in keys if isinstance(key, LocalMasterKey)],
    }
    write_private_file(path, (json.dumps(document, indent=2) + "\n").encode())


def generate_keyring_file(path: Path) -> MasterKeyRing:
    """Create a keyring file with one new master key; refuses to overwrite."""
    if path.exists():
        raise KeyringError(f"{path} already exists; refusing to overwrite a master key")
    ring = MasterKeyRing(LocalMasterKey.generate())
    write_keyring_file(path, ring)
    return ring


def load_keyring_file(path: Path) -> MasterKeyRing:
    """Read a keyring file written by :func:`write_keyring_file`."""
    try:
        document = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise KeyringError(f"no master keyring at {path}; run `stafettlogg init`") from None
    except (OSError, ValueError) as exc:
        raise KeyringError(f"cannot read master keyring {path}: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != KEYRING_FORMAT:
        raise KeyringError(f"{path} is not a stafettlogg keyring")
    if document.get("version") != KEYRING_VERSION:
        raise KeyringError(f"{path}: unsupported keyring version {document.get('version')}")
    keys = [_decode_key(entry, str(path)) for entry in document.get("keys", [])]
    by_id = {key.key_id: key for key in keys}
    active = by_id.get(str(document.get("active")))
    if active is None:
        raise KeyringError(f"{path}: the active key is not among the keys")
    return MasterKeyRing(active, tuple(k for k in keys if k is not active))


def keyring_from_env(value: str) -> MasterKeyRing:
    """Parse ``id:base64[,id:base64…]`` from an environment variable; first is active."""
    keys = []
    for number, item in enumerate(part.strip() for part in value.split(",") if part.strip()):
        key_id, sep, material = item.partition(":")
        if not sep or not key_id:
            raise KeyringError(f"master key {number + 1} in the environment is not id:base64")
        keys.append(_decode_key({"id": key_id, "material": material}, "environment"))
    if not keys:
        raise KeyringError("the master key environment variable is empty")
    return MasterKeyRing(keys[0], tuple(keys[1:]))
