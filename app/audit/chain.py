"""Append-only, hash-chained, encrypted access-log files."""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
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
        values = asdict(self)
        values["at"] = self.at.isoformat()
        return values

    @classmethod
    def from_json(cls, values: dict[str, str]) -> AccessEntry:
        """Inverse of :meth:`to_json`."""
        return cls(**{**values, "at": datetime.fromisoformat(values["at"])})  # type: ignore[arg-type]


class AccessLog:
    """The access-log files of every log under one directory."""

    def __init__(self, root: Path, cipher_for: Callable[[str], LogCipher]) -> None:
        """``cipher_for(log_id)`` gives the log's cipher (raising if it is shredded)."""
        self.root = root
        self._cipher_for = cipher_for

    def append(self, log_id: str, entry: AccessEntry) -> int:
        """Add an entry durably; returns its sequence number (1-based)."""
        cipher = self._cipher_for(log_id)
        with self._locked(log_id):
            seq, previous = self._tail(log_id, cipher)
            plain = json.dumps(
                {"seq": seq + 1, "prev": previous, **entry.to_json()}, sort_keys=True
            ).encode()
            sealed = cipher.seal(f"access-log/{seq + 1}", plain)
            with self._path(log_id, "log").open("ab") as handle:
                handle.write(f"{seq + 1} ".encode() + base64.b64encode(sealed) + b"\n")
                handle.flush()
                os.fsync(handle.fileno())
            self._write_anchor(log_id, seq + 1, hashlib.sha256(plain).hexdigest())
        return seq + 1

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
        path = self._path(log_id, "log")
        if not path.exists():
            return 0, GENESIS
        with path.open("r+b") as handle:
            size = handle.seek(0, os.SEEK_END)
            start = max(0, size - 65536)
            handle.seek(start)
            data = handle.read()
            if data and not data.endswith(b"\n"):
                cut = data.rfind(b"\n")
                handle.truncate(start + cut + 1)
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
    def _locked(self, log_id: str) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self._path(log_id, "lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)
