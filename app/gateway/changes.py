"""One pipeline for every change a user makes to a log.

A view parses its form into documents and calls :meth:`Changes.change`. The
pipeline decides the action on every section the change touches (against the
log as it is now, not as it was when the form was drawn), checks the domain
rules, saves one compare-and-swap commit, writes the access log and remembers
the form's idempotency key. A new route cannot forget any of these steps.

Concurrency: the form carries the revision it was drawn from. If the log moved
since, but none of the documents this change touches did, the change is saved
on top of the new head without asking (someone edited another goal). If one of
them did, :class:`DocumentConflict` lets the view show both versions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from app.access import Action, Decision, Section, User
from app.documents.base import DocumentBase
from app.documents.fields import LogStatus
from app.documents.meetings import Message
from app.documents.overview import LogOverview
from app.documents.people import Guardian, Participant
from app.gateway.core import REVISION, PortalCore
from app.gateway.errors import NoAccess
from app.gateway.sections import SECTION_OF_KIND
from app.logs.codec import ref_of
from app.logs.errors import DocumentNotFound, EditConflict, LogError, RuleViolation
from app.logs.events import Action as Event
from app.logs.layout import DocRef
from app.logs.rules import check_meeting_rules, check_work_references
from app.logs.snapshot import LogSnapshot
from app.messages.threads import for_child

_ATTEMPTS = 5  # a busy log can move between our read and our commit; retry a few times
_ACCESS_LOG_ACTION = {Event.DELETE: "delete", Event.RESTORE: "restore"}


class DocumentConflict(LogError):
    """Someone changed a document this change touches after the form was drawn."""

    def __init__(self, refs: Sequence[DocRef], base: str, head: str) -> None:
        """Keep what changed, the form's revision and the current one, for the merge view."""
        super().__init__("a document was changed by someone else since the form was opened")
        self.refs = tuple(refs)
        self.base = base
        self.head = head


@dataclass(frozen=True)
class Change:
    """What one form asks to do: save some documents and delete others, as one commit."""

    documents: tuple[DocumentBase, ...] = ()
    deletions: tuple[DocRef, ...] = ()
    action: Action = Action.WRITE
    event: Event = Event.SAVE
    # Binary files (an attachment's sealed-to-be bytes) keyed by their path in the log.
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def refs(self) -> list[DocRef]:
        """Every document the change touches."""
        return [ref_of(d) for d in self.documents] + list(self.deletions)


