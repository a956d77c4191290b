"""The log service: everything one child's log can do, in domain verbs.

It composes the document models, the encryption layer, the Git backend and the
index. Views and commands call these verbs; none of them sees Git, keys or YAML.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from contextlib import suppress
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

from app.documents.base import DocumentBase
from app.documents.fields import LogStatus, LogTemplate
from app.documents.overview import Initiative, LogOverview, Presentation, Subject
from app.documents.people import Consent, Guardian, Participant
from app.documents.records import Attachment, BatonHandover
from app.encryption import KeyStore, LogCipher
from app.git_backend import (
    FileNotInRevision,
    GitStore,
    LogRepository,
    RevisionConflict,
    RevisionNotFound,
)
from app.index import LogIndex
from app.lifecycle.guardianship import FOUR_EYES, GuardianshipSource
from app.logs import layout
from app.logs.codec import LogCodec, ref_of
from app.logs.errors import (
    DocumentNotFound,
    EditConflict,
    LogNotFound,
    RuleViolation,
    SubjectAlreadyHasLog,
)
from app.logs.events import SYSTEM_ACTOR, Action, LogEvent
from app.logs.ids import new_document_id, new_log_id
from app.logs.layout import DocRef
from app.logs.ledger import HeadLedger
from app.logs.reading import LogReader
from app.logs.roles import relations
from app.logs.rules import check_creation_consents
from app.logs.snapshot import LogSnapshot
from app.logs.templates import TEMPLATES

# Kinds whose change alters who relates to the log (and who may see it).
ACCESS_KINDS = frozenset({"log", "participant", "consent", "guardian"})
_INDEXED_KINDS = ACCESS_KINDS


class LogService(LogReader):
    """Create, read, change and inspect the history of logs."""

    def __init__(
        self,
        store: GitStore,
        keys: KeyStore,
        index: LogIndex,
        ledger: HeadLedger,
        youth_age: int = 16,
        guardianship: GuardianshipSource = FOUR_EYES,
    ):
        """Compose the storage parts; ``youth_age`` is when a subject may consent alone,
        ``guardianship`` who the subject's guardians are."""
        super().__init__(store, keys, ledger)
        self.index = index
        self.youth_age = youth_age
        self.guardianship = guardianship

    # -- creating ------------------------------------------------------------

    def create_log(
        self,
        *,
        actor_id: str,
        template: LogTemplate,
        subject: Subject,
        municipality: str,
        unit_id: str,
        holder: Participant,
        consents: Sequence[Consent] = (),
        guardians: Sequence[Guardian] = (),
        initiative: Initiative | None = None,
        level: int = 1,
        today: date | None = None,
    ) -> LogSnapshot:
        """Create a log from a template: active on consent given, pending without.

        A started log is pending until consent is in place (the lifecycle's
        ACTIVATE step); a log created on paper consents already collected is
        active at once. A person has at most one log: if the subject already
        has one, it is reported (SubjectAlreadyHasLog) instead of duplicated.
        """
        today = today or datetime.now(UTC).date()
        if consents:
            check_creation_consents(subject, consents, guardians, today, self.youth_age)
        log_id = new_log_id()
        overview = LogOverview(
            id=log_id,
            subject=subject,
            municipality=municipality,
            unit_id=unit_id,
            template=template,
            holder=holder.id,
            opened_on=today,
            level=level,
            status=LogStatus.ACTIVE if consents else LogStatus.PENDING,
        )
        presentation = Presentation(
            id=new_document_id(), title=TEMPLATES[template].presentation_title
        )
        documents: list[DocumentBase] = [overview, presentation, holder, *guardians, *consents]
        if initiative is not None:
            documents.append(initiative)
        documents = [with_system_id(d, None) for d in documents]
        event = LogEvent(Action.CREATE_LOG, actor_id, tuple(ref_of(d) for d in documents))
        existing = self.index.claim_subject(subject.fnr, log_id, unit_id)
        if existing is not None:
            raise SubjectAlreadyHasLog(existing)
        try:
            codec = LogCodec(LogCipher(log_id, self.keys.create_log_keys(log_id)))
            files = dict(codec.encode(document) for document in documents)
            first = self.store.create(log_id, files, actor_id, event.to_message())
        except BaseException:
            self.index.forget(log_id)
            with suppress(OSError):  # the original error matters more than this cleanup
                self.keys.shred_log(log_id)  # nothing readable was stored under these keys
            raise
        self.ledger.record(log_id, first.id)
        snapshot = LogSnapshot(log_id, first.id, {ref_of(d): d for d in documents})
        self._index_snapshot(snapshot)
        return snapshot

    def find_by_subject(self, fnr: str) -> str | None:
        """The id of the log about this person, if there is one."""
        found = self.index.logs_of_subject(fnr)
        return found[0] if found else None

    # -- changing ------------------------------------------------------------

    def save(
        self,
        log_id: str,
        documents: Sequence[DocumentBase],
        *,
        expected_revision: str,
        actor_id: str,
        deletions: Sequence[DocRef] = (),
        action: Action = Action.SAVE,
        extra_files: dict[str, bytes] | None = None,
    ) -> str:
        """Save documents (and deletions) as one commit on top of ``expected_revision``.

        If the log moved since the caller read it, EditConflict is raised and
        nothing is written. Returns the new revision.
        """
        if any(d.kind == "log" and d.id != log_id for d in documents):  # type: ignore[attr-defined]
            raise RuleViolation("overview_id", "the overview's id must be the log id")
        refs = [ref_of(d) for d in documents] + list(deletions)
        if DocRef("log", log_id) in deletions:
            raise RuleViolation("overview_kept", "the overview of a log cannot be deleted")
        with self._open(log_id) as (repo, codec):
            documents = self._keep_system_ids(log_id, repo, codec, documents, expected_revision)
            changes: dict[str, bytes | None] = dict(codec.encode(d) for d in documents)
            for path, data in (extra_files or {}).items():
                changes[path] = codec.cipher.seal(path, data)
            changes.update({layout.path_of(ref): None for ref in deletions})
            # A deleted attachment's bytes leave HEAD with it; the history keeps both, sealed.
            for ref in deletions:
                if ref.kind == "attachment":
                    changes[layout.attachment_path(ref.id)] = None
            self._check_holder_kept(repo, codec, documents, deletions, expected_revision)
            event = LogEvent(action, actor_id, tuple(refs))
            try:
                commit = repo.commit(changes, expected_revision, actor_id, event.to_message())
            except RevisionConflict as exc:
                raise EditConflict(exc.expected, exc.actual) from None
            except FileNotInRevision as exc:
                raise DocumentNotFound(str(exc)) from None
            self.ledger.record(log_id, commit.id, repo.is_ancestor)
            if any(ref.kind in _INDEXED_KINDS for ref in refs):
                self._index_repo(log_id, repo, codec, commit.id)
            else:
                self.index.set_head(log_id, commit.id)
        return commit.id

    def restore(
        self, log_id: str, ref: DocRef, revision: str, *, expected_revision: str, actor_id: str
    ) -> str:
        """Bring back an old version of a document as a new commit; history is kept."""
        old = self.read_document(log_id, ref, revision)
        return self.save(
            log_id,
            [old],
            expected_revision=expected_revision,
            actor_id=actor_id,
            action=Action.RESTORE,
        )

    def attach(
        self,
        log_id: str,
        metadata: Attachment,
        data: bytes,
        *,
        expected_revision: str,
        actor_id: str,
    ) -> str:
        """Store an attachment's encrypted bytes and its metadata in one commit."""
        if metadata.size_bytes != len(data) or metadata.sha256 != hashlib.sha256(data).hexdigest():
            raise RuleViolation(
                "attachment_mismatch", "the attachment's size or checksum does not match its bytes"
            )
        return self.save(
            log_id,
            [metadata],
            expected_revision=expected_revision,
            actor_id=actor_id,
            action=Action.ATTACH,
            extra_files={layout.attachment_path(metadata.id): data},
        )

    def hand_over(
        self,
        log_id: str,
        to_participant: str,
        *,
        expected_revision: str,
        actor_id: str,
        today: date | None = None,
    ) -> str:
        """Pass the baton: the handover record and the new holder land in one commit."""
        snapshot = self.snapshot(log_id, expected_revision)
        overview = snapshot.overview
        if DocRef("participant", to_participant) not in snapshot.documents:
            raise RuleViolation(
                "handover_target", "the baton can only pass to a participant of the log"
            )
        handover = BatonHandover(
            id=new_document_id(),
            from_holder=overview.holder,
            to_holder=to_participant,
            handed_over_on=today or datetime.now(UTC).date(),
        )
        return self.save(
            log_id,
            [handover, overview.revised(holder=to_participant)],
            expected_revision=expected_revision,
            actor_id=actor_id,
            action=Action.HANDOVER,
        )

    def add_system_ids(self, log_id: str) -> int:
        """Schema migration: give every document stored before systemIDs existed its own.

        One commit by the system, changing nothing but the new field, so the
        history says what happened; a log already migrated is left alone.
        Returns how many documents got one.
        """
        snapshot = self.snapshot(log_id)
        missing = [d for d in snapshot.documents.values() if d.system_id is None]
        if missing:
            self.save(
                log_id,
                missing,
                expected_revision=snapshot.revision,
                actor_id=SYSTEM_ACTOR,
                action=Action.MIGRATE,
            )
        return len(missing)

    def shred(self, log_id: str) -> None:
        """Destroy a log's keys: every version of every file becomes unreadable."""
        self.keys.shred_log(log_id)
        self.index.forget(log_id)
        self.ledger.forget(log_id)
        self.documents_cache.drop(lambda key: key[0] == log_id)
        self.snapshots_cache.drop(lambda key: key[0] == log_id)

    # -- index ---------------------------------------------------------------

    def reindex(self, log_ids: Iterable[str] | None = None) -> int:
        """Rebuild index rows from the repositories themselves."""
        count = 0
        for log_id in self.store.repo_ids() if log_ids is None else log_ids:
            try:
                with self._open(log_id) as (repo, codec):
                    head = repo.head()
                    if head is not None:
                        self._index_repo(log_id, repo, codec, head)
                        count += 1
            except LogNotFound:
                self.index.forget(log_id)  # shredded: nothing readable to index
        return count

    # -- internals -----------------------------------------------------------

    def _keep_system_ids(
        self,
        log_id: str,
        repo: LogRepository,
        codec: LogCodec,
        documents: Sequence[DocumentBase],
        revision: str,
    ) -> list[DocumentBase]:
        """Each document with the systemID its stored version has, or a new one if new.

        This is the one place a systemID is given, so it is given once: a caller
        that rebuilds a document (or revises one read before the field existed)
        cannot change or lose it, and the archive names every document the same
        way in every export (Noark 5 req. 6.4.26).
        """
        try:
            stored = repo.file_ids(revision)
        except RevisionNotFound:
            stored = {}  # the commit below reports the conflict
        kept = []
        taken: set[UUID | None] | None = None
        for document in documents:
            path = layout.path_of(ref_of(document))
            earlier = None
            if path in stored:
                earlier = self._decode_blob(log_id, repo, codec, path, stored[path]).system_id
            elif document.system_id is not None:
                # A new path claiming a systemID (a restored document keeps its own): never
                # one another document of the log already has.
                if taken is None:
                    taken = {
                        self._decode_blob(log_id, repo, codec, p, blob).system_id
                        for p, blob in stored.items()
                        if layout.kind_of_path(p) is not None
                    }
                if document.system_id in taken:
                    document = document.revised(system_id=None)
            kept.append(with_system_id(document, earlier))
            if taken is not None and kept[-1].system_id is not None:
                taken.add(kept[-1].system_id)
        return kept

    def _check_holder_kept(
        self,
        repo: LogRepository,
        codec: LogCodec,
        documents: Sequence[DocumentBase],
        deletions: Sequence[DocRef],
        revision: str,
    ) -> None:
        """Nobody lets go of the baton before someone else holds it (seed 002)."""
        overview = next((d for d in documents if isinstance(d, LogOverview)), None)
        leaving = any(isinstance(d, Participant) and d.left_on is not None for d in documents)
        if overview is None and not leaving and not any(r.kind == "participant" for r in deletions):
            return
        if overview is None:
            path = layout.path_of(DocRef("log", codec.cipher.log_id))
            overview = codec.decode(path, self._read_file(repo, path, revision))  # type: ignore[assignment]
        assert isinstance(overview, LogOverview)
        holder = DocRef("participant", overview.holder)
        saved = any(ref_of(d) == holder for d in documents)
        if any(isinstance(d, Participant) and d.left_on and ref_of(d) == holder for d in documents):
            raise RuleViolation("holder_required", "the holder cannot leave before handing over")
        try:
            present = saved or layout.path_of(holder) in repo.list_paths(revision)
        except RevisionNotFound:
            present = saved
        if holder in deletions or not present:
            raise RuleViolation(
                "holder_required", "the log must always have a holder who is a participant"
            )

    def _index_repo(self, log_id: str, repo: LogRepository, codec: LogCodec, head: str) -> None:
        self._index_snapshot(self._read_kinds(log_id, repo, codec, head, _INDEXED_KINDS))

    def _index_snapshot(self, snapshot: LogSnapshot) -> None:
        """Index the log's state and who relates to it; a blocked log only as existing."""
        overview = snapshot.overview
        blocked = overview.status == LogStatus.BLOCKED
        self.index.record(
            snapshot.log_id,
            head=snapshot.revision,
            status=overview.status.value,
            subject_fnr=overview.subject.fnr,
            unit_id=overview.unit_id,
            relations=()
            if blocked
            else relations(
                snapshot.documents.values(),
                self.index.person_principal,
                self.guardianship.guardians(overview.subject.fnr, snapshot.documents.values()),
            ),
        )


def with_system_id(document: DocumentBase, stored: UUID | None) -> DocumentBase:
    """The document with its stored systemID, its own if it has none stored, or a new one."""
    wanted = stored or document.system_id or uuid4()
    return document if document.system_id == wanted else document.revised(system_id=wanted)
