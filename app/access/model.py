"""The vocabulary of access: users, actions and sections of a log."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class UserKind(StrEnum):
    """How the user is known: municipal staff, or a citizen known by fødselsnummer."""

    STAFF = "staff"
    CITIZEN = "citizen"


class StaffRole(StrEnum):
    """Municipal roles from the directory; none of them alone opens a log."""

    UNIT_LEADER = "unit_leader"
    COORDINATOR = "coordinator"
    ARCHIVIST = "archivist"


class Action(StrEnum):
    """What the request does with the section."""

    READ = "read"  # view, preview, download or print
    WRITE = "write"  # add or change documents in the section
    MANAGE = "manage"  # participants, consents, handover, closing
    EXPORT = "export"  # the archivist's full-history export


class Section(StrEnum):
    """Parts of a log that access can be decided for separately."""

    OVERVIEW = "overview"
    PRESENTATION = "presentation"
    WORK = "work"  # goals, activities, evaluations
    MEETINGS = "meetings"  # meetings, minutes, messages, calendar
    PARTICIPANTS = "participants"
    CONSENTS = "consents"
    ATTACHMENTS = "attachments"
    HISTORY = "history"
    ACCESS_LOG = "access_log"


@dataclass(frozen=True)
class User:
    """The logged-in user as the decision sees them: ids only, never a name.

    ``principal`` is the staff user id, or for citizens the keyed hash of their
    fødselsnummer (the same value consents and subjects are matched with).
    """

    principal: str
    kind: UserKind
    staff_roles: frozenset[StaffRole] = field(default_factory=frozenset)
