"""Exceptions of the encryption layer."""


class EncryptionError(Exception):
    """Base class for every error raised by app.encryption."""


class DecryptionFailed(EncryptionError):
    """A blob could not be opened: wrong key, wrong log or path, or tampered bytes."""


class UnknownMasterKey(EncryptionError):
    """A wrapped key names a master key that the keyring does not hold."""


class DataKeyMissing(EncryptionError):
    """A log has no data key file: it was never created here, or it was shredded."""


class KeyringError(EncryptionError):
    """The master keyring is missing, malformed or cannot be written."""
