"""Who made each change, by name and role, as the archive reads it at export.

Commits carry opaque ids only (no personal data in Git metadata). At export
the archive gets names: staff from the municipal directory, citizens from
the log itself (its confirmed guardians and its subject), matched by the same
keyed hash the gateway uses. Anyone else is "ukjent".
"""

from __future__ import annotations

from collections.abc import Callable

from app.archive.history_bundle import Author
from app.documents.people import Guardian
from app.instance import Instance

_ROLES = {"unit_leader": "enhetsleder", "coordinator": "koordinator", "archivist": "arkivar"}


def author_names(instance: Instance, log_id: str) -> Callable[[str], Author]:
    """A lookup from a commit's author id to a name and a role, for one log."""
    directory = instance.directory.snapshot()
    snapshot = instance.logs.snapshot(log_id)
    principal = instance.index.person_principal
    subject = snapshot.overview.subject
    people = {
        principal(subject.fnr): Author(f"{subject.given_name} {subject.family_name}", "planeier")
    }
    for guardian in snapshot.of_kind(Guardian):
        people[principal(guardian.fnr)] = Author(guardian.name, "foresatt")

    def author_of(author_id: str) -> Author:
        member = directory.staff.get(author_id)
        if member is not None:
            roles = [_ROLES.get(str(role), str(role)) for role in member.roles]
            title = member.job_title or "ansatt"
            return Author(member.name, ", ".join([title, *roles]))
        return people.get(author_id, Author("ukjent", "ukjent"))

    return author_of
