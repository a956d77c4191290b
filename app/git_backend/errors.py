"""Exceptions of the Git backend."""


class GitBackendError(Exception):
    """Base class for every error raised by app.git_backend."""


class RepositoryNotFound(GitBackendError):
    """No repository with that id exists in the store."""


class RepositoryExists(GitBackendError):
    """A repository with that id already exists."""


class RevisionConflict(GitBackendError):
    """The branch moved since the caller read it: nothing was written.

    Carries the revision the caller expected and the one actually found, so the
    caller can reload, merge or ask the user, and never overwrite silently.
    """

    def __init__(self, expected: str | None, actual: str | None) -> None:
        """Remember both revisions for the caller."""
        super().__init__(f"expected revision {expected}, but the log is at {actual}")
        self.expected = expected
        self.actual = actual


class RevisionNotFound(GitBackendError):
    """The revision does not exist or is not part of this repository's history."""


class FileNotInRevision(GitBackendError):
    """The path does not exist in the requested revision."""


class InvalidName(GitBackendError):
    """A repository id, path or author id is outside the safe opaque alphabet."""
