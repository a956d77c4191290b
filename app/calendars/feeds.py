"""Private calendar feed tokens: long, random, revocable and renewable.

Only a keyed hash of a token is stored, so the database does not hold working
links; the user sees a token once, when it is made, and renews it to see a new
one. A token belongs to one user and covers one log or all of their logs; the
access decision is still made on every fetch, as that user.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from app.localdb import ThreadLocalDb

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS feeds (principal TEXT NOT NULL, kind TEXT NOT NULL, "
    "scope TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, created REAL NOT NULL, "
    "PRIMARY KEY (principal, scope))"
)
ALL_LOGS = "*"


class FeedTokenUnknown(LookupError):
    """No feed has this token (never made, revoked or renewed)."""


@dataclass(frozen=True)
class Feed:
    """Whose feed a token opens, and for which log (or ALL_LOGS)."""

    principal: str
    kind: str
    scope: str


class FeedTokens:
    """Feed tokens in their own SQLite file, stored as keyed hashes."""

    def __init__(self, path: Path, key: bytes) -> None:
        """Open (and create) the store; ``key`` keys the token hashes."""
        self.path = path
        self._key = key
        self._db = ThreadLocalDb(path, synchronous="FULL")  # a revocation must survive
        self._db().execute(_SCHEMA)

    def renew(self, principal: str, kind: str, scope: str) -> str:
        """Make a new token for (user, scope); any older one stops working at once."""
        token = secrets.token_urlsafe(32)
        with self._db() as db:
            db.execute(
                "INSERT OR REPLACE INTO feeds VALUES (?, ?, ?, ?, ?)",
                (principal, kind, scope, self._hash(token), time.time()),
            )
        return token

    def revoke(self, principal: str, scope: str) -> None:
        """Stop the user's feed for a scope."""
        with self._db() as db:
            db.execute("DELETE FROM feeds WHERE principal = ? AND scope = ?", (principal, scope))

    def has_feed(self, principal: str, scope: str) -> bool:
        """Whether the user has a working feed for a scope."""
        row = (
            self._db()
            .execute("SELECT 1 FROM feeds WHERE principal = ? AND scope = ?", (principal, scope))
            .fetchone()
        )
        return row is not None

    def open(self, token: str) -> Feed:
        """Whose feed a token is; FeedTokenUnknown for anything else."""
        if not 20 <= len(token) <= 100:
            raise FeedTokenUnknown(token[:8])
        row = (
            self._db()
            .execute(
                "SELECT principal, kind, scope FROM feeds WHERE token_hash = ?",
                (self._hash(token),),
            )
            .fetchone()
        )
        if row is None:
            raise FeedTokenUnknown(token[:8])
        return Feed(*row)

    def _hash(self, token: str) -> str:
        return hmac.new(self._key, token.encode(), hashlib.sha256).hexdigest()
