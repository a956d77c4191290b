"""Starting a log: a member of staff opens a pending log for a child (seed 002 §2).

The log is pending until consent is in place; only its holder sees it, to
register the guardians and ask for consent. If the subject already has a log,
the member of staff is told only that one exists and whom to contact (the
log's unit, or the coordinator): no access, no names, no duplicate. That
lookup is written to the existing log's access log, so the family can see it.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.access import Decision, Section, StaffRole, User, UserKind
from app.documents.fields import LogStatus, LogTemplate
from app.documents.fnr import birth_date_of, is_valid_pid
from app.documents.overview import Subject
from app.documents.people import Participant
from app.gateway.errors import NoAccess
from app.gateway.lifecycle import LifecycleCore, LifecycleRefused
from app.lifecycle.clock import oslo_date
from app.logs.errors import SubjectAlreadyHasLog
from app.logs.ids import new_document_id


@dataclass(frozen=True)
class NewLog:
    """What the start form asks: who the log is about, which template, level and holder."""

    fnr: str
    given_name: str
    family_name: str
    template: LogTemplate
    level: int
    unit_id: str
    holder_user_id: str  # the starter themself, or a member of the unit the unit leader chose


class LogAlreadyExists(LifecycleRefused):
    """The subject has a log: whom to contact, and nothing else about it."""

    def __init__(self, unit_name: str) -> None:
        """Keep the name of the unit that holds the log (empty: ask the coordinator)."""
        super().__init__("log_exists")
        self.unit_name = unit_name


class StartVerbs(LifecycleCore):
    """The starting verb of :class:`app.gateway.Portal`."""

    def start_log(self, user: User, new: NewLog) -> str:
        """Start a pending log held by ``new.holder_user_id``; returns the log id.

        Refused (LifecycleRefused) for a number that is not a real fødselsnummer
        ("bad_fnr"), a level the municipality does not start at ("bad_level"),
        a unit the starter does not work in ("not_your_unit"), a holder other
        than oneself chosen by someone who is not the unit's leader, or who does
        not work in the unit ("bad_holder"); LogAlreadyExists if there is one.
        """
        if user.kind != UserKind.STAFF:
            raise NoAccess("")
        settings = self.instance.settings
        directory = self.instance.directory.snapshot()
        starter = directory.staff.get(user.principal)
        if starter is None or not starter.active:
            raise NoAccess("")
        if new.unit_id not in starter.unit_ids:
            raise LifecycleRefused("not_your_unit")
        synthetic = settings.allow_synthetic_pids or not settings.production
        born = birth_date_of(new.fnr) if is_valid_pid(new.fnr, allow_synthetic=synthetic) else None
        if born is None:
            raise LifecycleRefused("bad_fnr")
        if new.level not in settings.lifecycle.start_levels:
            raise LifecycleRefused("bad_level")
        holder = directory.staff.get(new.holder_user_id)
        chooses_other = new.holder_user_id != user.principal
        if (
            holder is None
            or not holder.active
            or new.unit_id not in holder.unit_ids
            or (chooses_other and StaffRole.UNIT_LEADER not in user.staff_roles)
        ):
            raise LifecycleRefused("bad_holder")
        today = oslo_date()
        participant = Participant(
            id=new_document_id(),
            user_id=holder.user_id,
            name=holder.name,
            service=holder.service,
            unit_id=new.unit_id,
            job_title=holder.job_title,
            email=holder.email,
            phone=holder.phone,
            joined_on=today,
        )
        subject = Subject(
            fnr=new.fnr,
            given_name=new.given_name.strip(),
            family_name=new.family_name.strip(),
            birth_date=born,
        )
        try:
            snapshot = self.instance.logs.create_log(
                actor_id=user.principal,
                template=new.template,
                subject=subject,
                municipality=settings.municipality,
                unit_id=new.unit_id,
                holder=participant,
                level=new.level,
                today=today,
            )
        except SubjectAlreadyHasLog as exists:
            raise self._exists(user, exists.log_id) from None
        now = self.clock()
        self._record(
            snapshot.log_id, user, Decision(True, "start"), Section.OVERVIEW, "write", "", now
        )
        return snapshot.log_id

    def _exists(self, user: User, log_id: str) -> LogAlreadyExists:
        """Whom to contact about an existing log; the lookup goes into its access log."""
        directory = self.instance.directory.snapshot()
        try:
            overview = self._snapshot(log_id, frozenset({"log"})).overview
        except NoAccess:  # shredded or unreadable: the coordinator knows
            return LogAlreadyExists("")
        unit = directory.units.get(overview.unit_id)
        if overview.status == LogStatus.BLOCKED:  # sperret: only that a log exists
            unit = None
        now = self.clock()
        self._record(
            log_id, user, Decision(True, "start:exists"), Section.OVERVIEW, "lookup", "", now
        )
        return LogAlreadyExists(unit.name if unit is not None else "")
