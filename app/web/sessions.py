"""Server-side sessions: an opaque token in the cookie, everything else in SQLite.

The cookie holds only a random 256-bit token; the database stores its SHA-256,
so a copy of the database gives no live session. Sessions end after an idle
timeout and an absolute lifetime, are rotated at login, and can be ended by
user (all their sessions) or by the ID-porten session id (front-channel logout).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from pathlib import Path
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from app.localdb import ThreadLocalDb

TOUCH_INTERVAL_SECONDS = 60
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    created REAL NOT NULL,
    seen REAL NOT NULL,
    principal TEXT,
    oidc_sid TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sessions_by_principal ON sessions(principal);
CREATE INDEX IF NOT EXISTS sessions_by_sid ON sessions(oidc_sid);
CREATE TABLE IF NOT EXISTS seen_tokens (jti TEXT PRIMARY KEY, expires REAL NOT NULL) WITHOUT ROWID;
"""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ServerSession(CallbackDict[str, Any], SessionMixin):
    """Session data held on the server; the browser only has the token."""

    def __init__(
        self,
        data: dict[str, Any] | None = None,
        token: str | None = None,
        created: float | None = None,
        seen: float | None = None,
    ) -> None:
        """Track changes so only modified sessions are written."""

        def on_update(_self: CallbackDict[str, Any]) -> None:
            self.modified = True

        super().__init__(data or {}, on_update)
        self.token = token
        self.created = created or time.time()
        self.seen = seen or self.created
        self.modified = False
        self.rotate = False
        self.ended = False

    def regenerate(self) -> None:
        """Issue a new token (at login), so a planted token becomes useless."""
        self.rotate = True
        self.created = time.time()
        self.modified = True

    def end(self) -> None:
        """Forget the session on the server and in the browser."""
        self.clear()
        self.ended = True


class SessionStore:
    """The sessions table; one connection per thread."""

    def __init__(self, path: Path) -> None:
        """Create the database if needed."""
        self.path = path
        self._db = ThreadLocalDb(path, autocommit=True)
        self._db().executescript(_SCHEMA)

    def load(self, token: str) -> tuple[dict[str, Any], float, float] | None:
        """Data, creation and last-seen time of a session, or None."""
        row = (
            self._db()
            .execute(
                "SELECT data, created, seen FROM sessions WHERE token_hash = ?", (_hash(token),)
            )
            .fetchone()
        )
        return None if row is None else (json.loads(row[0]), row[1], row[2])

    def save(self, token: str, session: ServerSession, now: float) -> None:
        """Store or update a session."""
        self._db().execute(
            "INSERT OR REPLACE INTO sessions VALUES (?, ?, ?, ?, ?, ?)",
            (
                _hash(token),
                json.dumps(dict(session)),
                session.created,
                now,
                session.get("principal"),
                session.get("oidc_sid"),
            ),
        )

    def touch(self, token: str, now: float) -> None:
        """Note activity on an unchanged session (for the idle timeout)."""
        self._db().execute("UPDATE sessions SET seen = ? WHERE token_hash = ?", (now, _hash(token)))

    def delete(self, token: str) -> None:
        """End one session."""
        self._db().execute("DELETE FROM sessions WHERE token_hash = ?", (_hash(token),))

    def delete_for_principal(self, principal: str) -> int:
        """End every session of a user (when disabled)."""
        return self._db().execute("DELETE FROM sessions WHERE principal = ?", (principal,)).rowcount

    def delete_for_oidc_sid(self, sid: str) -> int:
        """End the sessions of one ID-porten session (front-channel logout)."""
        return self._db().execute("DELETE FROM sessions WHERE oidc_sid = ?", (sid,)).rowcount

    def remember_jti(self, jti: str, expires: float) -> bool:
        """Note a token id; False if it was seen before (a replayed token)."""
        db = self._db()
        db.execute("DELETE FROM seen_tokens WHERE expires < ?", (time.time(),))
        return (
            db.execute(
                "INSERT OR IGNORE INTO seen_tokens VALUES (?, ?)", (jti[:200], expires)
            ).rowcount
            == 1
        )

    def purge(self, idle_before: float, created_before: float) -> int:
        """Delete expired sessions."""
        return (
            self._db()
            .execute(
                "DELETE FROM sessions WHERE seen < ? OR created < ?", (idle_before, created_before)
            )
            .rowcount
        )


class ServerSessionInterface(SessionInterface):
    """Flask's session machinery backed by :class:`SessionStore`."""

    def __init__(
        self,
        store: SessionStore,
        *,
        idle_seconds: int,
        absolute_seconds: int,
        cookie_name: str,
        secure: bool,
    ) -> None:
        """Configure timeouts and the cookie."""
        self.store = store
        self.idle = idle_seconds
        self.absolute = absolute_seconds
        self.cookie_name = cookie_name
        self.secure = secure

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        """Load the session named by the cookie if it is known and not expired."""
        token = request.cookies.get(self.cookie_name)
        if token and len(token) < 100:
            found = self.store.load(token)
            if found is not None:
                data, created, seen = found
                now = time.time()
                if now - seen <= self.idle and now - created <= self.absolute:
                    return ServerSession(data, token, created, seen)
                self.store.delete(token)
        return ServerSession()

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Write the session and (re)issue the cookie; delete it when ended."""
        assert isinstance(session, ServerSession)
        if session.ended or (not session and session.token):
            if session.token:
                self.store.delete(session.token)
            response.delete_cookie(
                self.cookie_name, path="/", secure=self.secure, httponly=True, samesite="Lax"
            )
            return
        if not session:
            return  # anonymous visitor with nothing to remember: no cookie at all
        now = time.time()
        if session.rotate and session.token:
            self.store.delete(session.token)
            session.token = None
        if session.token is None:
            session.token = secrets.token_urlsafe(32)
            self.store.save(session.token, session, now)
            response.set_cookie(
                self.cookie_name,
                session.token,
                path="/",
                secure=self.secure,
                httponly=True,
                samesite="Lax",
            )
        elif session.modified:
            self.store.save(session.token, session, now)
        elif now - session.seen >= TOUCH_INTERVAL_SECONDS:
            self.store.touch(session.token, now)  # idle time needs minutes, not every request
        response.vary.add("Cookie")
