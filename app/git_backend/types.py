"""Plain values the Git backend returns, so callers never see pygit2 objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class CommitInfo:
    """One commit: who (an opaque id), when, why (the event message) and its parents."""

    id: str
    parent_ids: tuple[str, ...]
    author_id: str
    timestamp: datetime
    message: str


@dataclass(frozen=True, slots=True)
class FsckResult:
    """Outcome of checking one repository with ``git fsck``."""

    repo_id: str
    ok: bool
    output: str
