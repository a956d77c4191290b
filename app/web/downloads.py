"""One way to hand out a file: an attachment under a neutral name, never rendered here.

Documents, printouts and archive exports all leave through this. The file is
downloaded, not shown in our origin (a sandboxing CSP and same-origin CORP
in case a browser opens it anyway); the security headers set on every
response (nosniff, no-store) apply as well. The name holds no personal data:
callers name files by the log's opaque id or a date.
"""

from __future__ import annotations

import io
from typing import BinaryIO

from flask import send_file
from werkzeug.wrappers import Response

SANDBOX_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"


def attachment(content: bytes | BinaryIO, name: str, mimetype: str) -> Response:
    """``content`` (bytes, or an open file streamed and then closed) as a download."""
    stream = io.BytesIO(content) if isinstance(content, bytes) else content
    response = send_file(
        stream, mimetype=mimetype, as_attachment=True, download_name=name, max_age=0
    )
    response.headers["Content-Security-Policy"] = SANDBOX_CSP
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
