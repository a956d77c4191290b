"""History verbs: who changed what and when, old versions, comparisons, restore.

A reader sees the history only of sections they may read now: a commit that
touched nothing they may see is left out, and the documents of a commit are
filtered the same way. Restoring goes through the same change pipeline as any
other save, so it needs WRITE on the section and lands as a new commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from app.access import Action, LogFacts, Scope, Section, User, scope
from app.documents.base import DocumentBase
from app.documents.overview import Presentation
from app.gateway.changes import Change, Changes
from app.gateway.core import REVISION
from app.gateway.errors import NoAccess
from app.gateway.sections import SECTION_OF_KIND
from app.logs.diff import WordSegment, diff_fields
from app.logs.errors import DocumentNotFound, LogNotFound
from app.logs.events import Action as Event
from app.logs.layout import DocRef
from app.logs.snapshot import HistoryEntry


@dataclass(frozen=True)
class HistoryItem:
    """One change as a reader may see it: when, by whom, what, and which documents."""

    revision: str
    author_id: str
    at: datetime
    action: str
    documents: tuple[DocRef, ...]


class HistoryVerbs(Changes):
    """The history verbs of :class:`app.gateway.Portal` (restoring is a change)."""

    def log_history(
        self, user: User, log_id: str, service: str = "", limit: int = 500
    ) -> list[HistoryItem]:
        """The log's changes the user may see, newest first; recorded in the access log."""
        allowed, now = self._scope_now(user, log_id)
        decision = allowed.decision(Action.READ, Section.HISTORY)
        if not decision:
            raise NoAccess(log_id)
        readable = allowed.allowed(Action.READ)
        entries = self._history(log_id, None, limit)
        self._record(log_id, user, decision, Section.HISTORY, "read", service, now)
        return [item for entry in entries if (item := _visible(entry, readable)) is not None]

    def document_history(
        self, user: User, log_id: str, ref: DocRef, service: str = ""
    ) -> list[HistoryItem]:
        """Every change of one document, newest first; recorded in the access log."""
        allowed, now = self._scope_now(user, log_id)
        decision = allowed.decision(Action.READ, Section.HISTORY)
        readable = allowed.allowed(Action.READ)
        if not decision or SECTION_OF_KIND[ref.kind] not in readable:
            raise NoAccess(log_id)
        entries = self._history(log_id, ref, None)
        self._record(log_id, user, decision, Section.HISTORY, "read", service, now)
        return [item for entry in entries if (item := _visible(entry, readable)) is not None]

    def last_version(self, user: User, log_id: str, ref: DocRef) -> DocumentBase | None:
        """The newest version of a document that still existed (for one deleted since).

        Used to keep an editor's text when the entry was deleted meanwhile, so it needs
        READ on the document's section only (not the history).
        """
        facts = self._may_read(user, log_id, ref)
        for entry in self._history(log_id, ref, None):
            if not self._written_after_hiding(user, facts, entry.revision, ref):
                break  # older versions were hidden when the log was reopened
            found = self._version(log_id, ref, entry.revision)
            if found is not None:
                return found
        return None

    def read_version(
        self, user: User, log_id: str, ref: DocRef, revision: str
    ) -> DocumentBase | None:
        """One document at an old revision (None where it did not exist then).

        READ on the document's section is enough: the merge view of a child's own
        words needs the version they started from, and a child has no history page.
        """
        facts = self._may_read(user, log_id, ref)
        version = self._version(log_id, ref, revision)
        if not self._written_after_hiding(user, facts, revision, ref):
            raise NoAccess(log_id)
        return version

    def compare(
        self, user: User, log_id: str, ref: DocRef, old: str, new: str
    ) -> list[tuple[str, list[WordSegment]]]:
        """Word-level differences of one document between two revisions, per field."""
        facts = self._may_read(user, log_id, ref)
        before, after = self._version(log_id, ref, old), self._version(log_id, ref, new)
        if not all(self._written_after_hiding(user, facts, r, ref) for r in (old, new)):
            raise NoAccess(log_id)
        return diff_fields(_fields(before), _fields(after))

    def restore(
        self,
        user: User,
        log_id: str,
        ref: DocRef,
        revision: str,
        *,
        expected_revision: str,
        form_key: str = "",
        service: str = "",
    ) -> str:
        """Bring an old version back as a new change (WRITE on its section).

        Only the work and the subject's own sections can be restored: an old
        overview, participant or consent would roll back who may see the log.
        """
        if ref.kind not in RESTORABLE:
            raise NoAccess(log_id)
        old = self.read_version(user, log_id, ref, revision)
        if old is None:
            raise NoAccess(log_id)
        if isinstance(old, Presentation):
            # The child's and the guardians' own words belong to them: restoring the
            # holder's text never takes theirs back to an older version.
            current = self._snapshot(log_id, frozenset({"presentation"}))
            now_words = current.documents.get(ref)
            if isinstance(now_words, Presentation):
                old = old.revised(
                    subject_words=now_words.subject_words, guardian_words=now_words.guardian_words
                )
        return self.change(
            user,
            log_id,
            Change(documents=(old,), event=Event.RESTORE),
            expected_revision=expected_revision,
            form_key=form_key,
            service=service,
        )

    def _scope_now(self, user: User, log_id: str) -> tuple[Scope, datetime]:
        now = self.clock()
        return scope(user, self._facts(log_id), now, self.youth_age), now

    def _may_read(self, user: User, log_id: str, ref: DocRef) -> LogFacts:
        facts = self._facts(log_id)
        self._require(user, facts, Action.READ, SECTION_OF_KIND[ref.kind], _now())
        return facts

    def _version(self, log_id: str, ref: DocRef, revision: str) -> DocumentBase | None:
        logs = self.instance.logs
        if not REVISION.match(revision) or not logs.has_revision(log_id, revision):
            raise NoAccess(log_id)
        try:
            return logs.read_document(log_id, ref, revision)
        except DocumentNotFound:
            return None

    def _history(self, log_id: str, ref: DocRef | None, limit: int | None) -> list[HistoryEntry]:
        try:
            entries: list[HistoryEntry] = self.instance.logs.history(log_id, ref, limit)
        except (LogNotFound, DocumentNotFound):
            raise NoAccess(log_id) from None
        return entries


RESTORABLE = frozenset({"goal", "activity", "evaluation", "presentation", "initiative"})


def _now() -> datetime:
    return datetime.now(UTC)


def _visible(entry: HistoryEntry, readable: frozenset[str]) -> HistoryItem | None:
    if entry.event is None:
        return None
    documents = tuple(d for d in entry.event.documents if SECTION_OF_KIND[d.kind] in readable)
    if not documents:
        return None
    return HistoryItem(
        entry.revision, entry.author_id, entry.timestamp, entry.event.action.value, documents
    )


def _fields(document: DocumentBase | None) -> dict[str, object]:
    if document is None:
        return {}
    # Ids of authors and files mean nothing to a reader; names are shown elsewhere.
    # A fødselsnummer is never shown on a page, so it is never part of a comparison.
    hidden = {"schema_version", "id", "kind", "created_by", "written_by", "author", "photo"}
    values = document.model_dump(mode="json", exclude=hidden | {"given_by_fnr"})
    subject = values.pop("subject", None)
    if isinstance(subject, dict):
        values.update({f"subject_{k}": v for k, v in subject.items() if k != "fnr"})
    return values
