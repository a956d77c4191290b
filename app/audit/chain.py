"""Append-only, hash-chained, encrypted access-log files."""

from __future__ import annotations

import atexit
import base64
import fcntl
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.encryption import DecryptionFailed, LogCipher

GENESIS = "0" * 64


class ChainBroken(Exception):
    """The access log was altered, truncated or cannot be decrypted."""


@dataclass(frozen=True)
class AccessEntry:
    """One access: when, who (opaque id, role, service), what, and on which basis."""

    at: datetime
    actor: str
    role: str
    service: str
    section: str
    action: str
    basis: str

    def to_json(self) -> dict[str, str]:
        """Plain values for storage."""
        return {  # by hand: dataclasses.asdict deep-copies, and this runs on every page view
            "at": self.at.isoformat(),
            "actor": self.actor,
            "role": self.role,
            "service": self.service,
            "section": self.section,
            "action": self.action,
            "basis": self.basis,
        }

    @classmethod
    def from_json(cls, values: dict[str, str]) -> AccessEntry:
        """Inverse of :meth:`to_json`."""
        return cls(**{**values, "at": datetime.fromisoformat(values["at"])})  # type: ignore[arg-type]


class AccessLog:
    """The access-log files of every log under one directory.

    Durability (group commit): every entry is written to the file before the
    request is answered, so a crash of the process loses nothing. Reads are
    many, so their entries are fsynced in groups, at most ``group_seconds``
    after they were written, by one background flush per process; an entry
    for a change (``durable=True``) is fsynced at once. The anchor, which lets
    fsck detect a truncated chain, is only ever written for entries already on
    disk. The trade-off: a power cut can lose up to ``group_seconds`` of read
    entries; it can never lose a change's entry or break the chain.
    """

    def __init__(
        self, root: Path, cipher_for: Callable[[str], LogCipher], group_seconds: float = 0.05
    ) -> None:
        """``cipher_for(log_id)`` gives the log's cipher (raising if it is shredded)."""
        self.root = root
        self._cipher_for = cipher_for
        self.group_seconds = group_seconds
        self._pending: dict[str, tuple[int, str]] = {}  # log id → newest unsynced (seq, hash)
        # log id → ((inode, size) of the file after our last entry, seq, hash)
        self._tails: dict[str, tuple[tuple[int, int], int, str]] = {}
        self._pending_lock = threading.Lock()
        self._wake = threading.Event()
        self._flusher: threading.Thread | None = None
        self._flush_at_exit = False
        self._files: dict[tuple[str, str], str] = {}
        self.fsyncs = 0

    def append(self, log_id: str, entry: AccessEntry, durable: bool = False) -> int:
        """Add an entry; returns its sequence number (1-based). See the class docstring."""
        cipher = self._cipher_for(log_id)
        with self._locked(log_id):
            seq, previous = self._tail(log_id, cipher)
            plain = json.dumps(
                {"seq": seq + 1, "prev": previous, **entry.to_json()}, sort_keys=True
            ).encode()
            sealed = cipher.seal(f"access-log/{seq + 1}", plain)
            digest = hashlib.sha256(plain).hexdigest()
            line = f"{seq + 1} ".encode() + base64.b64encode(sealed) + b"\n"
            fd = os.open(self._file(log_id, "log"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
                written = os.fstat(fd)
                if durable or self.group_seconds <= 0:
                    os.fsync(fd)
                    self.fsyncs += 1
            finally:
                os.close(fd)
            self._tails[log_id] = ((written.st_ino, written.st_size), seq + 1, digest)
            if durable or self.group_seconds <= 0:
                with self._pending_lock:
                    self._pending.pop(log_id, None)
                with self._locked(log_id, "anchor-lock"):
                    self._write_anchor(log_id, seq + 1, digest)
            else:
                self._schedule(log_id, seq + 1, digest)
        return seq + 1

    def flush(self) -> int:
        """Fsync every log with unsynced entries and move their anchors; returns how many."""
        with self._pending_lock:
            pending, self._pending = self._pending, {}
        for log_id, (seq, digest) in pending.items():
            # Appenders are not held up by the fsync: it needs no lock, and entries
            # written meanwhile are simply synced too. Only the anchor is locked.
            with self._path(log_id, "log").open("ab") as handle:
                os.fsync(handle.fileno())
                self.fsyncs += 1
            with self._locked(log_id, "anchor-lock"):
                anchored, _hash = self._read_anchor(log_id)
                if seq > anchored:  # another process may have anchored further already
                    self._write_anchor(log_id, seq, digest)
        return len(pending)

    def _schedule(self, log_id: str, seq: int, digest: str) -> None:
        with self._pending_lock:
            self._pending[log_id] = (seq, digest)
            if self._flusher is None or not self._flusher.is_alive():
                self._flusher = threading.Thread(
                    target=self._flush_forever, name="access-log-flush", daemon=True
                )
                self._flusher.start()
                if not self._flush_at_exit:
                    atexit.register(self.flush)
                    self._flush_at_exit = True
        self._wake.set()

    def _flush_forever(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(self.group_seconds)  # let a group of entries gather
            self._wake.clear()
            try:
                self.flush()
            except OSError:  # pragma: no cover - a full disk must not kill the worker
                time.sleep(1)

    def entries(self, log_id: str) -> list[AccessEntry]:
        """Every entry, oldest first, after verifying the whole chain."""
        return [entry for entry, _plain in self._verified(log_id)]

    def verify(self, log_id: str) -> int:
        """Check the chain and the anchor; returns the entry count or raises ChainBroken."""
        return sum(1 for _ in self._verified(log_id))

    def log_ids(self) -> list[str]:
        """Logs that have an access log."""
        return sorted(p.stem for p in self.root.glob("*.log"))

    def _verified(self, log_id: str) -> Iterator[tuple[AccessEntry, bytes]]:
        cipher = self._cipher_for(log_id)
        anchor_seq, anchor_hash = self._read_anchor(log_id)
        previous, seq = GENESIS, 0
        path = self._path(log_id, "log")
        lines = path.read_bytes().splitlines() if path.exists() else []
        for seq, line in enumerate(lines, start=1):
            plain = self._open_line(cipher, line, seq)
            values = json.loads(plain)
            if values.pop("seq") != seq or values.pop("prev") != previous:
                raise ChainBroken(f"entry {seq} does not follow entry {seq - 1}")
            previous = hashlib.sha256(plain).hexdigest()
            yield AccessEntry.from_json(values), plain
        if seq < anchor_seq or (seq == anchor_seq and anchor_seq and previous != anchor_hash):
            raise ChainBroken(f"the access log ends at entry {seq}, but {anchor_seq} were written")

    @staticmethod
    def _open_line(cipher: LogCipher, line: bytes, seq: int) -> bytes:
        """Decrypt one line, which must carry sequence number ``seq``."""
        try:
            label, _, payload = line.partition(b" ")
            if int(label) != seq:
                raise ValueError("out of sequence")
            return cipher.open(f"access-log/{seq}", base64.b64decode(payload, validate=True))
        except (DecryptionFailed, ValueError):
            raise ChainBroken(f"entry {seq} is altered, reordered or unreadable") from None

    def _tail(self, log_id: str, cipher: LogCipher) -> tuple[int, str]:
        """Sequence and hash of the last complete entry, read from the file's end.

        A torn last line (a crash mid-append, so never acknowledged) is cut off.
        """
        path = self._file(log_id, "log")
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            return 0, GENESIS
        known = self._tails.get(log_id)
        if known is not None and (stat.st_ino, stat.st_size) == known[0]:
            return known[1], known[2]  # nobody appended since our own last entry
        with open(path, "r+b") as handle:
            size = handle.seek(0, os.SEEK_END)
            window = 4096  # an entry is well under 1 KB; grow only for a torn giant tail
            while True:
                start = max(0, size - window)
                handle.seek(start)
                data = handle.read()
                cut = data.rfind(b"\n")
                # Enough when the window holds a whole last line (or the file's start).
                if start == 0 or (cut >= 0 and data.rfind(b"\n", 0, cut) >= 0):
                    break
                window *= 4
            if data and not data.endswith(b"\n"):
                handle.truncate(start + cut + 1)  # a torn last line: cut it off
                data = data[: cut + 1]
        lines = data.splitlines()
        if not lines:
            return 0, GENESIS
        seq = int(lines[-1].partition(b" ")[0])
        return seq, hashlib.sha256(self._open_line(cipher, lines[-1], seq)).hexdigest()

    def _path(self, log_id: str, suffix: str) -> Path:
        if not log_id.isalnum() or not log_id.isascii():
            raise ChainBroken("not a log id")
        return self.root / f"{log_id}.{suffix}"

    def _file(self, log_id: str, suffix: str) -> str:
        """The same path as a string, remembered: building Paths shows up on every page view."""
        key = (log_id, suffix)
        path = self._files.get(key)
        if path is None:
            path = self._files[key] = str(self._path(log_id, suffix))
        return path

    def _read_anchor(self, log_id: str) -> tuple[int, str]:
        try:
            seq, digest = self._path(log_id, "anchor").read_text().split()
            return int(seq), digest
        except FileNotFoundError:
            return 0, GENESIS

    def _write_anchor(self, log_id: str, seq: int, digest: str) -> None:
        path = self._path(log_id, "anchor")
        tmp = path.with_suffix(".anchor-tmp")
        with tmp.open("w") as handle:
            handle.write(f"{seq} {digest}\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)

    @contextmanager
    def _locked(self, log_id: str, name: str = "lock") -> Iterator[None]:
        path = self._file(log_id, name)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except FileNotFoundError:  # the first entry of the instance: make the folder
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)
