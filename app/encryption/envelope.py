"""The versioned on-disk envelope of one sealed file, kept apart from the cipher.

Layout (all integers big-endian)::

    magic "SLG" | format (1 byte) | data-key version (4 bytes) | nonce (12 bytes) | ciphertext+tag

A reader that meets an unknown magic or format refuses the blob instead of
guessing, so a future format can be introduced next to this one.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from app.encryption.errors import DecryptionFailed

MAGIC = b"SLG"
FORMAT_V1 = 1
NONCE_SIZE = 12
TAG_SIZE = 16
_HEADER = struct.Struct(">3sBI12s")
HEADER_SIZE = _HEADER.size


@dataclass(frozen=True, slots=True)
class EnvelopeHeader:
    """What a reader needs before it can decrypt: format, which data key, nonce."""

    format_version: int
    data_key_version: int
    nonce: bytes


def pack(header: EnvelopeHeader, ciphertext: bytes) -> bytes:
    """Serialise a header and its ciphertext into the on-disk envelope."""
    return _HEADER.pack(MAGIC, header.format_version, header.data_key_version, header.nonce) + (
        ciphertext
    )


def unpack(blob: bytes) -> tuple[EnvelopeHeader, bytes]:
    """Split an envelope into header and ciphertext, refusing unknown formats."""
    if len(blob) < HEADER_SIZE + TAG_SIZE:
        raise DecryptionFailed("blob is too short to be a sealed file")
    magic, fmt, key_version, nonce = _HEADER.unpack_from(blob)
    if magic != MAGIC:
        raise DecryptionFailed("blob is not a stafettlogg envelope")
    if fmt != FORMAT_V1:
        raise DecryptionFailed(f"unsupported envelope format {fmt}")
    return EnvelopeHeader(fmt, key_version, nonce), blob[HEADER_SIZE:]


def associated_data(header: EnvelopeHeader, log_id: str, path: str) -> bytes:
    """Bind format, key version, log and path into the AEAD tag."""
    return b"|".join(
        (
            b"slg/blob",
            str(header.format_version).encode(),
            log_id.encode(),
            path.encode(),
            str(header.data_key_version).encode(),
        )
    )
