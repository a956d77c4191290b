"""What every document kind shares: kind, schema version, id and a Markdown body."""

from __future__ import annotations

from typing import Any, ClassVar, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from app.documents.fields import Body, DocumentId


class DocumentBase(BaseModel):
    """Base of all document kinds; subclasses fix ``kind`` with a Literal."""

    # Frozen: decrypted documents are cached and shared between requests, so nobody may
    # change one in place; ``revised`` makes a validated copy instead.
    model_config = ConfigDict(
        extra="forbid", validate_default=True, use_enum_values=False, frozen=True
    )

    #: Whether a log holds at most one document of this kind (overview, presentation …).
    singleton: ClassVar[bool] = False

    schema_version: int = Field(
        1, ge=1, le=1, description="Version of this kind's schema; bumped on incompatible changes."
    )
    id: DocumentId
    system_id: UUID | None = Field(
        None,
        description="Noark 5 systemID: a UUID given when the document is first stored and "
        "never changed, so every archive export names the document the same way.",
    )
    body: Body = Field("", description="Free text in Markdown, rendered without raw HTML.")

    def revised(self, **changes: Any) -> Self:
        """A validated copy with some fields changed (``model_copy`` skips validation).

        A copy under a new id is a new document: it does not take the systemID
        along (the service gives it its own when it is stored).
        """
        if changes.get("id", self.id) != self.id and "system_id" not in changes:
            changes["system_id"] = None
        return self.model_validate({**self.model_dump(), **changes})
