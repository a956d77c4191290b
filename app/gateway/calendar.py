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
from app.gateway.core import PortalCore
from app.gateway.errors import NoAccess
from app.messages.threads import for_child


class CalendarVerbs(PortalCore):
    """The calendar verbs of :class:`app.gateway.Portal`."""

    def renew_feed(self, user: User, log_id: str | None) -> str:
        """A new private feed token for one log (or all logs); the old one stops working."""
        if log_id is not None:  # a feed only for a log whose calendar the user may read
            decision = self._require(
                user, self._facts(log_id), Action.READ, Section.MEETINGS, _now()
            )
            if decision.basis == "archive":
                raise NoAccess(log_id)  # the archive reads closed logs; it has no calendar
        return self.instance.feeds.renew(user.principal, user.kind.value, log_id or ALL_LOGS)

    def revoke_feed(self, user: User, log_id: str | None) -> None:
        """Stop the user's own feed for one log (or all logs), access or not.

        Someone whose consent was withdrawn must still be able to stop the link. A
        user with no feed for the log gets NoAccess, like for any log they cannot see.
        """
        if not self.has_feed(user, log_id):
            raise NoAccess(log_id or "feed")
        self.instance.feeds.revoke(user.principal, log_id or ALL_LOGS)

    def has_feed(self, user: User, log_id: str | None) -> bool:
        """Whether the user has a working feed for one log (or all logs)."""
        return self.instance.feeds.has_feed(user.principal, log_id or ALL_LOGS)

    def feed(self, token: str, now: datetime | None = None) -> bytes:
        """The iCalendar feed a token opens; NoAccess for an unknown or revoked token."""
        now = now or self.clock()
        try:
            feed = self.instance.feeds.open(token)
        except FeedTokenUnknown:
            raise NoAccess("feed") from None
        user = User(feed.principal, UserKind(feed.kind))
        if feed.scope == ALL_LOGS:
            log_ids = sorted({row.log_id for row in self.instance.index.logs_for(user.principal)})
        else:
            log_ids = [feed.scope]
        events: list[Event] = []
        for log_id in log_ids:
            events += self._feed_events(user, log_id, now)
        return to_ics(events)

    def _feed_events(self, user: User, log_id: str, now: datetime) -> list[Event]:
        try:
            snapshot = self._snapshot(log_id)
        except NoAccess:
            return []
        facts = self._facts_of(snapshot)
        allowed = scope(user, facts, now, self.youth_age)
        meetings = allowed.decision(Action.READ, Section.MEETINGS)
        work = allowed.decision(Action.READ, Section.WORK)
        if not (meetings or work):
            return []  # consent withdrawn or ended since the feed was made: nothing at all
        self._record(log_id, user, meetings or work, Section.MEETINGS, "read", "", now)
        documents = self._shown(user, facts, snapshot).documents
        if self._is_child(user, facts, now):
            documents = for_child(documents)
        return events_of(log_id, documents.values(), bool(meetings), bool(work))


def _now() -> datetime:
    return datetime.now(UTC)
