"""The outcome of every deletion request, kept outside the logs (a shredded log's keys are gone).

When a log is blocked or crypto-shredded on a family's request, the decision is
recorded here as well as (for blocking) in the log: a shredded log cannot say
anything any more, and a blocked one opens for no one but the archivist. The
register holds no content and no name: the log id, its unit, the outcome and
its reason as codes, the dates, the coordinators who decided (two for
shredding), and the opaque id of the family member who asked, so that they can
be told the outcome. A shredding is recorded durably *before* the keys are
destroyed; one whose destruction never finished (a crash in between) is
finished by ``stafettlogg fsck``, so "recorded as shredded" and "unreadable"
cannot disagree for long.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from app.localdb import ThreadLocalDb

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outcomes (
    log_id TEXT PRIMARY KEY,
    unit_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL,
    asked_by TEXT NOT NULL,
    asked_on TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    confirmed_by TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    done_at REAL
) WITHOUT ROWID
"""
_COLUMNS = (
    "log_id, unit_id, outcome, reason, asked_by, asked_on, decided_by, confirmed_by, "
    "decided_on, done_at"
)


@dataclass(frozen=True)
class DeletionOutcome:
    """How a deletion request ended: blocked (archive duty) or shredded (four eyes)."""

    log_id: str
    unit_id: str
    outcome: Literal["blocked", "shredded"]
    reason: Literal["archive_duty", "no_archive_duty"]
    asked_by: str  # opaque id of the guardian or youth who asked
    asked_on: date
    decided_by: str  # opaque id of the coordinator (who proposed, for shredding)
    confirmed_by: str  # the second coordinator ("" for blocking)
    decided_on: date
    done: bool = False  # blocked, or the keys destroyed


class DeletionRegister:
    """Deletion outcomes in their own SQLite file, written with full durability."""

    def __init__(self, path: Path) -> None:
        """Open (and create) the register at ``path``."""
        self.path = path
        self._db = ThreadLocalDb(path, synchronous="FULL")
        with self._db() as db:
            db.execute(_SCHEMA)

    def record(self, outcome: DeletionOutcome) -> None:
        """Record an outcome (a shredding before its keys are destroyed); once per log."""
        with self._db() as db:
            db.execute(
                "INSERT INTO outcomes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (log_id) DO NOTHING",
                (
                    outcome.log_id,
                    outcome.unit_id,
                    outcome.outcome,
                    outcome.reason,
                    outcome.asked_by,
                    outcome.asked_on.isoformat(),
                    outcome.decided_by,
                    outcome.confirmed_by,
                    outcome.decided_on.isoformat(),
                    datetime.now(UTC).timestamp() if outcome.done else None,
                ),
            )

    def mark_done(self, log_id: str) -> None:
        """The outcome has taken effect (the log's keys are destroyed)."""
        with self._db() as db:
            db.execute(
                "UPDATE outcomes SET done_at = ? WHERE log_id = ? AND done_at IS NULL",
                (datetime.now(UTC).timestamp(), log_id),
            )

    def get(self, log_id: str) -> DeletionOutcome | None:
        """The outcome recorded for ``log_id``, if any."""
        found = self._select("WHERE log_id = ?", (log_id,))
        return found[0] if found else None

    def all(self) -> list[DeletionOutcome]:
        """Every outcome, newest first."""
        return self._select("ORDER BY decided_on DESC, log_id", ())

    def asked_by(self, principal: str) -> list[DeletionOutcome]:
        """The outcomes of this person's requests, to tell them."""
        return self._select("WHERE asked_by = ? ORDER BY decided_on DESC", (principal,))

    def unfinished(self) -> list[DeletionOutcome]:
        """Shreddings recorded but not done (a crash before the keys were destroyed)."""
        return self._select("WHERE done_at IS NULL", ())

    def _select(self, where: str, values: tuple[str, ...]) -> list[DeletionOutcome]:
        query = f"SELECT {_COLUMNS} FROM outcomes {where}"  # noqa: S608 (fixed clauses)
        return [
            DeletionOutcome(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                date.fromisoformat(row[5]),
                row[6],
                row[7],
                date.fromisoformat(row[8]),
                row[9] is not None,
            )
            for row in self._db().execute(query, values).fetchall()
        ]

    def close(self) -> None:
        """Close this thread's connection."""
        self._db.close()
