"""Opaque random identifiers: they say nothing about the person they belong to."""

from __future__ import annotations

import base64
import secrets


def _token(nbytes: int) -> str:
    return base64.b32encode(secrets.token_bytes(nbytes)).decode().rstrip("=").lower()


def new_log_id() -> str:
    """A 120-bit log id: 24 characters a–z, 2–7."""
    return _token(15)


def new_document_id() -> str:
    """An 80-bit document id: 16 characters a–z, 2–7."""
    return _token(10)
