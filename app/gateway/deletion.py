"""Deletion versus the archive duty: the family asks, coordinators decide (seed 002 §5.5).

A guardian (or the youth from the consent age) asks for the log to be
deleted; they may withdraw the request while it waits. A coordinator handles
it. Where the archive duty applies the log is **blocked**: no one opens it but
the archivist's export, and the index keeps only that a blocked log exists.
Where it does not, one coordinator proposes **shredding** and a *second*
coordinator confirms it: the log's keys are destroyed and every version of
every file in it becomes unreadable. A coordinator may also turn the request
down, with a note. Blocking and shredding are recorded in the deletion
register outside the log (app/logs/deletion_register.py), with the date, the
reason and who decided, so the family can be told the outcome even when the
log itself can say nothing any more.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from app.access import LogFacts, Section, StaffRole, User, UserKind
from app.documents.base import DocumentBase
from app.documents.fields import ClosingReason, LogStatus
from app.documents.records import DeletionRequest
from app.gateway.errors import NoAccess
from app.gateway.lifecycle import (
    Built,
    LifecycleCore,
    LifecycleRefused,
    answered_what_waits,
    doc_ref,
    require,
)
from app.lifecycle.clock import oslo_date
from app.lifecycle.machine import Actor, Step, next_state_as
from app.logs.deletion_register import DeletionOutcome
from app.logs.deletions import carry_out_deletion
from app.logs.ids import new_document_id
from app.logs.layout import DocRef
from app.logs.snapshot import LogSnapshot

Decision = Literal["block", "propose_shred", "decline"]
DECISIONS: tuple[Decision, ...] = ("block", "propose_shred", "decline")
_NOTE_MAX = 1000
# Where the family may ask: not where the log is already blocked, archived or gone.
_ASKABLE = frozenset({LogStatus.PENDING, LogStatus.ACTIVE, LogStatus.PASSIVE, LogStatus.CLOSED})


class DeletionVerbs(LifecycleCore):
    """The deletion verbs of :class:`app.gateway.Portal`."""

    # -- the family ------------------------------------------------------------

    def ask_deletion(
        self,
        user: User,
        log_id: str,
        *,
        reason: str = "",
        seen_revision: str,
        form_key: str = "",
        service: str = "",
    ) -> str:
        """A guardian or the youth asks for the log to be deleted; the new revision."""

        def build(snapshot: LogSnapshot, facts: LogFacts, now: datetime) -> Built:
            actors = self._actors(user, snapshot, facts, now)
            require(bool(actors & {Actor.GUARDIAN, Actor.YOUTH}), log_id)
            require(snapshot.overview.status in _ASKABLE, log_id)
            if any(r.waiting for r in snapshot.of_kind(DeletionRequest)):
                raise LifecycleRefused("deletion_waiting")
            youth = Actor.YOUTH in actors
            asked = DeletionRequest(
                id=new_document_id(),
                asked_by=user.principal,
                asked_by_role="subject" if youth else "guardian",
                asked_on=oslo_date(now),
                reason=reason.strip(),
            )
            return Built([asked], "youth" if youth else "guardian", Section.CONSENTS)

        return self._commit_step(
            user,
            log_id,
            seen_revision=seen_revision,
            watched=(),
            build=build,
            form_key=form_key,
            service=service,
        )

    def withdraw_deletion(
        self,
        user: User,
        log_id: str,
        request_id: str,
        *,
        seen_revision: str,
        form_key: str = "",
        service: str = "",
    ) -> str:
        """The one who asked takes the request back while it waits; the new revision."""
        ref = doc_ref(log_id, "deletion_request", request_id)

        def build(snapshot: LogSnapshot, facts: LogFacts, now: datetime) -> Built:
            asked = _request(snapshot, ref)
            require(asked.asked_by == user.principal, log_id)
            require(self._reads(user, facts, now), log_id)
            if not asked.waiting:
                raise LifecycleRefused("deletion_decided")
            withdrawn = asked.revised(
                state="withdrawn", decided_on=oslo_date(now), proposed_by=None, proposed_on=None
            )
            basis = "youth" if asked.asked_by_role == "subject" else "guardian"
            return Built([withdrawn], basis, Section.CONSENTS)

        return self._commit_step(
            user,
            log_id,
            seen_revision=seen_revision,
            watched=(ref,),
            build=build,
            form_key=form_key,
            service=service,
        )

    def deletion_outcomes(self, user: User) -> list[DeletionOutcome]:
        """How the user's own deletion requests ended (blocked or shredded), to tell them."""
        if user.kind != UserKind.CITIZEN:
            return []
        return self.instance.deletions.asked_by(user.principal)

    # -- the coordinators ------------------------------------------------------

    def decide_deletion(
        self,
        user: User,
        log_id: str,
        request_id: str,
        *,
        decision: str,
        note: str = "",
        seen_revision: str,
        form_key: str = "",
        service: str = "",
    ) -> str:
        """A coordinator blocks the log, proposes shredding it, or turns the request down.

        Declining needs a note (the family is told why). Blocking takes the
        log's step in the same commit and is recorded in the deletion register.
        """
        ref = doc_ref(log_id, "deletion_request", request_id)
        note = note.strip()
        too_long = len(note) > _NOTE_MAX

        def build(snapshot: LogSnapshot, facts: LogFacts, now: datetime) -> Built:
            actors = self._coordinator(user, snapshot, facts, now)
            asked = _request(snapshot, ref)
            if not asked.waiting:
                raise LifecycleRefused("deletion_decided")
            if decision not in DECISIONS:
                raise ValueError(f"unknown decision {decision!r}")
            if too_long:
                raise LifecycleRefused("note_too_long")
            today = oslo_date(now)
            overview = snapshot.overview
            documents: list[DocumentBase]
            if decision == "decline":
                if not note:
                    raise LifecycleRefused("note_required")
                documents = [_decided(asked, "declined", user, today, note)]
            elif decision == "propose_shred":
                next_state_as(overview.status, Step.SHRED, actors)  # refused if it cannot be
                if asked.state == "shred_proposed":
                    raise LifecycleRefused("deletion_decided")
                documents = [
                    asked.revised(
                        state="shred_proposed",
                        proposed_by=user.principal,
                        proposed_on=today,
                        decision_note=note,
                    )
                ]
            else:
                documents = [
                    _decided(asked, "blocked", user, today, note),
                    *self._step(
                        overview,
                        Step.BLOCK,
                        actors,
                        user,
                        now,
                        reason="archive_duty",
                        note=note,
                        # An ended log keeps how it ended; an open one ends on the demand.
                        closed_on=overview.closed_on or today,
                        closing_reason=overview.closing_reason or ClosingReason.DELETION_DEMANDED,
                    ),
                    *answered_what_waits(snapshot, today),
                ]
            return Built(documents, "coordinator", Section.CONSENTS)

        revision = self._commit_step(
            user,
            log_id,
            seen_revision=seen_revision,
            watched=(ref,),
            build=build,
            form_key=form_key,
            service=service,
        )
        if decision == "block":
            carry_out_deletion(self.instance.logs, self.instance.deletions, log_id)
        return revision

    def confirm_shredding(
        self,
        user: User,
        log_id: str,
        request_id: str,
        *,
        seen_revision: str,
        form_key: str = "",
        service: str = "",
    ) -> None:
        """A second coordinator confirms the proposal: the log's keys are destroyed.

        The confirmation is committed to the log first, against its head, with
        the request watched, so a blocking of the same request at the same
        moment makes one of the two fail. Then it is carried out: the outcome
        goes to the deletion register, the keys go, the register says it is
        done (app/logs/deletions.py; ``stafettlogg fsck`` finishes it after a
        crash). The log's own access log becomes unreadable with it.
        """
        ref = doc_ref(log_id, "deletion_request", request_id)

        def build(snapshot: LogSnapshot, facts: LogFacts, now: datetime) -> Built:
            actors = self._coordinator(user, snapshot, facts, now)
            asked = _request(snapshot, ref)
            if asked.state != "shred_proposed":
                raise LifecycleRefused("deletion_decided")
            if asked.proposed_by == user.principal:
                raise LifecycleRefused("second_coordinator")
            next_state_as(snapshot.overview.status, Step.SHRED, actors)
            confirmed = asked.revised(
                state="shredded", decided_by=user.principal, decided_on=oslo_date(now)
            )
            return Built([confirmed], "coordinator", Section.CONSENTS)

        self._commit_step(
            user,
            log_id,
            seen_revision=seen_revision,
            watched=(ref,),
            build=build,
            form_key=form_key,
            service=service,
        )
        carry_out_deletion(self.instance.logs, self.instance.deletions, log_id)
        self._facts_cache.drop(lambda key: key[0] == log_id)

    # -- internals -------------------------------------------------------------

    def _coordinator(
        self, user: User, snapshot: LogSnapshot, facts: LogFacts, now: datetime
    ) -> frozenset[Actor]:
        """The user's actors, if they are a coordinator; NoAccess for anyone else."""
        require(
            user.kind == UserKind.STAFF and StaffRole.COORDINATOR in user.staff_roles,
            snapshot.log_id,
        )
        return self._actors(user, snapshot, facts, now)


def _request(snapshot: LogSnapshot, ref: DocRef) -> DeletionRequest:
    found = snapshot.documents.get(ref)
    if not isinstance(found, DeletionRequest):
        raise NoAccess(snapshot.log_id)
    return found


def _decided(
    asked: DeletionRequest, state: str, user: User, today: date, note: str
) -> DeletionRequest:
    return asked.revised(
        state=state,
        decided_by=user.principal,
        decided_on=today,
        decision_note=note,
        proposed_by=None,
        proposed_on=None,
    )
