"""Errors of the log service, in domain words; app/errors.py maps them to HTTP later."""

from __future__ import annotations


class LogError(Exception):
    """Base class for every error raised by the log service."""


class LogNotFound(LogError):
    """No such log here, or its keys were shredded (indistinguishable on purpose)."""


class DocumentNotFound(LogError):
    """The log has no such document at the requested revision."""


class EditConflict(LogError):
    """Someone saved the log after the editor loaded it; nothing was written."""

    def __init__(self, expected: str | None, actual: str | None) -> None:
        """Keep both revisions so the caller can reload and merge."""
        super().__init__("the log was changed by someone else since it was opened")
        self.expected = expected
        self.actual = actual


class SubjectAlreadyHasLog(LogError):
    """A log for this person already exists: find it instead of creating a duplicate."""

    def __init__(self, log_id: str) -> None:
        """Remember the existing log's id."""
        super().__init__("this person already has a log")
        self.log_id = log_id


class RuleViolation(LogError):
    """The change would break a rule of the domain (consent, baton, …).

    ``code`` names the rule, so the user interface can explain it in the
    user's language; the message is for developers and logs.
    """

    def __init__(self, code: str, message: str) -> None:
        """Keep the rule's code beside the developer message."""
        super().__init__(message)
        self.code = code


class CorruptLog(LogError):
    """A stored file failed to decrypt or parse: tampering or a bug, never user input."""
