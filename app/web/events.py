"""Security events (LOG-03): logins, refusals, denials and administrative changes.

Written to the ``stafettlogg.security`` logger for shipping off-host. Only
opaque ids, event names and reasons: never a fødselsnummer, a name or content.
Values are reduced to a safe alphabet so a log line cannot be forged (V16.4.1).
"""

from __future__ import annotations

import logging
import re

from flask import request

_log = logging.getLogger("stafettlogg.security")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.:/-]")


def security_event(event: str, **fields: object) -> None:
    """Record one security event with the request's endpoint and opaque fields."""
    parts = [f"event={_clean(event)}", f"endpoint={_clean(request.endpoint or '-')}"]
    parts += [f"{_clean(key)}={_clean(value)}" for key, value in sorted(fields.items())]
    _log.info(" ".join(parts))


def _clean(value: object) -> str:
    return _UNSAFE.sub("_", str(value))[:100] or "-"
