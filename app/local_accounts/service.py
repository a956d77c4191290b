"""Enrolment, activation and login for local child accounts, stored in SQLite."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import sqlite3
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.encryption import DecryptionFailed, LogCipher
from app.local_accounts.passwords import password_problem
from app.localdb import ThreadLocalDb

ACTIVATION_SECONDS = 7 * 24 * 3600
MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60
ADDRESS_WINDOW_SECONDS = 10 * 60
ADDRESS_MAX_ATTEMPTS = 30
_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    username TEXT PRIMARY KEY,
    principal TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,                -- pending, confirming, active, disabled
    password_hash TEXT,
    totp_seed TEXT,                     -- sealed
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until REAL NOT NULL DEFAULT 0,
    activation_hash TEXT,
    activation_expires REAL,
    enrolled_by TEXT NOT NULL,
    created_at REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS attempts (address TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS attempts_by_address ON attempts(address, at);
"""


class LoginFailed(Exception):
    """Wrong username, password or code, a locked account, or too many attempts."""


class ActivationFailed(Exception):
    """The activation code is wrong, used or expired, or the step is out of order."""


class PasswordRejected(Exception):
    """The new password breaks a rule; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        """Keep the machine-readable reason for a translated message."""
        super().__init__(reason)
        self.reason = reason


def normalise_username(username: str) -> str:
    """Usernames compare case-insensitively and in one Unicode form."""
    return unicodedata.normalize("NFKC", username).strip().lower()


class LocalAccounts:
    """The local-account store; ``clock`` is the time source (seconds since the epoch)."""

    def __init__(self, path: Path, seal_key: bytes, clock: Callable[[], float] = time.time) -> None:
        """Open (and create) the database; seeds are sealed with ``seal_key``."""
        self.path = path
        self._cipher = LogCipher("local-accounts", {1: seal_key})
        self._clock = clock
        self._hasher = PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
        self._db = ThreadLocalDb(path, rows=True, synchronous="FULL")
        self._db().executescript(_SCHEMA)

    # -- enrolment by staff ------------------------------------------------------

    def enrol(self, principal: str, username: str, enrolled_by: str, restart: bool = False) -> str:
        """Create (or, when asked, restart) an account; returns the one-time activation code.

        An account the child has activated is restarted only on ``restart``: a form
        sent twice (a reload) must not lock the child out of a working login.
        """
        name = normalise_username(username)
        if not (3 <= len(name) <= 40) or not all(c.isalnum() or c in "._-" for c in name):
            raise ActivationFailed("username")
        code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
        now = self._clock()
        with self._db() as db:
            owner = db.execute(
                "SELECT principal FROM accounts WHERE username = ?", (name,)
            ).fetchone()
            if owner is not None and owner[0] != principal:
                raise ActivationFailed("username_taken")
            active = db.execute(
                "SELECT 1 FROM accounts WHERE principal = ? AND state != 'pending'", (principal,)
            ).fetchone()
            if active is not None and not restart:
                raise ActivationFailed("account_exists")
            db.execute("DELETE FROM accounts WHERE principal = ?", (principal,))
            db.execute(
                "INSERT INTO accounts (username, principal, state, activation_hash, "
                "activation_expires, enrolled_by, created_at) VALUES (?, ?, 'pending', ?, ?, ?, ?)",
                (name, principal, _digest(code), now + ACTIVATION_SECONDS, enrolled_by, now),
            )
        return code

    # -- activation by the child ---------------------------------------------------

    def activate(self, username: str, code: str, password: str) -> str:
        """Set the password with the activation code; returns the new TOTP seed."""
        name = normalise_username(username)
        row = self._row(name)
        valid = (
            row is not None
            and row["state"] == "pending"
            and row["activation_expires"] > self._clock()
            and hmac.compare_digest(row["activation_hash"], _digest(code.strip().upper()))
        )
        if not valid:
            raise ActivationFailed("code")
        problem = password_problem(password, name)
        if problem:
            raise PasswordRejected(problem)
        seed = pyotp.random_base32()
        with self._db() as db:
            db.execute(
                "UPDATE accounts SET state = 'confirming', password_hash = ?, totp_seed = ?, "
                "activation_hash = NULL WHERE username = ?",
                (self._hasher.hash(password), self._seal(seed), name),
            )
        return seed

    def confirm(self, username: str, code: str) -> None:
        """Prove the authenticator app works; the account becomes active."""
        name = normalise_username(username)
        row = self._row(name)
        if row is None or row["state"] != "confirming":
            raise ActivationFailed("state")
        step = self._accepted_step(row, code)
        if step is None:
            raise ActivationFailed("code")
        with self._db() as db:
            db.execute(
                "UPDATE accounts SET state = 'active', totp_last_step = ? WHERE username = ?",
                (step, name),
            )

    # -- login ---------------------------------------------------------------------

    def authenticate(self, username: str, password: str, code: str, address: str) -> str:
        """The account's principal if all three factors are right; LoginFailed otherwise."""
        now = self._clock()
        self._note_attempt(address, now)
        name = normalise_username(username)
        row = self._row(name)
        if row is None or row["state"] != "active" or row["locked_until"] > now:
            self._verify_password(self._dummy_hash, password)  # same work: no timing oracle
            raise LoginFailed()
        password_ok = self._verify_password(row["password_hash"], password)
        step = self._accepted_step(row, code) if password_ok else None
        with self._db() as db:  # commits on leaving the block, so raise only after it
            if step is None:
                failures = row["failures"] + 1
                locked = now + LOCK_SECONDS if failures >= MAX_FAILURES else 0
                db.execute(
                    "UPDATE accounts SET failures = ?, locked_until = ? WHERE username = ?",
                    (0 if locked else failures, locked, name),
                )
            else:
                db.execute(
                    "UPDATE accounts SET failures = 0, totp_last_step = ? WHERE username = ?",
                    (step, name),
                )
        if step is None:
            raise LoginFailed()
        return str(row["principal"])

    def disable(self, principal: str) -> None:
        """Stop an account from logging in (sessions are ended by the caller)."""
        with self._db() as db:
            db.execute("UPDATE accounts SET state = 'disabled' WHERE principal = ?", (principal,))

    def state_of(self, principal: str) -> str | None:
        """pending, confirming, active, disabled, or None if there is no account."""
        row = (
            self._db()
            .execute("SELECT state FROM accounts WHERE principal = ?", (principal,))
            .fetchone()
        )
        return None if row is None else str(row[0])

    # -- internals -------------------------------------------------------------------

    def _accepted_step(self, row: sqlite3.Row, code: str) -> int | None:
        """The time-step ``code`` belongs to, if valid (±1 step) and newer than the last used."""
        seed = self._unseal(row["totp_seed"])
        code = code.strip().replace(" ", "")
        if seed is None or len(code) != 6 or not code.isdigit():
            return None
        totp = pyotp.TOTP(seed)
        current = int(self._clock()) // totp.interval
        for step in (current - 1, current, current + 1):
            if step > row["totp_last_step"] and hmac.compare_digest(
                totp.at(step * totp.interval), code
            ):
                return step
        return None

    def _verify_password(self, stored: str, password: str) -> bool:
        try:
            return bool(self._hasher.verify(stored, password[:1024]))
        except (VerificationError, InvalidHashError):
            return False

    def _note_attempt(self, address: str, now: float) -> None:
        key = _digest(address)  # no IP addresses in clear at rest
        with self._db() as db:
            db.execute("DELETE FROM attempts WHERE at < ?", (now - ADDRESS_WINDOW_SECONDS,))
            count = db.execute(
                "SELECT COUNT(*) FROM attempts WHERE address = ?", (key,)
            ).fetchone()[0]
            db.execute("INSERT INTO attempts VALUES (?, ?)", (key, now))
        if count >= ADDRESS_MAX_ATTEMPTS:
            raise LoginFailed()

    def _row(self, username: str) -> sqlite3.Row | None:
        found: sqlite3.Row | None = (
            self._db().execute("SELECT * FROM accounts WHERE username = ?", (username,)).fetchone()
        )
        return found

    def _seal(self, seed: str) -> str:
        return base64.b64encode(self._cipher.seal("totp-seed", seed.encode())).decode()

    def _unseal(self, sealed: str | None) -> str | None:
        if not sealed:
            return None
        try:
            return self._cipher.open("totp-seed", base64.b64decode(sealed)).decode()
        except (DecryptionFailed, ValueError):
            return None


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
