"""Reading threads: what is new for whom, and marking a thread as seen."""

from __future__ import annotations

from app.access import User
from app.documents.meetings import Message
from app.gateway.core import PortalCore
from app.logs.snapshot import LogSnapshot
from app.messages.threads import Thread, threads_of


class MessageVerbs(PortalCore):
    """The message verbs of :class:`app.gateway.Portal` (the change pipeline saves messages)."""

    def threads(self, user: User, snapshot: LogSnapshot) -> list[tuple[Thread, int]]:
        """The threads a page shows, each with how many messages are new for ``user``."""
        seen = self.instance.read_marks.seen(user.principal, snapshot.log_id)
        return [
            (thread, thread.new_for(user.principal, seen.get(thread.id)))
            for thread in threads_of(snapshot.documents.values())
        ]

    def see_thread(self, user: User, log_id: str, thread: Thread) -> None:
        """``user`` has seen ``thread`` as drawn: up to its newest message, not beyond.

        A reply saved while the page was drawn is newer than that, so it stays new.
        """
        self.instance.read_marks.mark_seen(user.principal, log_id, thread.id, thread.last_at)

    def may_edit(self, user: User, log_id: str, message: Message) -> bool:
        """Its author may edit a message until someone else has seen it."""
        return (
            message.author == user.principal
            and message.withdrawn_at is None
            and message.purpose == "message"
            and not self.instance.read_marks.seen_by_others(
                log_id, message.thread or message.id, user.principal, message.sent_at
            )
        )