class Changes(PortalCore):
    """The changing verbs of :class:`app.gateway.Portal`."""

    def change(
        self,
        user: User,
        log_id: str,
        change: Change,
        *,
        expected_revision: str,
        form_key: str = "",
        service: str = "",
        now: datetime | None = None,
    ) -> str:
        """Apply ``change`` as ``user``; returns the new revision (or what a resent form made)."""
        now = now or self.clock()
        if not REVISION.match(expected_revision or ""):
            raise RuleViolation(
                "stale_form", "the form does not say which version it was opened on"
            )
        form_keys = self.instance.form_keys
        claimed, claim = bool(form_key), ""
        if claimed:
            try:
                done, claim = form_keys.claim(user.principal, form_key, log_id)
            except (KeyError, TimeoutError):
                raise RuleViolation("stale_form", "the form's key cannot be used") from None
            if done is not None:
                return str(done)  # the same form again: it was saved once, do nothing
        try:
            revision, decision, section, verb = self._apply(
                user, log_id, change, expected_revision, now
            )
        except BaseException:
            if claimed:
                form_keys.release(user.principal, form_key, claim)
            raise
        try:
            if claimed:  # the commit is made: a resent form must find it, whatever happens next
                form_keys.complete(user.principal, form_key, claim, revision)
        finally:  # and the change is in the access log even if that bookkeeping fails
            self._record(log_id, user, decision, section, verb, service, now)
        return revision

    def _apply(
        self, user: User, log_id: str, change: Change, base: str, now: datetime
    ) -> tuple[str, Decision, Section, str]:
        """Decide and commit; returns the revision and what the access log needs."""
        logs = self.instance.logs
        refs = change.refs
        if not refs:
            raise RuleViolation("nothing_to_save", "the change touches no document")
        for _attempt in range(_ATTEMPTS):
            snapshot = self._snapshot(log_id)
            decision = self._decide_all(user, snapshot, change, refs, now)
            after = dict(snapshot.documents)
            for ref in change.deletions:
                if ref not in after and base == snapshot.revision:
                    raise DocumentNotFound(str(ref))
                after.pop(ref, None)
            after.update({ref_of(d): d for d in change.documents})
            check_work_references(after, refs)
            check_meeting_rules(snapshot.documents, after, refs)
            self._check_messages(user, log_id, snapshot, after, refs)
            _check_guardians(user, snapshot, after, refs)
            _check_lifecycle(snapshot, after, refs)
            if base != snapshot.revision:
                if not logs.has_revision(log_id, base):
                    raise RuleViolation("stale_form", "the form's revision is not in this log")
                changed = logs.changed_documents(log_id, refs, base, snapshot.revision)
                if changed:
                    raise DocumentConflict(changed, base, snapshot.revision)
            try:
                revision: str = logs.save(
                    log_id,
                    list(change.documents),
                    expected_revision=snapshot.revision,
                    actor_id=user.principal,
                    deletions=list(change.deletions),
                    action=change.event,
                    extra_files=change.files or None,
                )
            except EditConflict:
                continue  # the log moved between our read and our commit: look again
            section = SECTION_OF_KIND[refs[0].kind]
            return revision, decision, section, _ACCESS_LOG_ACTION.get(change.event, "write")
        raise EditConflict(base, None)

    def _check_messages(
        self,
        user: User,
        log_id: str,
        snapshot: LogSnapshot,
        after: dict[DocRef, DocumentBase],
        refs: list[DocRef],
    ) -> None:
        """A message is written as oneself, changed only by its author, and never deleted.

        Once anyone else has seen it, only withdrawing it remains (the text stays
        in the history); the read marks say who has seen what.
        """
        for ref in refs:
            if ref.kind != "message":
                continue
            was, new = snapshot.documents.get(ref), after.get(ref)
            if not isinstance(new, Message) or new.author != user.principal:
                raise RuleViolation("not_author", "only the author changes a message")
            if new.include_subject and not self._is_holder(user, snapshot):
                raise RuleViolation("not_author", "only the holder lets a young child take part")
            if not isinstance(was, Message):
                continue
            if was.author != new.author or was.withdrawn_at is not None:
                raise RuleViolation("not_author", "only the author changes a message")
            withdrawing = new.withdrawn_at is not None
            if withdrawing and new != was.revised(body="", withdrawn_at=new.withdrawn_at):
                raise RuleViolation("not_author", "withdrawing only takes the text away")
            if not withdrawing and self.instance.read_marks.seen_by_others(
                log_id, was.thread or was.id, user.principal, was.sent_at
            ):
                raise RuleViolation("message_read", "others have read the message")

    @staticmethod
    def _is_holder(user: User, snapshot: LogSnapshot) -> bool:
        holder = snapshot.documents.get(DocRef("participant", snapshot.overview.holder))
        return isinstance(holder, Participant) and holder.user_id == user.principal

    def _decide_all(
        self, user: User, snapshot: LogSnapshot, change: Change, refs: list[DocRef], now: datetime
    ) -> Decision:
        """The action must be allowed on every section the change touches."""
        facts = self._facts_of(snapshot)
        plain_save = (
            change.action == Action.WRITE
            and change.event == Event.SAVE
            and not change.deletions
            and not change.files
            and snapshot.overview.status == LogStatus.ACTIVE
        )
        own = all(_own_details(user, snapshot, doc) for doc in change.documents)
        if plain_save and own and change.documents:
            # A participant keeps their own contact details and notification choices.
            return self._require(user, facts, Action.READ, Section.PARTICIPANTS, now)
        sections = {SECTION_OF_KIND[ref.kind] for ref in refs}
        decisions = [
            self._require(user, facts, change.action, section, now) for section in sorted(sections)
        ]
        if Section.MEETINGS in sections and self._is_child(user, facts, now):
            _check_child_replies(snapshot, change)
        return decisions[-1]


_OWN_FIELDS = frozenset({"phone", "email", "job_title", "notifications"})


