"""The facts about one log that access depends on, extracted from its documents."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from app.documents.base import DocumentBase
from app.documents.fields import ClosingReason, LogStatus, Service
from app.documents.overview import LogOverview
from app.documents.people import Consent, Guardian, Participant
from app.lifecycle.clock import oslo_date
from app.lifecycle.guardianship import FOUR_EYES, GuardianshipSource


@dataclass(frozen=True)
class ConsentFact:
    """One consent record, with the giver as a principal."""

    consent_id: str
    giver: str
    role: str  # "guardian" or "subject"
    services: frozenset[Service]
    valid_from: date
    valid_until: date
    withdrawn_at: datetime | None
    include_guardians: bool
    refused: frozenset[Service] = frozenset()

    def in_force(self, now: datetime) -> bool:
        """Valid on ``now``'s date in Norway and not withdrawn by then.

        A consent valid until 31 December ends at midnight Oslo time, not when
        the UTC date turns an hour or two later.
        """
        if self.withdrawn_at is not None and self.withdrawn_at <= now:
            return False
        return self.valid_from <= oslo_date(now) <= self.valid_until


@dataclass(frozen=True)
class ParticipantFact:
    """A participant of the log: which staff user, for which service."""

    participant_id: str
    user_id: str
    service: Service
    active: bool


@dataclass(frozen=True)
class LogFacts:
    """Everything the decision needs to know about a log, and nothing more."""

    log_id: str
    status: LogStatus
    restricted: bool  # deletion demanded: blocked for all but the archive (sperring)
    subject: str
    subject_birth_date: date
    holder: str | None  # participant id of the holder
    participants: tuple[ParticipantFact, ...]
    consents: tuple[ConsentFact, ...]
    # Principals of the confirmed guardians: a guardian's consent counts only from them.
    guardians: frozenset[str] = frozenset()
    # Principals of guardians once confirmed and since ended: their withdrawals still count.
    former_guardians: frozenset[str] = frozenset()
    # Reopened without the old content: the last revision before reopening. Staff see only
    # what was written or changed after it, and no history (app/gateway/core.py).
    hidden_before: str | None = None


def facts_from_documents(
    log_id: str,
    documents: Iterable[DocumentBase],
    person_principal: Callable[[str], str],
    guardianship: GuardianshipSource = FOUR_EYES,
) -> LogFacts:
    """Extract LogFacts from a log's overview, participants, consents and guardians."""
    documents = list(documents)
    overview: LogOverview | None = None
    participants: list[ParticipantFact] = []
    consents: list[ConsentFact] = []
    for document in documents:
        if isinstance(document, LogOverview):
            overview = document
        elif isinstance(document, Participant):
            participants.append(
                ParticipantFact(
                    document.id, document.user_id, document.service, document.left_on is None
                )
            )
        elif isinstance(document, Consent):
            consents.append(
                ConsentFact(
                    document.id,
                    person_principal(document.given_by_fnr),
                    document.role,
                    frozenset(document.services),
                    document.valid_from,
                    document.valid_until,
                    document.withdrawn_at,
                    document.include_guardians,
                    frozenset(document.refused),
                )
            )
    if overview is None:
        raise ValueError("a log without an overview cannot be decided on")
    guardians = guardianship.guardians(overview.subject.fnr, documents)
    return LogFacts(
        log_id=log_id,
        status=overview.status,
        restricted=overview.status == LogStatus.BLOCKED
        or overview.closing_reason == ClosingReason.DELETION_DEMANDED,
        subject=person_principal(overview.subject.fnr),
        subject_birth_date=overview.subject.birth_date,
        holder=overview.holder,
        participants=tuple(participants),
        consents=tuple(consents),
        guardians=frozenset(person_principal(fnr) for fnr in guardians),
        former_guardians=frozenset(
            person_principal(d.fnr)
            for d in documents
            if isinstance(d, Guardian) and d.confirmed_by is not None and d.ended_on is not None
        )
        - frozenset(person_principal(fnr) for fnr in guardians),
        hidden_before=overview.hidden_before,
    )
