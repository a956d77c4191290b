"""Who the subject's guardians are: the one source the access decision trusts.

Staff write a log's documents, so naming someone in a consent proves nothing;
one member of staff could otherwise name themself a guardian and read the log
with their own ID-porten login. A guardian therefore counts only when the
source of guardianship says so. The embedded default is four eyes: the holder
registers a guardian, and a second member of staff (the unit leader or the
coordinator) confirms it. A lookup in Folkeregisteret can replace it later by
implementing :class:`GuardianshipSource`; nothing else has to change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from app.documents.base import DocumentBase
from app.documents.people import Guardian


class GuardianshipSource(Protocol):
    """Answers who has parental responsibility for the subject of a log."""

    def guardians(self, subject_fnr: str, documents: Iterable[DocumentBase]) -> frozenset[str]:
        """The fødselsnumre of the subject's guardians, given the log's documents."""
        ...


class FourEyesConfirmation:
    """The embedded default: guardians registered in the log and confirmed by a second person."""

    def guardians(self, subject_fnr: str, documents: Iterable[DocumentBase]) -> frozenset[str]:
        """Confirmed, not ended guardian records; never the subject themself."""
        return frozenset(
            d.fnr
            for d in documents
            if isinstance(d, Guardian) and d.is_confirmed and d.fnr != subject_fnr
        )


FOUR_EYES = FourEyesConfirmation()
