"""Uploaded files stay in memory: never a plaintext temporary file on disk.

Werkzeug spools large uploads to a temporary file. A scanned consent or a
report about a child must not touch the disk unencrypted, even for a moment,
so the request reads files into memory; the request size cap bounds it.
"""

from __future__ import annotations

import io
from typing import IO

from flask import Request


class InMemoryUploads(Request):
    """A request whose uploaded files are buffered in memory only."""

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        return io.BytesIO()
