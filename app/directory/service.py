"""Reading and changing the directory repository."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from app.directory.models import StaffMember, Unit, validate_directory_document
from app.documents.base import DocumentBase
from app.documents.errors import DocumentError
from app.documents.frontmatter import parse_document, serialize_document
from app.encryption import DataKeyMissing, DecryptionFailed, KeyStore, LogCipher
from app.git_backend import GitStore, RevisionConflict
from app.logs.errors import CorruptLog, EditConflict
from app.logs.ledger import HeadLedger, RolledBack

REPO_ID = "municipal-directory"
_FOLDERS = {"unit": "units", "staff": "staff"}


@dataclass(frozen=True)
class DirectorySnapshot:
    """The directory at one revision, indexed the ways the gateway looks things up."""

    revision: str | None
    units: dict[str, Unit] = field(default_factory=dict)
    staff: dict[str, StaffMember] = field(default_factory=dict)
    staff_by_principal: dict[str, str] = field(default_factory=dict)

    def staff_names(self) -> dict[str, str]:
        """Staff user id → current name, for showing who wrote what."""
        return {user_id: member.name for user_id, member in self.staff.items()}

    def staff_for_login(self, principal: str) -> StaffMember | None:
        """The active staff member whose fødselsnummer hashes to ``principal``."""
        member = self.staff.get(self.staff_by_principal.get(principal, ""))
        return member if member is not None and member.active else None


class Directory:
    """Units and staff, stored encrypted and versioned; cached per revision."""

    def __init__(
        self,
        store: GitStore,
        keys: KeyStore,
        person_principal: Callable[[str], str],
        ledger: HeadLedger,
    ) -> None:
        """Compose the store, the keys, the hashing of fødselsnumre and the head ledger."""
        self.store = store
        self.keys = keys
        self.ledger = ledger
        self.person_principal = person_principal
        self._cache = DirectorySnapshot(None)
        self._decoded: dict[tuple[str, str], DocumentBase] = {}
        self._lock = threading.Lock()

    def snapshot(self) -> DirectorySnapshot:
        """The current directory; only documents whose blob changed are decrypted again."""
        if not self.store.exists(REPO_ID):
            return DirectorySnapshot(None)
        with self.store.open(REPO_ID) as repo:
            head = repo.head()
            if head is None:
                return DirectorySnapshot(None)
            try:
                self.ledger.verify(REPO_ID, head, repo.contains)
            except RolledBack as exc:
                raise CorruptLog(f"the directory was rolled back: {exc}") from None
            if head == self._cache.revision:
                return self._cache
            cipher = self._cipher()
            decoded: dict[tuple[str, str], DocumentBase] = {}
            for path, blob_id in repo.file_ids(head).items():
                known = self._decoded.get((path, blob_id))
                if known is None:
                    known = self._decode(cipher, path, repo.read_blob(blob_id))
                decoded[(path, blob_id)] = known
        units: dict[str, Unit] = {}
        staff: dict[str, StaffMember] = {}
        for document in decoded.values():
            if isinstance(document, Unit):
                units[document.unit_id] = document
            elif isinstance(document, StaffMember):
                staff[document.user_id] = document
        by_principal = {self.person_principal(m.fnr): m.user_id for m in staff.values() if m.fnr}
        snapshot = DirectorySnapshot(head, units, staff, by_principal)
        with self._lock:
            self._cache, self._decoded = snapshot, decoded
        return snapshot

    def save(
        self,
        documents: Sequence[Unit | StaffMember],
        *,
        expected_revision: str | None,
        actor_id: str,
    ) -> str:
        """Save units and staff in one commit against ``expected_revision``."""
        if not self.keys.has_log_keys(REPO_ID):
            self.keys.create_log_keys(REPO_ID)
        cipher = self._cipher()
        files = {}
        for document in documents:
            path = f"{_FOLDERS[document.kind]}/{document.id}.md"
            files[path] = cipher.seal(path, serialize_document(document))
        message = (
            f"directory: {len(files)} document(s)\n\nStafettlogg-Event: 1\nActor: {actor_id}\n"
        )
        try:
            if expected_revision is None and not self.store.exists(REPO_ID):
                revision = self.store.create(REPO_ID, files, actor_id, message).id
            else:
                with self.store.open(REPO_ID) as repo:
                    revision = repo.commit(files, expected_revision, actor_id, message).id
        except RevisionConflict as exc:
            raise EditConflict(exc.expected, exc.actual) from None
        with self.store.open(REPO_ID) as repo:
            self.ledger.record(REPO_ID, revision, repo.is_ancestor)
        return revision

    def _cipher(self) -> LogCipher:
        try:
            return LogCipher(REPO_ID, self.keys.log_keys(REPO_ID))
        except DataKeyMissing:
            raise CorruptLog("the directory's keys are missing") from None

    @staticmethod
    def _decode(cipher: LogCipher, path: str, sealed: bytes) -> DocumentBase:
        try:
            return parse_document(cipher.open(path, sealed), validate_directory_document)
        except (DocumentError, DecryptionFailed) as exc:
            raise CorruptLog(f"a directory document cannot be read: {exc}") from None
