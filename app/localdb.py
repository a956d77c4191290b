"""One SQLite connection per thread to one file, in WAL mode.

The instance keeps several small SQLite files beside the repositories (index,
sessions, local accounts, head ledger, form keys, calendar feeds). A sqlite3
connection must not be shared between threads, so each of them opens one per
thread, the same way; only durability and transaction handling differ.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Literal


class ThreadLocalDb:
    """Call it to get this thread's connection to ``path`` (opened on first use)."""

    def __init__(
        self,
        path: Path,
        *,
        synchronous: Literal["FULL", "NORMAL"] = "NORMAL",
        autocommit: bool = False,
        rows: bool = False,
        make_folder: bool = False,
    ) -> None:
        """``synchronous=FULL`` for what cannot be rebuilt; ``autocommit`` for explicit
        transactions; ``rows`` for sqlite3.Row results."""
        self.path = path
        self._synchronous = synchronous
        self._autocommit = autocommit
        self._rows = rows
        self._make_folder = make_folder
        self._local = threading.local()

    def __call__(self) -> sqlite3.Connection:
        """This thread's connection."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            if self._make_folder:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            if self._autocommit:
                db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            else:
                db = sqlite3.connect(self.path, timeout=30)
            if self._rows:
                db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(f"PRAGMA synchronous={self._synchronous}")
            self._local.db = db
        return db

    def close(self) -> None:
        """Close this thread's connection (a new call opens a fresh one)."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None
