"""Documents of one log to sealed bytes at their paths, and back."""

from __future__ import annotations

from app.documents.base import DocumentBase
from app.documents.errors import DocumentError
from app.documents.frontmatter import parse_document, serialize_document
from app.encryption import DecryptionFailed, LogCipher
from app.logs.errors import CorruptLog
from app.logs.layout import DocRef, path_of


class LogCodec:
    """Serialise + seal on the way in; open + parse on the way out."""

    def __init__(self, cipher: LogCipher) -> None:
        """Bind to one log's cipher."""
        self.cipher = cipher

    def encode(self, document: DocumentBase) -> tuple[str, bytes]:
        """The path and sealed bytes of a document."""
        path = path_of(ref_of(document))
        return path, self.cipher.seal(path, serialize_document(document))

    def plaintext(self, path: str, sealed: bytes) -> bytes:
        """Decrypted bytes of a stored file; a failure means tampering, not bad input."""
        try:
            return self.cipher.open(path, sealed)
        except DecryptionFailed as exc:
            raise CorruptLog(f"a stored file failed to decrypt: {exc}") from None

    def decode(self, path: str, sealed: bytes) -> DocumentBase:
        """Decrypt and parse a stored document."""
        try:
            return parse_document(self.plaintext(path, sealed))
        except DocumentError as exc:
            raise CorruptLog(f"a stored document no longer validates: {exc}") from None


def ref_of(document: DocumentBase) -> DocRef:
    """The reference naming a document."""
    return DocRef(document.kind, document.id)  # type: ignore[attr-defined]
