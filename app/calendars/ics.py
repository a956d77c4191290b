"""Events to iCalendar (RFC 5545) with the icalendar library, without sensitive text."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from icalendar import Event as IcsEvent

from app.calendars.events import Event

# The only words a feed ever carries (whoever has the link sees them).
SUMMARIES = {
    "meeting": "Møte – stafettlogg",
    "deadline": "Frist – stafettlogg",
    "evaluation": "Frist – stafettlogg",
}


def to_ics(events: Iterable[Event], name: str = "Stafettlogg") -> bytes:
    """A VCALENDAR with one VEVENT per event: a generic summary, the time, a meeting's place."""
    calendar = Calendar()
    calendar.add("prodid", "-//stafettlogg//kalender//NO")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = datetime.now(UTC).replace(microsecond=0)
    for event in events:
        item = IcsEvent()
        item.add("uid", f"{event.uid}@stafettlogg")
        item.add("dtstamp", stamp)
        item.add("summary", SUMMARIES[event.kind])
        if isinstance(event.starts, datetime):
            item.add("dtstart", event.starts.astimezone(UTC))
            item.add("dtend", (event.ends or event.starts + timedelta(hours=1)).astimezone(UTC))
        else:
            item.add("dtstart", event.starts)  # an all-day item (VALUE=DATE)
            item.add("dtend", event.starts + timedelta(days=1))
        if event.kind == "meeting" and event.place:
            item.add("location", event.place)
        item.add("transp", "OPAQUE" if event.kind == "meeting" else "TRANSPARENT")
        calendar.add_component(item)
    return bytes(calendar.to_ical())
