"""Wrapped data keys, one small file per owner, outside every Git repository.

A log's key file holds all versions of its data key, each wrapped by a master
key and bound to (owner, version, master key id). Keeping one file per log means
one log can be crypto-shredded, and purged from backup sets, on its own.
Named instance secrets (such as the index's hashing key) use the same format.
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.encryption.cipher import LogCipher
from app.encryption.errors import DataKeyMissing, KeyringError
from app.encryption.files import remove_file_durably, write_private_file
from app.encryption.master_keys import MasterKeyRing

KEYFILE_FORMAT = "stafettlogg-data-keys"
KEYFILE_VERSION = 1
_SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")


def _context(owner: str, version: int, master_key_id: str) -> bytes:
    return f"slg/dek/v1|{owner}|{version}|{master_key_id}".encode()


# (key file stamp, unwrapped keys, cipher)
_Unwrapped = tuple[tuple[int, int, int], dict[int, bytes], LogCipher]


class KeyStore:
    """Creates, unwraps, re-wraps and destroys data keys under a master keyring."""

    def __init__(self, root: Path, keyring: MasterKeyRing) -> None:
        """Keep log keys in ``root/logs`` and instance secrets in ``root/secrets``."""
        self.root = root
        self.keyring = keyring
        # log id → (key file stamp, unwrapped keys, cipher): memory only, never on disk.
        self._unwrapped: dict[str, _Unwrapped] = {}
        self._log_paths: dict[str, str] = {}

    # -- log data keys -------------------------------------------------------

    def create_log_keys(self, log_id: str) -> dict[int, bytes]:
        """Generate the first data key of a new log; refuses an existing log."""
        path = self._log_path(log_id)
        if path.exists():
            raise KeyringError(f"log {log_id} already has data keys")
        return self._write_new(path, f"log:{log_id}", {})

    def log_keys(self, log_id: str) -> dict[int, bytes]:
        """Unwrap every data-key version of a log, keyed by version."""
        return dict(self._unwrapped_keys(log_id)[1])

    def log_cipher(self, log_id: str) -> LogCipher:
        """The log's cipher over every data-key version (kept while the key file is unchanged)."""
        return self._unwrapped_keys(log_id)[2]

    def _unwrapped_keys(
        self, log_id: str
    ) -> tuple[tuple[int, int, int], dict[int, bytes], LogCipher]:
        """Unwrapped keys are kept in memory while the key file is unchanged (same inode,
        size and modification time): a rotation, a new version or a shredding, in this
        process or another, is seen on the next call.
        """
        path = self._log_paths.get(log_id)
        if path is None:
            path = self._log_paths[log_id] = str(self._log_path(log_id))
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            self._unwrapped.pop(log_id, None)
            raise DataKeyMissing(
                "no data keys: the log does not exist here or was shredded"
            ) from None
        stamp = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        known = self._unwrapped.get(log_id)
        if known is not None and known[0] == stamp:
            return known
        keys = self._read(Path(path), f"log:{log_id}")
        entry = (stamp, keys, LogCipher(log_id, keys))
        self._unwrapped[log_id] = entry
        return entry

    def has_log_keys(self, log_id: str) -> bool:
        """Whether the log's key file exists (False once shredded)."""
        return self._log_path(log_id).exists()

    def add_log_key_version(self, log_id: str) -> int:
        """Start a new data-key version for new writes; old versions keep history readable."""
        path = self._log_path(log_id)
        keys = self._read(path, f"log:{log_id}")
        return max(self._write_new(path, f"log:{log_id}", keys))

    def shred_log(self, log_id: str) -> bool:
        """Destroy a log's data keys; its ciphertext becomes unreadable for good."""
        self._unwrapped.pop(log_id, None)
        return remove_file_durably(self._log_path(log_id))

    def log_ids(self) -> list[str]:
        """Ids of every log that has a key file."""
        return sorted(p.stem for p in (self.root / "logs").glob("*.json"))

    # -- named instance secrets ---------------------------------------------

    def secret(self, name: str) -> bytes:
        """Return the 256-bit instance secret ``name``, creating it on first use."""
        path = self._secret_path(name)
        if not path.exists():
            self._write_new(path, f"secret:{name}", {})
        return self._read(path, f"secret:{name}")[1]

    # -- master key rotation -------------------------------------------------

    def rewrap_all(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Re-wrap every key file under the keyring's active master key.

        Each file is replaced atomically, so an interrupted run leaves every file
        readable by either the old or the new master key; running it again finishes.
        """
        files = list(self._key_files())
        for done, (path, owner) in enumerate(files, start=1):
            keys = self._read(path, owner)
            self._write(path, owner, keys)
            if progress:
                progress(done, len(files))
        return len(files)

    def master_key_ids_in_use(self) -> set[str]:
        """Which master keys still wrap at least one data key."""
        used: set[str] = set()
        for path, _owner in self._key_files():
            used.update(entry["master_key"] for entry in self._load_json(path)["keys"])
        return used

    # -- internals -----------------------------------------------------------

    def _log_path(self, log_id: str) -> Path:
        if not _SAFE_NAME.match(log_id):
            raise DataKeyMissing("not a valid log id")
        return self.root / "logs" / f"{log_id}.json"

    def _secret_path(self, name: str) -> Path:
        if not _SAFE_NAME.match(name):
            raise KeyringError("not a valid secret name")
        return self.root / "secrets" / f"{name}.json"

    def _key_files(self) -> Iterator[tuple[Path, str]]:
        for path in sorted((self.root / "logs").glob("*.json")):
            yield path, f"log:{path.stem}"
        for path in sorted((self.root / "secrets").glob("*.json")):
            yield path, f"secret:{path.stem}"

    def _write_new(self, path: Path, owner: str, keys: dict[int, bytes]) -> dict[int, bytes]:
        keys = {**keys, max(keys, default=0) + 1: AESGCM.generate_key(bit_length=256)}
        self._write(path, owner, keys)
        return keys

    def _write(self, path: Path, owner: str, keys: dict[int, bytes]) -> None:
        master = self.keyring.active
        entries = [
            {
                "version": version,
                "master_key": master.key_id,
                "wrapped": base64.b64encode(
                    master.wrap(key, _context(owner, version, master.key_id))
                ).decode(),
            }
            for version, key in sorted(keys.items())
        ]
        document = {"format": KEYFILE_FORMAT, "version": KEYFILE_VERSION, "owner": owner}
        write_private_file(path, json.dumps({**document, "keys": entries}).encode())

    def _read(self, path: Path, owner: str) -> dict[int, bytes]:
        document = self._load_json(path)
        if document.get("owner") != owner:
            raise KeyringError(f"key file {path.name} does not belong to {owner}")
        keys = {}
        for entry in document["keys"]:
            master = self.keyring.get(entry["master_key"])
            context = _context(owner, entry["version"], master.key_id)
            keys[int(entry["version"])] = master.unwrap(base64.b64decode(entry["wrapped"]), context)
        return keys

    @staticmethod
    def _load_json(path: Path) -> dict[str, Any]:
        try:
            document = json.loads(path.read_bytes())
        except FileNotFoundError:
            raise DataKeyMissing(
                "no data keys: the log does not exist here or was shredded"
            ) from None
        if not isinstance(document, dict) or document.get("format") != KEYFILE_FORMAT:
            raise KeyringError(f"{path.name} is not a stafettlogg key file")
        return document
