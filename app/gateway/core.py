"""What every group of the gateway's verbs shares: the instance, facts, decisions, the access log.

The verbs are grouped by subject (reading, changing, history, calendar) in
modules of their own; each group derives from :class:`PortalCore`, and
:class:`app.gateway.Portal` combines them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from app.access import Action, Decision, LogFacts, Section, User, UserKind, decide
from app.access.facts import facts_from_documents
from app.audit import AccessEntry
from app.documents.base import DocumentBase
from app.gateway.errors import NoAccess
from app.gateway.sections import SECTION_OF_KIND
from app.instance import Instance
from app.lifecycle.clock import oslo_date
from app.logs.cache import LruCache
from app.logs.errors import DocumentNotFound, LogNotFound
from app.logs.layout import DocRef
from app.logs.rules import age_on
from app.logs.service import ACCESS_KINDS
from app.logs.snapshot import LogSnapshot

REVISION = re.compile(r"^[0-9a-f]{40}$")
# What the guardians may hide from staff when a log is reopened: its content, not its records.
HIDEABLE_KINDS = frozenset(
    kind
    for kind, section in SECTION_OF_KIND.items()
    if section in (Section.PRESENTATION, Section.WORK, Section.MEETINGS, Section.ATTACHMENTS)
) | {"initiative"}


class PortalCore:
    """The instance, the youth age, and the steps every verb takes."""

    def __init__(self, instance: Instance) -> None:
        """Use the instance's services and settings."""
        self.instance = instance
        self.youth_age = instance.settings.youth_consent_age
        # When the life-cycle verbs act: the real time, or a test's clock moved on.
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._facts_cache: LruCache[tuple[str, str], LogFacts] = LruCache(1024)
        # (log id, hidden-before revision, revision) → the content written since: a pair
        # of revisions never changes, and working it out compares documents.
        self._fresh_cache: LruCache[tuple[str, str, str], frozenset[DocRef]] = LruCache(256)

    @staticmethod
    def _holds(user: User, facts: LogFacts) -> bool:
        """Whether the user is the log's holder (whether or not they may read it now)."""
        return user.kind == UserKind.STAFF and any(
            p.active and p.participant_id == facts.holder and p.user_id == user.principal
            for p in facts.participants
        )

    def _snapshot(self, log_id: str, kinds: frozenset[str] | None = None) -> LogSnapshot:
        """The log at its head (all documents, or only ``kinds``); NoAccess if there is none."""
        logs = self.instance.logs
        try:
            return logs.snapshot(log_id) if kinds is None else logs.read_kinds(log_id, kinds)
        except (LogNotFound, DocumentNotFound):
            raise NoAccess(log_id) from None

    def _facts_of(self, snapshot: LogSnapshot) -> LogFacts:
        """The access facts of one revision; a revision never changes, so they are kept."""
        key = (snapshot.log_id, snapshot.revision)
        facts = self._facts_cache.get(key)
        if facts is None:
            facts = facts_from_documents(
                snapshot.log_id,
                snapshot.documents.values(),
                self.instance.index.person_principal,
                self.instance.logs.guardianship,
            )
            self._facts_cache.put(key, facts)
        return facts

    def _facts(self, log_id: str) -> LogFacts:
        """The access facts of a log at its head."""
        return self._facts_of(self._snapshot(log_id, ACCESS_KINDS))

    def _require(
        self, user: User, facts: LogFacts, action: Action, section: Section, now: datetime
    ) -> Decision:
        decision = decide(user, facts, action, section, now, self.youth_age)
        if not decision:
            raise NoAccess(facts.log_id)
        return decision

    def _shown(self, user: User, facts: LogFacts, snapshot: LogSnapshot) -> LogSnapshot:
        """The snapshot without what the guardians hid from staff when the log was reopened.

        Staff see only the content (goals, meetings, the presentation, files, the
        initiative) written or changed after the last revision before reopening; the
        log's own records (participants, consents, the baton, its states) stay, or
        the log could not be worked in.
        """
        if facts.hidden_before is None or user.kind != UserKind.STAFF:
            return snapshot
        key = (snapshot.log_id, facts.hidden_before, snapshot.revision)
        fresh = self._fresh_cache.get(key)
        if fresh is None:
            fresh = self._written_since(snapshot, facts.hidden_before)
            self._fresh_cache.put(key, fresh)
        kept = {
            r: d
            for r, d in snapshot.documents.items()
            if r.kind not in HIDEABLE_KINDS or r in fresh
        }
        return LogSnapshot(snapshot.log_id, snapshot.revision, kept)

    def _written_since(self, snapshot: LogSnapshot, hidden_before: str) -> frozenset[DocRef]:
        """The content documents written or changed after ``hidden_before``.

        A changed stored file is not new content when only the schema moved on
        (``stafettlogg migrate`` gave it a systemID): that stays hidden.
        """
        content = [ref for ref in snapshot.documents if ref.kind in HIDEABLE_KINDS]
        changed = self.instance.logs.changed_documents(
            snapshot.log_id, content, hidden_before, snapshot.revision
        )
        if not changed:
            return frozenset()
        before = self.instance.logs.snapshot(snapshot.log_id, hidden_before).documents
        return frozenset(
            ref for ref in changed if not same_content(before.get(ref), snapshot.documents[ref])
        )

    def _written_after_hiding(
        self, user: User, facts: LogFacts, revision: str, ref: DocRef
    ) -> bool:
        """Whether staff may see a document as it was at ``revision`` (after reopening).

        Written after the hiding, and not the hidden content itself carried over
        by a schema migration.
        """
        if facts.hidden_before is None or user.kind != UserKind.STAFF:
            return True
        if revision == facts.hidden_before or not self.instance.logs.is_ancestor(
            facts.log_id, facts.hidden_before, revision
        ):
            return False
        versions = []
        for at in (facts.hidden_before, revision):
            try:
                versions.append(self.instance.logs.read_document(facts.log_id, ref, at))
            except DocumentNotFound:
                return True  # created after the hiding, or gone at ``revision``
        return not same_content(versions[0], versions[1])

    def _is_child(self, user: User, facts: LogFacts, now: datetime) -> bool:
        """Whether ``user`` is the log's subject, under the consent age (their own view)."""
        return (
            user.kind == UserKind.CITIZEN
            and user.principal == facts.subject
            and age_on(facts.subject_birth_date, oslo_date(now)) < self.youth_age
        )

    def _record(
        self,
        log_id: str,
        user: User,
        decision: Decision,
        section: Section,
        action: str,
        service: str,
        now: datetime,
    ) -> None:
        role = decision.basis.split(":")[0] if user.kind == UserKind.STAFF else decision.basis
        role = {"consent": "participant"}.get(role, role)
        self.instance.access_log.append(
            log_id,
            AccessEntry(now, user.principal, role, service, section.value, action, decision.basis),
            durable=action != "read",  # reads are fsynced in groups; see AccessLog
        )


def same_content(before: DocumentBase | None, after: DocumentBase) -> bool:
    """Whether two versions say the same, whatever their systemIDs."""
    return before is not None and before.revised(system_id=after.system_id) == after


def doc_ref(log_id: str, kind: str, doc_id: str) -> DocRef:
    """The document a request names; a malformed kind or id is a missing log, like any other."""
    try:
        return DocRef(kind, doc_id)
    except ValueError:
        raise NoAccess(log_id) from None
