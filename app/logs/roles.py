"""Who has which relation to a log, derived from its documents.

These rows feed the "my logs" index only; the access decision itself reads the
current consent records on every request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum

from app.documents.base import DocumentBase
from app.documents.overview import LogOverview
from app.documents.people import Participant


class Relation(StrEnum):
    """How a principal relates to a log."""

    HOLDER = "holder"
    PARTICIPANT = "participant"
    GUARDIAN = "guardian"
    SUBJECT = "subject"


def relations(
    documents: Iterable[DocumentBase],
    person_principal: Callable[[str], str],
    guardians: frozenset[str],
) -> set[tuple[str, Relation]]:
    """(principal, relation) pairs; people known by fødselsnummer become keyed hashes.

    ``guardians`` are the fødselsnumre the source of guardianship confirms.
    """
    found: set[tuple[str, Relation]] = set()
    participants: dict[str, Participant] = {}
    overview: LogOverview | None = None
    for document in documents:
        if isinstance(document, Participant):
            participants[document.id] = document
            if document.left_on is None:
                found.add((document.user_id, Relation.PARTICIPANT))
        elif isinstance(document, LogOverview):
            overview = document
    found.update((person_principal(fnr), Relation.GUARDIAN) for fnr in guardians)
    if overview is not None:
        found.add((person_principal(overview.subject.fnr), Relation.SUBJECT))
        holder = participants.get(overview.holder)
        if holder is not None:
            found.add((holder.user_id, Relation.HOLDER))
    return found
