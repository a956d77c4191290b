"""Typed events that become commit messages, and back.

A commit message is built only from an event: an action, the actor's opaque
id and the documents touched (kind and opaque id). There is no free text, so no
name, fødselsnummer or content can reach Git's metadata through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.logs.layout import DocRef

_MARKER = "Stafettlogg-Event: 1"
#: The actor of changes the system makes itself (schema migrations), not a person.
SYSTEM_ACTOR = "system"


class Action(StrEnum):
    """What a commit did to the log."""

    CREATE_LOG = "create_log"
    SAVE = "save"
    DELETE = "delete"
    RESTORE = "restore"
    ATTACH = "attach"
    HANDOVER = "handover"
    CHANGE_STATUS = "change_status"
    MIGRATE = "migrate"


@dataclass(frozen=True, slots=True)
class LogEvent:
    """One change to a log: who did what to which documents."""

    action: Action
    actor_id: str
    documents: tuple[DocRef, ...]

    def to_message(self) -> str:
        """A commit message: a summary line and machine-readable trailers."""
        summary = f"{self.action.value}: " + ", ".join(str(d) for d in self.documents[:5])
        if len(self.documents) > 5:
            summary += f" (+{len(self.documents) - 5})"
        lines = [summary, "", _MARKER, f"Action: {self.action.value}", f"Actor: {self.actor_id}"]
        lines += [f"Document: {doc}" for doc in self.documents]
        return "\n".join(lines) + "\n"

    @classmethod
    def from_message(cls, message: str) -> LogEvent | None:
        """Parse a message written by :meth:`to_message`; None for anything else."""
        if _MARKER not in message:
            return None
        action = actor = None
        documents = []
        try:
            for line in message.splitlines():
                key, _, value = line.partition(": ")
                if key == "Action":
                    action = Action(value)
                elif key == "Actor":
                    actor = value
                elif key == "Document":
                    documents.append(DocRef.parse(value))
        except ValueError:
            return None
        if action is None or actor is None:
            return None
        return cls(action, actor, tuple(documents))
