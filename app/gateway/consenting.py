"""Consent as a workflow: the holder asks, the family answers per service, and withdraws.

The holder asks (to start the log, for a new service, a transition, a
renewal, insight, or to reopen it). Each confirmed guardian (or the youth from
the consent age) answers digitally, service by service, yes or no; an answer
can be changed (the old one is withdrawn, the history keeps both). When the
request is fully answered (everyone asked, or one person and the holder's
note why that suffices) and consent lets a service in, the log takes its next
step in the same commit: a pending log becomes active, a passive one active
again, a closed one reopened. Withdrawing consent is as easy as giving it:
all of it, or one service; when nothing is left in force the log becomes
passive in the same commit.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from app.access import Decision, LogFacts, Section, User, covered_services
from app.access.facts import facts_from_documents
from app.documents.base import DocumentBase
from app.documents.fields import LogStatus, Service
from app.documents.overview import LogOverview
from app.documents.people import Consent, ConsentRequest, Guardian
from app.documents.records import DeletionRequest
from app.gateway.documents import new_attachment
from app.gateway.errors import NoAccess
from app.gateway.lifecycle import Built, LifecycleCore, LifecycleRefused, doc_ref, require
from app.lifecycle.clock import oslo_date
from app.lifecycle.consents import (
    ConsentState,
    consent_state,
    expired_without_renewal,
    in_force,
    period_end,
)
from app.lifecycle.machine import Actor, Step
from app.logs.codec import ref_of
from app.logs.ids import new_document_id
from app.logs.layout import DocRef
from app.logs.snapshot import LogSnapshot
from app.media.uploads import CleanUpload

# What a request may be for, in which state of the log.
PURPOSES = {
    LogStatus.PENDING: frozenset({"create"}),
    LogStatus.ACTIVE: frozenset({"new_service", "transition", "renewal", "insight"}),
    LogStatus.CLOSED: frozenset({"reopen"}),
}


@dataclass(frozen=True)
class Giver:
    """Who gives (or withdraws) consent in a log: a confirmed guardian, or the youth."""

    fnr: str
    name: str
    role: str  # "guardian" or "subject"

    @property
    def actor(self) -> Actor:
        """As whom the state machine sees them."""
        return Actor.YOUTH if self.role == "subject" else Actor.GUARDIAN

    @property
    def basis(self) -> str:
        """What the access log records a change of theirs under."""
        return "youth" if self.role == "subject" else "guardian"

    def consent(self, today: date, months: int, **fields: Any) -> Consent:
        """A digital consent from them, valid from ``today`` for ``months`` months."""
        return Consent(
            id=new_document_id(),
            given_by_name=self.name,
            given_by_fnr=self.fnr,
            role=self.role,
            valid_from=today,
            valid_until=period_end(today, months),
            method="digital",
            **fields,
        )

    def answer(
        self,
        request: ConsentRequest,
        yes: frozenset[Service],
        no: frozenset[Service],
        *,
        valid_from: date,
        valid_until: date,
        include_guardians: bool,
        show_old_content: bool | None,
        method: str = "digital",
        paper_scan: str | None = None,
    ) -> Consent:
        """Their answer to ``request``, every service asked about yes or no (else refused)."""
        if yes & no or (yes | no) != set(request.services):
            raise LifecycleRefused("answer_every_service")
        if request.purpose == "reopen" and show_old_content is None:
            raise LifecycleRefused("answer_old_content")
        return Consent(
            id=new_document_id(),
            given_by_name=self.name,
            given_by_fnr=self.fnr,
            role=self.role,
            purpose=request.purpose,
            services=sorted(yes),
            refused=sorted(no),
            request=request.id,
            valid_from=valid_from,
            valid_until=valid_until,
            method=method,
            paper_scan=paper_scan,
            include_guardians=include_guardians if self.role == "subject" else True,
            show_old_content=show_old_content if request.purpose == "reopen" else None,
        )

    def replaced(
        self, snapshot: LogSnapshot, request: ConsentRequest, now: datetime
    ) -> list[Consent]:
        """Their earlier answers to ``request``, withdrawn because a new one replaces them."""
        return [
            c.revised(withdrawn_at=now, withdrawal_note=_REPLACED)
            for c in snapshot.of_kind(Consent)
            if c.request == request.id and c.given_by_fnr == self.fnr and not c.withdrawn_at
        ]


# Where an answer can still change something (not in a blocked or archived log).
_ANSWERABLE = frozenset({LogStatus.PENDING, LogStatus.ACTIVE, LogStatus.PASSIVE, LogStatus.CLOSED})


class ConsentVerbs(LifecycleCore):
    """The consent verbs of :class:`app.gateway.Portal`."""

    # -- the holder asks -------------------------------------------------------

    def request_consent(
        self,
        user: User,
        log_id: str,
        *,
        purpose: str,
        services: Iterable[Service],
        seen_revision: str,
        form_key: str = "",
        service: str = "",
    ) -> str:
        """The holder asks the family for consent; returns the new revision."""
        wanted = sorted(set(services))

        def build(snapshot: LogSnapshot, facts: LogFacts, now: datetime) -> Built:
            overview = snapshot.overview
            actors = self._actors(user, snapshot, facts, now)
            # The holder of a closed log whose consent ran out reads nothing of it any more,
            # but may still ask the family to reopen it.
            reopens = purpose == "reopen" and self.may_ask_reopen(user, snapshot, facts, now)
            require(Actor.HOLDER in actors or reopens, log_id)
            if purpose not in PURPOSES.get(overview.status, frozenset()):
                raise LifecycleRefused("wrong_purpose")
            if not wanted:
                raise LifecycleRefused("no_services")
            if any(r.state == "open" for r in snapshot.of_kind(ConsentRequest)):
                raise LifecycleRefused("request_open")
            request = ConsentRequest(
                id=new_document_id(),
                purpose=purpose,
                services=wanted,
                requested_by=user.principal,
                requested_on=oslo_date(now),
            )
            return Built([request], "holder", Section.CONSENTS)

        return self._commit_step(
            user,
            log_id,
            seen_revision=seen_revision,
            watched=(),
            build=build,
            form_key=form_key,
            service=service,
        )

    def reopening(self, user: User, log_id: str) -> tuple[str, list[Service]]:
        """For the holder of a closed log whose consent ran out: its revision and their own
        service, to ask the family to reopen it (nothing else of the log). NoAccess for
        anyone else, and whenever :meth:`may_ask_reopen` says no.

        Drawing the form is written to the log's access log (the consents, as the holder).
        """
        now = self.clock()
        snapshot = self._snapshot(log_id)
        facts = self._facts_of(snapshot)
        require(self.may_ask_reopen(user, snapshot, facts, now), log_id)
        own = {p.service for p in facts.participants if p.participant_id == facts.holder}
        decision = Decision(True, "holder:reopen")
        self._record(log_id, user, decision, Section.CONSENTS, "read", "", now)
        return snapshot.revision, sorted(own)

    def may_ask_reopen(
        self, user: User, snapshot: LogSnapshot, facts: LogFacts, now: datetime
    ) -> bool:
        """Whether the holder of a closed log they can no longer read may ask to reopen it.

        Only when the consent simply ran out: nobody withdrew or refused it, no
        deletion is asked for, no reopening was asked in the last 90 days (a
        family that said no is not asked again and again), and the holder still
        works here.
        """
        if snapshot.overview.status != LogStatus.CLOSED or not self._holds(user, facts):
            return False
        member = self.instance.directory.snapshot().staff.get(user.principal)
        if member is None or not member.active:
            return False
        today = oslo_date(now)
        consents = snapshot.of_kind(Consent)
        if any(r.waiting for r in snapshot.of_kind(DeletionRequest)):
            return False
        if any(c.withdrawn_at and c.withdrawal_note != _REPLACED for c in consents):
            return False
        if any(c.refused and in_force(c, today) for c in consents):
            return False
        if any(
            r.purpose == "reopen" and r.requested_on > today - _REOPEN_PAUSE
            for r in snapshot.of_kind(ConsentRequest)
        ):
            return False
        return expired_without_renewal(
            list(snapshot.documents.values()),
            today,
            self.instance.logs.guardianship.guardians(
                snapshot.overview.subject.fnr, snapshot.documents.values()
            ),
            self.youth_age,
        )

    def note_single_guardian(
        self,
        user: User,
        log_id: str,
        request_id: str,
        *,
        note: str,
        seen_revision: str,
        form_key: str = "",
        service: str = "",
    ) -> str:
        """The holder writes why one guardian's answer suffices (and how the other was sought)."""
        ref = doc_ref(log_id, "consent_request", request_id)

        def build(snapshot: LogSnapshot, facts: LogFacts, now: datetime) -> Built:
            actors = self._actors(user, snapshot, facts, now)
            require(Actor.HOLDER in actors, log_id)
            request = _open_request(snapshot, ref)
            if not note.strip():
                raise LifecycleRefused("note_required")
            state = self._state(snapshot.documents.values(), oslo_date(now))
            answered = state.answered(request)
            if not answered or answered == state.askable:
                raise LifecycleRefused("note_needs_one_answer")
            noted = request.revised(single_guardian_note=note.strip())
            documents = self._settle(snapshot, [noted], actors, user, now)
            return Built(documents, "holder", Section.CONSENTS)

        return self._commit_step(
            user,
            log_id,
            seen_revision=seen_revision,
            watched=(ref,),
            build=build,
            form_key=form_key,
            service=service,
        )

    # -- the family answers ----------------------------------------------------

    def answer_consent(
        self,
        user: User,
        log_id: str,
        request_id: str,
        *,
        consented: Iterable[Service],
        refused: Iterable[Service],
        include_guardians: bool = True,
        show_old_content: bool | None = None,
        seen_revision: str,
        form_key: str = "",
        service: str = "",
    ) -> str:
        """A guardian (or the youth) answers a request, service by service; the new revision.

        Every service asked about is answered yes or no ("answer_every_service").
        An earlier answer by the same person is withdrawn and replaced.
        """
        ref = doc_ref(log_id, "consent_request", request_id)
        yes, no = frozenset(consented), frozenset(refused)

        def build(snapshot: LogSnapshot, facts: LogFacts, now: datetime) -> Built:
            require(snapshot.overview.status in _ANSWERABLE, log_id)
            today = oslo_date(now)
            giver = self._giver(user, snapshot, today)
            request = _open_request(snapshot, ref)
            answer = giver.answer(
                request,
                yes,
                no,
                valid_from=today,
                valid_until=period_end(today, self._months()),
                include_guardians=include_guardians,
                show_old_content=show_old_content,
            )
            replaced = giver.replaced(snapshot, request, now)
            return self._family_step(
                user, snapshot, facts, now, giver, [*replaced, answer, request]
            )

        return self._commit_step(
            user,
            log_id,
            seen_revision=seen_revision,
            watched=(ref,),
            build=build,
            form_key=form_key,
            service=service,
        )

    def record_paper_consent(
        self,
        user: User,
        log_id: str,
        request_id: str,
        *,
        giver: str,
        consented: Iterable[Service],
        refused: Iterable[Service],
        signed_on: date,
        valid_until: date | None = None,
        include_guardians: bool = True,
        show_old_content: bool | None = None,
        scan: CleanUpload,
        scan_title: str,
        seen_revision: str,
        form_key: str = "",
        service: str = "",
    ) -> str:
        """The holder records a signed paper answer to a request, with its scan; the new revision.

        ``giver`` names who signed: a confirmed guardian's document id, or
        "subject" for the youth from the consent age. The answer counts like a
        digital one (it replaces that person's earlier answer to the request);
        the scan (already checked by content) is attached in the same commit, so
        a paper consent never exists without the paper. The period runs from the
        day it was signed, for at most the configured consent period.
        """
        ref = doc_ref(log_id, "consent_request", request_id)
        yes, no = frozenset(consented), frozenset(refused)

        def build(snapshot: LogSnapshot, facts: LogFacts, now: datetime) -> Built:
            actors = self._actors(user, snapshot, facts, now)
            require(Actor.HOLDER in actors, log_id)
            require(snapshot.overview.status in _ANSWERABLE, log_id)
            today = oslo_date(now)
            request = _open_request(snapshot, ref)
            signer = self._signer(snapshot, giver, today)
            latest_end = period_end(signed_on, self._months())
            if signed_on > today or signed_on < today - _PAPER_AGE:
                raise LifecycleRefused("paper_signed_on")
            until = valid_until or latest_end
            if until < today or until > latest_end:
                raise LifecycleRefused("paper_period")
            metadata, files = new_attachment(scan, scan_title, user.principal, now)
            answer = signer.answer(
                request,
                yes,
                no,
                valid_from=signed_on,
                valid_until=until,
                include_guardians=include_guardians,
                show_old_content=show_old_content,
                method="paper",
                paper_scan=metadata.id,
            )
            replaced = signer.replaced(snapshot, request, now)
            documents = self._settle(
                snapshot, [*replaced, answer, request, metadata], actors, user, now
            )
            return Built(documents, "holder", Section.CONSENTS, files=files)

        return self._commit_step(
            user,
            log_id,
            seen_revision=seen_revision,
            watched=(ref,),
            build=build,
            form_key=form_key,
            service=service,
        )

    def paper_signers(self, snapshot: LogSnapshot, today: date) -> list[tuple[str, str]]:
        """Who may sign a paper answer in this log today: (the form's value, the name)."""
        state = self._state(snapshot.documents.values(), today)
        subject = snapshot.overview.subject
        if state.youth_decides:
            return [("subject", f"{subject.given_name} {subject.family_name}")]
        return [
            (g.id, g.name)
            for g in sorted(snapshot.of_kind(Guardian), key=lambda g: g.registered_on)
            if g.is_confirmed and g.fnr in state.askable
        ]

    def renew_consent(
        self,
        user: User,
        log_id: str,
        *,
        seen_revision: str,
        form_key: str = "",
        service: str = "",
    ) -> str:
        """One click: the family gives again the consent that ran out or was withdrawn.

        The new consent covers the services of the person's latest consent,
        from today for a new period. A passive log becomes active again.
        """

        def build(snapshot: LogSnapshot, facts: LogFacts, now: datetime) -> Built:
            today = oslo_date(now)
            giver = self._giver(user, snapshot, today)
            require(snapshot.overview.status in (LogStatus.ACTIVE, LogStatus.PASSIVE), log_id)
            require(self._reads(user, facts, now), log_id)
            own = [
                c for c in snapshot.of_kind(Consent) if c.given_by_fnr == giver.fnr and c.services
            ]
            if not own:
                raise LifecycleRefused("nothing_to_renew")
            latest = max(own, key=lambda c: (c.valid_from, c.id))
            if in_force(latest, today) and latest.valid_until > today + _lead(self):
                raise LifecycleRefused("nothing_to_renew")
            renewed = giver.consent(
                today,
                self._months(),
                purpose="renewal",
                services=latest.services,
                include_guardians=latest.include_guardians,
            )
            return self._family_step(user, snapshot, facts, now, giver, [renewed])

        return self._commit_step(
            user,
            log_id,
            seen_revision=seen_revision,
            watched=(),
            build=build,
            form_key=form_key,
            service=service,
        )

    def withdraw_consent(
        self,
        user: User,
        log_id: str,
        *,
        consent_id: str | None = None,
        only: Service | None = None,
        note: str = "",
        seen_revision: str,
        form_key: str = "",
        service: str = "",
    ) -> str:
        """Withdraw one's own consent: one consent, one service of it, or (no id) all of it.

        Withdrawing one service withdraws the consent and gives a new one for the
        rest, so the history shows both. If no service is left with consent in
        force, the log becomes passive in the same commit.
        """
        watched = (doc_ref(log_id, "consent", consent_id),) if consent_id else ()

        def build(snapshot: LogSnapshot, facts: LogFacts, now: datetime) -> Built:
            today = oslo_date(now)
            giver = self._giver(user, snapshot, today, answering=False)
            require(snapshot.overview.status in _ANSWERABLE, log_id)
            require(self._reads(user, facts, now), log_id)
            mine = [
                c
                for c in snapshot.of_kind(Consent)
                if c.given_by_fnr == giver.fnr and c.services and in_force(c, today)
            ]
            if consent_id is not None:
                mine = [c for c in mine if c.id == consent_id]
                require(bool(mine), log_id)
            if not mine:
                raise LifecycleRefused("nothing_to_withdraw")
            changed: list[DocumentBase] = []
            for consent in mine:
                if only is not None and only not in consent.services:
                    continue
                changed.append(consent.revised(withdrawn_at=now, withdrawal_note=note.strip()))
                rest = [s for s in consent.services if s != only] if only is not None else []
                if rest or consent.refused:  # what was refused stays refused
                    # Still their answer to the same request: answering it again replaces it.
                    changed.append(
                        consent.revised(id=new_document_id(), services=rest, valid_from=today)
                    )
            if not changed:
                raise LifecycleRefused("nothing_to_withdraw")
            return self._family_step(user, snapshot, facts, now, giver, changed)

        return self._commit_step(
            user,
            log_id,
            seen_revision=seen_revision,
            watched=watched,
            build=build,
            form_key=form_key,
            service=service,
        )

    # -- internals -------------------------------------------------------------

    def _giver(
        self, user: User, snapshot: LogSnapshot, today: date, answering: bool = True
    ) -> Giver:
        """The user as one who gives consent in this log; NoAccess for anyone else.

        From the consent age the youth answers; before it, a confirmed guardian.
        A guardian may still withdraw what they gave after the youth came of age
        (``answering`` false): a withdrawal is never refused to the one who consented.
        """
        subject = snapshot.overview.subject
        principal = self.instance.index.person_principal
        state = self._state(snapshot.documents.values(), today)
        if user.principal == principal(subject.fnr) and state.youth_decides:
            return Giver(subject.fnr, f"{subject.given_name} {subject.family_name}", "subject")
        for guardian in snapshot.of_kind(Guardian):
            if guardian.is_confirmed and principal(guardian.fnr) == user.principal:
                if answering and guardian.fnr not in state.askable:
                    break
                return Giver(guardian.fnr, guardian.name, "guardian")
        raise NoAccess(snapshot.log_id)

    def _signer(self, snapshot: LogSnapshot, giver: str, today: date) -> Giver:
        """Who signed a paper answer: one asked in this log today, else "not_asked"."""
        for value, name in self.paper_signers(snapshot, today):
            if value == giver:
                if giver == "subject":
                    return Giver(snapshot.overview.subject.fnr, name, "subject")
                guardian = snapshot.documents[doc_ref(snapshot.log_id, "guardian", giver)]
                assert isinstance(guardian, Guardian)
                return Giver(guardian.fnr, guardian.name, "guardian")
        raise LifecycleRefused("not_asked")

    def _family_step(
        self,
        user: User,
        snapshot: LogSnapshot,
        facts: LogFacts,
        now: datetime,
        giver: Giver,
        changed: list[DocumentBase],
    ) -> Built:
        """Save what the family changed, with the step it leads to, as theirs."""
        actors = self._actors(user, snapshot, facts, now) | {giver.actor}
        documents = self._settle(snapshot, changed, actors, user, now)
        return Built(documents, giver.basis, Section.CONSENTS)

    def _months(self) -> int:
        """How long a consent lasts here."""
        return self.instance.settings.lifecycle.consent_period_months

    def _state(self, documents: Collection[DocumentBase], today: date) -> ConsentState:
        """The consent state of a log's documents on ``today``."""
        overview = next(d for d in documents if isinstance(d, LogOverview))
        guardians = self.instance.logs.guardianship.guardians(overview.subject.fnr, documents)
        return consent_state(documents, today, self.youth_age, guardians)

    def _settle(
        self,
        snapshot: LogSnapshot,
        changed: list[DocumentBase],
        actors: frozenset[Actor],
        user: User,
        now: datetime,
    ) -> list[DocumentBase]:
        """The changed consent documents plus the step they lead to, if any.

        An open request that is now fully answered is closed; then a pending log
        with consent in force becomes active, a passive one active again, a
        closed one reopened (hiding the old content unless everyone answering
        agreed to show it). An active log with no consent left becomes passive.
        """
        today = oslo_date(now)
        after = dict(snapshot.documents)
        after.update({ref_of(d): d for d in changed})
        overview = snapshot.overview
        state = self._state(after.values(), today)
        documents = list(changed)
        completed: ConsentRequest | None = None
        for index, document in enumerate(documents):
            if (
                isinstance(document, ConsentRequest)
                and document.state == "open"
                and state.complete(document)
            ):
                completed = document.revised(state="answered", closed_on=today)
                documents[index] = completed
        after.update({ref_of(d): d for d in documents})
        facts = facts_from_documents(
            snapshot.log_id,
            after.values(),
            self.instance.index.person_principal,
            self.instance.logs.guardianship,
        )
        covered = covered_services(facts, now, self.youth_age)
        status = overview.status
        steps: list[DocumentBase] = []
        if status == LogStatus.PENDING and covered and completed is not None:
            steps = self._step(overview, Step.ACTIVATE, actors, user, now)
        elif status == LogStatus.PASSIVE and covered:
            steps = self._step(overview, Step.REACTIVATE, actors, user, now)
        elif (
            status == LogStatus.CLOSED
            and covered
            and completed is not None
            and completed.purpose == "reopen"
            and any(c.services for c in state.current if c.request == completed.id)
        ):
            # The old content is shown again only if everyone who answered said so.
            visible = all(c.show_old_content for c in state.current if c.request == completed.id)
            steps = self._step(
                overview,
                Step.REOPEN,
                actors,
                user,
                now,
                old_content_visible=visible,
                closed_on=None,
                closing_reason=None,
                closing_note="",
                reopened_on=today,
                hidden_before=None if visible else snapshot.revision,
            )
        elif status == LogStatus.ACTIVE and not covered:
            steps = self._step(
                overview, Step.MAKE_PASSIVE, actors, user, now, reason="consent_withdrawn"
            )
        return documents + steps


def _open_request(snapshot: LogSnapshot, ref: DocRef) -> ConsentRequest:
    found = snapshot.documents.get(ref)
    if not isinstance(found, ConsentRequest):
        raise NoAccess(snapshot.log_id)
    if found.state != "open":
        raise LifecycleRefused("request_closed")
    return found


# The note on an answer replaced by the same person's new answer (not a withdrawal).
_REPLACED = "answer changed"
# How long after asking to reopen a closed log the holder may not ask again.
_REOPEN_PAUSE = timedelta(days=90)
# How old a signed paper may be when the holder records it.
_PAPER_AGE = timedelta(days=92)


def _lead(portal: LifecycleCore) -> timedelta:
    """How long before expiry a consent may be renewed (the reminder's window)."""
    return timedelta(days=portal.instance.settings.lifecycle.reminder_days)
