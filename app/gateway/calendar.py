"""Calendar verbs: a private feed a phone subscribes to, and its tokens.

The feed is fetched without a session, by token. It is still answered as the
token's user: every log in it is decided on the current consents at the time of
the fetch, and each one read is written to that log's access log.
"""

from __future__ import annotations

from datetime import UTC, datetime

from app.access import Action, Section, User, UserKind, scope
from app.calendars import FeedTokenUnknown, events_of, to_ics
from app.calendars.events import Event
from app.calendars.feeds import ALL_LOGS
from app.gateway.errors import NoAccess
from app.logs.errors import DocumentNotFound, LogNotFound


class CalendarVerbs:
    """The calendar verbs of :class:`app.gateway.Portal` (mixed in)."""

    def renew_feed(self, user: User, log_id: str | None) -> str:
        """A new private feed token for one log (or all logs); the old one stops working."""
        if log_id is not None:
            self.open_log(user, log_id, section=Section.MEETINGS, record=False)  # type: ignore[attr-defined]
        feeds = self.instance.feeds  # type: ignore[attr-defined]
        return str(feeds.renew(user.principal, user.kind.value, log_id or ALL_LOGS))

    def revoke_feed(self, user: User, log_id: str | None) -> None:
        """Stop the user's feed for one log (or all logs)."""
        self.instance.feeds.revoke(user.principal, log_id or ALL_LOGS)  # type: ignore[attr-defined]

    def has_feed(self, user: User, log_id: str | None) -> bool:
        """Whether the user has a working feed for one log (or all logs)."""
        return bool(self.instance.feeds.has_feed(user.principal, log_id or ALL_LOGS))  # type: ignore[attr-defined]

    def feed(self, token: str, now: datetime | None = None) -> bytes:
        """The iCalendar feed a token opens; NoAccess for an unknown or revoked token."""
        now = now or datetime.now(UTC)
        try:
            feed = self.instance.feeds.open(token)  # type: ignore[attr-defined]
        except FeedTokenUnknown:
            raise NoAccess("feed") from None
        user = User(feed.principal, UserKind(feed.kind))
        if feed.scope == ALL_LOGS:
            log_ids = sorted({row.log_id for row in self.instance.index.logs_for(user.principal)})  # type: ignore[attr-defined]
        else:
            log_ids = [feed.scope]
        events: list[Event] = []
        for log_id in log_ids:
            events += self._feed_events(user, log_id, now)
        return to_ics(events)

    def _feed_events(self, user: User, log_id: str, now: datetime) -> list[Event]:
        try:
            snapshot = self.instance.logs.snapshot(log_id)  # type: ignore[attr-defined]
        except (LogNotFound, DocumentNotFound):
            return []
        facts = self._facts_of(snapshot)  # type: ignore[attr-defined]
        allowed = scope(user, facts, now, self.youth_age)  # type: ignore[attr-defined]
        meetings = allowed.decision(Action.READ, Section.MEETINGS)
        work = allowed.decision(Action.READ, Section.WORK)
        if not (meetings or work):
            return []  # consent withdrawn or ended since the feed was made: nothing at all
        self._record(log_id, user, meetings or work, Section.MEETINGS, "read", "", now)  # type: ignore[attr-defined]
        return events_of(log_id, snapshot.documents.values(), bool(meetings), bool(work))
