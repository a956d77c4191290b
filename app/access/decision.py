"""The access decision: deny by default, allow only on a documented basis.

Rules (DOMAIN.md, seeds 000-004, SECURITY-NOTES AZ-01..04):

* A guardian (confirmed by a second member of staff or the register, see
  app/lifecycle/guardianship.py) reads and writes; a guardian's consent counts
  only from a confirmed guardian. From the configured age the subject decides
  instead: then guardians keep access only if the subject's consent in force
  includes them.
* A participant sees the log only while a consent in force covers their
  service. A service added without new consent sees nothing. A withdrawal by
  any consenting person stops access, unless that person consented again later.
* The subject has full access from the configured age. A younger subject with
  their own login gets their own view: overview, presentation, work, meetings;
  they write in the presentation and the work, and answer in the meetings
  section (the gateway keeps that to the threads they are included in).
* Only the holder manages participants, consents and the overview. Guardians
  and an old enough subject manage consents (to withdraw them).
* A pending log (started, consent not yet in place) is open to its holder,
  who prepares the consent, and to the family, who answer it; to nobody else.
* A passive log (all consent withdrawn) is read-only, and open to the family
  only: the participants lose access at once. A closed or archived log is read-only, and the
  archivist may read and export it. A blocked log (sperret: deletion demanded
  where the archive duty applies) is open to the archivist only.
* A log reopened without its old content (the guardians' choice) shows the
  participants only what was written after reopening, and no history.
* Staff roles (unit leader, coordinator) never open a log by themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from app.access.facts import ConsentFact, LogFacts
from app.access.model import Action, Section, StaffRole, User, UserKind
from app.documents.fields import ENDED_STATUSES, LogStatus, Service
from app.lifecycle.clock import oslo_date
from app.logs.rules import age_on

_ALL = frozenset(Section)
_EDITABLE = frozenset({Section.PRESENTATION, Section.WORK, Section.MEETINGS, Section.ATTACHMENTS})
_OWN_VIEW = frozenset({Section.OVERVIEW, Section.PRESENTATION, Section.WORK, Section.MEETINGS})
_CHILD_WRITES = frozenset({Section.PRESENTATION, Section.WORK, Section.MEETINGS})
_HOLDER_MANAGES = frozenset({Section.OVERVIEW, Section.PARTICIPANTS, Section.CONSENTS})
_CLOSED = ENDED_STATUSES  # what the archivist may read and export
# A pending log holds only what consent collection needs; the family answers the request.
_PENDING_HOLDER_WRITES = frozenset(
    {Section.OVERVIEW, Section.PARTICIPANTS, Section.CONSENTS, Section.ATTACHMENTS}
)
_PENDING_FAMILY_READS = frozenset({Section.OVERVIEW, Section.CONSENTS})


@dataclass(frozen=True)
class Decision:
    """The outcome, with the basis that is written to the access log."""

    allowed: bool
    basis: str = ""

    def __bool__(self) -> bool:
        """Truthy when allowed."""
        return self.allowed


DENY = Decision(False)


@lru_cache(maxsize=1024)
def _allow(basis: str) -> Decision:
    """The (immutable) allowing decision for a basis, made once: a page view needs 27."""
    return Decision(True, basis)


_ACTIONS = (Action.READ, Action.WRITE, Action.MANAGE)


class _Memo:
    """What one request's decisions share: computed once, then reused for every section.

    It only caches the answers of the same pure helpers, so every decision is
    still made by the one code path in :func:`_decide`.
    """

    def __init__(self) -> None:
        self.adult: bool | None = None
        self.coverage: dict[Service, str | None] = {}
        self.guardian: bool | None = None


@dataclass(frozen=True)
class Scope:
    """Everything a user may do in a log at one moment, per action, with the decisions."""

    decisions: dict[tuple[Action, Section], Decision]

    def allowed(self, action: Action) -> frozenset[Section]:
        """The sections where ``action`` is allowed."""
        return frozenset(s for (a, s), d in self.decisions.items() if a == action and d)

    def decision(self, action: Action, section: Section) -> Decision:
        """The decision for one action on one section."""
        return self.decisions[(action, section)]


def scope(user: User, log: LogFacts, now: datetime, youth_age: int = 16) -> Scope:
    """Read, write and manage decisions for every section at once (one page view)."""
    memo = _Memo()
    return Scope(
        {
            (action, section): _decide(user, log, action, section, now, youth_age, memo)
            for action in _ACTIONS
            for section in Section
        }
    )


def decide(
    user: User,
    log: LogFacts,
    action: Action,
    section: Section,
    now: datetime,
    youth_age: int = 16,
) -> Decision:
    """Whether ``user`` may do ``action`` on ``section`` of ``log`` at ``now``."""
    return _decide(user, log, action, section, now, youth_age, _Memo())


def _decide(
    user: User,
    log: LogFacts,
    action: Action,
    section: Section,
    now: datetime,
    youth_age: int,
    memo: _Memo,
) -> Decision:
    if (
        _is_archivist(user)
        and log.status in _CLOSED
        and action in (Action.READ, Action.EXPORT)
        and section != Section.ACCESS_LOG
    ):
        return _allow("archive")
    if log.restricted or log.status == LogStatus.BLOCKED or action == Action.EXPORT:
        return DENY
    if log.status == LogStatus.PENDING:
        return _pending(user, log, action, section, now, youth_age)
    if action in (Action.WRITE, Action.MANAGE) and log.status != LogStatus.ACTIVE:
        return DENY
    if log.status == LogStatus.PASSIVE and user.kind != UserKind.CITIZEN:
        return DENY  # all consent withdrawn: the participants are out at once, the family reads
    if memo.adult is None:
        memo.adult = age_on(log.subject_birth_date, oslo_date(now)) >= youth_age
    if user.kind == UserKind.CITIZEN:
        return _citizen(user, log, action, section, now, memo)
    if user.kind == UserKind.STAFF:
        return _participant(user, log, action, section, now, memo)
    return DENY


def _citizen(
    user: User, log: LogFacts, action: Action, section: Section, now: datetime, memo: _Memo
) -> Decision:
    adult = bool(memo.adult)
    if user.principal == log.subject:
        if adult:
            return _guardian_like(action, section, "subject")
        allowed = (action == Action.READ and section in _OWN_VIEW) or (
            action == Action.WRITE and section in _CHILD_WRITES
        )
        return _allow("own view") if allowed else DENY
    if memo.guardian is None:
        memo.guardian = _guardian_may_enter(user, log, now, adult)
    if not memo.guardian:
        return DENY
    return _guardian_like(action, section, "guardian")


def _pending(
    user: User, log: LogFacts, action: Action, section: Section, now: datetime, youth_age: int
) -> Decision:
    """Before consent: the holder prepares it; the guardians (or the youth) answer it."""
    if user.kind == UserKind.STAFF:
        holder = any(
            p.active and p.user_id == user.principal and p.participant_id == log.holder
            for p in log.participants
        )
        allowed = holder and (
            (action == Action.READ and section != Section.ACCESS_LOG)
            or (action in (Action.WRITE, Action.MANAGE) and section in _PENDING_HOLDER_WRITES)
        )
        return _allow("pending:holder") if allowed else DENY
    adult = age_on(log.subject_birth_date, oslo_date(now)) >= youth_age
    # From the consent age the youth answers alone; before it, the confirmed guardians.
    family = user.principal == log.subject if adult else user.principal in log.guardians
    allowed = family and (
        (action == Action.READ and section in _PENDING_FAMILY_READS)
        or (action == Action.MANAGE and section == Section.CONSENTS)
    )
    if not allowed:
        return DENY
    return _allow("pending:youth" if adult else "pending:family")


def _guardian_may_enter(user: User, log: LogFacts, now: datetime, adult: bool) -> bool:
    # Only a confirmed guardian: a name in a consent written by staff proves nothing.
    if user.principal not in log.guardians:
        return False
    # From the consent age the subject decides: guardians only if the subject included them.
    return not _youth_decides(log, adult) or any(
        c.role == "subject" and c.giver == log.subject and c.include_guardians and c.in_force(now)
        for c in log.consents
    )


def _youth_decides(log: LogFacts, adult: bool) -> bool:
    """Whether the youth's own answers rule: from the consent age, once they have answered.

    The youth is asked when they reach the age; until they answer (yes, no or a
    withdrawal), the guardians' earlier consents stand, so the help does not
    stop on a birthday.
    """
    return adult and any(c.role == "subject" and c.giver == log.subject for c in log.consents)


def _guardian_like(action: Action, section: Section, basis: str) -> Decision:
    allowed = (
        action == Action.READ
        or (action == Action.WRITE and section in _EDITABLE)
        or (action == Action.MANAGE and section == Section.CONSENTS)
    )
    return _allow(basis) if allowed else DENY


def _participant(
    user: User, log: LogFacts, action: Action, section: Section, now: datetime, memo: _Memo
) -> Decision:
    mine = [p for p in log.participants if p.active and p.user_id == user.principal]
    if not mine or section == Section.ACCESS_LOG:
        return DENY
    if section == Section.HISTORY and log.hidden_before is not None:
        return DENY  # reopened without the old content: the history would show it
    for participant in mine:
        if participant.service not in memo.coverage:
            memo.coverage[participant.service] = _coverage(
                participant.service, log, now, bool(memo.adult)
            )
        consent_id = memo.coverage[participant.service]
        if consent_id is None:
            continue
        is_holder = participant.participant_id == log.holder
        allowed = (
            action == Action.READ
            or (action == Action.WRITE and (section in _EDITABLE or is_holder))
            or (action == Action.MANAGE and is_holder and section in _HOLDER_MANAGES)
        )
        if allowed:
            return _allow(f"consent:{consent_id}")
    return DENY


def covered_services(log: LogFacts, now: datetime, youth_age: int = 16) -> frozenset[Service]:
    """The services consent lets in at ``now``: none means the log has no consent in force.

    The life cycle asks this (is consent in place, did a withdrawal leave
    nothing), so it and the access decision read consent the same way.
    """
    adult = age_on(log.subject_birth_date, oslo_date(now)) >= youth_age
    return frozenset(s for s in Service if _coverage(s, log, now, adult) is not None)


def _coverage(service: Service, log: LogFacts, now: datetime, adult: bool) -> str | None:
    """The consent that lets ``service`` in, or None if none does.

    Per person asked: their answers in force that mention the service count
    from their last withdrawal on. A withdrawal not followed by new consent, or
    a refusal in their latest answer, keeps the service out whatever others said.
    A guardian who withdrew and was later ended as guardian keeps the service
    out until someone asked consents again after the withdrawal: ending a
    guardian must not silence them.
    """
    role = "subject" if _youth_decides(log, adult) else "guardian"
    by_giver: dict[str, list[ConsentFact]] = {}
    silenced: date | None = None
    for consent in log.consents:
        if consent.role != role or (
            service not in consent.services and service not in consent.refused
        ):
            continue
        if role == "subject" and consent.giver != log.subject:
            continue
        if role == "guardian" and consent.giver not in log.guardians:
            withdrawn = consent.withdrawn_at
            if consent.giver in log.former_guardians and withdrawn and withdrawn <= now:
                day = oslo_date(withdrawn)
                silenced = day if silenced is None else max(silenced, day)
            continue  # not a confirmed guardian (now): the consent proves nothing
        by_giver.setdefault(consent.giver, []).append(consent)
    basis = None
    for consents in by_giver.values():
        withdrawals = [
            c.withdrawn_at
            for c in consents
            if c.withdrawn_at and c.withdrawn_at <= now and service in c.services
        ]
        last = max(withdrawals, default=None)
        current = [
            c
            for c in consents
            if c.in_force(now)
            and (last is None or c.valid_from >= oslo_date(last))
            and (silenced is None or c.valid_from >= silenced)
        ]
        if not current:
            if last is not None:
                return None  # this person withdrew and has not consented again
            continue
        # The latest answer decides; on the same day a refusal wins (deny by default).
        latest = max(current, key=lambda c: (c.valid_from, service in c.refused))
        if service in latest.refused:
            return None  # this person's latest answer refuses the service
        given = max((c for c in current if service in c.services), key=lambda c: c.valid_from)
        basis = basis or given.consent_id
    return basis


def _is_archivist(user: User) -> bool:
    return user.kind == UserKind.STAFF and StaffRole.ARCHIVIST in user.staff_roles
