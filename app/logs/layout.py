"""Where each document lives inside a log's repository.

Paths carry only the document kind and its opaque id. Singleton kinds (the
overview, the presentation, the initiative) have one fixed file each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.documents.registry import MODELS

_FOLDERS = {
    "goal": "goals",
    "activity": "activities",
    "evaluation": "evaluations",
    "meeting": "meetings",
    "amendment": "amendments",
    "message": "messages",
    "calendar_entry": "calendar",
    "participant": "participants",
    "consent": "consents",
    "consent_request": "consent-requests",
    "deletion_request": "deletion-requests",
    "guardian": "guardians",
    "attachment": "attachments",
    "level_change": "level-changes",
    "baton_handover": "handovers",
    "status_change": "status-changes",
    "archive_delivery": "archive-deliveries",
}
_KIND_OF_FOLDER = {folder: kind for kind, folder in _FOLDERS.items()}
_ID = re.compile(r"^[a-z0-9]{8,32}$")
SUFFIX = ".md"
ATTACHMENT_SUFFIX = ".bin"


@dataclass(frozen=True, slots=True, order=True)
class DocRef:
    """Names one document of a log: its kind and its id."""

    kind: str
    id: str

    def __post_init__(self) -> None:
        """Refuse unknown kinds and ids outside the opaque alphabet."""
        if self.kind not in MODELS or not _ID.match(self.id):
            raise ValueError("not a valid document reference")

    def __str__(self) -> str:
        """``kind/id``, the form used in commit messages."""
        return f"{self.kind}/{self.id}"

    @classmethod
    def parse(cls, text: str) -> DocRef:
        """Inverse of ``str()``."""
        kind, _, doc_id = text.partition("/")
        return cls(kind, doc_id)


def is_singleton(kind: str) -> bool:
    """Whether a log holds at most one document of ``kind``."""
    return MODELS[kind].singleton


def path_of(ref: DocRef) -> str:
    """The repository path of a document."""
    if is_singleton(ref.kind):
        return f"{ref.kind}{SUFFIX}"
    return f"{_FOLDERS[ref.kind]}/{ref.id}{SUFFIX}"


def attachment_path(attachment_id: str) -> str:
    """The repository path of an attachment's encrypted bytes."""
    if not _ID.match(attachment_id):
        raise ValueError("not a valid attachment id")
    return f"{_FOLDERS['attachment']}/{attachment_id}{ATTACHMENT_SUFFIX}"


def kind_of_path(path: str) -> str | None:
    """The document kind stored at ``path``, or None for non-document files."""
    if not path.endswith(SUFFIX):
        return None
    folder, sep, _name = path.rpartition("/")
    if not sep:
        kind = path[: -len(SUFFIX)]
        return kind if kind in MODELS and is_singleton(kind) else None
    return _KIND_OF_FOLDER.get(folder)


def folder_of(kind: str) -> str | None:
    """The folder holding documents of a non-singleton ``kind``."""
    return _FOLDERS.get(kind)
