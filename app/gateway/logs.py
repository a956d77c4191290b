"""Opening logs, listing "my logs" and showing who has read a log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from app.access import Action, Decision, LogFacts, Section, User, UserKind, decide, scope
from app.audit import AccessEntry
from app.documents.fields import LogStatus
from app.documents.overview import LogOverview
from app.documents.people import ConsentRequest
from app.gateway.archiving import ArchiveVerbs
from app.gateway.baton import BatonVerbs
from app.gateway.calendar import CalendarVerbs
from app.gateway.closing import ClosingVerbs
from app.gateway.consenting import ConsentVerbs
from app.gateway.coordination import CoordinationVerbs
from app.gateway.deletion import DeletionVerbs
from app.gateway.documents import DocumentVerbs
from app.gateway.errors import NoAccess
from app.gateway.guardians import GuardianVerbs
from app.gateway.history import HistoryVerbs
from app.gateway.messages import MessageVerbs
from app.gateway.people import People, resolve_people
from app.gateway.sections import SECTION_OF_KIND
from app.gateway.starting import StartVerbs
from app.lifecycle.clock import oslo_date
from app.lifecycle.consents import expired_without_renewal, expiring
from app.logs.deadlines import overdue_count
from app.logs.errors import DocumentNotFound, RuleViolation
from app.logs.rules import age_on
from app.logs.service import ACCESS_KINDS
from app.logs.snapshot import LogSnapshot
from app.messages.threads import Thread, for_child

# What a line of "my logs" decides on: access, the overdue count, a closed log's reopening.
_SUMMARY_KINDS = ACCESS_KINDS | {"activity", "evaluation", "consent_request", "deletion_request"}
# Logs the holder can no longer open but is still told about, on their list.
_TOLD_TO_HOLDER = frozenset({LogStatus.PASSIVE, LogStatus.CLOSED})


@dataclass(frozen=True)
class LogSummary:
    """One line of "my logs": enough to recognise the log, nothing more."""

    log_id: str
    subject_name: str
    status: str
    relation: str
    unit_id: str
    overdue: int = 0
    consent_ends: date | None = None  # a consent runs out soon (the reminder's window)
    consent_expired: bool = False  # consent ran out and was not renewed
    opens: bool = True  # False: listed only to tell the holder it became passive, or closed
    reopen: str = ""  # "ask": the holder may ask to reopen it; "asked": they have, it waits


@dataclass(frozen=True)
class Viewer:
    """Who is looking, in the log's terms: their relation and participant documents."""

    principal: str
    kind: UserKind
    relation: str  # "holder", "participant", "guardian", "subject", "child", "archive"
    participant_ids: frozenset[str]

    @property
    def is_holder(self) -> bool:
        """Whether the viewer holds the baton."""
        return self.relation == "holder"


@dataclass(frozen=True)
class LogPage:
    """A log as one user may see it: only the documents of sections they may read."""

    snapshot: LogSnapshot
    readable: frozenset[Section]
    writable: frozenset[Section]
    manageable: frozenset[Section]
    basis: str
    subject_is_minor: bool
    viewer: Viewer
    people_source: Callable[[], People] = field(compare=False, repr=False)
    today: date = field(default_factory=date.today)
    #: Participants (by document id) whose service a consent lets in right now.
    let_in: frozenset[str] = frozenset()
    #: The section the page was opened at (what a read of it is recorded as).
    section: Section = Section.OVERVIEW
    #: The threads the viewer may read, newest first, each with how many messages are new.
    threads: tuple[tuple[Thread, int], ...] = ()

    @property
    def unread(self) -> int:
        """Threads with something new for the viewer since they last looked."""
        return sum(1 for _thread, new in self.threads if new)

    @property
    def people(self) -> People:
        """Names for the ids the log stores (resolved only when a page is drawn)."""
        return self.people_source()

    @property
    def overview(self) -> LogOverview:
        """The log's overview."""
        return self.snapshot.overview

    @property
    def log_id(self) -> str:
        """The log's id."""
        return self.snapshot.log_id

    @property
    def revision(self) -> str:
        """The revision the page shows (forms carry it back)."""
        return self.snapshot.revision

    def may_write(self, section: str) -> bool:
        """Whether the viewer may add or change documents in ``section``."""
        return Section(section) in self.writable

    def wrote(self, created_by: str | None) -> bool:
        """Whether the viewer wrote a document (by its stored author id)."""
        return created_by is not None and created_by == self.viewer.principal

    def may_delete(self, section: str, created_by: str | None) -> bool:
        """Only the holder deletes others' text; everyone who may write deletes their own."""
        return self.may_write(section) and (self.viewer.is_holder or self.wrote(created_by))


