"""Errors of the gateway layer."""

from app.logs.errors import LogError


class NoAccess(LogError):
    """Denied, or the log does not exist: deliberately indistinguishable."""
