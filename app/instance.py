"""The composition root: build the storage parts of one instance from its settings."""

from __future__ import annotations

import os
from dataclasses import dataclass

from app.audit import AccessLog
from app.calendars.feeds import FeedTokens
from app.config import ConfigError, Settings
from app.directory import Directory
from app.encryption import (
    KeyringError,
    KeyStore,
    MasterKeyRing,
    generate_keyring_file,
    keyring_from_env,
    load_keyring_file,
)
from app.git_backend import GitStore, enable_durability
from app.index import LogIndex
from app.local_accounts import LocalAccounts
from app.logs.deletion_register import DeletionRegister
from app.logs.form_keys import FormKeys
from app.logs.ledger import HeadLedger
from app.logs.service import LogService
from app.messages import ReadMarks

INDEX_SECRET = "index-person-key"  # noqa: S105 (a key *name*, not a secret)


@dataclass
class Instance:
    """Everything a command or the web app needs to work with logs."""

    settings: Settings
    store: GitStore
    keys: KeyStore
    index: LogIndex
    logs: LogService
    directory: Directory
    access_log: AccessLog
    local_accounts: LocalAccounts
    form_keys: FormKeys
    feeds: FeedTokens
    read_marks: ReadMarks
    deletions: DeletionRegister

    def close(self) -> None:
        """Release the index connection."""
        self.index.close()


def load_keyring(settings: Settings) -> MasterKeyRing:
    """The master keyring from the environment, or else from the keyring file."""
    if settings.master_key_env:
        return keyring_from_env(settings.master_key_env)
    return load_keyring_file(settings.keyring_file)


def initialise(settings: Settings) -> list[str]:
    """Create the instance folder and a master key if missing; report what was done."""
    done = []
    if not settings.instance_path.exists():
        settings.instance_path.mkdir(parents=True, mode=0o700)
        done.append(f"created instance folder {settings.instance_path}")
    if not settings.master_key_env and not settings.keyring_file.exists():
        generate_keyring_file(settings.keyring_file)
        done.append(f"generated a master key in {settings.keyring_file} (mode 0600)")
    settings.content_store.mkdir(parents=True, exist_ok=True, mode=0o700)
    return done


def open_instance(settings: Settings) -> Instance:
    """Open an initialised instance: durable Git, keys, index and the log service."""
    if not settings.instance_path.is_dir():
        raise ConfigError(f"no instance at {settings.instance_path}; run `stafettlogg init`")
    try:
        keyring = load_keyring(settings)
    except KeyringError as exc:
        raise ConfigError(str(exc)) from None
    enable_durability()
    os.umask(0o077)  # repositories and indexes hold children's data: owner only
    store = GitStore(settings.content_store)
    keys = KeyStore(settings.keystore_path, keyring)
    index = LogIndex(settings.index_path, keys.secret(INDEX_SECRET))
    ledger = HeadLedger(
        settings.instance_path / "head-ledger.sqlite3", keys.secret("head-ledger-key")
    )
    logs = LogService(store, keys, index, ledger, youth_age=settings.youth_consent_age)
    directory = Directory(
        GitStore(settings.content_store / "municipal"), keys, index.person_principal, ledger
    )
    access_log = AccessLog(
        settings.instance_path / "access-log",
        keys.log_cipher,
    )
    local_accounts = LocalAccounts(
        settings.instance_path / "local-accounts.sqlite3", keys.secret("local-accounts-key")
    )
    form_keys = FormKeys(settings.instance_path / "form-keys.sqlite3")
    feeds = FeedTokens(
        settings.instance_path / "calendar-feeds.sqlite3", keys.secret("calendar-feed-key")
    )
    read_marks = ReadMarks(settings.instance_path / "read-marks.sqlite3")
    deletions = DeletionRegister(settings.instance_path / "deletions.sqlite3")
    return Instance(
        settings,
        store,
        keys,
        index,
        logs,
        directory,
        access_log,
        local_accounts,
        form_keys,
        feeds,
        read_marks,
        deletions,
    )
