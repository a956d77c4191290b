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
    documents = list(documents)
    found: list[Event] = []
    if meetings:
        held = [d for d in documents if isinstance(d, Meeting) and d.status != "cancelled"]
        announced = {m.id for m in held}
        found += [_timed(log_id, m, "meeting") for m in held]
        found += [
            _timed(log_id, entry, "entry")
            for entry in documents
            if isinstance(entry, CalendarEntry) and entry.meeting not in announced
        ]
    if work:
        for activity in (d for d in documents if isinstance(d, Activity) and d.is_open):
            found.append(_dated(log_id, activity, "deadline", activity.deadline))
            if activity.evaluate_on is not None:
                found.append(_dated(log_id, activity, "evaluation", activity.evaluate_on))
    return sorted(found, key=lambda e: (e.day, str(e.starts), e.uid))


def _timed(log_id: str, item: Meeting | CalendarEntry, suffix: str) -> Event:
    """A meeting, or a calendar entry (which is shown as one)."""
    return Event(
        f"{item.id}-{suffix}",
        "meeting",
        item.title,
        item.starts_at,
        item.ends_at,
        item.place,
        log_id,
    )


def _dated(
    log_id: str, activity: Activity, kind: Literal["deadline", "evaluation"], day: date
) -> Event:
    """An activity's deadline or evaluation date: a whole day, with no place."""
    return Event(f"{activity.id}-{kind}", kind, activity.title, day, None, "", log_id)
