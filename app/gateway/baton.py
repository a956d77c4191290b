"""The baton and the level: handing the log on, and saying how much help the child needs.

A handover is offered by the holder (or the unit leader of the log's unit)
and is pending until the new holder accepts it; until then the old holder
keeps every duty and right (seeds 002, 004). The new holder may decline it and
whoever offered it may withdraw it. Every handover is a dated document in the
history, and the log never has zero holders: the holder changes in the same
commit as the acceptance. The holder changes the BTI level with a date and a
reason; the overview shows the level and its history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.access import Action, Decision, LogFacts, Section, StaffRole, User, UserKind, decide
from app.documents.fields import LogStatus
from app.documents.people import Participant
from app.documents.records import BatonHandover, LevelChange
from app.gateway.errors import NoAccess
from app.gateway.lifecycle import Built, LifecycleCore, LifecycleRefused, doc_ref, require
from app.lifecycle.clock import oslo_date
from app.lifecycle.machine import Actor
from app.logs.events import Action as Event
from app.logs.ids import new_document_id
from app.logs.layout import DocRef
from app.logs.snapshot import LogSnapshot

# The baton passes while the log is being worked in, or waits for consent.
_WORKING = frozenset({LogStatus.PENDING, LogStatus.ACTIVE})
_ASSIGNMENT_KINDS = frozenset({"log", "participant", "consent", "guardian", "baton_handover"})


@dataclass(frozen=True)
class Assignment:
    """A log in the unit leader's unit whose baton needs them: its holder has gone, or an
    offer has waited too long. Names of staff, never content; the child's name only for
    a leader who may read the log."""

    log_id: str
    revision: str
    unit_id: str
    name: str
    holder_name: str
    holder_gone: bool
    offered_on: date | None
    candidates: list[tuple[str, str]]  # (participant id, name): who could take the baton
    offer_id: str | None = None  # the offer that waits, which the unit leader may withdraw


class BatonVerbs(LifecycleCore):
    """The handover and level verbs of :class:`app.gateway.Portal`."""

    def offer_baton(
        self,
        user: User,
        log_id: str,
        to_participant: str,
        *,
        seen_revision: str,
        form_key: str = "",
        service: str = "",
    ) -> str:
        """Offer the baton to another participant (a member of staff); the new revision.

        A malformed participant id is refused as no possible holder, after the
        access check: who may not offer learns nothing from it.
        """
        try:
            target: DocRef | None = doc_ref(log_id, "participant", to_participant)
        except NoAccess:
            target = None

        def build(snapshot: LogSnapshot, facts: LogFacts, now: datetime) -> Built:
            actors = self._actors(user, snapshot, facts, now)
            require(bool(actors & {Actor.HOLDER, Actor.UNIT_LEADER}), log_id)
            require(snapshot.overview.status in _WORKING, log_id)
            if any(h.pending for h in snapshot.of_kind(BatonHandover)):
                raise LifecycleRefused("handover_pending")
            found = snapshot.documents.get(target) if target else None
            staff = self.instance.directory.snapshot().staff
            if (
                not isinstance(found, Participant)
                or found.left_on is not None
                or found.id == snapshot.overview.holder
                or found.user_id not in staff
                or not staff[found.user_id].active
                or not self._staff_may_read(found.user_id, facts, now)
            ):
                raise LifecycleRefused("handover_target")
            offer = BatonHandover(
                id=new_document_id(),
                from_holder=snapshot.overview.holder,
                to_holder=found.id,
                state="offered",
                offered_by=user.principal,
                offered_on=oslo_date(now),
            )
            basis = "holder" if Actor.HOLDER in actors else "unit_leader:handover"
            return Built([offer], basis, Section.PARTICIPANTS, Event.HANDOVER)

        return self._commit_step(
            user,
            log_id,
            seen_revision=seen_revision,
            watched=(target,) if target else (),
            build=build,
            form_key=form_key,
            service=service,
        )

    def answer_baton(
        self,
        user: User,
        log_id: str,
        handover_id: str,
        *,
        answer: str,
        seen_revision: str,
        form_key: str = "",
        service: str = "",
    ) -> str:
        """The offered holder accepts or declines; whoever offered it may withdraw it.

        ``answer`` is "accept", "decline" or "withdraw"; accepting makes the
        new holder the holder in the same commit.
        """
        ref = doc_ref(log_id, "baton_handover", handover_id)

        def build(snapshot: LogSnapshot, facts: LogFacts, now: datetime) -> Built:
            found = snapshot.documents.get(ref)
            require(isinstance(found, BatonHandover), log_id)
            assert isinstance(found, BatonHandover)
            require(snapshot.overview.status in _WORKING, log_id)
            today = oslo_date(now)
            receiver = snapshot.documents.get(DocRef("participant", found.to_holder))
            is_receiver = (
                isinstance(receiver, Participant)
                and receiver.left_on is None
                and receiver.user_id == user.principal
            )
            actors = self._actors(user, snapshot, facts, now)
            # Whoever offered it, the holder, or the unit leader (an offer left behind).
            offerer = found.offered_by == user.principal or bool(
                actors & {Actor.HOLDER, Actor.UNIT_LEADER}
            )
            require(is_receiver or offerer, log_id)
            if answer not in ("accept", "decline", "withdraw"):  # after the check: a 404 first
                raise ValueError(answer)
            if not found.pending:  # someone answered first: said so, to those it concerns
                raise LifecycleRefused("handover_answered")
            if answer == "withdraw":
                require(offerer, log_id)
                # The unit leader withdraws someone else's offer only once it has waited too long.
                own = found.offered_by == user.principal or Actor.HOLDER in actors
                stale_days = self.instance.settings.lifecycle.handover_stale_days
                waited = found.offered_on and found.offered_on <= today - timedelta(days=stale_days)
                if not own and not waited:
                    raise LifecycleRefused("handover_not_stale")
                return Built(
                    [found.revised(state="withdrawn", answered_on=today)],
                    "holder" if Actor.HOLDER in actors else "unit_leader:handover",
                    Section.PARTICIPANTS,
                    Event.HANDOVER,
                )
            require(is_receiver, log_id)
            if answer == "decline":
                return Built(
                    [found.revised(state="declined", answered_on=today)],
                    "handover:receiver",
                    Section.PARTICIPANTS,
                    Event.HANDOVER,
                )
            member = self.instance.directory.snapshot().staff.get(user.principal)
            if member is None or not member.active:
                raise LifecycleRefused("handover_target")
            if found.from_holder != snapshot.overview.holder:
                raise LifecycleRefused("handover_stale")  # the baton moved another way meanwhile
            accepted = found.revised(state="accepted", handed_over_on=today)
            overview = snapshot.overview.revised(holder=found.to_holder)
            return Built(
                [accepted, overview], "handover:receiver", Section.PARTICIPANTS, Event.HANDOVER
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

    def baton_assignments(self, user: User, now: datetime | None = None) -> list[Assignment]:
        """Logs in the unit leader's units whose holder has left (the directory says the
        person is no longer active) or whose offer of the baton has waited too long.

        The unit leader assigns the baton from here (:meth:`offer_baton`); the
        new holder still accepts it. NoAccess for anyone but a unit leader.
        """
        now = now or self.clock()
        directory = self.instance.directory.snapshot()
        member = directory.staff.get(user.principal)
        if (
            user.kind != UserKind.STAFF
            or StaffRole.UNIT_LEADER not in user.staff_roles
            or member is None
            or not member.active
        ):
            raise NoAccess("assignments")
        units = frozenset(member.unit_ids)
        stale_from = oslo_date(now) - timedelta(
            days=self.instance.settings.lifecycle.handover_stale_days
        )
        found: list[Assignment] = []
        for log_id in self.instance.index.log_ids(units):
            try:
                snapshot = self._snapshot(log_id, _ASSIGNMENT_KINDS)
            except NoAccess:
                continue
            overview = snapshot.overview
            if overview.status not in _WORKING or overview.unit_id not in units:
                continue
            holder = snapshot.documents.get(DocRef("participant", overview.holder))
            if not isinstance(holder, Participant):
                continue
            staff = directory.staff.get(holder.user_id)
            gone = staff is None or not staff.active  # a holder may work in another unit
            pending = [h for h in snapshot.of_kind(BatonHandover) if h.pending]
            offered = [h.offered_on for h in pending]
            stale = bool(offered) and offered[0] is not None and offered[0] <= stale_from
            if not gone and not stale:
                continue
            facts = self._facts_of(snapshot)
            candidates = [
                (p.id, p.name)
                for p in snapshot.of_kind_active_participants()
                if p.id != holder.id
                and p.user_id in directory.staff
                and directory.staff[p.user_id].active
                and self._staff_may_read(p.user_id, facts, now)
            ]
            reads = decide(user, facts, Action.READ, Section.OVERVIEW, now, self.youth_age)
            subject = overview.subject
            found.append(
                Assignment(
                    log_id,
                    snapshot.revision,
                    overview.unit_id,
                    f"{subject.given_name} {subject.family_name}" if reads else "",
                    holder.name,
                    gone,
                    offered[0] if offered else None,
                    sorted(candidates, key=lambda c: c[1]),
                    pending[0].id if pending else None,
                )
            )
            decision = Decision(True, "unit_leader:handover")
            self._record(log_id, user, decision, Section.PARTICIPANTS, "read", "", now)
        return found

    def _staff_may_read(self, user_id: str, facts: LogFacts, now: datetime) -> bool:
        """Whether a member of staff could open the log now (a new holder must)."""
        staff = User(user_id, UserKind.STAFF)
        return bool(decide(staff, facts, Action.READ, Section.OVERVIEW, now, self.youth_age))

    def change_level(
        self,
        user: User,
        log_id: str,
        *,
        level: int,
        changed_on: date,
        reason: str,
        seen_revision: str,
        form_key: str = "",
        service: str = "",
    ) -> str:
        """The holder changes the BTI level from a date, with a reason; the new revision."""

        def build(snapshot: LogSnapshot, facts: LogFacts, now: datetime) -> Built:
            actors = self._actors(user, snapshot, facts, now)
            require(Actor.HOLDER in actors, log_id)
            overview = snapshot.overview
            require(overview.status == LogStatus.ACTIVE, log_id)
            if not 0 <= level <= 3:
                raise LifecycleRefused("bad_level")
            if level == overview.level:
                raise LifecycleRefused("same_level")
            if not reason.strip():
                raise LifecycleRefused("reason_required")
            if changed_on > oslo_date(now) or changed_on < overview.opened_on:
                raise LifecycleRefused("level_date")
            holder = overview.holder
            change = LevelChange(
                id=new_document_id(),
                from_level=overview.level,
                to_level=level,
                changed_on=changed_on,
                decided_by=holder,
                body=reason.strip(),
            )
            return Built([change, overview.revised(level=level)], "holder", Section.OVERVIEW)

        return self._commit_step(
            user,
            log_id,
            seen_revision=seen_revision,
            watched=(DocRef("log", log_id),),
            build=build,
            form_key=form_key,
            service=service,
        )
