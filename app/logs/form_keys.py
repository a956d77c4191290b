"""Idempotency keys: a form sent twice (double-click, resubmit) changes the log once.

Every form that creates or changes documents carries a random key made when
the form was drawn. The first save records key → revision; a second submission
with the same key gets that revision back without writing anything. Keys are
random and scoped by the user's opaque id: nothing personal is stored.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from app.localdb import ThreadLocalDb

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS form_keys (principal TEXT NOT NULL, key TEXT NOT NULL, "
    "log_id TEXT NOT NULL, revision TEXT NOT NULL, at REAL NOT NULL, "
    "PRIMARY KEY (principal, key)) WITHOUT ROWID"
)
KEEP_SECONDS = 7 * 24 * 3600  # longer than any session, so a stale tab is still recognised
# A claim this old was left by a worker that died: far longer than any save takes.
ABANDONED_SECONDS = 600
_PENDING = "claim:"


class FormKeys:
    """Which form submissions were already saved, in their own SQLite file."""

    def __init__(self, path: Path) -> None:
        """Open (and create) the store at ``path``."""
        self.path = path
        self._db = ThreadLocalDb(path)  # a lost key only risks a rare duplicate
        self._db().execute(_SCHEMA)

    def claim(self, principal: str, key: str, log_id: str) -> tuple[str | None, str]:
        """Claim a key before saving.

        Returns (None, claim) when the key is ours now, or (revision, "") when an
        earlier submission of the same form already produced ``revision``. Two
        submissions racing (a double-click lands on two workers) cannot both
        claim: the second waits for the first to finish and gets its revision.
        The claim names its owner, so only the owner completes or releases it.
        """
        claim = f"{_PENDING}{secrets.token_hex(8)}"
        with self._db() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO form_keys VALUES (?, ?, ?, ?, ?)",
                (principal, key, log_id, claim, time.time()),
            ).rowcount
        if inserted:
            return None, claim
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            row = (
                self._db()
                .execute(
                    "SELECT log_id, revision, at FROM form_keys WHERE principal = ? AND key = ?",
                    (principal, key),
                )
                .fetchone()
            )
            if row is None:  # the first attempt failed and let go: try again ourselves
                return self.claim(principal, key, log_id)
            if row[0] != log_id:
                raise KeyError("a form key is used for one log only")
            if not row[1].startswith(_PENDING):
                return str(row[1]), ""
            if row[2] < time.time() - ABANDONED_SECONDS:
                self.release(principal, key, row[1])  # its worker died between claim and commit
                return self.claim(principal, key, log_id)
            time.sleep(0.05)
        raise TimeoutError("the first submission of this form did not finish")

    def known(self, principal: str, key: str, log_id: str) -> bool:
        """Whether this form was sent before for this log (being saved, or saved)."""
        row = (
            self._db()
            .execute(
                "SELECT 1 FROM form_keys WHERE principal = ? AND key = ? AND log_id = ?",
                (principal, key, log_id),
            )
            .fetchone()
        )
        return row is not None

    def complete(self, principal: str, key: str, claim: str, revision: str) -> None:
        """Record the revision our claim produced; old keys are forgotten now and then."""
        now = time.time()
        with self._db() as db:
            db.execute(
                "UPDATE form_keys SET revision = ?, at = ? "
                "WHERE principal = ? AND key = ? AND revision = ?",
                (revision, now, principal, key, claim),
            )
            if int(now) % 97 == 0:  # cheap occasional clean-up instead of a timer
                db.execute("DELETE FROM form_keys WHERE at < ?", (now - KEEP_SECONDS,))

    def release(self, principal: str, key: str, claim: str) -> None:
        """Give our claim back after a failed save, so the form can be sent again."""
        with self._db() as db:
            db.execute(
                "DELETE FROM form_keys WHERE principal = ? AND key = ? AND revision = ?",
                (principal, key, claim),
            )
