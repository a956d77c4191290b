"""Git storage for logs: bytes in and out of commits, nothing else.

One bare repository per log, one branch (``refs/heads/main``). Every write is a
single commit made against the revision the caller last saw; if the branch has
moved, the write is refused with :class:`RevisionConflict` (compare-and-swap),
never applied over someone else's change. pygit2 (libgit2) does the work in
process with fsync enabled, so an acknowledged commit survives a crash; a
per-repository writer lock (thread lock + flock) serialises writers and lets
the next writer clear Git lock files that a killed process left behind.

Authors are opaque ids, paths come from a fixed safe alphabet, and messages are
built by the caller from typed events: Git never sees a name or a fødselsnummer.
This package knows nothing of encryption, documents or HTTP.
"""

from app.git_backend.errors import (
    FileNotInRevision,
    GitBackendError,
    InvalidName,
    RepositoryExists,
    RepositoryNotFound,
    RevisionConflict,
    RevisionNotFound,
)
from app.git_backend.repository import LogRepository
from app.git_backend.store import GitStore, enable_durability
from app.git_backend.types import CommitInfo, FsckResult

__all__ = [
    "CommitInfo",
    "FileNotInRevision",
    "FsckResult",
    "GitBackendError",
    "GitStore",
    "InvalidName",
    "LogRepository",
    "RepositoryExists",
    "RepositoryNotFound",
    "RevisionConflict",
    "RevisionNotFound",
    "enable_durability",
]
