"""Messages grouped into threads, and what a child under the consent age may see of them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from app.documents.base import DocumentBase
from app.documents.meetings import CalendarEntry, Meeting, Message, MinutesAmendment
from app.logs.layout import DocRef


@dataclass(frozen=True)
class Thread:
    """A conversation: the first message and the replies, oldest first."""

    first: Message
    messages: tuple[Message, ...]

    @property
    def id(self) -> str:
        """The thread is known by its first message."""
        return self.first.id

    @property
    def last_at(self) -> datetime:
        """When the newest message was sent or edited."""
        return max(_changed_at(m) for m in self.messages)

    def new_for(self, principal: str, seen_at: datetime | None) -> int:
        """How many messages by others arrived or changed since ``principal`` last looked."""
        return sum(
            1
            for m in self.messages
            if m.author != principal and (seen_at is None or _changed_at(m) > seen_at)
        )


def _changed_at(message: Message) -> datetime:
    return max(message.sent_at, message.edited_at or message.sent_at)


def threads_of(documents: Iterable[DocumentBase]) -> list[Thread]:
    """Every thread of a log, the one with the newest message first."""
    messages = [d for d in documents if isinstance(d, Message)]
    replies: dict[str, list[Message]] = {}
    for message in messages:
        if message.thread is not None:
            replies.setdefault(message.thread, []).append(message)
    threads = [
        Thread(first, tuple(sorted([first, *replies.get(first.id, [])], key=lambda m: m.sent_at)))
        for first in messages
        if first.thread is None
    ]
    return sorted(threads, key=lambda t: t.last_at, reverse=True)


def for_child(documents: Mapping[DocRef, DocumentBase]) -> dict[DocRef, DocumentBase]:
    """What a child under the consent age sees of meetings and messages.

    The youth takes part from the consent age; before it, only in the meetings
    they are invited to and the threads the holder included them in.
    """
    meetings = {d.id: d.invite_subject for d in documents.values() if isinstance(d, Meeting)}
    threads = {
        ref.id
        for ref, d in documents.items()
        if isinstance(d, Message)
        and d.thread is None
        # A meeting's thread follows whom the meeting invites now; others, the holder's choice.
        and (meetings.get(d.meeting, False) if d.meeting else d.include_subject)
    }

    def shown(document: DocumentBase) -> bool:
        if isinstance(document, Meeting):
            return meetings[document.id]
        if isinstance(document, MinutesAmendment):
            return meetings.get(document.meeting, False)
        if isinstance(document, CalendarEntry) and document.from_meeting:
            return meetings.get(document.from_meeting, False)
        if isinstance(document, Message):
            return (document.thread or document.id) in threads
        return True

    return {ref: d for ref, d in documents.items() if shown(d)}
