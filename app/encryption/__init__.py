"""Envelope encryption for stafettlogg: bytes in, bytes out.

The design follows sops' naming. Each log has its own random 256-bit **data key**
(several versions over time). Every file of the log is sealed with AES-256-GCM
under the current data key, with a fresh 96-bit nonce. The associated data
binds the envelope format, the log id and the file's path, so a blob copied to
another log or path fails to open.

Data keys never exist in clear on disk. Each one is **wrapped** by a **master
key** (key id + AES-256-GCM) and kept in a per-log key file *outside* the log's
Git repository. Deleting that one file makes the whole history of the log
unreadable without rewriting Git (crypto-shredding). Rotating the master key
re-wraps every data key and touches no repository.

This package knows nothing of Git, HTTP or documents.
"""

from app.encryption.cipher import LogCipher
from app.encryption.errors import (
    DataKeyMissing,
    DecryptionFailed,
    EncryptionError,
    KeyringError,
    UnknownMasterKey,
)
from app.encryption.keystore import KeyStore
from app.encryption.master_keys import (
    LocalMasterKey,
    MasterKey,
    MasterKeyRing,
    generate_keyring_file,
    keyring_from_env,
    load_keyring_file,
    write_keyring_file,
)

__all__ = [
    "DataKeyMissing",
    "DecryptionFailed",
    "EncryptionError",
    "KeyStore",
    "KeyringError",
    "LocalMasterKey",
    "LogCipher",
    "MasterKey",
    "MasterKeyRing",
    "UnknownMasterKey",
    "generate_keyring_file",
    "keyring_from_env",
    "load_keyring_file",
    "write_keyring_file",
]
