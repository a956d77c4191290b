"""What the life-cycle verbs share: who the user is in a log, and one way to commit a step.

Every step of a log's life (consent given or withdrawn, the baton offered or
taken, the level changed, the log closed) goes through :meth:`_commit_step`:
read the log at its head, let the verb decide and build the documents (asking
the state machine where a status change leads), check that what the user saw
has not changed since, save them as one compare-and-swap commit, and write the
access log.
If the log moved between the read and the commit, the step is decided again on
the new head. The same form sent twice is saved once (its idempotency key).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from app.access import Action, Decision, LogFacts, Section, StaffRole, User, UserKind, decide
from app.documents.base import DocumentBase
from app.documents.overview import LogOverview
from app.documents.people import ConsentRequest
from app.documents.records import BatonHandover, StatusChange
from app.gateway.core import REVISION, PortalCore
from app.gateway.core import doc_ref as doc_ref  # the verbs' one way to name a document
from app.gateway.errors import NoAccess
from app.lifecycle.clock import oslo_date
from app.lifecycle.machine import Actor, Step, next_state_as
from app.logs.errors import EditConflict, LogError, RuleViolation
from app.logs.events import Action as Event
from app.logs.ids import new_document_id
from app.logs.layout import DocRef
from app.logs.rules import age_on
from app.logs.snapshot import LogSnapshot

_ATTEMPTS = 5


class LifecycleRefused(LogError):
    """A life-cycle verb the facts do not allow; ``code`` names why, for the user."""

    def __init__(self, code: str) -> None:
        """Name the reason."""
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Built:
    """What a verb decided to save, and how the access log records it."""

    documents: list[DocumentBase]
    basis: str
    section: Section
    event: Event = Event.SAVE
    files: dict[str, bytes] = field(default_factory=dict)  # an attachment's bytes, by path


class LifecycleCore(PortalCore):
    """Actors, status changes and the one commit path of the life-cycle verbs."""

    def _actors(
        self, user: User, snapshot: LogSnapshot, facts: LogFacts, now: datetime
    ) -> frozenset[Actor]:
        """As whom ``user`` acts in this log: possibly several (a holder who is coordinator).

        A participant or guardian counts only while the access decision lets
        them read the log; the unit leader only for their own units.
        """
        actors: set[Actor] = set()
        reads = bool(decide(user, facts, Action.READ, Section.OVERVIEW, now, self.youth_age))
        if user.kind == UserKind.STAFF:
            mine = [p for p in facts.participants if p.active and p.user_id == user.principal]
            if reads and any(p.participant_id == facts.holder for p in mine):
                actors.add(Actor.HOLDER)
            elif reads and mine:
                actors.add(Actor.PARTICIPANT)
            if StaffRole.COORDINATOR in user.staff_roles:
                actors.add(Actor.COORDINATOR)
            if StaffRole.ARCHIVIST in user.staff_roles:
                actors.add(Actor.ARCHIVIST)
            if StaffRole.UNIT_LEADER in user.staff_roles:
                member = self.instance.directory.snapshot().staff.get(user.principal)
                if (
                    member is not None
                    and member.active
                    and snapshot.overview.unit_id in member.unit_ids
                ):
                    actors.add(Actor.UNIT_LEADER)
        elif user.kind == UserKind.CITIZEN:
            adult = age_on(facts.subject_birth_date, oslo_date(now)) >= self.youth_age
            if user.principal == facts.subject:
                actors.add(Actor.YOUTH if adult else Actor.CHILD)
            elif user.principal in facts.guardians and reads and not adult:
                actors.add(Actor.GUARDIAN)
        return frozenset(actors) or frozenset({Actor.STRANGER})

    def _reads(self, user: User, facts: LogFacts, now: datetime) -> bool:
        """Whether the user may read the log now (a guardian the youth left out may not)."""
        return bool(decide(user, facts, Action.READ, Section.OVERVIEW, now, self.youth_age))

    @staticmethod
    def _step(
        overview: LogOverview,
        step: Step,
        actors: frozenset[Actor],
        user: User,
        now: datetime,
        *,
        reason: str = "",
        note: str = "",
        old_content_visible: bool | None = None,
        **changes: object,
    ) -> list[DocumentBase]:
        """The overview in its new state and the record of the step (StepRefused if not allowed)."""
        target = next_state_as(overview.status, step, actors)
        record = StatusChange(
            id=new_document_id(),
            step=step.value,
            from_status=overview.status,
            to_status=target,
            changed_on=oslo_date(now),
            changed_at=now,
            changed_by=user.principal,
            reason=reason,
            note=note,
            old_content_visible=old_content_visible,
        )
        return [overview.revised(status=target, **changes), record]

    def _commit_step(
        self,
        user: User,
        log_id: str,
        *,
        seen_revision: str,
        watched: Iterable[DocRef],
        build: Callable[[LogSnapshot, LogFacts, datetime], Built],
        form_key: str = "",
        service: str = "",
    ) -> str:
        """Decide and save one step as one commit on the head; see the module docstring.

        ``watched`` are the documents the user decided on: if any of them
        changed since ``seen_revision``, EditConflict, and nothing is saved.
        """
        form_keys = self.instance.form_keys
        claim = ""
        if form_key:
            try:
                done, claim = form_keys.claim(user.principal, form_key, log_id)
            except (KeyError, TimeoutError):
                raise RuleViolation("stale_form", "the form's key cannot be used") from None
            if done is not None:
                return str(done)
        try:
            revision, built, now = self._save_step(
                user, log_id, seen_revision, list(watched), build
            )
        except BaseException:
            if form_key:
                form_keys.release(user.principal, form_key, claim)
            raise
        try:
            if form_key:
                form_keys.complete(user.principal, form_key, claim, revision)
        finally:
            self._record(
                log_id, user, Decision(True, built.basis), built.section, "write", service, now
            )
        return revision

    def _save_step(
        self,
        user: User,
        log_id: str,
        seen: str,
        watched: list[DocRef],
        build: Callable[[LogSnapshot, LogFacts, datetime], Built],
    ) -> tuple[str, Built, datetime]:
        logs = self.instance.logs
        for _attempt in range(_ATTEMPTS):
            now = self.clock()
            snapshot = self._snapshot(log_id)
            # Decided first: who may not take the step learns nothing from a stale form.
            built = build(snapshot, self._facts_of(snapshot), now)
            if seen != snapshot.revision:
                if not REVISION.match(seen or "") or not logs.has_revision(log_id, seen):
                    raise RuleViolation("stale_form", "the page's revision is not in this log")
                if watched and logs.changed_documents(log_id, watched, seen, snapshot.revision):
                    raise EditConflict(seen, snapshot.revision)
            try:
                revision: str = logs.save(
                    log_id,
                    built.documents,
                    expected_revision=snapshot.revision,
                    actor_id=user.principal,
                    action=Event.CHANGE_STATUS
                    if any(isinstance(d, StatusChange) for d in built.documents)
                    else built.event,
                    extra_files=built.files or None,
                )
            except EditConflict:
                continue  # the log moved between our read and our commit: decide again
            return revision, built, now
        raise EditConflict(seen, None)


def require(condition: bool, log_id: str) -> None:
    """Deny by default: a verb that is not this user's looks like a missing log."""
    if not condition:
        raise NoAccess(log_id)


def answered_what_waits(snapshot: LogSnapshot, today: date) -> list[DocumentBase]:
    """An ended log waits for nothing: open consent requests cancelled, pending handovers
    withdrawn (closing and blocking both end what was waiting, in the same commit)."""
    documents: list[DocumentBase] = [
        r.revised(state="cancelled", closed_on=today)
        for r in snapshot.of_kind(ConsentRequest)
        if r.state == "open"
    ]
    documents += [
        h.revised(state="withdrawn", answered_on=today)
        for h in snapshot.of_kind(BatonHandover)
        if h.pending
    ]
    return documents
