"""Values the log service returns: a decrypted state of a log and its history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from app.documents.base import DocumentBase
from app.documents.overview import LogOverview
from app.documents.people import Participant
from app.logs.events import LogEvent
from app.logs.layout import DocRef

D = TypeVar("D", bound=DocumentBase)


@dataclass(frozen=True)
class LogSnapshot:
    """Every document of a log at one revision, decrypted and validated."""

    log_id: str
    revision: str
    documents: dict[DocRef, DocumentBase] = field(repr=False)

    @property
    def overview(self) -> LogOverview:
        """The log's overview document (always present)."""
        overview = self.documents.get(DocRef("log", self.log_id))
        if not isinstance(overview, LogOverview):
            raise LookupError("log has no overview")
        return overview

    def of_kind_active_participants(self) -> list[Participant]:
        """Participants who have not left, ordered by id."""
        return [p for p in self.of_kind(Participant) if p.left_on is None]

    def of_kind(self, model: type[D]) -> list[D]:
        """Documents of one kind, ordered by id."""
        found = [doc for doc in self.documents.values() if isinstance(doc, model)]
        return sorted(found, key=lambda doc: doc.id)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One commit in a log's history, described by its event."""

    revision: str
    author_id: str
    timestamp: datetime
    event: LogEvent | None
