"""The SQLite (WAL) tables behind :class:`LogIndex`."""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.localdb import ThreadLocalDb

SCHEMA_VERSION = "1"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS logs (
    log_id TEXT PRIMARY KEY,
    head TEXT NOT NULL,
    status TEXT NOT NULL,
    subject TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS logs_by_subject ON logs(subject);
CREATE TABLE IF NOT EXISTS relations (
    principal TEXT NOT NULL,
    log_id TEXT NOT NULL,
    relation TEXT NOT NULL,
    PRIMARY KEY (principal, log_id, relation)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS relations_by_log ON relations(log_id);
"""


@dataclass(frozen=True, slots=True)
class IndexedLog:
    """A log as the index knows it, from one principal's point of view."""

    log_id: str
    relation: str
    status: str
    unit_id: str
    head: str


class LogIndex:
    """Thread-safe access to the index database; one connection per thread."""

    def __init__(self, path: Path, person_key: bytes) -> None:
        """Open (and create) the database at ``path``; ``person_key`` keys the HMAC."""
        self.path = path
        self._person_key = person_key
        self._db = ThreadLocalDb(path, autocommit=True, make_folder=True)  # a rebuildable cache
        self._db().executescript(_SCHEMA)  # executescript manages its own transaction
        with self._transaction() as db:
            db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))

    def person_principal(self, fnr: str) -> str:
        """The keyed hash standing in for a person known by fødselsnummer."""
        digest = hmac.new(self._person_key, fnr.encode(), hashlib.sha256).hexdigest()
        return f"p-{digest[:40]}"

    def record(
        self,
        log_id: str,
        *,
        head: str,
        status: str,
        subject_fnr: str,
        unit_id: str,
        relations: Iterable[tuple[str, str]],
    ) -> None:
        """Replace everything the index knows about one log, atomically."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        rows = [(principal, log_id, str(relation)) for principal, relation in set(relations)]
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO logs VALUES (?, ?, ?, ?, ?, ?)",
                (log_id, head, status, self.person_principal(subject_fnr), unit_id, now),
            )
            db.execute("DELETE FROM relations WHERE log_id = ?", (log_id,))
            db.executemany("INSERT INTO relations VALUES (?, ?, ?)", rows)

    def claim_subject(self, fnr: str, log_id: str, unit_id: str) -> str | None:
        """Reserve ``fnr`` for a new log, or return the id of the log that already has it.

        Check and reservation happen in one IMMEDIATE transaction, so two
        concurrent creations for the same person cannot both succeed.
        """
        subject = self.person_principal(fnr)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._transaction() as db:
            row = db.execute("SELECT log_id FROM logs WHERE subject = ?", (subject,)).fetchone()
            if row is not None:
                return str(row[0])
            db.execute(
                "INSERT INTO logs VALUES (?, '', 'creating', ?, ?, ?)",
                (log_id, subject, unit_id, now),
            )
        return None

    def set_head(self, log_id: str, head: str) -> None:
        """Note a new head of a log whose relations did not change."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._transaction() as db:
            db.execute(
                "UPDATE logs SET head = ?, updated_at = ? WHERE log_id = ?", (head, now, log_id)
            )

    def forget(self, log_id: str) -> None:
        """Remove a log from the index (after shredding)."""
        with self._transaction() as db:
            db.execute("DELETE FROM relations WHERE log_id = ?", (log_id,))
            db.execute("DELETE FROM logs WHERE log_id = ?", (log_id,))

    def logs_for(self, principal: str) -> list[IndexedLog]:
        """Every log ``principal`` relates to, one row per relation."""
        rows = self._db().execute(
            "SELECT r.log_id, r.relation, l.status, l.unit_id, l.head FROM relations r "
            "JOIN logs l ON l.log_id = r.log_id WHERE r.principal = ? ORDER BY r.log_id",
            (principal,),
        )
        return [IndexedLog(*row) for row in rows]

    def logs_of_subject(self, fnr: str) -> list[str]:
        """Ids of the logs whose subject has this fødselsnummer."""
        rows = self._db().execute(
            "SELECT log_id FROM logs WHERE subject = ? ORDER BY log_id",
            (self.person_principal(fnr),),
        )
        return [row[0] for row in rows]

    def head_of(self, log_id: str) -> str | None:
        """The head the index last saw for a log, or None if not indexed."""
        row = self._db().execute("SELECT head FROM logs WHERE log_id = ?", (log_id,)).fetchone()
        return None if row is None else str(row[0])

    def log_ids(self, units: Iterable[str] | None = None) -> list[str]:
        """Every indexed log id, or only those of ``units``."""
        if units is None:
            rows = self._db().execute("SELECT log_id FROM logs ORDER BY log_id")
        else:
            wanted = sorted(units)
            marks = ",".join("?" * len(wanted))
            rows = self._db().execute(
                f"SELECT log_id FROM logs WHERE unit_id IN ({marks}) ORDER BY log_id",  # noqa: S608
                wanted,
            )
        return [row[0] for row in rows]

    def clear(self) -> None:
        """Forget everything (before a full rebuild)."""
        with self._transaction() as db:
            db.execute("DELETE FROM relations")
            db.execute("DELETE FROM logs")

    def close(self) -> None:
        """Close this thread's connection."""
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
