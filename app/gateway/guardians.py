"""Guardians are registered by the holder and confirmed by a second member of staff.

The holder registers a guardian through the ordinary change pipeline; that
pipeline refuses any document that claims a confirmation. Confirming is this
module's verb alone: the unit leader of the log's unit or the coordinator, who
is neither the one who registered the guardian nor the guardian, confirms what
they were shown (the revision they saw). Staff roles never open a log by
themselves, so the confirmer sees only what the confirmation needs: the
child's name and birth date, the guardian's name and birth date; every such
look is written to the access log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from app.access import Decision, LogFacts, Section, StaffRole, User, UserKind
from app.directory.models import StaffMember
from app.documents.fields import LogStatus
from app.documents.fnr import birth_date_of
from app.documents.people import Guardian
from app.gateway.errors import NoAccess
from app.gateway.lifecycle import Built, LifecycleCore, doc_ref, require
from app.lifecycle.clock import oslo_date
from app.logs.errors import LogError
from app.logs.snapshot import LogSnapshot

_KINDS = frozenset({"log", "guardian"})
# Guardians are confirmed while a log can still be consented to; an ended log is read-only.
_OPEN = frozenset({LogStatus.PENDING, LogStatus.ACTIVE, LogStatus.PASSIVE})


@dataclass(frozen=True, slots=True)
class GuardianToConfirm:
    """One registered guardian waiting for a second person, with what checking it needs."""

    log_id: str
    revision: str
    unit_id: str
    guardian_id: str
    guardian_name: str
    guardian_born: date | None
    subject_name: str
    subject_born: date
    registered_by: str
    registered_on: date


class ConfirmationRefused(LogError):
    """The confirmation is not this person's to give; ``code`` says why."""

    def __init__(self, code: str) -> None:
        """Name the reason."""
        super().__init__(code)
        self.code = code


class GuardianVerbs(LifecycleCore):
    """The confirmation verbs of :class:`app.gateway.Portal`."""

    def guardians_to_confirm(self, user: User) -> list[GuardianToConfirm]:
        """Registered guardians this user may confirm, oldest first (none for most staff)."""
        units = self._confirming_units(user, self.instance.directory.snapshot().staff)
        if units is not None and not units:
            return []
        found: list[GuardianToConfirm] = []
        now = self.clock()
        for log_id in self.instance.index.log_ids(units):
            try:
                snapshot = self._snapshot(log_id, _KINDS)
            except NoAccess:
                continue
            overview = snapshot.overview
            if overview.status not in _OPEN or (
                units is not None and overview.unit_id not in units
            ):
                continue
            waiting = [
                g
                for g in snapshot.of_kind(Guardian)
                if g.confirmed_by is None
                and g.ended_on is None
                and g.registered_by != user.principal
            ]
            if not waiting:
                continue
            self._record(log_id, user, self._basis(user), Section.CONSENTS, "read", "", now)
            subject = overview.subject
            found += [
                GuardianToConfirm(
                    log_id,
                    snapshot.revision,
                    overview.unit_id,
                    g.id,
                    g.name,
                    birth_date_of(g.fnr),
                    f"{subject.given_name} {subject.family_name}",
                    subject.birth_date,
                    g.registered_by,
                    g.registered_on,
                )
                for g in waiting
            ]
        return sorted(found, key=lambda g: (g.registered_on, g.log_id))

    def confirm_guardian(
        self, user: User, log_id: str, guardian_id: str, *, seen_revision: str, answer: str
    ) -> str:
        """Confirm (or turn down) a registered guardian as a second person; the new revision.

        Refused with :class:`ConfirmationRefused` when this user registered the
        guardian or is the guardian; with NoAccess when confirming is not their
        role here. If the guardian record changed since it was shown, EditConflict.
        ``answer`` is "confirm" or "decline"; anything else is a ValueError, after
        the role is checked (so a stranger learns nothing from a broken form).
        """
        staff = self.instance.directory.snapshot().staff
        units = self._confirming_units(user, staff)
        ref = doc_ref(log_id, "guardian", guardian_id)

        def build(snapshot: LogSnapshot, _facts: LogFacts, _now: datetime) -> Built:
            overview = snapshot.overview
            require(
                overview.status in _OPEN and (units is None or overview.unit_id in units), log_id
            )
            found = snapshot.documents.get(ref)
            require(
                isinstance(found, Guardian) and not found.confirmed_by and not found.ended_on,
                log_id,
            )
            assert isinstance(found, Guardian)
            if answer not in ("confirm", "decline"):
                raise ValueError(answer)
            confirm = answer == "confirm"
            if found.registered_by == user.principal:
                raise ConfirmationRefused("registered_it")
            member = staff.get(user.principal)
            if member is None or member.fnr is None:  # who confirms must be known, to rule out
                raise ConfirmationRefused("unknown_identity")
            if member.fnr == found.fnr:
                raise ConfirmationRefused("is_the_guardian")
            registrar = staff.get(found.registered_by)
            if confirm and registrar is not None and registrar.fnr == found.fnr:
                raise ConfirmationRefused("registered_themself")
            today = oslo_date()
            answered = (
                found.revised(confirmed_by=user.principal, confirmed_on=today)
                if confirm
                else found.revised(ended_on=today)
            )
            return Built([answered], self._basis(user).basis, Section.CONSENTS)

        return self._commit_step(
            user, log_id, seen_revision=seen_revision, watched=(ref,), build=build
        )

    @staticmethod
    def _confirming_units(user: User, staff: Mapping[str, StaffMember]) -> frozenset[str] | None:
        """None for the coordinator (every unit); the unit leader's units; else NoAccess."""
        if user.kind != UserKind.STAFF:
            raise NoAccess("")
        if StaffRole.COORDINATOR in user.staff_roles:
            return None
        if StaffRole.UNIT_LEADER in user.staff_roles:
            member = staff.get(user.principal)
            return (
                frozenset(member.unit_ids) if member is not None and member.active else frozenset()
            )
        raise NoAccess("")

    @staticmethod
    def _basis(user: User) -> Decision:
        role = "coordinator" if StaffRole.COORDINATOR in user.staff_roles else "unit_leader"
        return Decision(True, f"{role}:guardian confirmation")
