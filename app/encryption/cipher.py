"""Seal and open the files of one log with its data keys."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.encryption import envelope
from app.encryption.errors import DecryptionFailed


class LogCipher:
    """AES-256-GCM for one log: seals with the newest data key, opens with any."""

    def __init__(self, log_id: str, data_keys: dict[int, bytes]) -> None:
        """Keep one AESGCM object per data-key version; the highest version seals."""
        if not data_keys:
            raise ValueError("a log cipher needs at least one data key")
        self.log_id = log_id
        self._aead = {version: AESGCM(key) for version, key in data_keys.items()}
        self._current = max(data_keys)

    def seal(self, path: str, plaintext: bytes) -> bytes:
        """Encrypt one file's bytes for this log and path with a fresh nonce."""
        header = envelope.EnvelopeHeader(
            envelope.FORMAT_V1, self._current, os.urandom(envelope.NONCE_SIZE)
        )
        aad = envelope.associated_data(header, self.log_id, path)
        return envelope.pack(
            header, self._aead[self._current].encrypt(header.nonce, plaintext, aad)
        )

    def open(self, path: str, blob: bytes) -> bytes:
        """Decrypt a sealed file; fails unless log, path and key all match."""
        header, ciphertext = envelope.unpack(blob)
        aead = self._aead.get(header.data_key_version)
        if aead is None:
            raise DecryptionFailed("blob was sealed with a data key this log does not have")
        aad = envelope.associated_data(header, self.log_id, path)
        try:
            return aead.decrypt(header.nonce, ciphertext, aad)
        except InvalidTag:
            raise DecryptionFailed(
                "blob does not belong to this log and path, or was altered"
            ) from None
