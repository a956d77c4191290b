"""Opening logs, listing "my logs" and showing who has read a log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from app.access import Action, Decision, LogFacts, Section, User, UserKind, decide
from app.access.facts import facts_from_documents
from app.audit import AccessEntry
from app.documents.overview import LogOverview
from app.gateway.errors import NoAccess
from app.instance import Instance
from app.logs.errors import DocumentNotFound, LogNotFound, RuleViolation
from app.logs.rules import age_on
from app.logs.service import ACCESS_KINDS
from app.logs.snapshot import LogSnapshot

# Which sections each document kind belongs to, for section-level filtering.
SECTION_OF_KIND = {
    "log": Section.OVERVIEW,
    "presentation": Section.PRESENTATION,
    "initiative": Section.OVERVIEW,
    "goal": Section.WORK,
    "activity": Section.WORK,
    "evaluation": Section.WORK,
    "meeting": Section.MEETINGS,
    "message": Section.MEETINGS,
    "calendar_entry": Section.MEETINGS,
    "participant": Section.PARTICIPANTS,
    "consent": Section.CONSENTS,
    "attachment": Section.ATTACHMENTS,
    "level_change": Section.OVERVIEW,
    "baton_handover": Section.PARTICIPANTS,
}


@dataclass(frozen=True)
class LogSummary:
    """One line of "my logs": enough to recognise the log, nothing more."""

    log_id: str
    subject_name: str
    status: str
    relation: str
    unit_id: str


@dataclass(frozen=True)
class LogPage:
    """A log as one user may see it: only the documents of sections they may read."""

    snapshot: LogSnapshot
    readable: frozenset[Section]
    writable: frozenset[Section]
    manageable: frozenset[Section]
    basis: str
    subject_is_minor: bool

    @property
    def overview(self) -> LogOverview:
        """The log's overview."""
        return self.snapshot.overview


class Portal:
    """The gateway's verbs over one instance."""

    def __init__(self, instance: Instance) -> None:
        """Use the instance's services and settings."""
        self.instance = instance
        self.youth_age = instance.settings.youth_consent_age

    def my_logs(self, user: User, now: datetime | None = None) -> list[LogSummary]:
        """The logs the user may open, from the index; each one re-checked on consent."""
        now = now or datetime.now(UTC)
        found: dict[str, LogSummary] = {}
        for row in self.instance.index.logs_for(user.principal):
            if row.log_id in found:
                continue
            try:
                facts, overview = self._facts(row.log_id)
            except (LogNotFound, DocumentNotFound):
                continue
            decision = decide(user, facts, Action.READ, Section.OVERVIEW, now, self.youth_age)
            if decision:
                subject = overview.subject
                found[row.log_id] = LogSummary(
                    row.log_id,
                    f"{subject.given_name} {subject.family_name}",
                    overview.status.value,
                    row.relation,
                    overview.unit_id,
                )
        return sorted(found.values(), key=lambda s: (s.status != "active", s.subject_name))

    def open_log(
        self, user: User, log_id: str, service: str = "", now: datetime | None = None
    ) -> LogPage:
        """Open a log for reading; records the access; NoAccess if not allowed."""
        now = now or datetime.now(UTC)
        try:
            snapshot = self.instance.logs.snapshot(log_id)  # decrypted once, decided on, filtered
        except (LogNotFound, DocumentNotFound):
            raise NoAccess(log_id) from None
        facts = facts_from_documents(
            log_id, snapshot.documents.values(), self.instance.index.person_principal
        )
        decision = self._require(user, facts, Action.READ, Section.OVERVIEW, now)
        readable = frozenset(
            s for s in Section if decide(user, facts, Action.READ, s, now, self.youth_age)
        )
        writable = frozenset(
            s for s in Section if decide(user, facts, Action.WRITE, s, now, self.youth_age)
        )
        manageable = frozenset(
            s for s in Section if decide(user, facts, Action.MANAGE, s, now, self.youth_age)
        )
        visible = {
            ref: doc
            for ref, doc in snapshot.documents.items()
            if SECTION_OF_KIND[ref.kind] in readable
        }
        self._record(log_id, user, decision, Section.OVERVIEW, "read", service, now)
        return LogPage(
            LogSnapshot(log_id, snapshot.revision, visible),
            readable,
            writable,
            manageable,
            decision.basis,
            age_on(facts.subject_birth_date, now.date()) < self.youth_age,
        )

    def enrol_child(
        self, user: User, log_id: str, username: str, now: datetime | None = None
    ) -> str:
        """The holder gives a child under the consent age a local login; returns the code."""
        now = now or datetime.now(UTC)
        facts, _overview = self._facts(log_id)
        self._require(user, facts, Action.MANAGE, Section.PARTICIPANTS, now)
        if age_on(facts.subject_birth_date, now.date()) >= self.youth_age:
            raise RuleViolation(
                "youth_uses_idporten", "from the consent age the youth logs in with ID-porten"
            )
        return self.instance.local_accounts.enrol(facts.subject, username, user.principal)

    def access_entries(
        self, user: User, log_id: str, service: str = "", now: datetime | None = None
    ) -> list[AccessEntry]:
        """ "Hvem har sett loggen": the access log, for those who may see it."""
        now = now or datetime.now(UTC)
        facts, _overview = self._facts(log_id)
        decision = self._require(user, facts, Action.READ, Section.ACCESS_LOG, now)
        entries = self.instance.access_log.entries(log_id)
        self._record(log_id, user, decision, Section.ACCESS_LOG, "read", service, now)
        return entries

    def _facts(self, log_id: str) -> tuple[LogFacts, LogOverview]:
        try:
            snapshot = self.instance.logs.read_kinds(log_id, ACCESS_KINDS)
        except (LogNotFound, DocumentNotFound):
            raise NoAccess(log_id) from None
        facts = facts_from_documents(
            log_id, snapshot.documents.values(), self.instance.index.person_principal
        )
        return facts, snapshot.overview

    def _require(
        self, user: User, facts: LogFacts, action: Action, section: Section, now: datetime
    ) -> Decision:
        decision = decide(user, facts, action, section, now, self.youth_age)
        if not decision:
            raise NoAccess(facts.log_id)
        return decision

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
        )
