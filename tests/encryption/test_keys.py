"""Master keys, wrapped data keys, rotation and crypto-shredding."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest

from app.encryption import (
    DataKeyMissing,
    DecryptionFailed,
    KeyringError,
    KeyStore,
    LocalMasterKey,
    MasterKeyRing,
    UnknownMasterKey,
    generate_keyring_file,
    keyring_from_env,
    load_keyring_file,
)


def test_keyring_file_is_private_and_reloads(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    ring = generate_keyring_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = load_keyring_file(path)
    assert again.active.key_id == ring.active.key_id
    with pytest.raises(KeyringError, match="refusing to overwrite"):
        generate_keyring_file(path)


@pytest.mark.parametrize("text", ["", "{}", '{"format": "x"}', "not json"])
def test_bad_keyring_files_give_clear_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "keys.json"
    path.write_text(text)
    with pytest.raises(KeyringError):
        load_keyring_file(path)


def test_keyring_from_env() -> None:
    material = base64.b64encode(bytes(32)).decode()
    ring = keyring_from_env(f"mk-a:{material},mk-b:{material}")
    assert ring.active.key_id == "mk-a" and ring.key_ids() == ["mk-a", "mk-b"]
    for bad in ("", "nocolon", "mk-a:notbase64!", f"mk-a:{base64.b64encode(b'short').decode()}"):
        with pytest.raises(KeyringError):
            keyring_from_env(bad)


def test_wrap_binds_context() -> None:
    key = LocalMasterKey.generate()
    wrapped = key.wrap(b"k" * 32, b"log:a")
    assert key.unwrap(wrapped, b"log:a") == b"k" * 32
    with pytest.raises(DecryptionFailed):
        key.unwrap(wrapped, b"log:b")


def test_data_keys_live_outside_and_unwrap(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys", MasterKeyRing(LocalMasterKey.generate()))
    created = store.create_log_keys("log-one")
    assert store.log_keys("log-one") == created
    key_file = tmp_path / "keys" / "logs" / "log-one.json"
    assert created[1] not in key_file.read_bytes()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    with pytest.raises(KeyringError):
        store.create_log_keys("log-one")


def test_wrong_master_key_cannot_unwrap(tmp_path: Path) -> None:
    KeyStore(tmp_path, MasterKeyRing(LocalMasterKey.generate())).create_log_keys("log-one")
    with pytest.raises(UnknownMasterKey):
        KeyStore(tmp_path, MasterKeyRing(LocalMasterKey.generate())).log_keys("log-one")


def test_key_file_copied_to_another_log_fails(tmp_path: Path) -> None:
    store = KeyStore(tmp_path, MasterKeyRing(LocalMasterKey.generate()))
    store.create_log_keys("log-one")
    (tmp_path / "logs" / "log-two.json").write_bytes(
        (tmp_path / "logs" / "log-one.json").read_bytes()
    )
    with pytest.raises(KeyringError):
        store.log_keys("log-two")


def test_rotation_rewraps_everything_and_old_key_can_retire(tmp_path: Path) -> None:
    ring = MasterKeyRing(LocalMasterKey.generate())
    store = KeyStore(tmp_path, ring)
    before = {log: store.create_log_keys(log) for log in ("log-one", "log-two")}
    secret = store.secret("index-key")
    store.keyring = ring.rotated(LocalMasterKey.generate())
    assert store.rewrap_all() == 3
    assert store.master_key_ids_in_use() == {store.keyring.active.key_id}
    retired = KeyStore(tmp_path, store.keyring.without(ring.active.key_id))
    assert {log: retired.log_keys(log) for log in before} == before
    assert retired.secret("index-key") == secret


def test_shredded_log_keys_are_gone(tmp_path: Path) -> None:
    store = KeyStore(tmp_path, MasterKeyRing(LocalMasterKey.generate()))
    store.create_log_keys("log-one")
    assert store.shred_log("log-one") is True
    with pytest.raises(DataKeyMissing):
        store.log_keys("log-one")
    assert store.shred_log("log-one") is False


@pytest.mark.parametrize("bad", ["../etc", "A", "", "x/y", "log one"])
def test_unsafe_log_ids_refused(tmp_path: Path, bad: str) -> None:
    store = KeyStore(tmp_path, MasterKeyRing(LocalMasterKey.generate()))
    with pytest.raises(DataKeyMissing):
        store.log_keys(bad)
