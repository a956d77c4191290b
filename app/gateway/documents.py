"""Documents (scans, reports) attached to a log: naming a new one, reading one back."""

from __future__ import annotations

import hashlib
from datetime import datetime

from app.access import Action, Section, User
from app.documents.records import Attachment
from app.gateway.core import PortalCore
from app.gateway.errors import NoAccess
from app.logs.errors import DocumentNotFound
from app.logs.ids import new_document_id
from app.logs.layout import DocRef, attachment_path
from app.media.uploads import CleanUpload


def new_attachment(
    clean: CleanUpload, title: str, uploaded_by: str, now: datetime
) -> tuple[Attachment, dict[str, bytes]]:
    """Metadata for checked bytes, and the bytes at the path the server chose for them.

    The stored name is the server's (``dokument-<id>.<ext>``): the file name a
    browser sent may hold a child's name, and it never reaches a path.
    """
    attachment_id = new_document_id()
    metadata = Attachment(
        id=attachment_id,
        title=title,
        filename=f"dokument-{attachment_id}.{clean.extension}",
        media_type=clean.media_type,
        size_bytes=len(clean.data),
        sha256=hashlib.sha256(clean.data).hexdigest(),
        uploaded_by=uploaded_by,
        uploaded_at=now,
    )
    return metadata, {attachment_path(attachment_id): clean.data}


class DocumentVerbs(PortalCore):
    """The document verbs of :class:`app.gateway.Portal` (uploads go through the pipeline)."""

    def document_file(
        self, user: User, log_id: str, attachment_id: str, service: str = ""
    ) -> tuple[Attachment, bytes]:
        """An attached document and its bytes, for those who may read the documents.

        Recorded in the access log as a download. The subject's photo is not a
        document: it is shown on the overview, to those who may read that.
        """
        now = self.clock()
        snapshot = self._snapshot(log_id)
        facts = self._facts_of(snapshot)
        decision = self._require(user, facts, Action.READ, Section.ATTACHMENTS, now)
        snapshot = self._shown(user, facts, snapshot)
        try:
            metadata = snapshot.documents.get(DocRef("attachment", attachment_id))
        except ValueError:
            metadata = None
        if not isinstance(metadata, Attachment) or attachment_id == snapshot.overview.photo:
            raise NoAccess(log_id)
        try:
            data = self.instance.logs.read_attachment(log_id, attachment_id, snapshot.revision)
        except DocumentNotFound:
            raise NoAccess(log_id) from None
        if hashlib.sha256(data).hexdigest() != metadata.sha256:
            raise NoAccess(log_id)  # never hand out bytes that are not what was checked in
        self._record(log_id, user, decision, Section.ATTACHMENTS, "download", service, now)
        return metadata, data
