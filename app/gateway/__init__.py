"""What a logged-in user can do through the gateway, as domain verbs.

Each verb takes the user (as the access decision sees them), loads only the
facts it needs, asks :func:`app.access.decide`, writes the access log for every
read of log content, and returns plain values for the views to render. A
denial raises :class:`NoAccess`, which the web layer answers exactly like a
missing log. Nothing here knows about Flask.
"""

from app.gateway.errors import NoAccess
from app.gateway.logs import LogPage, LogSummary, Portal

__all__ = ["LogPage", "LogSummary", "NoAccess", "Portal"]