def _check_guardians(
    user: User, snapshot: LogSnapshot, after: dict[DocRef, DocumentBase], refs: list[DocRef]
) -> None:
    """A guardian is registered unconfirmed, and only the second person's verb confirms it.

    Through the ordinary pipeline a guardian record may be created (unconfirmed)
    and its name corrected; never confirmed, ended, re-pointed at another person
    or deleted: the access decision trusts these records, and one member of staff
    must not silence a confirmed parent (app/gateway/guardians.py answers them).
    """
    for ref in refs:
        if ref.kind != "guardian":
            continue
        was, new = snapshot.documents.get(ref), after.get(ref)
        if not isinstance(new, Guardian):
            raise RuleViolation("guardian_kept", "a guardian record is ended, never deleted")
        fixed = (
            "fnr",
            "registered_by",
            "registered_on",
            "confirmed_by",
            "confirmed_on",
            "source",
            "ended_on",  # ended (turned down) only by the second person's verb
        )
        if was is None:
            mine = new.registered_by == user.principal
            claims = new.confirmed_by is not None or new.ended_on is not None
            if not mine or claims or new.source != "four_eyes":
                raise RuleViolation("guardian_unconfirmed", "a second person confirms a guardian")
        elif any(getattr(was, name) != getattr(new, name) for name in fixed):
            raise RuleViolation("guardian_unconfirmed", "a second person confirms a guardian")


# Kinds only the life-cycle verbs write (app/gateway/consenting.py, baton.py, closing.py):
# each of them is a step with its own rules, never a free edit.
_LIFECYCLE_KINDS = frozenset(
    {
        "consent",
        "consent_request",
        "baton_handover",
        "status_change",
        "level_change",
        "deletion_request",
        "archive_delivery",
    }
)
# The overview's fields that say where the log is in its life, and whose it is.
_LIFECYCLE_FIELDS = (
    "status",
    "holder",
    "level",
    "opened_on",
    "closed_on",
    "closing_reason",
    "closing_note",
    "reopened_on",
    "hidden_before",
    "municipality",
    "unit_id",
    "template",
)


def _check_lifecycle(
    snapshot: LogSnapshot, after: dict[DocRef, DocumentBase], refs: list[DocRef]
) -> None:
    """Consent, the baton, the level and the state change only through their verbs.

    The holder manages the overview and the consents section, so without this
    the ordinary pipeline (or restoring an old version) could write a consent,
    reopen a closed log or take the baton without the new holder's yes.
    """
    for ref in refs:
        if ref.kind in _LIFECYCLE_KINDS:
            raise RuleViolation("lifecycle_verb", "this is changed through its own step")
        if ref.kind != "log":
            continue
        was, new = snapshot.overview, after.get(ref)
        if not isinstance(new, LogOverview):
            raise RuleViolation("overview_kept", "the overview of a log cannot be deleted")
        if any(getattr(was, name) != getattr(new, name) for name in _LIFECYCLE_FIELDS) or (
            was.subject.fnr,
            was.subject.birth_date,
        ) != (new.subject.fnr, new.subject.birth_date):
            raise RuleViolation("lifecycle_verb", "this is changed through its own step")


def _check_child_replies(snapshot: LogSnapshot, change: Change) -> None:
    """A child under the consent age only answers in the threads they take part in.

    The access decision lets the child write in the meetings section; what they
    may write there is narrower: a reply in a thread the holder included them in
    (or a thread of a meeting they are invited to), never a meeting, minutes or a
    new thread. Anything else is refused as if the log were not there.
    """
    visible = for_child(snapshot.documents)
    threads = {ref.id for ref, d in visible.items() if isinstance(d, Message) and d.thread is None}
    if any(SECTION_OF_KIND[ref.kind] == Section.MEETINGS for ref in change.deletions):
        raise NoAccess(snapshot.log_id)
    for document in change.documents:
        if SECTION_OF_KIND[ref_of(document).kind] != Section.MEETINGS:
            continue
        if not (isinstance(document, Message) and document.thread in threads):
            raise NoAccess(snapshot.log_id)


def _own_details(user: User, snapshot: LogSnapshot, document: DocumentBase) -> bool:
    """Whether ``document`` is the user's own participation, changed only in what is theirs."""
    if not isinstance(document, Participant):
        return False
    current = snapshot.documents.get(ref_of(document))
    if not isinstance(current, Participant) or current.user_id != user.principal:
        return False
    if current.left_on is not None:
        return False
    before, after = current.model_dump(), document.model_dump()
    return all(before[name] == after[name] for name in before if name not in _OWN_FIELDS)