class Portal(
    HistoryVerbs,
    CalendarVerbs,
    MessageVerbs,
    DocumentVerbs,
    GuardianVerbs,
    StartVerbs,
    ConsentVerbs,
    BatonVerbs,
    ClosingVerbs,
    DeletionVerbs,
    CoordinationVerbs,
    ArchiveVerbs,
):
    """The gateway's verbs over one instance (reading here; the rest in the mixed-in groups)."""

    def my_logs(self, user: User, now: datetime | None = None) -> list[LogSummary]:
        """The logs the user may open, from the index; each one re-checked on consent."""
        now = now or self.clock()
        found: dict[str, LogSummary] = {}
        for row in self.instance.index.logs_for(user.principal):
            if row.log_id in found:
                continue
            try:
                snapshot = self._snapshot(row.log_id, _SUMMARY_KINDS)
            except NoAccess:
                continue
            facts = self._facts_of(snapshot)
            decision = decide(user, facts, Action.READ, Section.OVERVIEW, now, self.youth_age)
            if decision:
                overview = snapshot.overview
                subject = overview.subject
                found[row.log_id] = LogSummary(
                    row.log_id,
                    f"{subject.given_name} {subject.family_name}",
                    overview.status.value,
                    row.relation,
                    overview.unit_id,
                    self._overdue_for(user, facts, snapshot, now),
                    *self._consent_reminder(user, facts, snapshot, now),
                )
            elif snapshot.overview.status in _TOLD_TO_HOLDER and self._holds(user, facts):
                # The holder is told the log became passive, or that its consent ran out
                # after it was closed (they may ask to reopen it), and nothing of what is in it.
                reopen = self._reopen_state(user, snapshot, facts, now)
                if snapshot.overview.status == LogStatus.CLOSED and not reopen:
                    continue
                subject = snapshot.overview.subject
                found[row.log_id] = LogSummary(
                    row.log_id,
                    f"{subject.given_name} {subject.family_name}",
                    snapshot.overview.status.value,
                    "holder",
                    snapshot.overview.unit_id,
                    opens=False,
                    reopen=reopen,
                )
        return sorted(found.values(), key=lambda s: (s.status != "active", s.subject_name))

    def _reopen_state(
        self, user: User, snapshot: LogSnapshot, facts: LogFacts, now: datetime
    ) -> str:
        """For the holder of a closed log they cannot read: may they ask to reopen it?"""
        if snapshot.overview.status != LogStatus.CLOSED:
            return ""
        if any(
            r.state == "open" and r.purpose == "reopen" and r.requested_by == user.principal
            for r in snapshot.of_kind(ConsentRequest)
        ):
            return "asked"
        return "ask" if self.may_ask_reopen(user, snapshot, facts, now) else ""

    def _consent_reminder(
        self, user: User, facts: LogFacts, snapshot: LogSnapshot, now: datetime
    ) -> tuple[date | None, bool]:
        """For the holder and the family: when consent runs out soon, or that it ran out."""
        if not self._holds(user, facts) and user.kind != UserKind.CITIZEN:
            return None, False
        if snapshot.overview.status not in (LogStatus.ACTIVE, LogStatus.PASSIVE):
            return None, False
        today = oslo_date(now)
        documents = list(snapshot.documents.values())
        lead = self.instance.settings.lifecycle.reminder_days
        soon = [c.valid_until for c in expiring(documents, today, lead)]
        guardians = self.instance.logs.guardianship.guardians(
            snapshot.overview.subject.fnr, documents
        )
        lapsed = expired_without_renewal(documents, today, guardians, self.youth_age)
        return (min(soon) if soon else None), lapsed

    def _overdue_for(
        self, user: User, facts: LogFacts, snapshot: LogSnapshot, now: datetime
    ) -> int:
        """Overdue items the user answers for: all of them for the holder, else their own."""
        if user.kind != UserKind.STAFF or snapshot.overview.status.value != "active":
            return 0
        if not decide(user, facts, Action.READ, Section.WORK, now, self.youth_age):
            return 0
        mine = {p.participant_id for p in facts.participants if p.user_id == user.principal}
        if not mine:
            return 0
        scope = set() if facts.holder in mine else mine
        return overdue_count(snapshot.documents.values(), oslo_date(now), scope)

    def open_log(
        self,
        user: User,
        log_id: str,
        service: str = "",
        now: datetime | None = None,
        section: Section = Section.OVERVIEW,
        record: bool = True,
    ) -> LogPage:
        """Open a log at ``section`` for reading; records the access; NoAccess if not allowed."""
        now = now or self.clock()
        snapshot = self._snapshot(log_id)  # decrypted once, decided on, filtered
        facts = self._facts_of(snapshot)
        snapshot = self._shown(user, facts, snapshot)
        allowed = scope(user, facts, now, self.youth_age)
        decision = allowed.decision(Action.READ, Section.OVERVIEW)
        if decision and section != Section.OVERVIEW:
            decision = allowed.decision(Action.READ, section)
        if not decision:
            raise NoAccess(log_id)
        readable = allowed.allowed(Action.READ)
        writable = allowed.allowed(Action.WRITE)
        manageable = allowed.allowed(Action.MANAGE)
        visible = {
            ref: doc
            for ref, doc in snapshot.documents.items()
            if SECTION_OF_KIND[ref.kind] in readable
        }
        viewer = self._viewer(user, facts, decision)
        if viewer.relation == "child":
            visible = for_child(visible)
        if record:
            self._record(log_id, user, decision, section, "read", service, now)
        shown = LogSnapshot(log_id, snapshot.revision, visible)
        return LogPage(
            shown,
            readable,
            writable,
            manageable,
            decision.basis,
            age_on(facts.subject_birth_date, oslo_date(now)) < self.youth_age,
            viewer,
            cache(
                lambda: resolve_people(
                    snapshot,
                    self.instance.index.person_principal,
                    self.instance.directory.snapshot().staff_names(),
                )
            ),
            oslo_date(now),
            frozenset(
                p.participant_id
                for p in facts.participants
                if p.active
                and decide(
                    User(p.user_id, UserKind.STAFF),
                    facts,
                    Action.READ,
                    Section.OVERVIEW,
                    now,
                    self.youth_age,
                )
            ),
            section,
            tuple(self.threads(user, shown)) if Section.MEETINGS in readable else (),
        )

    def record_view(self, user: User, page: LogPage, service: str = "") -> None:
        """Record that ``page`` was shown to ``user``, for a page opened without recording.

        A view opens the log unrecorded when it may still refuse (a holder-only
        form) or when a sent form may become a change; once it shows the log
        instead (a form with errors, a preview, a search), that is a read.
        """
        decision = Decision(True, page.basis)
        self._record(page.log_id, user, decision, page.section, "read", service, self.clock())

    @staticmethod
    def _viewer(user: User, facts: LogFacts, decision: Decision) -> Viewer:
        mine = frozenset(
            p.participant_id for p in facts.participants if p.active and p.user_id == user.principal
        )
        if user.kind == UserKind.STAFF:
            relation = "holder" if facts.holder in mine else "participant"
            if decision.basis == "archive" and not mine:
                relation = "archive"
        elif user.principal == facts.subject:
            relation = "subject" if decision.basis in ("subject", "pending:youth") else "child"
        else:
            relation = "guardian"
        return Viewer(user.principal, user.kind, relation, mine)

    def enrol_child(
        self,
        user: User,
        log_id: str,
        username: str,
        service: str = "",
        now: datetime | None = None,
        restart: bool = False,
    ) -> str:
        """The holder gives a child under the consent age a local login; returns the code.

        ``restart`` gives a child who has a login a new code (the old password ends).
        """
        now = now or self.clock()
        facts = self._facts(log_id)
        decision = self._require(user, facts, Action.MANAGE, Section.PARTICIPANTS, now)
        if age_on(facts.subject_birth_date, oslo_date(now)) >= self.youth_age:
            raise RuleViolation(
                "youth_uses_idporten", "from the consent age the youth logs in with ID-porten"
            )
        code = self.instance.local_accounts.enrol(
            facts.subject, username, user.principal, restart=restart
        )
        # A new way into the log: the family sees it under "who has seen the log".
        self._record(log_id, user, decision, Section.PARTICIPANTS, "write", service, now)
        return code

    def photo(self, user: User, log_id: str, attachment_id: str) -> bytes:
        """The subject's photo, for those who may read the overview (not recorded: an image)."""
        now = self.clock()
        snapshot = self._snapshot(log_id, ACCESS_KINDS)
        self._require(user, self._facts_of(snapshot), Action.READ, Section.OVERVIEW, now)
        overview = snapshot.overview
        if overview.photo is None or overview.photo != attachment_id:
            raise NoAccess(log_id)
        try:
            data: bytes = self.instance.logs.read_attachment(log_id, attachment_id)
        except DocumentNotFound:
            raise NoAccess(log_id) from None
        return data

    def access_entries(
        self, user: User, log_id: str, service: str = "", now: datetime | None = None
    ) -> list[AccessEntry]:
        """ "Hvem har sett loggen": the access log, for those who may see it."""
        now = now or self.clock()
        decision = self._require(user, self._facts(log_id), Action.READ, Section.ACCESS_LOG, now)
        entries = self.instance.access_log.entries(log_id)
        self._record(log_id, user, decision, Section.ACCESS_LOG, "read", service, now)
        return entries
