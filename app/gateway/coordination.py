"""The coordinator's overview: what in the municipality's logs needs someone to act.

Consents that run out within the reminder's lead time, handovers nobody has
answered for too long, passive logs, pending logs still without consent, and
deletion requests. A coordinator sees every unit; a unit leader sees their own
units (and no deletion requests: those are the coordinator's to decide). The
lists name a log by id and unit; the child's name is shown, and the log
linked, only where the access decision lets the viewer read the log. Every
log listed is recorded in its access log as read by the viewer's role.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from app.access import Action, Decision, Section, StaffRole, User, UserKind, decide
from app.config import LifecycleSettings
from app.documents.fields import LogStatus
from app.documents.records import BatonHandover, DeletionRequest
from app.gateway.core import PortalCore
from app.gateway.errors import NoAccess
from app.lifecycle.clock import oslo_date
from app.lifecycle.consents import expiring
from app.logs.deletion_register import DeletionOutcome
from app.logs.snapshot import LogSnapshot

_KINDS = frozenset(
    {
        "log",
        "participant",
        "consent",
        "consent_request",
        "guardian",
        "baton_handover",
        "deletion_request",
    }
)
_OPEN = frozenset({LogStatus.PENDING, LogStatus.ACTIVE, LogStatus.PASSIVE, LogStatus.CLOSED})


@dataclass(frozen=True)
class LogLine:
    """One log in one list: by id and unit; the name only for who may read the log."""

    log_id: str
    unit_id: str
    on: date | None  # the date that put it on the list
    name: str = ""  # empty unless the viewer may read the log


@dataclass(frozen=True)
class DeletionLine:
    """A deletion request waiting for a coordinator."""

    log: LogLine
    revision: str
    request: DeletionRequest
    proposed_by_me: bool


@dataclass
class CoordinatorOverview:
    """Counts and lists for the coordinator (or a unit leader, for their units)."""

    expiring: list[LogLine] = field(default_factory=list)
    stale_handovers: list[LogLine] = field(default_factory=list)
    passive: list[LogLine] = field(default_factory=list)
    stale_pending: list[LogLine] = field(default_factory=list)
    deletions: list[DeletionLine] = field(default_factory=list)
    outcomes: list[DeletionOutcome] = field(default_factory=list)
    decides_deletions: bool = False


class CoordinationVerbs(PortalCore):
    """The coordinator's overview of :class:`app.gateway.Portal`."""

    def coordinator_overview(self, user: User, now: datetime | None = None) -> CoordinatorOverview:
        """What needs acting on in the viewer's units; NoAccess for other staff."""
        now = now or self.clock()
        coordinator = StaffRole.COORDINATOR in user.staff_roles
        if user.kind != UserKind.STAFF or not (
            coordinator or StaffRole.UNIT_LEADER in user.staff_roles
        ):
            raise NoAccess("coordinator")
        units = None if coordinator else self._led_units(user)
        settings = self.instance.settings.lifecycle
        today = oslo_date(now)
        found = CoordinatorOverview(decides_deletions=coordinator)
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
            lines = _lines(snapshot, today, settings, coordinator)
            if not any(lines.values()):
                continue
            line = self._line(user, snapshot, now)
            for name, on in lines.items():
                if name != "deletion" and on is not None and on is not False:
                    dated = on if isinstance(on, date) else None
                    getattr(found, name).append(
                        LogLine(line.log_id, line.unit_id, dated, line.name)
                    )
            if lines["deletion"]:
                for asked in snapshot.of_kind(DeletionRequest):
                    if asked.waiting:
                        found.deletions.append(
                            DeletionLine(
                                LogLine(line.log_id, line.unit_id, asked.asked_on, line.name),
                                snapshot.revision,
                                asked,
                                asked.proposed_by == user.principal,
                            )
                        )
            basis = Decision(True, "coordinator" if coordinator else "unit_leader:overview")
            self._record(log_id, user, basis, Section.OVERVIEW, "read", "", now)
            if lines["deletion"]:  # the family's request, with its reason, is on the page
                self._record(log_id, user, basis, Section.CONSENTS, "read", "", now)
        for rows in (found.expiring, found.stale_handovers, found.stale_pending, found.passive):
            rows.sort(key=lambda r: (r.on or date.min, r.log_id))
        found.deletions.sort(key=lambda d: (d.log.on or date.min, d.log.log_id))
        if coordinator:
            found.outcomes = self.instance.deletions.all()[:20]
        return found

    def _led_units(self, user: User) -> frozenset[str]:
        member = self.instance.directory.snapshot().staff.get(user.principal)
        return frozenset(member.unit_ids) if member is not None and member.active else frozenset()

    def _line(self, user: User, snapshot: LogSnapshot, now: datetime) -> LogLine:
        """The log as a list names it: with the child's name only for who may read it."""
        overview = snapshot.overview
        reads = decide(
            user, self._facts_of(snapshot), Action.READ, Section.OVERVIEW, now, self.youth_age
        )
        subject = overview.subject
        name = f"{subject.given_name} {subject.family_name}" if reads else ""
        return LogLine(snapshot.log_id, overview.unit_id, None, name)


def _lines(
    snapshot: LogSnapshot, today: date, settings: LifecycleSettings, coordinator: bool
) -> dict[str, date | bool | None]:
    """Which lists the log belongs on, each with the date that put it there.

    A pending log is on its list from ``pending_stale_days`` after it was
    started, asked or not: what matters is that no consent is in place yet.
    """
    overview = snapshot.overview
    ending = [
        c.valid_until for c in expiring(snapshot.documents.values(), today, settings.reminder_days)
    ]
    handovers_from = today - timedelta(days=settings.handover_stale_days)
    stale = [
        h.offered_on
        for h in snapshot.of_kind(BatonHandover)
        if h.pending and h.offered_on and h.offered_on <= handovers_from
    ]
    pending_since = overview.opened_on if overview.status == LogStatus.PENDING else None
    pending_days = settings.pending_stale_days
    return {
        "expiring": min(ending) if ending and overview.status == LogStatus.ACTIVE else None,
        "stale_handovers": min(stale) if stale else None,
        "passive": True if overview.status == LogStatus.PASSIVE else None,
        "stale_pending": pending_since
        if pending_since and pending_since <= today - timedelta(days=pending_days)
        else None,
        "deletion": coordinator and any(r.waiting for r in snapshot.of_kind(DeletionRequest)),
    }
