"""The dated things in a log, as calendar events."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from app.documents.base import DocumentBase
from app.documents.meetings import CalendarEntry, Meeting
from app.documents.work import Activity


@dataclass(frozen=True, slots=True)
class Event:
    """One event: a meeting (with a time) or a deadline or evaluation date (a day)."""

    uid: str  # stable across feeds and downloads: the document id and what it is
    kind: Literal["meeting", "deadline", "evaluation"]
    title: str  # for the log's own pages only; never written to a feed
    starts: datetime | date
    ends: datetime | None
    place: str  # meetings only; a feed may show it
    log_id: str

    @property
    def month_key(self) -> str:
        """Year and month, for grouping a list by month."""
        return self.day.strftime("%Y-%m")

    @property
    def day(self) -> date:
        """The day the event falls on."""
        return self.starts.date() if isinstance(self.starts, datetime) else self.starts


def events_of(
    log_id: str, documents: Iterable[DocumentBase], meetings: bool, work: bool
) -> list[Event]:
    """The events of a log, in time order; ``meetings``/``work`` say which sections to use."""
    found: list[Event] = []
    seen_meetings: set[str] = set()
    for document in documents:
        if meetings and isinstance(document, Meeting) and document.status != "cancelled":
            seen_meetings.add(document.id)
            found.append(
                Event(
                    f"{document.id}-meeting",
                    "meeting",
                    document.title,
                    document.starts_at,
                    document.ends_at,
                    document.place,
                    log_id,
                )
            )
        elif work and isinstance(document, Activity) and document.is_open:
            found.append(
                Event(
                    f"{document.id}-deadline",
                    "deadline",
                    document.title,
                    document.deadline,
                    None,
                    "",
                    log_id,
                )
            )
            if document.evaluate_on is not None:
                found.append(
                    Event(
                        f"{document.id}-evaluation",
                        "evaluation",
                        document.title,
                        document.evaluate_on,
                        None,
                        "",
                        log_id,
                    )
                )
    for document in documents:
        if (
            meetings
            and isinstance(document, CalendarEntry)
            and (document.meeting is None or document.meeting not in seen_meetings)
        ):
            found.append(
                Event(
                    f"{document.id}-entry",
                    "meeting",
                    document.title,
                    document.starts_at,
                    document.ends_at,
                    document.place,
                    log_id,
                )
            )
    return sorted(found, key=lambda e: (e.day, str(e.starts), e.uid))
