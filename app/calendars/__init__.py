"""The log's calendar: meetings, deadlines and evaluation dates, as pages and as iCalendar.

A phone calendar subscribes to a private feed URL; whoever has the link sees
the times, so the feed carries no sensitive text: only "Møte – stafettlogg" or
"Frist – stafettlogg", the time and, for meetings, the place. Never a name, a
goal or an agenda.
"""

from app.calendars.events import Event, events_of
from app.calendars.feeds import FeedTokens, FeedTokenUnknown
from app.calendars.ics import to_ics

__all__ = ["Event", "FeedTokenUnknown", "FeedTokens", "events_of", "to_ics"]
