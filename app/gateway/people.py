"""Names for the opaque ids a log stores, resolved when a page is drawn.

Git and the documents keep only ids (a participant's document id, a staff
user id, the keyed hash of a citizen). Who they are is looked up at display
time from the log's participants and consents and from the municipal
directory, so a renamed person shows with the new name and a person who left
shows as a former participant, never as an id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from app.documents.overview import LogOverview
from app.documents.people import Consent, Participant
from app.logs.snapshot import LogSnapshot


@dataclass(frozen=True)
class Person:
    """How to show someone: a name, or for someone who left, only their service."""

    name: str
    role: str  # "participant", "guardian", "subject", "staff"
    service: str = ""
    former: bool = False


@dataclass(frozen=True)
class People:
    """The people of one log, by participant document id and by user id."""

    participants: Mapping[str, Person] = field(default_factory=dict)
    users: Mapping[str, Person] = field(default_factory=dict)

    def participant(self, participant_id: str | None) -> Person | None:
        """The participant with this document id, if known."""
        return self.participants.get(participant_id or "")

    def user(self, user_id: str | None) -> Person | None:
        """The staff member or citizen with this opaque id, if known."""
        return self.users.get(user_id or "")


def resolve_people(
    snapshot: LogSnapshot,
    person_principal: Callable[[str], str],
    staff_names: Mapping[str, str],
) -> People:
    """Index every person a log mentions; ``staff_names`` maps staff ids to directory names."""
    participants: dict[str, Person] = {}
    users: dict[str, Person] = {}
    for document in snapshot.documents.values():
        if isinstance(document, Participant):
            person = Person(
                staff_names.get(document.user_id, document.name),
                "participant",
                document.service.value,
                former=document.left_on is not None,
            )
            participants[document.id] = person
            if not person.former or document.user_id not in users:
                users[document.user_id] = person
        elif isinstance(document, Consent):
            users.setdefault(
                person_principal(document.given_by_fnr),
                Person(document.given_by_name, document.role),
            )
        elif isinstance(document, LogOverview):
            subject = document.subject
            users[person_principal(subject.fnr)] = Person(
                f"{subject.given_name} {subject.family_name}", "subject"
            )
    return People(participants, users)
