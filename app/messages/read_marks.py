"""When each user last saw each thread of a log, kept beside the logs, never in Git.

The mark is not personal content: an opaque user id, a log id, a thread id and
a time. It answers two questions: which threads have something new for me, and
has anyone but the author seen a message (then it can no longer be edited).
Losing the file only makes every thread look new again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from app.localdb import ThreadLocalDb

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS read_marks (principal TEXT NOT NULL, log_id TEXT NOT NULL, "
    "thread TEXT NOT NULL, seen_at REAL NOT NULL, "
    "PRIMARY KEY (log_id, thread, principal)) WITHOUT ROWID"
)


class ReadMarks:
    """Read marks per (user, log, thread) in their own SQLite file."""

    def __init__(self, path: Path) -> None:
        """Open (and create) the store at ``path``."""
        self.path = path
        self._db = ThreadLocalDb(path)
        self._db().execute(_SCHEMA)

    def mark_seen(self, principal: str, log_id: str, thread: str, at: datetime) -> None:
        """``principal`` has seen everything in ``thread`` up to ``at`` (never moves back)."""
        with self._db() as db:
            db.execute(
                "INSERT INTO read_marks VALUES (?, ?, ?, ?) "
                "ON CONFLICT (log_id, thread, principal) "
                "DO UPDATE SET seen_at = max(seen_at, excluded.seen_at)",
                (principal, log_id, thread, at.timestamp()),
            )

    def seen(self, principal: str, log_id: str) -> dict[str, datetime]:
        """When ``principal`` last saw each thread of the log."""
        rows = (
            self._db()
            .execute(
                "SELECT thread, seen_at FROM read_marks WHERE principal = ? AND log_id = ?",
                (principal, log_id),
            )
            .fetchall()
        )
        return {thread: datetime.fromtimestamp(at, UTC) for thread, at in rows}

    def seen_by_others(self, log_id: str, thread: str, author: str, since: datetime) -> bool:
        """Whether anyone but ``author`` has seen ``thread`` at or after ``since``."""
        row = (
            self._db()
            .execute(
                "SELECT 1 FROM read_marks WHERE log_id = ? AND thread = ? AND principal != ? "
                "AND seen_at >= ? LIMIT 1",
                (log_id, thread, author, since.timestamp()),
            )
            .fetchone()
        )
        return row is not None
