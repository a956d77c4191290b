"""The head ledger: the newest head each repository is known to have (rollback protection).

Per-blob encryption does not stop someone with write access to the content
store from moving a log's branch back to an older, perfectly valid commit, for
example to before a consent was withdrawn. The ledger keeps, apart from the
repositories, the newest head every commit produced, with an HMAC under an
instance secret. On opening a repository its head must be that head or a
descendant of it (a crash between commit and ledger update leaves the repository
one step ahead, which is fine); anything else is refused as tampering.
Unlike the index, the ledger is never rebuilt from the repositories.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Callable
from pathlib import Path

from app.localdb import ThreadLocalDb

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS heads "
    "(repo TEXT PRIMARY KEY, head TEXT NOT NULL, mac TEXT NOT NULL) WITHOUT ROWID"
)


class RolledBack(Exception):
    """A repository's head is older than (or unrelated to) the head the ledger recorded."""


class HeadLedger:
    """Known heads per repository, MAC-ed, in their own SQLite file."""

    def __init__(self, path: Path, key: bytes) -> None:
        """Open (and create) the ledger at ``path``; ``key`` authenticates its rows."""
        self.path = path
        self._key = key
        self._local = threading.local()
        self._db = ThreadLocalDb(path, synchronous="FULL")  # not rebuildable
        self._db().execute(_SCHEMA)

    def record(
        self, repo: str, head: str, is_ancestor: Callable[[str, str], bool] | None = None
    ) -> None:
        """Note the head a commit just produced; never move the ledger back.

        Two writers commit one after the other but may record in the opposite
        order. With ``is_ancestor(a, b)`` (is commit ``a`` ``b`` or older?), the
        slower one sees that the ledger already holds a newer head and leaves it.
        """
        db = self._db()
        # Read before writing: our own write does not move data_version, and a later read
        # could pair our head with another process's newer write and hide it.
        version = db.execute("PRAGMA data_version").fetchone()[0]
        db.execute("BEGIN IMMEDIATE")  # the check and the write as one step between processes
        try:
            row = db.execute("SELECT head FROM heads WHERE repo = ?", (repo,)).fetchone()
            newer_known = (
                row is not None
                and is_ancestor is not None
                and row[0] != head
                and not is_ancestor(row[0], head)
            )
            if not newer_known:
                db.execute(
                    "INSERT OR REPLACE INTO heads VALUES (?, ?, ?)",
                    (repo, head, self._mac(repo, head)),
                )
            db.commit()
        except BaseException:
            db.rollback()
            raise
        if not newer_known:
            self._memo()[repo] = (head, version)

    def verify(self, repo: str, head: str, contains: Callable[[str], bool]) -> None:
        """Accept ``head`` if it is the recorded head or a descendant; raise RolledBack otherwise.

        ``contains(revision)`` says whether the repository's history includes a revision.
        A repository the ledger has never seen is recorded (trust on first use).
        """
        db = self._db()
        version = db.execute("PRAGMA data_version").fetchone()[0]
        verified = self._memo()
        if verified.get(repo) == (head, version):
            return  # verified here already, and no process has changed the ledger since
        row = db.execute("SELECT head, mac FROM heads WHERE repo = ?", (repo,)).fetchone()
        if row is None:
            self.record(repo, head)
            return
        known, mac = row
        if not hmac.compare_digest(mac, self._mac(repo, known)):
            raise RolledBack(f"the ledger entry of {repo} was altered")
        if head != known:
            if not contains(known):
                raise RolledBack(f"{repo} no longer contains its last known head")
            self.record(repo, head)  # ahead of the ledger: a crash after commit, or another writer
            return
        # The version read before the SELECT: a write by another process after it moves
        # data_version, so the memo can never vouch for a row it did not see.
        verified[repo] = (head, version)

    def forget(self, repo: str) -> None:
        """Drop a repository (after shredding)."""
        self._memo().pop(repo, None)
        with self._db() as db:
            db.execute("DELETE FROM heads WHERE repo = ?", (repo,))

    def _memo(self) -> dict[str, tuple[str, int]]:
        """Heads this thread verified, with SQLite's data_version at the time.

        data_version changes when another connection (another worker or
        process) commits to the ledger, so a memo never outlives a change made
        elsewhere; it is per thread because the counter is per connection.
        """
        memo: dict[str, tuple[str, int]] | None = getattr(self._local, "memo", None)
        if memo is None:
            memo = self._local.memo = {}
        return memo

    def _mac(self, repo: str, head: str) -> str:
        return hmac.new(self._key, f"{repo}|{head}".encode(), hashlib.sha256).hexdigest()
